"""Forms of the award pages; the rules (windows, eligibility, who nominates) are the
services'."""

import datetime as dt
from typing import Any

from babel import dates as babel_dates
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.awards import selectors
from programmes.awards.models import Nomination, RoundStatus
from programmes.configuration.models import AwardCategory
from programmes.core.i18n import formatting_locale, translated

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NominationForm(forms.Form):
    nominee = forms.ModelChoiceField(
        label=_("Organisation you nominate"),
        queryset=selectors.nominees_for_form(),
        empty_label="—",
    )
    justification = forms.CharField(
        label=_("Why does this organisation deserve the award?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_("Describe what it has done and what it achieved (at most 5,000 characters)."),
    )
    nominator_name = forms.CharField(label=_("Your name"), max_length=200)
    nominator_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("Only the municipality sees your name and address."),
    )

    def __init__(self, *args: Any, public: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nominee"].queryset = selectors.nominees_for_form()
        self.fields["nominee"].label_from_instance = lambda partner: partner.name
        if not public:
            del self.fields["nominator_name"]
            del self.fields["nominator_email"]


def month_choices() -> list[tuple[str, str]]:
    locale = formatting_locale()
    return [("", _("The whole year"))] + [
        (str(month), babel_dates.format_date(dt.date(2000, month, 1), "LLLL", locale=locale))
        for month in range(1, 13)
    ]


class RoundOpenForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Award"), queryset=AwardCategory.objects.all(), empty_label="—"
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(
        label=_("Month (for a monthly prize)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[],
    )
    nomination_opens = forms.DateField(
        label=_("Nominations open"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Leave empty to take the award's window (the month for a monthly prize)."),
    )
    nomination_closes = forms.DateField(
        label=_("Nominations close"), required=False, widget=DATE_INPUT
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda category: translated(category.name)
        self.fields["month"].choices = month_choices()
        self.fields["year"].initial = timezone.localdate().year


class EligibilityForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Eligible")), ("no", _("Not eligible"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnnounceForm(forms.Form):
    winner = forms.ModelChoiceField(
        label=_("Winner"),
        required=False,
        queryset=Nomination.objects.none(),
        empty_label=_("The highest weighted total"),
    )
    reason = forms.CharField(
        label=_("Reason, when you choose another winner than the highest total"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, award_round: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["winner"]
        field.queryset = award_round.nominations.filter(eligible=True).order_by("nominee_name")
        field.label_from_instance = lambda nomination: nomination.nominee_name
        self.enabled = award_round.status == RoundStatus.CLOSED

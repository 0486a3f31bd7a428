from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.configuration.presets import preset_names
from programmes.core.forms import QuickSelect
from tenants.models import Country, Kind, Language, Status
from tenants.reporting.models import Health

# Longest search text the console's tenant list accepts (names are at most 200 characters).
CONSOLE_SEARCH_MAX = 100


def _optional_filter(label: str, every: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    """A filter of the console's list: ``every`` (no filter) first, then ``choices``."""
    return forms.ChoiceField(
        label=label, required=False, choices=[("", every), *choices], widget=QuickSelect
    )


class ConsoleFilterForm(forms.Form):
    """The console's tenant list: search and filters (GET; an invalid value filters nothing)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=CONSOLE_SEARCH_MAX,
        help_text=_("Part of the name or the slug."),
    )
    country = _optional_filter(_("Country"), _("Every country"), Country.choices)
    status = _optional_filter(_("Status"), _("Every status"), Status.choices)
    health = _optional_filter(_("Health"), _("Every health"), Health.choices)


class OnboardingForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.CharField(
        label=_("Slug"),
        max_length=40,
        help_text=_("Lower-case letters and digits; also the first part of the web address."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices)
    language = forms.ChoiceField(label=_("Primary language"), choices=Language.choices)
    other_languages = forms.MultipleChoiceField(
        label=_("Other languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preset = forms.ChoiceField(label=_("Preset"), choices=())
    admin_email = forms.EmailField(label=_("First admin's e-mail address"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [(name, name) for name in preset_names()]
        self.fields["preset"].initial = "neutral"


class TenantStatusForm(forms.Form):
    """Suspending or reactivating a tenant: the reason goes into both audit trails."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the platform's audit log and in the tenant's own."),
    )

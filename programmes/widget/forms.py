"""Forms of the widget's admin page; the rules (what an origin is) are the services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.core.i18n import language_name
from programmes.widget.models import WINNERS_MAX, WidgetSettings


def show_choices() -> list[tuple[str, str]]:
    return [
        ("count", _("The number of partners")),
        ("partners", _("The list of partners")),
        ("winners", _("The latest award winners")),
    ]


class WidgetSettingsForm(forms.Form):
    allowed_origins = forms.CharField(
        label=_("Websites that may show the widget"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 5, "spellcheck": "false", "autocapitalize": "off", "dir": "ltr"}
        ),
        help_text=_(
            "One website per line, written as https:// and the host name, for example "
            "https://www.example.dk (with a port if it has one; no page paths, no wildcards; "
            "http:// only for testing on localhost). Only these websites can load the partner "
            "data or show the widget's frame."
        ),
    )
    show_count = forms.BooleanField(label=_("Show the number of partners"), required=False)
    show_partners = forms.BooleanField(label=_("Show the list of partners"), required=False)
    show_winners = forms.BooleanField(label=_("Show the latest award winners"), required=False)
    winners_count = forms.IntegerField(
        label=_("Number of award winners shown"), min_value=1, max_value=WINNERS_MAX
    )

    @classmethod
    def for_settings(cls, settings: WidgetSettings, data: Any = None) -> "WidgetSettingsForm":
        return cls(
            data,
            initial={
                "allowed_origins": "\n".join(settings.allowed_origins),
                "show_count": settings.show_count,
                "show_partners": settings.show_partners,
                "show_winners": settings.show_winners,
                "winners_count": settings.winners_count,
            },
        )

    def origin_lines(self) -> list[str]:
        return self.cleaned_data["allowed_origins"].splitlines()


class SnippetForm(forms.Form):
    """How the embed code is written (read from the query string; never saved)."""

    lang = forms.ChoiceField(label=_("Language of the widget"))
    show = forms.MultipleChoiceField(
        label=_("What the widget shows"),
        widget=forms.CheckboxSelectMultiple,
        choices=show_choices,
    )
    heading_level = forms.TypedChoiceField(
        label=_("Heading level on your page"),
        choices=[(str(level), f"h{level}") for level in range(2, 7)],
        coerce=int,
        help_text=_("The level of the widget's heading in the outline of your page."),
    )

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lang"].choices = [(code, language_name(code)) for code in languages]

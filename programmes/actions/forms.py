"""Forms of the action pages; the rules (limits, effect, provenance) are the services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.actions.models import ProgrammeAction
from programmes.configuration.models import Theme
from programmes.core.forms import LocalDecimalField, TranslatedFieldsFormMixin
from programmes.partners.models import Sector
from tenants.library.models import CostLevel, EffectLevel, OrganisationSize


class ActionForm(TranslatedFieldsFormMixin, forms.ModelForm):
    """Title and description per language of the programme (the primary language
    required), and the fields the library shares."""

    long_texts = ("description",)
    effect_tonnes_per_year = LocalDecimalField(
        label=_("Expected effect (tonnes CO2e a year)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("Where it can be estimated; otherwise choose the level below."),
    )
    effect_level = forms.ChoiceField(
        label=_("Expected effect"),
        required=False,
        choices=[("", _("Not given")), *EffectLevel.choices],
    )
    sectors = forms.MultipleChoiceField(
        label=_("Suits these sectors"),
        required=False,
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: suits every sector."),
    )
    sizes = forms.MultipleChoiceField(
        label=_("Suits these sizes"),
        required=False,
        choices=OrganisationSize.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: suits every size."),
    )

    class Meta:
        model = ProgrammeAction
        fields = (
            "title",
            "description",
            "theme",
            "effect_tonnes_per_year",
            "effect_level",
            "cost_level",
            "sectors",
            "sizes",
            "sources",
        )
        labels = {"theme": _("Theme"), "cost_level": _("Cost"), "sources": _("Sources")}
        help_texts = {
            "sources": _("Where the action and its effect are documented (links, reports).")
        }
        widgets = {"sources": forms.Textarea(attrs={"rows": 3})}

    def data_for_service(self) -> dict[str, Any]:
        """The cleaned values as the services take them."""
        data = {name: getattr(self.instance, name) for name in self.Meta.fields}
        data["effect_level"] = self.cleaned_data.get("effect_level") or ""
        data["effect_tonnes_per_year"] = self.cleaned_data.get("effect_tonnes_per_year")
        data["sectors"] = list(self.cleaned_data.get("sectors") or [])
        data["sizes"] = list(self.cleaned_data.get("sizes") or [])
        return data


def _choices(label: str, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *choices]


class LibraryFilterForm(forms.Form):
    """Search and filters of the library page (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    theme = forms.ChoiceField(
        label=_("Theme"), required=False, choices=_choices(_("All themes"), Theme.choices)
    )
    sector = forms.ChoiceField(
        label=_("Suits the sector"),
        required=False,
        choices=_choices(_("Any sector"), Sector.choices),
    )
    size = forms.ChoiceField(
        label=_("Suits the size"),
        required=False,
        choices=_choices(_("Any size"), OrganisationSize.choices),
    )
    cost = forms.ChoiceField(
        label=_("Cost"), required=False, choices=_choices(_("Any cost"), CostLevel.choices)
    )


class PublishForm(forms.Form):
    contributor_name = forms.CharField(
        label=_("Contributed by"),
        max_length=200,
        help_text=_("Shown in the library as the action's source."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PullUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

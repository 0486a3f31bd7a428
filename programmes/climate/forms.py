from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.climate.models import (
    ACCOUNT_FIELDS,
    TONNES,
    ActivityKind,
    ActivityUnit,
    ClimateAccount,
    Method,
    Scope3Category,
)
from programmes.climate.services import Activity
from programmes.core.forms import LocalDecimalField
from programmes.core.uploads import XLSX_TYPE


def _tonnes(label: Any, *, required: bool = False) -> forms.DecimalField:
    return LocalDecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_digits=TONNES["max_digits"],
        decimal_places=TONNES["decimal_places"],
    )


class ClimateAccountForm(forms.Form):
    """The account's figures; scope 3 one field per GHG Protocol category (``scope3_<n>``,
    the keys the service reports its errors under). Uniqueness of the year and the single
    baseline are the service's to check: a ModelForm would refuse moving the baseline."""

    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    scope1 = _tonnes(_("Scope 1 (t CO2e)"), required=True)
    scope2_location = _tonnes(_("Scope 2, location-based (t CO2e)"), required=True)
    scope2_market = _tonnes(_("Scope 2, market-based (t CO2e)"))
    method = forms.ChoiceField(label=_("Method or tool"), choices=Method.choices)
    method_detail = forms.CharField(
        label=_("Method, in your own words"), required=False, max_length=200
    )
    is_baseline = forms.BooleanField(
        label=_("This is our baseline year (the year we measure reductions from)"),
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope2_market"].help_text = _(
            "When given, the market-based figure counts in the total."
        )
        for category in Scope3Category:
            self.fields[f"scope3_{category.value}"] = _tonnes(category.label)

    @classmethod
    def initial_for(cls, account: ClimateAccount) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(account, name) for name in ACCOUNT_FIELDS}
        for row in account.scope3.all():
            initial[f"scope3_{row.category}"] = row.tonnes
        return initial

    def scope3_fields(self) -> list[forms.BoundField]:
        return [self[f"scope3_{category}"] for category in Scope3Category.values]

    def account_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "year": data["year"],
            "scope1": data["scope1"],
            "scope2_location": data["scope2_location"],
            "scope2_market": data["scope2_market"],
            "method": data["method"],
            "method_detail": data["method_detail"],
            "is_baseline": data["is_baseline"],
            "notes": data["notes"],
            "scope3": {
                category: data[f"scope3_{category}"]
                for category in Scope3Category.values
                if data.get(f"scope3_{category}") is not None
            },
        }


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Activity"), choices=[("", "—"), *ActivityKind.choices], required=False
    )
    quantity = LocalDecimalField(
        label=_("Quantity"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    unit = forms.ChoiceField(
        label=_("Unit"), choices=[("", "—"), *ActivityUnit.choices], required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        given = [data.get("kind"), data.get("quantity"), data.get("unit")]
        if any(value not in (None, "") for value in given):
            if not data.get("kind"):
                self.add_error("kind", _("Choose the activity."))
            if data.get("quantity") is None and "quantity" not in self.errors:
                self.add_error("quantity", _("Give the quantity."))
            if not data.get("unit"):
                self.add_error("unit", _("The unit is missing."))
        return data


class BaseActivityFormSet(forms.BaseFormSet):
    def activities(self) -> list[Activity]:
        return [
            Activity(kind=data["kind"], quantity=data["quantity"], unit=data["unit"])
            for data in (form.cleaned_data for form in self.forms)
            if data.get("kind")
        ]


ActivityFormSet = forms.formset_factory(ActivityForm, formset=BaseActivityFormSet, extra=3)


def activity_initial(account: ClimateAccount | None) -> list[dict[str, Any]]:
    if account is None:
        return []
    return [
        {"kind": row.kind, "quantity": row.quantity, "unit": row.unit}
        for row in account.activities.all()
    ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Climate accounts (CSV or XLSX, at most 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".csv,.xlsx,text/csv,{XLSX_TYPE}"}),
    )

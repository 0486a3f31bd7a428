"""Forms of the invoicing pages. They parse what was typed; the rules (a valid IBAN, a
payment no larger than what is left to pay…) are the services'."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.core.forms import LocalDecimalField
from programmes.core.i18n import current_tenant
from programmes.core.uploads import XLSX_TYPE
from programmes.invoicing.models import (
    SETTINGS_FIELDS,
    BillingDetails,
    InvoiceStatus,
    InvoicingSettings,
    OtherIncome,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _year_field(label: str, *, required: bool) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class OverviewFilterForm(forms.Form):
    year = _year_field(_("Fee year"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *InvoiceStatus.choices]
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Buyer, invoice number or payment reference."),
    )


class RunYearForm(forms.Form):
    """The fee year whose annual run is previewed."""

    year = _year_field(_("Fee year"), required=True)


class RunIssueForm(forms.Form):
    """Issue the previewed run, once the person has ticked that they checked it."""

    year = forms.IntegerField(min_value=2000, max_value=2100, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I have checked the list: issue these invoices and send them to the partners."),
        required=True,
        error_messages={"required": _("Tick the box to confirm the invoices are to be issued.")},
    )


class PaymentForm(forms.Form):
    amount = LocalDecimalField(
        label=_("Amount received"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    paid_on = forms.DateField(label=_("Received on"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate


class CreditForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the invoice credited?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed on the credit note the partner receives."),
    )


# Settings that only mean something in one country.
NATIONAL_FIELDS = {"bankgiro": "SE", "f_skatt": "SE", "foretaksregisteret": "NO"}


class InvoicingSettingsForm(forms.Form):
    """The fields of InvoicingSettings, filled in from the stored settings."""

    def __init__(self, *args: Any, instance: InvoicingSettings | None = None, **kwargs: Any):
        if instance is not None:
            kwargs.setdefault(
                "initial", {name: getattr(instance, name) for name in SETTINGS_FIELDS}
            )
        super().__init__(*args, **kwargs)
        country = current_tenant().country
        for name, only_in in NATIONAL_FIELDS.items():
            if country != only_in:
                del self.fields[name]


InvoicingSettingsForm.base_fields = forms.fields_for_model(
    InvoicingSettings, fields=SETTINGS_FIELDS
)


class BillingDetailsForm(forms.Form):
    """The partner's own reference and invoice e-mail address."""

    reference = forms.CharField(
        label=_("Your reference"),
        max_length=100,
        required=False,
        help_text=_("A name, cost centre or order number your finance department asks for."),
    )
    email = forms.EmailField(
        label=_("Invoice e-mail address"),
        required=False,
        help_text=_("Leave empty to have invoices sent to your organisation's usual addresses."),
    )

    def __init__(self, *args: Any, instance: BillingDetails | None = None, **kwargs: Any):
        if instance is not None:
            kwargs.setdefault("initial", {"reference": instance.reference, "email": instance.email})
        super().__init__(*args, **kwargs)


class OtherIncomeForm(forms.ModelForm):
    class Meta:
        model = OtherIncome
        fields = ["year", "source", "description", "amount", "received_on"]
        widgets = {"received_on": DATE_INPUT}
        field_classes = {"amount": LocalDecimalField}


class PaymentsImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bank or ERP export (CSV or XLSX, at most 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".csv,.xlsx,text/csv,{XLSX_TYPE}"}),
    )

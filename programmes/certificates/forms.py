from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programmes.certificates.models import Certificate, CertificateStatus
from programmes.configuration.models import CertificationScheme

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CertificateForm(forms.ModelForm):
    """The fields of a certificate; the rules (what a held or planned certificate needs, the
    scheme in use, the document's content) are the service's."""

    document_upload = forms.FileField(
        label=_("Document (PDF, PNG or JPEG, at most 10 MB)"),
        required=False,
        help_text=_("A scan or photo of the certificate. A new file replaces the stored one."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
    remove_document = forms.BooleanField(label=_("Remove the stored document"), required=False)

    class Meta:
        model = Certificate
        fields = [
            "scheme",
            "planned",
            "planned_by",
            "number",
            "issued_on",
            "expires_on",
            "issuing_body",
        ]
        widgets = {"planned_by": DATE_INPUT, "issued_on": DATE_INPUT, "expires_on": DATE_INPUT}
        help_texts = {
            "planned": _("Tick if you plan to certify; give the date you expect it by."),
            "number": _("For a certificate you hold."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The schemes in use, and the one the certificate already has if retired since.
        in_use = Q(is_active=True)
        if self.instance.scheme_id:
            in_use |= Q(pk=self.instance.scheme_id)
        self.fields["scheme"].queryset = CertificationScheme.objects.filter(in_use)
        self.fields["scheme"].empty_label = "—"
        if not self.instance.document:
            del self.fields["remove_document"]


class OverviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *CertificateStatus.choices]
    )
    scheme = forms.ModelChoiceField(
        label=_("Scheme"),
        required=False,
        queryset=CertificationScheme.objects.all(),
        empty_label=_("All"),
    )
    q = forms.CharField(label=_("Search"), required=False)

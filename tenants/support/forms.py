from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.support.models import DEFAULT_MINUTES, DURATION_CHOICES


class SupportGrantForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the municipality's admins and recorded in both audit logs."),
    )
    minutes = forms.TypedChoiceField(
        label=_("Duration"), choices=DURATION_CHOICES, coerce=int, initial=DEFAULT_MINUTES
    )


class SupportGrantEndForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        help_text=_("Recorded in the audit log with your name."),
    )

"""Forms of the symbol pages; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.symbols.services import MAX_REASON


class RegenerateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the code replaced?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_REASON,
        help_text=_(
            "For example where the link was misused. The reason is kept in the audit trail."
        ),
    )

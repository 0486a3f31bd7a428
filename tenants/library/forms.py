"""Forms of the operators' moderation pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.library.models import ModerationStatus
from tenants.library.selectors import QUERY_MAX
from tenants.library.services import REASON_MAX


class ModerationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=QUERY_MAX,
        help_text=_("Words in the title, description, sources or contributor's name."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Every status")), *ModerationStatus.choices],
    )


class ModerationForm(forms.Form):
    """Hide or restore, with the reason (required; the service checks it too)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The contributor sees it; it is kept in the audit trail."),
        error_messages={"required": _("Give the reason for this decision.")},
    )

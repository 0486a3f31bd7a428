"""Forms of the announcement pages; the rules (complete texts, known criteria, who may do
what) are the services'."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.communication.models import Announcement, Category
from programmes.communication.segments import FIRST_YEAR, LAST_YEAR, SEGMENT_STAGES
from programmes.configuration.models import Tier
from programmes.core.forms import TranslatedFieldsFormMixin
from programmes.core.i18n import current_tenant
from programmes.partners.models import Sector, Stage

SEGMENT_FIELDS = ("stages", "tiers", "sectors", "not_reported_year", "certificate_expiring")


class AnnouncementForm(TranslatedFieldsFormMixin, forms.ModelForm):
    """The texts in the tenant's languages, the category and who receives it."""

    long_texts = ("body",)

    stages = forms.MultipleChoiceField(
        label=_("Stage of the partnership"),
        required=False,
        choices=[(value, label) for value, label in Stage.choices if value in SEGMENT_STAGES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every stage (partners that have ended never receive it)."),
    )
    tiers = forms.ModelMultipleChoiceField(
        label=_("Tier"),
        required=False,
        queryset=Tier.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sector"),
        required=False,
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    not_reported_year = forms.IntegerField(
        label=_("Only partners that have not answered the follow-up for the year"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("For example this year; leave empty for every partner."),
    )
    certificate_expiring = forms.BooleanField(
        label=_("Only partners with a certificate expiring soon"), required=False
    )

    class Meta:
        model = Announcement
        fields = ["title", "body", "category", "essential"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        segment = self.instance.segment or {}
        for name in ("stages", "sectors", "not_reported_year", "certificate_expiring"):
            self.fields[name].initial = segment.get(name)
        self.fields["tiers"].initial = segment.get("tiers", [])
        if not Tier.objects.exists():
            del self.fields["tiers"]

    def message_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in SEGMENT_FIELDS]

    def segment_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SEGMENT_FIELDS if name in self.fields]

    def segment(self) -> dict[str, Any]:
        """The criteria as the service takes them."""
        data = self.cleaned_data
        return {
            "stages": list(data.get("stages") or []),
            "tiers": [tier.pk for tier in data.get("tiers") or []],
            "sectors": list(data.get("sectors") or []),
            "not_reported_year": data.get("not_reported_year"),
            "certificate_expiring": bool(data.get("certificate_expiring")),
        }


class SendForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("In the programme's time zone. Leave empty to send now."),
    )

    def clean_send_at(self) -> dt.datetime | None:
        """The time as the municipality means it: in the tenant's time zone."""
        value = self.cleaned_data.get("send_at")
        tenant = current_tenant()
        if value is None or tenant is None:
            return value
        return timezone.make_aware(value.replace(tzinfo=None), ZoneInfo(tenant.time_zone))


class PreferenceForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Newsletters I want"),
        required=False,
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    newsletters_off = forms.BooleanField(
        label=_("No newsletters at all (service messages still come)"), required=False
    )

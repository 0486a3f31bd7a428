"""The audit log page of a municipality (/manage/audit/): its admins read the tenant's own
trail (the schema's), filtered by who, what, when and outcome, and download it as CSV.
Municipal staff, partners and visitors are refused; operators read theirs in the public
schema (not here)."""

import csv
import datetime as dt
import io
import json
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.apps import apps
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from programmes.core.audit import audit_actions, audit_events_for_log
from programmes.core.i18n import current_tenant
from programmes.core.models import AuditEvent, Outcome
from programmes.core.views import municipal_admin_required

PAGE_SIZE = 50
CSV_COLUMNS = (
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "outcome",
    "ip",
    "user_agent",
    "reason",
    "data",
)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=254,
        help_text=_("Part of an e-mail address, or “system” or “anonymous”."),
    )
    action = forms.ChoiceField(label=_("What"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("All")), *Outcome.choices]
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All")), *((a, a) for a in actions)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, Any]:
    form = AuditFilterForm(request.GET or None, actions=audit_actions())
    chosen = form.cleaned_data if form.is_valid() else {}
    tenant = current_tenant()
    zone = ZoneInfo(tenant.time_zone) if tenant else dt.UTC

    def start_of(day: dt.date | None) -> dt.datetime | None:
        return dt.datetime.combine(day, dt.time.min, tzinfo=zone) if day else None

    until = chosen.get("until")
    events = audit_events_for_log(
        actor=chosen.get("actor", ""),
        action=chosen.get("action", ""),
        outcome=chosen.get("outcome", ""),
        since=start_of(chosen.get("since")),
        before=start_of(until + dt.timedelta(days=1)) if until else None,
    )
    return form, events


def _target_label(event: AuditEvent, names: dict[str, str]) -> str:
    if not event.target_type:
        return ""
    if event.target_type not in names:
        try:
            model = apps.get_model(event.target_type)
            names[event.target_type] = str(model._meta.verbose_name).capitalize()
        except (LookupError, ValueError):
            names[event.target_type] = event.target_type
    return f"{names[event.target_type]} #{event.target_id}"


@municipal_admin_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Newest first, 50 a page; a fixed number of queries whatever the page shows."""
    form, events = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    names: dict[str, str] = {}
    rows = [
        {
            "event": event,
            "target": _target_label(event, names),
            "outcome": Outcome(event.outcome).label if event.outcome in Outcome else event.outcome,
            "data": json.dumps(event.data, ensure_ascii=False, indent=1, sort_keys=True)
            if event.data
            else "",
        }
        for event in page.object_list
    ]
    return render(request, "core/audit_log.html", {"filters": form, "page": page, "rows": rows})


@municipal_admin_required
def audit_log_csv(request: HttpRequest) -> HttpResponse:
    """The filtered trail as CSV (UTC ISO times, codes rather than labels)."""
    _form, events = _filtered(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event in events.iterator(chunk_size=2000):
        writer.writerow(
            [
                event.created_at.astimezone(dt.UTC).isoformat(),
                event.actor_id or "",
                _safe(event.actor_label),
                event.action,
                event.target_type,
                _safe(event.target_id),
                event.outcome,
                event.ip or "",
                _safe(event.user_agent),
                _safe(event.reason),
                _safe(json.dumps(event.data, ensure_ascii=False, sort_keys=True)),
            ]
        )
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _safe(value: str) -> str:
    """Text someone typed, defused for spreadsheets (no formula injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

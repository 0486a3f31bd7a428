"""Changing the widget's settings (the only state this app has).

Keyword-only, checks who acts (a municipal admin; ``actor`` None is the system: demo data,
commands), validates everything before it writes (a refused call changes nothing), runs in
one transaction, is audited, and drops the cached origins and payloads so a removed origin
loses CORS and framing at once.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from programmes.core.audit import audit_record
from programmes.widget import selectors
from programmes.widget.models import WINNERS_MAX, WidgetSettings
from programmes.widget.origins import normalise_origins


def widget_settings_save(
    *,
    actor: Any,
    allowed_origins: list[str],
    show_partners: bool,
    show_count: bool,
    show_winners: bool,
    winners_count: int,
) -> WidgetSettings:
    """Save the tenant's widget settings. ``allowed_origins`` as typed (one per item):
    normalised and de-duplicated, or refused with every problem named."""
    if actor is not None and not selectors.may_edit_settings(actor):
        raise PermissionDenied
    errors: dict[str, list[ValidationError]] = {}
    try:
        origins = normalise_origins(allowed_origins)
    except ValidationError as error:
        errors["allowed_origins"] = error.error_list
        origins = []
    if isinstance(winners_count, bool) or not isinstance(winners_count, int):
        winners_count = -1
    if not 1 <= winners_count <= WINNERS_MAX:
        errors["winners_count"] = [
            ValidationError(
                _("Show between 1 and %(max)s award winners.") % {"max": WINNERS_MAX},
                code="winners_count",
            )
        ]
    if not (show_partners or show_count or show_winners):
        errors["__all__"] = [
            ValidationError(
                _("Choose at least one thing for the widget to show."), code="nothing_shown"
            )
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = WidgetSettings.objects.select_for_update().first()
        row = current or WidgetSettings()
        before = {
            "allowed_origins": list(row.allowed_origins),
            "show_partners": row.show_partners,
            "show_count": row.show_count,
            "show_winners": row.show_winners,
            "winners_count": row.winners_count,
        }
        row.allowed_origins = origins
        row.show_partners = bool(show_partners)
        row.show_count = bool(show_count)
        row.show_winners = bool(show_winners)
        row.winners_count = winners_count
        row.save()
        after = {
            "allowed_origins": origins,
            "show_partners": row.show_partners,
            "show_count": row.show_count,
            "show_winners": row.show_winners,
            "winners_count": winners_count,
        }
        audit_record(
            actor=actor,
            action="widget.settings_saved",
            target=row,
            data={
                "changed": {
                    key: {"from": before[key], "to": after[key]}
                    for key in after
                    if before[key] != after[key]
                }
            },
        )
        # Now (this request and the next ones see the change) and again once committed
        # (a request that cached the old settings meanwhile does not keep them).
        selectors.forget_cached()
        transaction.on_commit(selectors.forget_cached)
    return row

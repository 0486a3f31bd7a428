from typing import Any

from django.db import transaction

from programmes.configuration.models import Programme
from programmes.configuration.presets import preset_load
from programmes.core.audit import audit_record


def preset_apply(*, actor: Any, preset: str) -> Programme:
    """Configure this tenant's programme from a preset (see presets/)."""
    data = preset_load(preset)
    with transaction.atomic():
        programme, _created = Programme.objects.update_or_create(
            singleton=True,
            defaults={
                "name": data["programme"]["name"],
                "description": data["programme"]["description"],
                "preset": preset,
            },
        )
        audit_record(
            actor=actor, action="programme.preset_applied", target=programme,
            data={"preset": preset},
        )
    return programme

"""Events of the test tenants: helpers to make events (inside a tenant_context) with the
tenant's marker in their texts."""

import datetime as dt
from typing import Any

from django.utils import timezone

from programmes.configuration.models import ActivityKind, Programme
from programmes.events.models import Event, Registration, RegistrationStatus
from programmes.partners.models import Partner
from programmes.people.models import User
from tests.conftest import World


def make_event(world: World, *, days: float = 7, hours: float = 3, **fields: Any) -> Event:
    """A published main event of ``world`` starting in ``days`` days (negative: past)."""
    language = world.tenant.primary_language
    starts_at = timezone.now() + dt.timedelta(days=days)
    values: dict[str, Any] = {
        "title": {language: f"{world.marker} event", "en": f"{world.marker} event"},
        "description": {language: f"{world.marker} description"},
        "kind": ActivityKind.MAIN_EVENT,
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=hours),
        "place": f"{world.marker} town hall",
        "counts_as_main_event": True,
        "published": True,
    }
    values.update(fields)
    return Event.objects.create(**values)


def register(event: Event, user: User, *, attended: bool = False, **fields: Any) -> Registration:
    """A registration written straight into the table (for reading tests)."""
    partner = Partner.objects.get(memberships__user=user)
    values: dict[str, Any] = {
        "event": event,
        "partner": partner,
        "user": user,
        "name": user.full_name,
        "email": user.email,
        "status": RegistrationStatus.REGISTERED,
        "attended": attended,
    }
    values.update(fields)
    return Registration.objects.create(**values)


def expect_main_events(count: int) -> None:
    Programme.objects.update(main_events_expected=count)

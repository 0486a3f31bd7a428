"""Library actions of the test tenants: ``publish(world, ...)`` publishes one as the
tenant's admin (in the tenant's context, as a request on its host would)."""

from typing import Any

from django_tenants.utils import tenant_context

from tenants.library import services
from tenants.library.models import LibraryAction
from tests.conftest import World


def action_data(world: World | None = None, **overrides: Any) -> dict[str, Any]:
    marker = world.marker if world else "TEST"
    data: dict[str, Any] = {
        "title": {"en": f"{marker} LED lighting", "da": f"{marker} LED-belysning"},
        "description": {
            "en": f"{marker} Replace old lighting with LED.",
            "da": f"{marker} Udskift gammel belysning med LED.",
        },
        "theme": "energy",
        "effect_tonnes_per_year": "12.5",
        "effect_level": "",
        "cost_level": "low",
        "sectors": ["retail", "services"],
        "sizes": ["small"],
        "sources": "Energistyrelsen",
        "languages": ["da", "en"],
    }
    data.update(overrides)
    return data


def publish(world: World, persona: str = "municipal_admin", **overrides: Any) -> LibraryAction:
    with tenant_context(world.tenant):
        return services.library_action_publish(
            actor=world.users[persona],
            tenant=world.tenant,
            contributor_name=f"{world.marker} municipality",
            data=action_data(world, **overrides),
        )

"""Climate actions of the test tenants: ``local(world)`` writes one in the programme,
``shared(world)`` publishes one to the library as the tenant's admin (as a request on its
host would), both inside the tenant's context. Alpha speaks Danish and English, beta
Swedish and English."""

from typing import Any

from django_tenants.utils import tenant_context

from programmes.actions import services
from programmes.actions.models import ProgrammeAction
from tenants.library import services as library_services
from tenants.library.models import LibraryAction
from tests.conftest import World


def action_data(marker: str = "TEST", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": {"da": f"{marker} Cykelparkering", "en": f"{marker} Bicycle parking"},
        "description": {
            "da": f"{marker} Sæt cykelstativer op ved indgangen.",
            "en": f"{marker} Put up bicycle racks at the entrance.",
        },
        "theme": "transport",
        "effect_tonnes_per_year": None,
        "effect_level": "medium",
        "cost_level": "low",
        "sectors": ["retail"],
        "sizes": ["small", "medium"],
        "sources": f"{marker} sources",
    }
    data.update(overrides)
    return data


def local(world: World, **overrides: Any) -> ProgrammeAction:
    """An action written in ``world``'s programme (texts in its languages)."""
    primary = world.tenant.primary_language
    data = action_data(world.marker, **overrides)
    if "title" not in overrides:
        data["title"] = {primary: f"{world.marker} local action", "en": "Local action"}
        data["description"] = {primary: f"{world.marker} local description"}
    with tenant_context(world.tenant):
        return services.action_create(actor=world.users["municipal_admin"], data=data)


def library_data(**overrides: Any) -> dict[str, Any]:
    """A library action written in Danish and English, without any tenant's marker (what a
    tenant publishes is shared on purpose)."""
    data: dict[str, Any] = {
        "title": {"da": "LED-belysning", "en": "LED lighting"},
        "description": {
            "da": "Udskift gammel belysning med LED.",
            "en": "Replace old lighting with LED.",
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


def shared(world: World, contributor_name: str = "", **overrides: Any) -> LibraryAction:
    """A library action contributed by ``world`` (straight to the library)."""
    with tenant_context(world.tenant):
        return library_services.library_action_publish(
            actor=world.users["municipal_admin"],
            tenant=world.tenant,
            contributor_name=contributor_name or f"{world.slug.title()} town",
            data=library_data(**overrides),
        )

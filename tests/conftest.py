"""Shared fixtures: two tenants whose primary keys collide and whose text carries markers.

Tenant "alpha" and tenant "beta" are created once per test database (kept with --reuse-db),
each with the same personas created in the same order, so user ids are equal across them.
Everything a tenant shows carries its marker (ALPHA-MARKER / BETA-MARKER): a marker of the
other tenant in a response is a leak.
"""

import datetime as dt
import functools
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from django_tenants.utils import schema_context, tenant_context

from programmes.configuration.models import ContactPerson, Programme, SigningRound
from programmes.followups.models import FollowUp, FollowUpStatus
from programmes.partners.models import Membership, Partner, Stage
from programmes.people.models import Role, User
from programmes.people.services import user_create
from programmes.people.testing import sign_in
from tenants.models import Tenant
from tenants.selectors import tenant_by_slug
from tenants.services import OnboardingRequest, tenant_onboard
from tests.integration.stack import Stack, running_stack

PASSWORD = "correct-horse-battery-staple"
# Valid business ids per country (python-stdnum), used by test partners.
BUSINESS_IDS = {
    "DK": ("30000005", "30000013", "30000021"),
    "SE": ("5560000001", "5560000019", "5560000027"),
    "NO": ("900000006", "900000014", "900000022"),
    "FI": ("1000000-4", "1000001-2", "1000002-0"),
}
OPERATOR_EMAIL = "operator@platform.example"

# The personas of every tenant, created in this order so their ids collide across tenants.
PERSONAS = [
    ("municipal_admin", Role.MUNICIPAL_ADMIN),
    ("municipal_staff", Role.MUNICIPAL_STAFF),
    ("partner_admin", Role.PARTNER_ADMIN),
    ("partner_member", Role.PARTNER_MEMBER),
    ("other_partner_member", Role.PARTNER_MEMBER),
]


@dataclass
class World:
    """One test tenant and its people."""

    slug: str
    marker: str
    tenant: Tenant
    users: dict[str, User] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"{self.slug}.localhost"

    def email(self, persona: str) -> str:
        return f"{persona.replace('_', '-')}@{self.slug}.example"


def _ensure_world(slug: str, marker: str, language: str, country: str) -> None:
    if tenant_by_slug(slug) is None:
        tenant = tenant_onboard(
            actor=None,
            request=OnboardingRequest(
                slug=slug,
                name=f"{marker} municipality",
                country=country,
                language=language,
                other_languages=("en",),
                admin_email=f"first-admin@{slug}.example",
            ),
        )
        with tenant_context(tenant):
            Programme.objects.update(
                name={language: f"{marker} programme", "en": f"{marker} programme"},
                description={language: f"{marker} description"},
            )
            ContactPerson.objects.create(name=f"{marker} contact", email=f"contact@{slug}.example")
            SigningRound.objects.create(
                title={language: f"{marker} signing round"},
                place=f"{marker} town hall",
                starts_at=timezone.now() + dt.timedelta(days=60),
                capacity=10,
                signatory_name=f"{marker} mayor",
                signatory_title={language: "Mayor"},
            )
            partners = [
                Partner.objects.create(
                    name=f"{marker} {name}",
                    business_id=business_id,
                    kind="company",
                    sector="services",
                    language=language,
                    stage=Stage.ACTIVE,
                    stage_changed_at=timezone.now(),
                )
                for name, business_id in zip(
                    ("partner", "other partner"), BUSINESS_IDS[country][:2], strict=True
                )
            ]
            # Last year's answered follow-up of the first partner (ids collide across tenants).
            FollowUp.objects.create(
                partner=partners[0],
                year=2025,
                status=FollowUpStatus.SUBMITTED,
                opened_at=timezone.now() - dt.timedelta(days=365),
                due_on=timezone.localdate() - dt.timedelta(days=300),
                submitted_at=timezone.now() - dt.timedelta(days=320),
                support_needed=f"{marker} support needed",
            )
            for persona, role in PERSONAS:
                user_create(
                    actor=None,
                    email=f"{persona.replace('_', '-')}@{slug}.example",
                    password=PASSWORD,
                    role=role,
                    full_name=f"{marker} {persona}",
                )
            for persona, partner in (
                ("partner_admin", partners[0]),
                ("partner_member", partners[0]),
                ("other_partner_member", partners[1]),
            ):
                email = f"{persona.replace('_', '-')}@{slug}.example"
                Membership.objects.create(
                    partner=partner, email=email, user=User.objects.get(email=email)
                )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last. Playwright keeps an event loop running in the main thread for the
    rest of the session, and Django refuses database calls from sync code under a running
    loop; pytest's own ordering (by session-scoped parameters) may otherwise move them up."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        _ensure_world("alpha", "ALPHA-MARKER", "da", "DK")
        _ensure_world("beta", "BETA-MARKER", "sv", "SE")
        with schema_context("public"):
            if not User.objects.filter(email=OPERATOR_EMAIL).exists():
                user_create(
                    actor=None,
                    email=OPERATOR_EMAIL,
                    password=PASSWORD,
                    role=Role.OPERATOR,
                    full_name="PLATFORM-MARKER operator",
                )


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory: pytest.TempPathFactory) -> None:  # type: ignore[no-untyped-def]
    """Uploads and generated documents of tests never land in the project's var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def _fresh_state() -> Iterator[None]:
    cache.clear()
    yield
    connection.set_schema_to_public()
    translation.deactivate()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The real platform (web server and worker) on a database of its own, demo loaded."""
    yield from running_stack(tmp_path_factory)


def _world(slug: str, marker: str) -> World:
    connection.set_schema_to_public()
    tenant = Tenant.objects.get(schema_name=slug)
    world = World(slug=slug, marker=marker, tenant=tenant)
    with tenant_context(tenant):
        for persona, _role in PERSONAS:
            world.users[persona] = User.objects.get(email=world.email(persona))
    return world


@pytest.fixture
def alpha(db: None) -> World:
    return _world("alpha", "ALPHA-MARKER")


@pytest.fixture
def beta(db: None) -> World:
    return _world("beta", "BETA-MARKER")


@pytest.fixture
def operator(db: None) -> User:
    with schema_context("public"):
        return User.objects.get(email=OPERATOR_EMAIL)


def client_for(world: World | None, persona: str | None = None) -> Client:
    """A test client on a tenant's host (or the platform host when world is None),
    logged in as ``persona`` of that tenant when given."""
    client = Client(HTTP_HOST=world.host if world else "localhost")
    if persona is not None:
        assert world is not None
        with tenant_context(world.tenant):
            sign_in(client, world.users[persona])
    return client


def work_queries(captured: Any) -> int:
    """The queries of a CaptureQueriesContext but a ``SET search_path``: whether a request
    must set it depends on what the connection did before (a persistent connection whose last
    request was for the same schema keeps it, tenants.middleware), not on the page, so
    "same queries for 3 or 30 rows" guards compare this."""
    return sum(not query["sql"].startswith("SET search_path") for query in captured)


@pytest.fixture
def english_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages in English (both test tenants offer it): for tests that read messages."""
    monkeypatch.setattr(
        sys.modules[__name__], "Client", functools.partial(Client, HTTP_ACCEPT_LANGUAGE="en")
    )


def operator_client(operator: User) -> Client:
    client = Client(HTTP_HOST="localhost")
    with schema_context("public"):
        sign_in(client, operator)
    return client

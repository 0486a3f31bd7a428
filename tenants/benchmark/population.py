"""N tenants of the real application, made through the real onboarding service, with a
programme from the preset of their country and realistic partners.

The first ``big_tenants`` tenants carry ``partners_big`` partners each (the issue's "a few
hundred"), the rest ``partners_small``: 300 partners x 1,100 tenants would make the set-up
longer than every measurement together, and the page figures need only one big tenant.
Partners are bulk-inserted (the application's own services would send e-mails and audit
every step; what the figures read is the rows).
"""

import datetime as dt
import random
import secrets

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from programmes.configuration.models import Theme, Tier
from programmes.partners.models import (
    Goal,
    GoalStatus,
    Horizon,
    Membership,
    OrganisationKind,
    Partner,
    PartnerContact,
    Publication,
    Sector,
    Stage,
)
from programmes.people.models import Role, User
from programmes.people.services import user_create
from tenants.benchmark.core import Bench
from tenants.models import Tenant
from tenants.services import OnboardingRequest, tenant_onboard

# country, language, other languages, preset: the reference programmes of each country.
COUNTRIES = [
    ("DK", "da", ("en",), "hjorring"),
    ("SE", "sv", ("en",), "klimatkommunerna"),
    ("FI", "fi", ("sv", "en"), "porvoo"),
    ("NO", "nb", ("en",), "ostfold"),
]
NAME_PARTS = (
    ["Ærø", "Åbo", "Øster", "Nord", "Syd", "Grøn", "Ålands", "Väst", "Aalborg", "Bjørke"],
    ["Bygg", "Energi", "Transport", "Bageri", "Tryk", "Hotel", "Skog", "IT", "Fisk", "Data"],
    ["A/S", "AB", "Oy", "AS", "ApS", "Ab", "ry", "forening", "kommune", "group"],
)
# Nobody signs in with it (the figures use force_login): random, so no bench account is open.
PASSWORD = secrets.token_urlsafe(24)
# One hash for every generated account: hashing is slow by design and not what is measured.
_PASSWORD_HASH: list[str] = []


def slug_for(number: int) -> str:
    return f"bench{number:05d}"


def onboard(number: int) -> Tenant:
    """One tenant through ``tenants.services.tenant_onboard``, the operators' own path."""
    country, language, others, preset = COUNTRIES[number % len(COUNTRIES)]
    slug = slug_for(number)
    return tenant_onboard(
        actor=None,
        request=OnboardingRequest(
            slug=slug,
            name=f"Bench {number} kommune",
            country=country,
            language=language,
            other_languages=others,
            preset=preset,
            admin_email=f"admin@{slug}.example",
        ),
    )


def _password_hash() -> str:
    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(make_password(PASSWORD))
    return _PASSWORD_HASH[0]


def fill(tenant: Tenant, *, partners: int, staff_email: str, seed: int) -> None:
    """A staff account and ``partners`` partners at every stage (three in four active and
    listed in the directory), each with a contact, a partner admin and two goals."""
    rng = random.Random(seed)  # noqa: S311 (repeatable test data, not secrets)
    now = timezone.now()
    language = tenant.primary_language
    with tenant_context(tenant), transaction.atomic():
        User.objects.create(
            email=staff_email,
            password=_password_hash(),
            full_name="Bench staff",
            role=Role.MUNICIPAL_STAFF,
            language=language,
        )
        tier = Tier.objects.order_by("pk").first()
        stages = [Stage.ACTIVE] * 6 + [Stage.APPLIED, Stage.GOALS_PROPOSED, Stage.ENDED]
        rows = []
        for index in range(partners):
            stage = rng.choice(stages)
            name = " ".join(rng.choice(part) for part in NAME_PARTS) + f" {index}"
            rows.append(
                Partner(
                    name=name,
                    business_id=f"B{seed:05d}{index:06d}",
                    kind=rng.choice(OrganisationKind.values),
                    sector=rng.choice(Sector.values),
                    employees=rng.randint(1, 2000),
                    street=f"Hovedgaden {index + 1}",
                    postcode=f"{1000 + index}",
                    city=rng.choice(["Hjørring", "Borgå", "Fredrikstad", "Umeå", "Oulu"]),
                    website=f"https://partner{index}.example",
                    description={language: f"{name}: klimaarbejde og energi. " * 5},
                    public_fields=[
                        Publication.DIRECTORY,
                        Publication.DESCRIPTION,
                        Publication.SECTOR,
                        Publication.CITY,
                        Publication.GOALS,
                    ]
                    if stage == Stage.ACTIVE
                    else [],
                    tier=tier if stage == Stage.ACTIVE else None,
                    language=language,
                    stage=stage,
                    stage_changed_at=now - dt.timedelta(days=rng.randint(1, 900)),
                    joined_on=(now - dt.timedelta(days=rng.randint(30, 900))).date()
                    if stage in {Stage.ACTIVE, Stage.ENDED}
                    else None,
                    ended_at=now if stage == Stage.ENDED else None,
                )
            )
        made = Partner.objects.bulk_create(rows)
        users = User.objects.bulk_create(
            User(
                email=f"admin{partner.pk}@{tenant.schema_name}-partner.example",
                password=_password_hash(),
                full_name=f"Admin of {partner.name}",
                role=Role.PARTNER_ADMIN,
                language=language,
            )
            for partner in made
        )
        Membership.objects.bulk_create(
            Membership(partner=partner, email=user.email, user=user)
            for partner, user in zip(made, users, strict=True)
        )
        PartnerContact.objects.bulk_create(
            PartnerContact(partner=partner, name=f"Kontakt {partner.pk}", email=user.email)
            for partner, user in zip(made, users, strict=True)
        )
        Goal.objects.bulk_create(
            Goal(
                partner=partner,
                theme=rng.choice(Theme.values),
                description=f"Reduce emissions of {partner.name}",
                indicator="t CO2e",
                unit="t",
                baseline_value=rng.randint(50, 5000),
                baseline_year=2022,
                target_value=rng.randint(10, 50),
                target_date=dt.date(2030, 12, 31),
                horizon=Horizon.LONG_TERM,
                status=GoalStatus.APPROVED,
            )
            for partner in made
            for _ in range(2)
        )


def operator(bench: Bench) -> None:
    with schema_context("public"):
        user_create(actor=None, email=bench.operator_email, password=PASSWORD, role=Role.OPERATOR)


def populate(bench: Bench) -> None:
    """Make the bench's N tenants (1-based numbers), its operator, and the rollups the
    operator pages read."""
    operator(bench)
    for number in range(1, bench.tenants + 1):
        tenant = onboard(number)
        big = number <= bench.big_tenants
        fill(
            tenant,
            partners=bench.partners_big if big else bench.partners_small,
            staff_email=bench.staff_email,
            seed=number,
        )
        bench.slugs.append(tenant.schema_name)
        if big:
            bench.big_slugs.append(tenant.schema_name)
        if number % 50 == 0:
            bench.log(f"  {number} tenants")

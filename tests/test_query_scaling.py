"""Every page and every API read costs the same queries however many partners there are
(issue 11, item 5: "every page and endpoint the same number of queries with 10 or 300
partners").

Every GET row of the access matrix (tests/test_access_matrix.py: every URL of the tenant
URLconf and every operation of its OpenAPI schema) that answers 200 is requested as an
anonymous visitor, a municipal admin and a partner admin, each time twice: with empty caches
and again with the caches it filled. First with ``FIRST`` partners added to the fixture's,
then with ``EXTRA`` more. Each added partner has an admin, a contact, two goals
(``tenants.benchmark.population.fill``, as `make bench` makes its 300-partner tenants), last
year's answered follow-up, this year's open one, a climate account and a certificate (the
first ones make sure that every kind of row exists before counting: a prefetch of an empty
list costs no query). A page whose queries grow with the partners makes a query per partner
or per row: it fails here, with the page and both counts.

The bench (``pages.*_extra_queries_with_more_partners``) checks the same for the directory
and the staff list with 300 partners.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.climate.models import ClimateAccount, Method
from programmes.configuration.models import CertificationScheme
from programmes.followups.models import FollowUp, FollowUpStatus
from programmes.partners.models import Partner
from tenants.benchmark.population import fill
from tests.conftest import World, client_for, work_queries
from tests.test_access_matrix import MATRIX, TENANT_COLUMNS, rows

FIRST, EXTRA = 2, 12
PERSONAS = ("anonymous", "municipal_admin", "partner_admin")


def _grow(world: World, partners: int, seed: int) -> None:
    fill(world.tenant, partners=partners, staff_email=f"staff-{seed}@alpha.example", seed=seed)
    now = timezone.now()
    with tenant_context(world.tenant):
        scheme = CertificationScheme.objects.order_by("pk").first()
        # fill() numbers the partners' business ids after the seed.
        for partner in Partner.objects.filter(business_id__startswith=f"B{seed:05d}"):
            FollowUp.objects.create(
                partner=partner,
                year=now.year - 1,
                status=FollowUpStatus.SUBMITTED,
                opened_at=now - dt.timedelta(days=365),
                due_on=(now - dt.timedelta(days=300)).date(),
                submitted_at=now - dt.timedelta(days=320),
                support_needed="More of everything",
            )
            FollowUp.objects.create(
                partner=partner,
                year=now.year,
                opened_at=now - dt.timedelta(days=5),
                due_on=(now + dt.timedelta(days=40)).date(),
            )
            ClimateAccount.objects.create(
                partner=partner,
                year=now.year - 1,
                scope1=Decimal("12.5"),
                scope2_location=Decimal("3.25"),
                method=Method.CO2_CALCULATOR,
            )
            if scheme is not None:
                partner.certificates.create(
                    scheme=scheme,
                    issued_on=now.date(),
                    expires_on=(now + dt.timedelta(days=20)).date(),
                )


def _answering(persona: str) -> list[tuple[str, str]]:
    """(row, path) of the GET rows that answer ``persona`` with 200 on its own tenant."""
    column = TENANT_COLUMNS.index(persona)
    return [
        (row, path)
        for row, (method, path) in sorted(rows("tenant").items())
        if method == "get" and MATRIX[row].split()[column] == "200"
    ]


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, (path, response.status_code)
    return work_queries(captured)


def _cold_and_warm(client: Client, path: str) -> tuple[int, int]:
    cache.clear()
    return _queries(client, path), _queries(client, path)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_or_api_read_costs_more_queries_with_more_partners(
    alpha: World, persona: str
) -> None:
    client = client_for(alpha, None if persona == "anonymous" else persona)
    pages = _answering(persona)
    assert len(pages) > (10 if persona == "anonymous" else 40)
    _grow(alpha, FIRST, seed=76)
    before = {row: _cold_and_warm(client, path) for row, path in pages}
    _grow(alpha, EXTRA, seed=77)
    after = {row: _cold_and_warm(client, path) for row, path in pages}
    grown = {
        row: (before[row], after[row])
        for row in before
        if any(more > fewer for fewer, more in zip(before[row], after[row], strict=True))
    }
    assert not grown, f"(cold, warm) queries before and with {EXTRA} more partners: {grown}"

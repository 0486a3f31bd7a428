"""Every public page and endpoint takes the same number of queries for 3 or 30 listed
partners that publish everything (with goals, progress, certificates, awards, accounts,
contacts, logos)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from programmes.configuration.models import Programme, PublicFigure
from programmes.directory.selectors import partner_slug
from programmes.partners.models import PartnerContact
from tests.conftest import World, client_for
from tests.directory.conftest import (
    EVERYTHING,
    account,
    award_win,
    certify,
    goal,
    listed,
    progress,
    tier,
)

_made = iter(range(1000))


def partners(count: int, gold) -> str:  # type: ignore[no-untyped-def]
    """``count`` listed partners publishing everything, with everything; the first's page."""
    first = ""
    for _ in range(count):
        n = next(_made)
        partner = listed(
            f"Partner {n:03d}",
            *EVERYTHING[1:],
            description={"da": f"Beskrivelse {n}"},
            website=f"https://p{n}.example/",
            city="Hjørring",
            sector="energy" if n % 2 else "retail",
            tier=gold,
        )
        first = first or f"{partner.pk}/{partner_slug(partner.name)}"
        progress(goal(partner, f"Mål {n}"))
        goal(partner, f"Mål {n} i t", unit="t CO2e", baseline_year=2020)
        certify(partner, "Miljøfyrtårn" if n % 2 else "ISO 14001")
        award_win(partner, f"Pris {n}", year=2000 + n % 20)
        account(partner, 2020, "100", baseline=True)
        account(partner, 2024, "80")
        PartnerContact.objects.create(partner=partner, name=f"K {n}", email=f"k{n}@p.example")
    return first


# The most for a signed-in staff member (session and user: two more than anonymous; the
# sitemap and robots.txt need no user, but the MFA check reads every signed-in session).
# The directory: one more, the digest of its data, when its page is made (here each time:
# the data changes between the requests); one in all when the page is cached
# (tests/directory/test_cache.py).
PATHS = [
    ("/", 10),
    ("/directory/", 9),
    ("/directory/?q=partner&sector=energy&awarded=on&order=-name", 9),
    ("/directory/{first}/", 11),
    ("/sitemap.xml", 5),
    ("/robots.txt", 2),
    ("/api/v1/directory/partners/", 7),
    ("/api/v1/directory/partners/?awarded=true&sector=energy", 7),
    ("/api/v1/directory/partners/{first_id}/", 10),
    ("/api/v1/directory/programme/", 6),
]


@pytest.mark.parametrize(("path", "most"), PATHS)
@pytest.mark.parametrize("persona", [None, "municipal_admin"])
def test_the_same_number_of_queries_for_3_or_30_partners(
    alpha: World, path: str, most: int, persona: str | None, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        Programme.objects.update(
            public_figures=list(PublicFigure.values),
            baseline_year=2020,
            target_year=2030,
            target_reduction_percent=50,
        )
        gold = tier("Guld")
        first = partners(3, gold)
    client = client_for(alpha, persona)
    client.get("/")  # the host's tenant is looked up once, then cached
    measured = []
    for count in (0, 27):  # 3 partners, then 30
        with tenant_context(alpha.tenant):
            partners(count, gold)
        target = path.format(first=first, first_id=first.split("/")[0])
        with django_assert_max_num_queries(most), CaptureQueriesContext(connection) as queries:
            response = client.get(target)
        assert response.status_code == 200, (target, response.status_code)
        measured.append(len(queries))
    assert measured[0] == measured[1], measured

"""The staff workspace at programme scale (views.workspace): every partner reachable 50 a
page with the filters kept, the same queries for 3 or 60 partners, and cached lists that
show any change to a partner on the next request."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_tenants.utils import tenant_context

from programmes.configuration.models import Tier
from programmes.partners.models import Partner, Stage
from tests.conftest import World, client_for, work_queries

_made = iter(range(1000))


def add_partners(count: int, *, stage: str = Stage.ACTIVE, tier: Tier | None = None) -> None:
    """``count`` partners named ``Bulk 000``, ``Bulk 001``…: after the world's own partners
    (ALPHA-MARKER…) in name order."""
    Partner.objects.bulk_create(
        Partner(
            name=f"Bulk {n:03d}",
            business_id=f"W{n:09d}",
            kind="company",
            sector="services",
            language="da",
            stage=stage,
            stage_changed_at=timezone.now(),
            joined_on=timezone.localdate() if stage == Stage.ACTIVE else None,
            tier=tier,
        )
        for n in (next(_made) for _ in range(count))
    )


def table_names(body: str) -> list[str]:
    """The organisations in the table of all partners, in order."""
    table = body.split("<table", 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row"><a href="/partners/\d+/">([^<]+)</a>', table)


def queries_for(client: Client, path: str) -> tuple[int, str]:
    """Queries of a request (but a ``SET search_path``: tests.conftest.work_queries)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return work_queries(queries), response.content.decode()


def test_every_partner_is_reachable_50_a_page(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        add_partners(60)
        total = Partner.objects.count()  # the world's two and the 60
    client = client_for(alpha, "municipal_staff")
    first = client.get("/partners/").content.decode()
    second = client.get("/partners/?page=2").content.decode()
    assert len(table_names(first)) == 50
    assert len(table_names(second)) == total - 50
    assert set(table_names(first)).isdisjoint(table_names(second))
    assert "Bulk 059" in table_names(second)
    with translation.override("da"):
        count = translation.ngettext(
            "%(counter)s partner matches.", "%(counter)s partners match.", total
        )
    assert count % {"counter": total} in first
    # Page links: a landmark, and the next page's address.
    with translation.override("da"):
        assert f'<nav aria-label="{translation.gettext("Pages")}">' in first
    assert 'href="?page=2" rel="next"' in first
    assert 'rel="prev"' in second


def test_page_links_keep_the_filters(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        add_partners(55, stage=Stage.APPLIED)
    client = client_for(alpha, "municipal_staff")
    body = client.get("/partners/?stage=applied").content.decode()
    assert 'href="?stage=applied&amp;page=2" rel="next"' in body
    names = table_names(client.get("/partners/?stage=applied&page=2").content.decode())
    assert len(names) == 5 and all(name.startswith("Bulk ") for name in names)
    searched = client.get("/partners/?q=Bulk&page=2").content.decode()
    assert len(table_names(searched)) == 5
    assert 'href="?q=Bulk&amp;page=1" rel="prev"' in searched


def test_a_page_beyond_the_last_shows_the_last(alpha: World) -> None:
    client = client_for(alpha, "municipal_staff")
    assert table_names(client.get("/partners/?page=99").content.decode()) == table_names(
        client.get("/partners/").content.decode()
    )


@pytest.mark.parametrize("path", ["/partners/", "/partners/?stage=active&page=2"])
def test_the_same_number_of_queries_for_3_or_60_partners(alpha: World, path: str) -> None:
    client = client_for(alpha, "municipal_staff")
    client.get("/")  # the host's tenant is looked up once, then cached
    measured = []
    for count in (1, 59):
        with tenant_context(alpha.tenant):
            add_partners(count)
        missed, _ = queries_for(client, path)  # the data changed: lists made again
        cached, _ = queries_for(client, path)
        measured.append((missed, cached))
    assert measured[0] == measured[1], measured
    missed, cached = measured[0]
    assert cached == missed - 4  # the count and the three lists come from the cache


# The workspace's sections, in order: applications to review, the annual follow-up,
# unresponsive partners, all partners.
APPLICATIONS, UNRESPONSIVE = 1, 3


def section(body: str, number: int) -> str:
    """The ``number``th section (from its h2 to the next)."""
    return body.split("<h2>")[number]


def test_a_change_to_a_partner_shows_at_once(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        gold = Tier.objects.create(name={"da": "Guld", "en": "Gold"})
        add_partners(1, tier=gold)
        add_partners(1, stage=Stage.APPLIED)
        member, applicant = Partner.objects.filter(name__startswith="Bulk ").order_by("pk")
    client = client_for(alpha, "municipal_staff")
    body = client.get("/partners/").content.decode()
    assert member.name in table_names(body) and "Guld" in body
    assert applicant.name in section(body, APPLICATIONS)
    assert member.name not in section(body, UNRESPONSIVE)
    # Queryset updates, which no signal sees, are seen by the digest.
    with tenant_context(alpha.tenant):
        Partner.objects.filter(pk=member.pk).update(name="Øster Bulk", unresponsive=True)
        Tier.objects.filter(pk=gold.pk).update(name={"da": "Platin", "en": "Platinum"})
        Partner.objects.filter(pk=applicant.pk).update(stage=Stage.ASSESSED)
    body = client.get("/partners/").content.decode()
    assert member.name not in body
    assert "Øster Bulk" in table_names(body)
    assert "Guld" not in body and "Platin" in body
    assert "Øster Bulk" in section(body, UNRESPONSIVE)
    assert applicant.name not in section(body, APPLICATIONS)


def test_a_search_finds_a_contact_address_and_is_never_cached(alpha: World) -> None:
    client = client_for(alpha, "municipal_staff")
    assert table_names(client.get("/partners/?q=bulk").content.decode()) == []
    with tenant_context(alpha.tenant):
        add_partners(1)
    assert table_names(client.get("/partners/?q=bulk").content.decode()) != []


def test_a_cached_page_shows_the_filters_the_key_holds(alpha: World) -> None:
    client = client_for(alpha, "municipal_staff")
    client.get("/partners/?q=+++&stage=active")  # blank: no search, the same key
    body = client.get("/partners/?stage=active").content.decode()
    assert '<option value="active" selected>' in body
    assert re.search(r'<input type="text" name="q"[^>]*>', body)
    assert 'value="   "' not in body

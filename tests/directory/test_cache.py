"""The directory's cached pages (views.directory, selectors.directory_version): a cached page
costs one query, and any change to what it shows is seen on the next request, however it
was made (here by queryset updates and deletes, which no signal would see)."""

import datetime as dt
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from programmes.awards.models import AwardRound, RoundStatus
from programmes.certificates.models import Certificate
from programmes.configuration.models import CertificationScheme, Programme, Tier
from programmes.partners.models import Partner, Publication, Stage
from tests.conftest import World, work_queries
from tests.directory.conftest import TODAY, award_win, certify, listed, tier
from tests.directory.test_pages import english, names_on


def queries_for(client: Client, path: str) -> tuple[int, str]:
    """Queries of a request (but a ``SET search_path``: tests.conftest.work_queries)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return work_queries(queries), response.content.decode()


def test_a_cached_page_takes_one_query_and_is_the_same_page(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        listed("Bager Hansen", Publication.SECTOR, sector="retail")
        listed("Aalborg Energi", Publication.SECTOR, sector="energy")
    client = english(alpha)
    client.get("/")  # the host's tenant is looked up once, then cached
    first_count, first = queries_for(client, "/directory/?sector=energy")
    again_count, again = queries_for(client, "/directory/?sector=energy")
    assert again.split("<main", 1)[1] == first.split("<main", 1)[1]  # (the nonces differ)
    assert names_on(again) == ["Aalborg Energi"]
    assert again_count == 1 < first_count  # the digest of the data; the rest is cached


def test_renaming_unlisting_and_ending_show_at_once(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        bager = listed("Bager Hansen")
        cykler = listed("Cykler ApS")
        energi = listed("Energi ApS")
    client = english(alpha)
    assert names_on(client.get("/directory/").content.decode()) == [
        "Bager Hansen",
        "Cykler ApS",
        "Energi ApS",
    ]
    with tenant_context(alpha.tenant):
        Partner.objects.filter(pk=bager.pk).update(name="Øster Bager")
        Partner.objects.filter(pk=cykler.pk).update(public_fields=[])
        Partner.objects.filter(pk=energi.pk).update(stage=Stage.ENDED)
    assert names_on(client.get("/directory/").content.decode()) == ["Øster Bager"]
    with tenant_context(alpha.tenant):
        Partner.objects.filter(pk=bager.pk).delete()
    assert "No partner is listed yet." in client.get("/directory/").content.decode()


def test_a_tier_renamed_shows_at_once_in_the_list_and_the_filter(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        gold = tier("Guld")
        listed("Gylden", tier=gold)
    client = english(alpha)
    assert "Tier: Guld" in client.get("/directory/").content.decode()
    with tenant_context(alpha.tenant):
        Tier.objects.filter(pk=gold.pk).update(name={"da": "Platin", "en": "Platinum"})
    body = client.get("/directory/").content.decode()
    assert "Guld" not in body
    assert "Tier: Platin" in body


def test_certificates_and_awards_change_the_filters_at_once(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        holder = listed("Holder", Publication.CERTIFICATES, Publication.AWARDS)
        certificate = certify(holder, "Miljøfyrtårn")
        scheme = CertificationScheme.objects.get(name="Miljøfyrtårn")
    client = english(alpha)
    assert "Miljøfyrtårn" in client.get("/directory/").content.decode()
    assert names_on(client.get("/directory/?awarded=on").content.decode()) == []
    with tenant_context(alpha.tenant):
        Certificate.objects.filter(pk=certificate.pk).update(
            expires_on=TODAY - dt.timedelta(days=1)
        )
        award_win(holder, "Årets klimapartner")
    assert "Miljøfyrtårn" not in client.get("/directory/").content.decode()
    # The scheme is no longer offered: asking for it is an error, not a stale page.
    assert client.get(f"/directory/?scheme={scheme.pk}").status_code == 400
    assert names_on(client.get("/directory/?awarded=on").content.decode()) == ["Holder"]
    with tenant_context(alpha.tenant):
        AwardRound.objects.update(status=RoundStatus.CLOSED, winner=None, announced_at=None)
    assert names_on(client.get("/directory/?awarded=on").content.decode()) == []


def test_the_programme_renamed_shows_at_once(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        listed("Bager Hansen")
    client = english(alpha)
    client.get("/directory/")
    with tenant_context(alpha.tenant):
        Programme.objects.update(name={"da": "Klimaalliancen", "en": "Climate alliance"})
    assert "Climate alliance" in client.get("/directory/").content.decode()


def test_each_language_has_its_own_cached_page(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        listed("Bager Hansen", Publication.SECTOR, sector="energy")
    danish = Client(HTTP_HOST=alpha.host, HTTP_ACCEPT_LANGUAGE="da")
    english = Client(HTTP_HOST=alpha.host, HTTP_ACCEPT_LANGUAGE="en")
    danish_body = danish.get("/directory/").content.decode()
    english_body = english.get("/directory/").content.decode()
    assert "1 partner found." in english_body
    assert "1 partner found." not in danish_body
    assert "Energy" in english_body


def test_searches_are_not_cached_and_see_every_change(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        bager = listed("Bager Hansen", Publication.DESCRIPTION, description={"da": "Rugbrød"})
    client = english(alpha)
    assert names_on(client.get("/directory/?q=rugbrød").content.decode()) == ["Bager Hansen"]
    with tenant_context(alpha.tenant):
        Partner.objects.filter(pk=bager.pk).update(description={"da": "Franskbrød"})
    assert names_on(client.get("/directory/?q=rugbrød").content.decode()) == []
    assert names_on(client.get("/directory/?q=franskbrød").content.decode()) == ["Bager Hansen"]


def test_a_tenant_never_sees_another_tenants_cached_page(alpha: World, beta: World) -> None:
    for world in (alpha, beta):
        with tenant_context(world.tenant):
            listed(f"{world.marker} Bager")
    alpha_body = english(alpha).get("/directory/").content.decode()
    beta_body = english(beta).get("/directory/").content.decode()
    assert beta.marker not in alpha_body
    assert alpha.marker not in beta_body


def test_a_cached_page_shows_the_query_the_key_holds(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        listed("Bager Hansen")
    client = english(alpha)
    client.get("/directory/?q=+++")  # blank: no search, the same key as the plain page
    body = client.get("/directory/").content.decode()
    assert re.search(r'<input type="search" name="q"[^>]*>', body)
    assert 'value="   "' not in body

"""Nothing a partner did not publish appears on the directory, its page, the sitemap, the
home page or the API: a listed partner that publishes nothing but its name, a partner that
publishes everything but is not listed, an ended partner, and for each item a partner that
publishes everything but that item — each with secrets in every field and related row."""

import re

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from programmes.partners.models import Partner, Publication, Stage
from tests.conftest import World
from tests.directory.conftest import EVERYTHING, listed, secrets_everywhere

NEVER_PUBLISHED = (
    "-street",
    "-certificate-number",
    "-comment",
    "-actor",
    "-stage-reason",
    "-support",
    "-draft-goal",
    "-expired-scheme",
    "-invoicing",
    "account notes",
)
# 987654 employees and 987,654.321 t of scope 1, however a locale writes them.
BIG_NUMBER = re.compile(r"987\D{0,2}654")


def bodies(client: Client, paths: list[str]) -> dict[str, str]:
    seen = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        seen[path] = response.content.decode()
    return seen


def public_paths(pk: int) -> list[str]:
    return [
        "/",
        "/directory/",
        "/directory/?q=secret",
        "/sitemap.xml",
        "/robots.txt",
        "/api/v1/directory/partners/",
        "/api/v1/directory/programme/",
        f"/api/v1/directory/partners/{pk}/",
        f"/directory/{pk}/{{slug}}/",
    ]


@pytest.fixture
def hidden(alpha: World) -> dict[str, Partner]:
    """A listed partner that publishes only that it is listed, an active partner that
    publishes everything but is not listed, an ended one that published everything."""
    with tenant_context(alpha.tenant):
        quiet = listed("ALPHA-MARKER quiet partner")
        secrets_everywhere(quiet, "ALPHA-MARKER-QUIET")
        unlisted = Partner.objects.get(name="ALPHA-MARKER other partner")
        unlisted.public_fields = EVERYTHING[1:]
        unlisted.save(update_fields=["public_fields"])
        secrets_everywhere(unlisted, "ALPHA-MARKER-UNLISTED")
        ended = listed("ALPHA-MARKER ended partner", *EVERYTHING[1:], stage=Stage.ENDED)
        secrets_everywhere(ended, "ALPHA-MARKER-ENDED")
        applicant = listed("ALPHA-MARKER applicant", *EVERYTHING[1:], stage=Stage.APPLIED)
        secrets_everywhere(applicant, "ALPHA-MARKER-APPLICANT")
    return {"quiet": quiet, "unlisted": unlisted, "ended": ended, "applicant": applicant}


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_listed_partner_shows_nothing_but_its_name_and_tier(
    alpha: World, hidden: dict[str, Partner], language: str
) -> None:
    quiet = hidden["quiet"]
    client = Client(HTTP_HOST=alpha.host, HTTP_ACCEPT_LANGUAGE=language)
    paths = [
        path.replace("{slug}", "alpha-marker-quiet-partner") for path in public_paths(quiet.pk)
    ]
    for path, body in bodies(client, paths).items():
        for secret in ("QUIET", "UNLISTED", "ENDED", "APPLICANT", "other partner"):
            assert secret not in body, (path, secret)
        assert not BIG_NUMBER.search(body), path
        assert "30000013" not in body  # the unlisted partner's business id
        assert "/partner-logos/" not in body, path
        assert "Energy and utilities" not in body and "energi" not in body.lower(), path
    detail = client.get(f"/api/v1/directory/partners/{quiet.pk}/").json()
    assert set(detail) == {"id", "name", "url", "tier"}
    assert detail["name"] == "ALPHA-MARKER quiet partner"


def test_unlisted_ended_and_applying_partners_have_no_public_trace(
    alpha: World, hidden: dict[str, Partner]
) -> None:
    client = Client(HTTP_HOST=alpha.host)
    for key in ("unlisted", "ended", "applicant"):
        partner = hidden[key]
        for path in (
            f"/directory/{partner.pk}/",
            f"/directory/{partner.pk}/x/",
            f"/api/v1/directory/partners/{partner.pk}/",
            f"/partner-logos/{partner.pk}/",
        ):
            response = client.get(path)
            assert response.status_code == 404, (key, path)
            assert key.upper() not in response.content.decode()
    names = [row["name"] for row in client.get("/api/v1/directory/partners/").json()["results"]]
    assert names == ["ALPHA-MARKER quiet partner"]


@pytest.mark.parametrize("withheld", EVERYTHING[1:])
def test_a_partner_that_withholds_one_item_shows_everything_else(
    alpha: World, withheld: str
) -> None:
    with tenant_context(alpha.tenant):
        partner = listed(
            "ALPHA-MARKER open partner", *(item for item in EVERYTHING[1:] if item != withheld)
        )
        secrets_everywhere(partner, "ALPHA-MARKER-OPEN")
    client = Client(HTTP_HOST=alpha.host, HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(f"/directory/{partner.pk}/alpha-marker-open-partner/").content.decode()
    api = client.get(f"/api/v1/directory/partners/{partner.pk}/")
    listing = client.get("/directory/").content.decode()
    api_list = client.get("/api/v1/directory/partners/").content.decode()
    detail = api.json()
    secret = {
        Publication.DESCRIPTION: "ALPHA-MARKER-OPEN-description",
        Publication.WEBSITE: "alpha-marker-open-website",
        Publication.LOGO: f"/partner-logos/{partner.pk}/",
        Publication.SECTOR: "Energy and utilities",
        Publication.CITY: "ALPHA-MARKER-OPEN-city",
        Publication.GOALS: "ALPHA-MARKER-OPEN-goals",
        Publication.CERTIFICATES: "ALPHA-MARKER-OPEN-certificates",
        Publication.AWARDS: "ALPHA-MARKER-OPEN-awards",
        Publication.CLIMATE: None,
        Publication.CONTACTS: "ALPHA-MARKER-OPEN-contacts",
    }
    for item, text in secret.items():
        for body in (page, api.content.decode(), listing, api_list):
            for never in NEVER_PUBLISHED:
                assert never not in body, never
            if item == withheld:
                if text is None:
                    assert not BIG_NUMBER.search(body), item
                else:
                    assert text not in body, item
        if item == withheld:
            assert item not in detail or (item == Publication.SECTOR and "sector" not in detail)
        elif item in ("description", "website", "goals", "certificates", "awards", "contacts"):
            assert item in detail, item
            if text:
                assert text in page, item
    if withheld == Publication.SECTOR:
        assert "sector" not in detail and "sector_name" not in detail
    if withheld == Publication.CLIMATE:
        assert "climate" not in detail
        # The goal in t CO2e is not measured by the (unpublished) accounts.
        emissions = next(g for g in detail["goals"] if g["unit"] == "t CO2e")
        assert emissions["latest_value"] is None
    else:
        assert BIG_NUMBER.search(page)
        assert detail["climate"]["scope1"] == "987654.321"

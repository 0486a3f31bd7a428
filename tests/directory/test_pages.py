"""The public directory, the partner pages, the sitemap, robots.txt and the programme's
home page: what they list, their filters and pages, bad input, and 404s."""

import datetime as dt
import re

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from programmes.configuration.models import CertificationScheme, Programme
from programmes.directory.selectors import partner_slug
from programmes.partners.models import Partner, Publication, Stage
from tenants.models import Domain
from tenants.selectors import forget_tenant_hosts
from tests.conftest import World, client_for
from tests.directory.conftest import (
    EVERYTHING,
    TODAY,
    account,
    award_win,
    certify,
    goal,
    listed,
    new_partner,
    progress,
    tier,
    with_logo,
)


def names_on(body: str) -> list[str]:
    return re.findall(r'<h2 class="directory-name"><a [^>]*>([^<]+)</a>', body)


def english(world: World) -> Client:
    return Client(HTTP_HOST=world.host, HTTP_ACCEPT_LANGUAGE="en")


# --- The directory ------------------------------------------------------------------------


def test_the_directory_lists_only_active_partners_that_chose_to_be_listed(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        listed("Bager Hansen")
        new_partner("Unlisted ApS")
        listed("Ended ApS", stage=Stage.ENDED)
        listed("Applicant ApS", stage=Stage.APPLIED)
        new_partner("Only logo ApS", public_fields=[Publication.LOGO, Publication.SECTOR])
    response = client_for(alpha).get("/directory/")
    assert response.status_code == 200
    body = response.content.decode()
    assert names_on(body) == ["Bager Hansen"]
    for hidden in ("Unlisted", "Ended", "Applicant", "Only logo", "ALPHA-MARKER partner"):
        assert hidden not in body
    assert 'role="status"' in body


def test_an_item_shows_logo_sector_and_city_only_when_published(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        gold = tier("Guld")
        shown = with_logo(
            listed(
                "Shown A/S",
                Publication.LOGO,
                Publication.SECTOR,
                Publication.CITY,
                city="Hirtshals",
                sector="energy",
                tier=gold,
            )
        )
        quiet = with_logo(listed("Quiet A/S", city="Skagen", sector="transport", tier=gold))
    body = english(alpha).get("/directory/").content.decode()
    assert f'src="/partner-logos/{shown.pk}/"' in body
    assert "Hirtshals" in body and "Energy and utilities" in body
    assert f"/partner-logos/{quiet.pk}/" not in body
    assert "Skagen" not in body and "Transport and logistics" not in body
    assert body.count("Tier: Guld") == 2
    assert f'href="/directory/{shown.pk}/shown-as/"' in body


def test_search_finds_names_and_published_descriptions_only(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        listed("Havbrise Camping", Publication.DESCRIPTION, description={"da": "Solceller"})
        listed("Klit Bageri", description={"da": "Solceller på taget"})  # not published
        listed("Solgården")
    client = client_for(alpha)
    assert names_on(client.get("/directory/?q=solceller").content.decode()) == ["Havbrise Camping"]
    assert names_on(client.get("/directory/?q=sol").content.decode()) == [
        "Havbrise Camping",
        "Solgården",
    ]
    assert names_on(client.get("/directory/?q=klit+bageri").content.decode()) == ["Klit Bageri"]
    nothing = client.get("/directory/?q=zzz")
    assert nothing.status_code == 200 and names_on(nothing.content.decode()) == []


def test_the_sector_filter_offers_and_finds_only_published_sectors(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        listed("Energi A", Publication.SECTOR, sector="energy")
        listed("Energi B", sector="energy")  # sector not published
        listed("Byg C", Publication.SECTOR, sector="construction")
    client = english(alpha)
    body = client.get("/directory/").content.decode()
    options = re.findall(
        r'<option value="([a-z]+)"', body.split('name="sector"')[1].split("</select>")[0]
    )
    assert options == ["construction", "energy"]
    assert names_on(client.get("/directory/?sector=energy").content.decode()) == ["Energi A"]
    bad = client.get("/directory/?sector=transport")
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()
    assert len(names_on(bad.content.decode())) == 3


def test_the_tier_filter(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        gold, silver = tier("Guld", 1), tier("Sølv", 2)
        listed("Gylden", tier=gold)
        listed("Sølvfisk", tier=silver)
        tier("Bronze", 3)  # nobody listed: not offered
    client = client_for(alpha)
    body = client.get("/directory/").content.decode()
    assert "Guld" in body and "Sølv" in body and "Bronze" not in body
    assert names_on(client.get(f"/directory/?tier={silver.pk}").content.decode()) == ["Sølvfisk"]
    assert client.get("/directory/?tier=abc").status_code == 400
    assert client.get("/directory/?tier=999999").status_code == 400


def test_the_certification_filter_needs_a_published_certificate_in_force(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        holder = listed("Holder", Publication.CERTIFICATES)
        certify(holder, "Miljøfyrtårn")
        certify(listed("Hidden holder"), "Miljøfyrtårn")
        certify(
            listed("Expired", Publication.CERTIFICATES),
            "Miljøfyrtårn",
            expires_on=TODAY - dt.timedelta(days=1),
        )
        certify(
            listed("Planned", Publication.CERTIFICATES),
            "Miljøfyrtårn",
            planned=True,
            expires_on=None,
        )
        certify(listed("Open-ended", Publication.CERTIFICATES), "ISO 14001", expires_on=None)
        certify(listed("Only expired"), "EMAS", expires_on=TODAY - dt.timedelta(days=1))
        schemes = dict(CertificationScheme.objects.values_list("name", "pk"))
    client = client_for(alpha)
    body = client.get("/directory/").content.decode()
    assert "Miljøfyrtårn" in body and "ISO 14001" in body and "EMAS" not in body
    found = client.get(f"/directory/?scheme={schemes['Miljøfyrtårn']}").content.decode()
    assert names_on(found) == ["Holder"]
    assert client.get(f"/directory/?scheme={schemes['EMAS']}").status_code == 400


def test_the_award_winner_filter_needs_published_awards(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        award_win(listed("Vinder", Publication.AWARDS), "Klimaprisen")
        award_win(listed("Stille vinder"), "Klimaprisen 2", year=2023)
        listed("Ingen pris", Publication.AWARDS)
    client = client_for(alpha)
    assert names_on(client.get("/directory/?awarded=on").content.decode()) == ["Vinder"]
    assert len(names_on(client.get("/directory/").content.decode())) == 3


def test_filters_combine_and_pagination_keeps_them(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        for n in range(55):
            listed(f"Energi {n:02d}", Publication.SECTOR, sector="energy")
        for n in range(3):
            listed(f"Byg {n}", Publication.SECTOR, sector="construction")
    client = client_for(alpha)
    first = client.get("/directory/?sector=energy&q=energi")
    body = first.content.decode()
    assert names_on(body) == [f"Energi {n:02d}" for n in range(50)]
    assert 'href="/directory/?q=energi&amp;sector=energy&amp;page=2"' in body
    assert 'rel="next"' in body and 'rel="prev"' not in body
    assert '<meta name="robots" content="noindex, follow">' in body
    second = client.get("/directory/?q=energi&sector=energy&page=2").content.decode()
    assert names_on(second) == [f"Energi {n:02d}" for n in range(50, 55)]
    assert 'rel="prev"' in second
    assert client.get("/directory/?sector=energy&page=3").status_code == 404
    everyone = client.get("/directory/?page=2").content.decode()
    assert len(names_on(everyone)) == 8
    assert "noindex" not in everyone
    assert 'rel="canonical" href="http://alpha.localhost/directory/?page=2"' in everyone


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "page=-1",
        "sector=nonsense",
        "tier=1%27%20OR%201=1",
        "scheme=x",
        "order=random",
        "q=" + "x" * 101,
        "sector=energy&sector=<script>",
    ],
)
def test_bad_input_is_named_and_left_out_never_a_server_error(alpha: World, query: str) -> None:
    with tenant_context(alpha.tenant):
        listed("Bager")
    response = english(alpha).get(f"/directory/?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Some of your choices could not be used" in body
    assert names_on(body) == ["Bager"]
    assert "<script>" not in body


def test_the_page_is_labelled_for_people_and_search_engines(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        listed("Bager")
    body = english(alpha).get("/directory/").content.decode()
    assert "<title>Partner directory – ALPHA-MARKER municipality</title>" in body
    assert (
        '<meta name="description" content="The climate partners of ALPHA-MARKER programme' in body
    )
    assert '<link rel="canonical" href="http://alpha.localhost/directory/">' in body
    assert body.count("<h1") == 1
    for field in ("id_q", "id_sector", "id_tier", "id_scheme", "id_order", "id_awarded"):
        assert f'for="{field}"' in body
    assert "1 partner found." in body


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_directory_speaks_every_language_of_the_tenant(alpha: World, language: str) -> None:
    with tenant_context(alpha.tenant):
        partner = listed("Bager", Publication.DESCRIPTION, description={"da": "Dansk tekst"})
    client = Client(HTTP_HOST=alpha.host, HTTP_ACCEPT_LANGUAGE=language)
    response = client.get("/directory/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    page = client.get(f"/directory/{partner.pk}/bager/")
    assert page.status_code == 200
    # The description falls back to the tenant's primary language.
    assert "Dansk tekst" in page.content.decode()


def test_an_empty_directory_says_so(alpha: World) -> None:
    response = english(alpha).get("/directory/")
    assert response.status_code == 200
    assert "No partner is listed yet." in response.content.decode()


# --- A partner's page ---------------------------------------------------------------------


def test_a_partner_page_shows_everything_the_partner_published(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = with_logo(
            listed(
                "Ærø Æbleplantage",
                *EVERYTHING[1:],
                description={"da": "Vi dyrker æbler økologisk."},
                website="https://aebler.example/",
                city="Ærøskøbing",
                sector="agriculture",
                tier=tier("Guld"),
            )
        )
        first = goal(partner, "Halvere elforbruget")
        progress(first, value="750", comment="Hemmelig kommentar")
        goal(partner, "Kladde-mål", status="draft")
        certify(partner, "Miljøfyrtårn", expires_on=dt.date(2031, 5, 1))
        award_win(partner, "Årets klimapartner")
        account(partner, 2022, "100", baseline=True)
        account(partner, 2024, "70")
        from programmes.partners.models import PartnerContact

        PartnerContact.objects.create(
            partner=partner, name="Karen Jensen", email="karen@aebler.example", role="climate"
        )
        PartnerContact.objects.create(
            partner=partner, name="Bogholder Bent", email="bent@aebler.example", role="invoicing"
        )
    response = english(alpha).get(f"/directory/{partner.pk}/aero-aebleplantage/")
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "<h1>Ærø Æbleplantage</h1>",
        "Vi dyrker æbler økologisk.",
        'href="https://aebler.example/"',
        f'src="/partner-logos/{partner.pk}/"',
        "Logo of Ærø Æbleplantage",
        "Ærøskøbing",
        "Agriculture, forestry and fishing",
        "Guld",
        "Halvere elforbruget",
        "On track",
        "50 %",  # of the way: 1000 → 750 of 1000 → 500
        "Miljøfyrtårn",
        "Årets klimapartner",
        "Reported emissions 2024 (t CO2e)",
        "85,0",  # 70 + 10 + 5 (English in Denmark: en_DK)
        "Karen Jensen",
        "karen@aebler.example",
        "Responsible for climate work",
        "<title>Ærø Æbleplantage – Partner directory – ALPHA-MARKER municipality</title>",
        '<meta name="description" content="Vi dyrker æbler økologisk.">',
        f'<link rel="canonical" href="http://alpha.localhost/directory/{partner.pk}/aero-aebleplantage/">',
    ):
        assert text in body, text
    for hidden in ("Kladde-mål", "Hemmelig kommentar", "Bogholder Bent", "account notes"):
        assert hidden not in body, hidden
    assert body.count("<h1") == 1


def test_a_partner_page_with_nothing_but_its_name(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = listed("Stille Bager")
    body = english(alpha).get(f"/directory/{partner.pk}/stille-bager/").content.decode()
    assert "<h1>Stille Bager</h1>" in body
    assert "Stille Bager is a climate partner of ALPHA-MARKER programme." in body
    for heading in ("Goals and progress", "Certifications", "Climate figures", "Contacts"):
        assert f"<h2>{heading}</h2>" not in body


def test_a_wrong_or_missing_name_in_the_address_moves_to_the_right_one(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = listed("Lønstrup Tømrer ApS")
    canonical = f"/directory/{partner.pk}/lonstrup-tomrer-aps/"
    assert partner_slug(partner.name) == "lonstrup-tomrer-aps"
    client = client_for(alpha)
    wrong = client.get(f"/directory/{partner.pk}/old-name/")
    assert wrong.status_code == 301 and wrong["Location"] == canonical
    short = client.get(f"/directory/{partner.pk}/")
    assert short.status_code == 302 and short["Location"] == canonical
    assert client.get(canonical).status_code == 200


@pytest.mark.parametrize("who", ["unlisted", "ended", "applicant", "missing"])
def test_a_partner_not_in_the_directory_has_no_page(alpha: World, who: str) -> None:
    with tenant_context(alpha.tenant):
        partner = {
            "unlisted": lambda: new_partner("Skjult", public_fields=EVERYTHING[1:]),
            "ended": lambda: listed("Skjult", stage=Stage.ENDED),
            "applicant": lambda: listed("Skjult", stage=Stage.APPLIED),
            "missing": lambda: None,
        }[who]()
    pk = partner.pk if partner else 99_999_999
    client = client_for(alpha)
    for path in (f"/directory/{pk}/skjult/", f"/directory/{pk}/other/", f"/directory/{pk}/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Skjult" not in response.content.decode()
    assert client.get("/directory/abc/skjult/").status_code == 404


def test_staff_and_partners_see_the_same_public_page(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        hidden = Partner.objects.get(name="ALPHA-MARKER partner")  # not listed
    for persona in ("municipal_admin", "partner_admin"):
        assert client_for(alpha, persona).get(f"/directory/{hidden.pk}/").status_code == 404


# --- Sitemap, robots.txt and the home page ------------------------------------------------


def test_the_sitemap_lists_public_pages_and_listed_partners_on_the_requests_host(
    alpha: World,
) -> None:
    with tenant_context(alpha.tenant):
        shown = listed("Åbenrå Bryghus")
        unlisted = new_partner("Skjult Bryghus")
        ended = listed("Lukket Bryghus", stage=Stage.ENDED)
    response = client_for(alpha).get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    body = response.content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", body)
    assert "http://alpha.localhost/" in locations
    assert "http://alpha.localhost/directory/" in locations
    assert "http://alpha.localhost/awards/" in locations
    assert "http://alpha.localhost/figures/" not in locations  # nothing published
    assert f"http://alpha.localhost/directory/{shown.pk}/abenra-bryghus/" in locations
    for pk in (unlisted.pk, ended.pk):
        assert not any(f"/directory/{pk}/" in location for location in locations)
    assert "Skjult" not in body and "Lukket" not in body


def test_the_sitemap_of_a_custom_domain_uses_that_domain(alpha: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "klima.alpha-kommune.example"]
    Domain.objects.create(domain="klima.alpha-kommune.example", tenant=alpha.tenant)
    forget_tenant_hosts(alpha.tenant)
    with tenant_context(alpha.tenant):
        shown = listed("Bryghus")
    client = Client(HTTP_HOST="klima.alpha-kommune.example")
    body = client.get("/sitemap.xml").content.decode()
    assert f"http://klima.alpha-kommune.example/directory/{shown.pk}/bryghus/" in body
    assert "alpha.localhost" not in body
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://klima.alpha-kommune.example/sitemap.xml" in robots


def test_the_sitemap_names_the_figures_when_the_programme_publishes_some(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        Programme.objects.update(public_figures=["goals"])
    assert (
        "http://alpha.localhost/figures/" in client_for(alpha).get("/sitemap.xml").content.decode()
    )


def test_robots_txt_points_at_the_sitemap(alpha: World) -> None:
    response = client_for(alpha).get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert "Sitemap: http://alpha.localhost/sitemap.xml" in body
    assert "Disallow: /manage/" in body and "Disallow: /directory/" not in body


def test_the_home_page_links_the_directory_and_shows_the_target(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        listed("Bager")
        listed("Smed")
        Programme.objects.update(
            target_text={"da": "Klimaneutral i 2040"},
            target_reduction_percent=70,
            target_year=2030,
            baseline_year=2020,
            public_figures=["target"],
        )
        for n, (before, after) in enumerate([("100", "80"), ("50", "40")]):
            partner = listed(f"Målt {n}")
            account(partner, 2020, before)
            account(partner, 2024, after)
    body = english(alpha).get("/").content.decode()
    assert 'href="/directory/"' in body
    assert "Partner directory: 4 partners are listed" in body
    assert "Klimaneutral i 2040" in body
    assert "70 % less emissions by 2030 than in 2020." in body
    # Location-based totals: (100 + 15) + (50 + 15) = 180 → (80 + 15) + (40 + 15) = 150.
    assert "So far: 16,7 % less than in 2020, by 2024 (2 partners compared like for like)." in body
    assert '<link rel="canonical" href="http://alpha.localhost/">' in body

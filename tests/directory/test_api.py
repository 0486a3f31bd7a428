"""The directory's public API: the same listing, filters and order as the page, what each
partner published, the programme; bad input is a 400 with the reason, others' partners 404;
no sign-in needed, every persona gets the same."""

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from programmes.configuration.models import Programme
from programmes.directory.api import PublicThrottle
from programmes.partners.models import Publication
from tests.conftest import PERSONAS, World, client_for
from tests.directory.conftest import (
    EVERYTHING,
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
from tests.directory.test_sorting import DANISH, NAMES, SWEDISH


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_anyone_reads_the_listed_partners(alpha: World, persona: str | None) -> None:
    with tenant_context(alpha.tenant):
        partner = with_logo(
            listed("Bager", Publication.LOGO, Publication.CITY, city="Sindal", tier=tier("Guld"))
        )
        new_partner("Skjult")
    response = client_for(alpha, persona).get("/api/v1/directory/partners/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1 and data["next"] is None
    assert data["results"] == [
        {
            "id": partner.pk,
            "name": "Bager",
            "url": f"http://alpha.localhost/directory/{partner.pk}/bager/",
            "tier": "Guld",
            "logo": f"http://alpha.localhost/partner-logos/{partner.pk}/",
            "city": "Sindal",
        }
    ]


def test_the_list_sorts_in_the_alphabet_of_the_requests_language(alpha: World, beta: World) -> None:
    for world in (alpha, beta):
        with tenant_context(world.tenant):
            for name in NAMES:
                listed(name)
    assert names(Client(HTTP_HOST=alpha.host).get("/api/v1/directory/partners/")) == DANISH
    assert names(Client(HTTP_HOST=beta.host).get("/api/v1/directory/partners/")) == SWEDISH
    reverse = Client(HTTP_HOST=beta.host).get("/api/v1/directory/partners/?order=-name")
    assert names(reverse) == SWEDISH[::-1]


def test_the_list_filters_like_the_page(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        gold = tier("Guld")
        winner = listed("Vinder", Publication.AWARDS, Publication.SECTOR, sector="energy")
        award_win(winner, "Klimaprisen")
        holder = listed("Holder", Publication.CERTIFICATES, tier=gold)
        scheme_id = certify(holder, "Miljøfyrtårn").scheme_id
        listed("Solcelle", Publication.DESCRIPTION, description={"da": "Vi har solceller"})
        listed("Energi skjult", sector="energy")
    client = Client(HTTP_HOST=alpha.host)
    base = "/api/v1/directory/partners/"
    assert names(client.get(f"{base}?awarded=true")) == ["Vinder"]
    assert names(client.get(f"{base}?sector=energy")) == ["Vinder"]
    assert names(client.get(f"{base}?tier={gold.pk}")) == ["Holder"]
    assert names(client.get(f"{base}?scheme={scheme_id}")) == ["Holder"]
    assert names(client.get(f"{base}?q=solceller")) == ["Solcelle"]
    assert len(names(client.get(base))) == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sector=nonsense", "sector"),
        ("sector=transport", "sector"),
        ("tier=abc", "tier"),
        ("scheme=999999", "scheme"),
        ("order=random", "order"),
        ("page=abc", "page"),
        ("page=0", "page"),
    ],
)
def test_bad_input_is_a_400_that_names_the_field(alpha: World, query: str, field: str) -> None:
    with tenant_context(alpha.tenant):
        listed("Bager")
    response = Client(HTTP_HOST=alpha.host, HTTP_ACCEPT_LANGUAGE="en").get(
        f"/api/v1/directory/partners/?{query}"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_pages_of_fifty(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        for n in range(53):
            listed(f"Partner {n:02d}")
    client = Client(HTTP_HOST=alpha.host)
    first = client.get("/api/v1/directory/partners/").json()
    assert first["count"] == 53 and len(first["results"]) == 50
    assert first["next"] == "http://alpha.localhost/api/v1/directory/partners/?page=2"
    second = client.get("/api/v1/directory/partners/?page=2").json()
    assert [row["name"] for row in second["results"]] == ["Partner 50", "Partner 51", "Partner 52"]
    assert client.get("/api/v1/directory/partners/?page=3").status_code == 404


def test_the_detail_has_a_key_for_each_published_item_only(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = with_logo(
            listed(
                "Åben A/S",
                *EVERYTHING[1:],
                description={"da": "Beskrivelse"},
                website="https://aaben.example/",
                city="Skagen",
                sector="retail",
            )
        )
        target = goal(partner, "Mindre strøm")
        progress(target, value="750")
        certify(partner, "ISO 14001", expires_on=None)
        award_win(partner, "Klimaprisen", year=2023)
        account(partner, 2022, "100", baseline=True)
        account(partner, 2024, "60")
        from programmes.partners.models import PartnerContact

        PartnerContact.objects.create(
            partner=partner, name="Karen", email="karen@aaben.example", role="main"
        )
    data = Client(HTTP_HOST=alpha.host).get(f"/api/v1/directory/partners/{partner.pk}/").json()
    assert data == {
        "id": partner.pk,
        "name": "Åben A/S",
        "url": f"http://alpha.localhost/directory/{partner.pk}/aben-as/",
        "tier": "",
        "logo": f"http://alpha.localhost/partner-logos/{partner.pk}/",
        "sector": "retail",
        "sector_name": data["sector_name"],  # in the page's language
        "city": "Skagen",
        "description": "Beskrivelse",
        "website": "https://aaben.example/",
        "goals": [
            {
                "theme": "energy",
                "theme_name": data["goals"][0]["theme_name"],
                "description": "Mindre strøm",
                "indicator": "kWh",
                "unit": "kWh",
                "baseline_value": "1000.00",
                "baseline_year": 2022,
                "target_value": "500.00",
                "target_date": "2030-12-31",
                "status": "approved",
                "progress": "on_track",
                "latest_value": "750.00",
                "latest_value_year": 2024,
                "share_percent": "50",
            }
        ],
        "certificates": [{"scheme": "ISO 14001", "scheme_website": "", "expires_on": None}],
        "awards": [{"award": "Klimaprisen", "period": "2023", "year": 2023, "month": None}],
        "climate": {
            "year": 2024,
            "scope1": "60.000",
            "scope2": "10.000",
            "scope2_market_based": False,
            "scope3": "5.000",
            "total": "75.000",
            "baseline_year": 2022,
            "change": "-40.000",
            "change_percent": "-34.8",
        },
        "contacts": [
            {
                "name": "Karen",
                "role": "main",
                "role_name": data["contacts"][0]["role_name"],
                "email": "karen@aaben.example",
            }
        ],
    }


def test_a_partner_that_publishes_climate_figures_without_an_account(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = listed("Ny", Publication.CLIMATE, Publication.GOALS)
    data = Client(HTTP_HOST=alpha.host).get(f"/api/v1/directory/partners/{partner.pk}/").json()
    assert data["climate"] is None and data["goals"] == []


@pytest.mark.parametrize("pk", ["999999", "abc", "0"])
def test_an_unknown_partner_is_a_404(alpha: World, pk: str) -> None:
    assert Client(HTTP_HOST=alpha.host).get(f"/api/v1/directory/partners/{pk}/").status_code == 404


def test_the_programme(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        listed("Bager")
        new_partner("Skjult")
        Programme.objects.update(
            target_text={"da": "Klimaneutral 2040"},
            target_year=2030,
            target_reduction_percent=70,
            baseline_year=2020,
            public_figures=["target"],
        )
    response = Client(HTTP_HOST=alpha.host).get("/api/v1/directory/programme/")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "ALPHA-MARKER programme"
    assert data["description"] == "ALPHA-MARKER description"
    assert data["target_text"] == "Klimaneutral 2040"
    assert (data["target_year"], data["baseline_year"]) == (2030, 2020)
    assert data["target_reduction_percent"] == "70.00"
    assert data["listed_partners"] == 1
    assert data["target_progress"]["achieved_percent"] is None  # nobody to compare yet
    assert data["links"] == {
        "home": "http://alpha.localhost/",
        "directory": "http://alpha.localhost/directory/",
        "awards": "http://alpha.localhost/awards/",
        "figures": "http://alpha.localhost/figures/",
        "sitemap": "http://alpha.localhost/sitemap.xml",
    }


def test_the_programme_without_published_figures(alpha: World) -> None:
    data = Client(HTTP_HOST=alpha.host).get("/api/v1/directory/programme/").json()
    assert data["links"]["figures"] is None and data["target_progress"] is None


def test_the_api_is_read_only(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")
    with tenant_context(alpha.tenant):
        partner = listed("Bager")
    assert client.post("/api/v1/directory/partners/", {}).status_code == 405
    assert client.delete(f"/api/v1/directory/partners/{partner.pk}/").status_code == 405
    assert client.post("/api/v1/directory/programme/", {}).status_code == 405


def test_anonymous_callers_are_throttled_per_tenant(
    alpha: World, beta: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PublicThrottle, "rate", "2/minute")
    client = Client(HTTP_HOST=alpha.host)
    assert client.get("/api/v1/directory/programme/").status_code == 200
    assert client.get("/api/v1/directory/partners/").status_code == 200
    assert client.get("/api/v1/directory/partners/").status_code == 429
    assert Client(HTTP_HOST=beta.host).get("/api/v1/directory/partners/").status_code == 200

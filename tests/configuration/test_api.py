"""The configuration API: public reads, admin writes through the services."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.configuration.models import FeeSchedule, PrivacyStatement, SigningRound
from tests.conftest import World, client_for

FREE = {"name": {"da": "Gratis"}, "kind": "free"}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [(None, 401), ("partner_admin", 403), ("municipal_staff", 403), ("municipal_admin", 201)],
)
def test_only_admins_write(
    alpha: World, persona: str | None, expected: int, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(15):
        response = client.post("/api/v1/fee-schedules/", FREE, content_type="application/json")
    assert response.status_code == expected


def test_a_banded_schedule_is_created_with_bands_and_quoted(alpha: World) -> None:
    client = client_for(alpha, "municipal_admin")
    response = client.post(
        "/api/v1/fee-schedules/",
        {
            "name": {"da": "Gebyr"},
            "kind": "banded",
            "size_measure": "employees",
            "vat_rate": "25.00",
            "pro_rata": "monthly",
            "bands": [
                {"min_size": 0, "max_size": 9, "amount": "3000.00"},
                {"min_size": 10, "max_size": None, "amount": "5000.00"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    quote = client_for(alpha).get(
        f"/api/v1/fee-schedules/{pk}/quote/", {"year": 2026, "size": 12, "joined_on": "2026-07-01"}
    )
    assert quote.json() == {
        "annual_fee": "2500.00",
        "joining_fee": "0.00",
        "vat": "625.00",
        "total": "3125.00",
        "full_annual_fee": "5000.00",
    }


def test_bad_bands_are_refused_with_field_errors(alpha: World) -> None:
    response = client_for(alpha, "municipal_admin").post(
        "/api/v1/fee-schedules/",
        {
            "name": {"da": "Gebyr"},
            "kind": "banded",
            "size_measure": "employees",
            "bands": [
                {"min_size": 0, "max_size": 20, "amount": "1"},
                {"min_size": 5, "max_size": None, "amount": "2"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "bands" in response.json()
    with tenant_context(alpha.tenant):
        assert not FeeSchedule.objects.filter(name__da="Gebyr").exists()


def test_a_signing_round_in_the_past_is_refused(alpha: World) -> None:
    response = client_for(alpha, "municipal_admin").post(
        "/api/v1/signing-rounds/",
        {
            "title": {"da": "Runde"},
            "starts_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
            "place": "Rådhus",
            "capacity": 10,
            "signatory_name": "Borgmester",
            "signatory_title": {"da": "Borgmester"},
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "starts_at" in response.json()
    with tenant_context(alpha.tenant):
        assert not SigningRound.objects.filter(place="Rådhus").exists()


def test_a_nomination_window_ending_before_it_starts_is_refused(alpha: World) -> None:
    response = client_for(alpha, "municipal_admin").post(
        "/api/v1/award-categories/",
        {
            "name": {"da": "Pris"},
            "nomination_opens": "2027-05-01",
            "nomination_closes": "2027-04-01",
            "nominators": ["partners"],
            "criteria": [{"name": {"da": "Effekt"}, "weight": 100}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "nomination_closes" in response.json()


def test_translated_text_must_use_known_languages(alpha: World) -> None:
    response = client_for(alpha, "municipal_admin").post(
        "/api/v1/contacts/", {"name": "X", "title": {"xx": "?"}}, content_type="application/json"
    )
    assert response.status_code == 400


def test_the_public_sees_published_privacy_statements_only(alpha: World) -> None:
    admin = client_for(alpha, "municipal_admin")
    draft = admin.post(
        "/api/v1/privacy-statements/", {"text": {"da": "Udkast"}}, content_type="application/json"
    ).json()
    public = client_for(alpha).get("/api/v1/privacy-statements/").json()
    assert draft["id"] not in [row["id"] for row in public["results"]]
    published = admin.post(f"/api/v1/privacy-statements/{draft['id']}/publish/")
    assert published.status_code == 200
    public = client_for(alpha).get("/api/v1/privacy-statements/").json()
    assert draft["id"] in [row["id"] for row in public["results"]]
    again = admin.patch(
        f"/api/v1/privacy-statements/{draft['id']}/",
        {"text": {"da": "Nyt"}},
        content_type="application/json",
    )
    assert again.status_code == 400
    with tenant_context(alpha.tenant):
        assert PrivacyStatement.objects.get(pk=draft["id"]).text == {"da": "Udkast"}


def test_jurors_are_not_shown_to_the_public(alpha: World) -> None:
    client_for(alpha, "municipal_admin").post(
        "/api/v1/award-categories/",
        {
            "name": {"da": "Pris"},
            "nomination_opens": "2027-04-01",
            "nomination_closes": "2027-05-01",
            "nominators": ["partners"],
            "criteria": [{"name": {"da": "Effekt"}, "weight": 100}],
        },
        content_type="application/json",
    )
    public = client_for(alpha).get("/api/v1/award-categories/").json()["results"]
    assert public and "jurors" not in public[0]
    staff = client_for(alpha, "municipal_staff").get("/api/v1/award-categories/").json()
    assert "jurors" in staff["results"][0]


def test_the_programme_profile_is_public_and_admins_update_it(alpha: World) -> None:
    profile = client_for(alpha).get("/api/v1/programme/").json()["results"][0]
    assert profile["name_text"] == "ALPHA-MARKER programme"
    refused = client_for(alpha, "partner_admin").patch(
        f"/api/v1/programme/{profile['id']}/",
        {"target_year": 2035},
        content_type="application/json",
    )
    assert refused.status_code == 403
    updated = client_for(alpha, "municipal_admin").patch(
        f"/api/v1/programme/{profile['id']}/",
        {"target_year": 2035},
        content_type="application/json",
    )
    assert updated.status_code == 200
    assert updated.json()["target_year"] == 2035

"""Annual climate accounts: saving (one a year, one baseline a partner, years 1990 to now),
totals and change against the baseline, the partner's page with its chart and goals, the
staff pages and the API, each with who may read and write."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.climate import selectors, services
from programmes.climate.models import ActivityData, ClimateAccount, Scope3Emission
from programmes.core.models import AuditEvent
from programmes.followups.models import FollowUp, GoalProgress
from programmes.partners.models import Goal, Partner
from tests.conftest import World, client_for

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1
D = Decimal


def partner_of(world: World, name: str = "partner") -> Partner:
    return Partner.objects.get(name=f"{world.marker} {name}")


def account_for(
    partner: Partner,
    year: int,
    *,
    scope1: str = "10",
    location: str = "20",
    market: str | None = None,
    baseline: bool = False,
    scope3: dict[int, str] | None = None,
    notes: str = "",
) -> ClimateAccount:
    account = ClimateAccount.objects.create(
        partner=partner,
        year=year,
        scope1=D(scope1),
        scope2_location=D(location),
        scope2_market=None if market is None else D(market),
        method="klimakompasset",
        is_baseline=baseline,
        notes=notes,
    )
    for category, tonnes in (scope3 or {}).items():
        Scope3Emission.objects.create(account=account, category=category, tonnes=D(tonnes))
    return account


def save(world: World, partner: Partner, **overrides: Any) -> ClimateAccount:
    values: dict[str, Any] = {
        "actor": world.users["partner_admin"],
        "partner": partner,
        "year": 2022,
        "scope1": D("12.5"),
        "scope2_location": D("8.2"),
        "scope2_market": D("3.1"),
        "method": "klimakost",
        "scope3": {1: D(40), 6: D("2.3")},
        "activities": [
            services.Activity("electricity", D(52000), "kWh"),
            services.Activity("diesel", D(3100), "l"),
        ],
    }
    return services.account_save(**(values | overrides))


def errors_of(call: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# --- Saving ------------------------------------------------------------------------------


def test_an_account_is_saved_with_its_scope3_and_activities_and_audited(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = partner_of(alpha)
        account = save(alpha, partner, notes="  ALPHA-MARKER note ")
        assert (account.year, account.scope1, account.scope2_market) == (
            2022,
            D("12.5"),
            D("3.1"),
        )
        assert account.notes == "ALPHA-MARKER note"
        assert account.reported_by == alpha.users["partner_admin"]
        assert dict(account.scope3.values_list("category", "tonnes")) == {
            1: D("40.000"),
            6: D("2.300"),
        }
        assert set(account.activities.values_list("kind", "quantity", "unit")) == {
            ("electricity", D("52000.00"), "kWh"),
            ("diesel", D("3100.00"), "l"),
        }
        event = AuditEvent.objects.get(action="climate_account.created")
        assert event.target_id == str(account.pk)
        assert event.data["year"] == 2022 and event.data["scope3"] == {"1": "40", "6": "2.3"}


def test_editing_replaces_the_figures_scope3_and_activities(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = partner_of(alpha)
        account = save(alpha, partner)
        save(
            alpha,
            partner,
            account=account,
            scope2_market=None,
            scope3={4: D(7)},
            activities=[services.Activity("electricity", D(48), "MWh")],
        )
        account.refresh_from_db()
        assert account.scope2_market is None
        assert list(account.scope3.values_list("category", flat=True)) == [4]
        assert list(account.activities.values_list("unit", flat=True)) == ["MWh"]
        assert AuditEvent.objects.filter(action="climate_account.changed").count() == 1


def test_marking_another_year_as_baseline_moves_the_flag(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = partner_of(alpha)
        first = save(alpha, partner, year=2019, is_baseline=True)
        second = save(alpha, partner, year=2020, is_baseline=True)
        first.refresh_from_db()
        assert (first.is_baseline, second.is_baseline) == (False, True)
        event = AuditEvent.objects.filter(action="climate_account.created").latest("pk")
        assert event.data["baseline_moved_from"] == 2019
        # Another partner's baseline is its own.
        other = save(alpha, partner_of(alpha, "other partner"), year=2019, is_baseline=True)
        assert other.is_baseline
        assert ClimateAccount.objects.filter(is_baseline=True).count() == 2


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (THIS_YEAR + 1, "The year is in the future."),
        (1989, "Give a year from 1990 on."),
    ],
)
def test_years_outside_1990_to_now_are_refused(alpha: World, year: int, message: str) -> None:
    with tenant_context(alpha.tenant):
        assert errors_of(lambda: save(alpha, partner_of(alpha), year=year)) == {"year": [message]}
        assert not ClimateAccount.objects.exists()
    with tenant_context(alpha.tenant):
        assert save(alpha, partner_of(alpha), year=THIS_YEAR).year == THIS_YEAR


def test_a_second_account_for_the_same_year_is_refused(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = partner_of(alpha)
        save(alpha, partner)
        errors = errors_of(lambda: save(alpha, partner))
        assert errors == {"year": ["There is already a climate account for 2022."]}
        assert ClimateAccount.objects.count() == 1
        # The other partner may have 2022 too.
        save(alpha, partner_of(alpha, "other partner"))


def test_bad_figures_are_refused_by_field_and_nothing_is_saved(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        before = AuditEvent.objects.count()
        errors = errors_of(
            lambda: save(
                alpha,
                partner_of(alpha),
                scope1=D(-1),
                method="abacus",
                scope3={5: D("-2"), 16: D(1)},
                activities=[
                    services.Activity("electricity", D(1), "km"),
                    services.Activity("diesel", D(-5), "l"),
                    services.Activity("petrol", D(1), "l"),
                    services.Activity("petrol", D(2), "l"),
                ],
            )
        )
        assert set(errors) == {"scope1", "method", "scope3_5", "scope3", "activities"}
        assert errors["scope3"] == ["16 is not a scope 3 category: give 1 to 15."]
        assert errors["activities"] == [
            "Electricity cannot be given in km: give one of kWh, MWh.",
            "Diesel: Ensure this value is greater than or equal to 0.",
            "Petrol is given twice: add the quantities up.",
        ]
        assert not ClimateAccount.objects.exists()
        assert AuditEvent.objects.count() == before


def test_an_account_is_deleted_with_an_audit_record(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        account = save(alpha, partner_of(alpha))
        services.account_delete(actor=alpha.users["municipal_staff"], account=account)
        assert not ClimateAccount.objects.exists()
        assert not Scope3Emission.objects.exists() and not ActivityData.objects.exists()
        assert AuditEvent.objects.get(action="climate_account.deleted").data["year"] == 2022


# --- Totals ------------------------------------------------------------------------------


def test_totals_count_market_based_scope2_when_given_and_change_against_the_baseline(
    alpha: World, django_assert_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        partner = partner_of(alpha)
        account_for(partner, 2019, scope1="10", location="20", baseline=True, scope3={1: "70"})
        account_for(partner, 2021, scope1="10", location="20", market="5", scope3={1: "50"})
        account_for(partner, 2020, scope1="8", location="12")
        with django_assert_num_queries(3):  # accounts with scope 3 totals; scope 3; activities
            years = selectors.totals_per_year(selectors.accounts_for_partner(partner))
        assert [(y.year, y.total, y.scope2, y.scope2_market_based) for y in years] == [
            (2019, D(100), D(20), False),
            (2020, D(20), D(12), False),
            (2021, D(65), D(5), True),
        ]
        assert [(y.change, y.change_percent) for y in years] == [
            (D(0), D("0.0")),
            (D(-80), D("-80.0")),
            (D(-35), D("-35.0")),
        ]


def test_without_a_baseline_there_is_no_change(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = partner_of(alpha)
        account_for(partner, 2020)
        [year] = selectors.totals_per_year(selectors.accounts_for_partner(partner))
        assert (year.total, year.change, year.change_percent) == (D(30), None, None)


def emissions_goal(partner: Partner, **overrides: Any) -> Goal:
    values = {
        "partner": partner,
        "theme": "energy",
        "description": "ALPHA-MARKER halve our emissions",
        "indicator": "Emissions",
        "unit": "t CO2e",
        "baseline_value": D(100),
        "baseline_year": 2019,
        "target_value": D(50),
        "target_date": dt.date(2030, 12, 31),
        "horizon": "long_term",
        "status": "approved",
    }
    return Goal.objects.create(**(values | overrides))


def test_goals_stand_by_the_latest_follow_up_answer_or_else_by_the_accounts(
    alpha: World,
) -> None:
    with tenant_context(alpha.tenant):
        partner = partner_of(alpha)
        account_for(partner, 2019, scope1="100", location="0", baseline=True)
        account_for(partner, 2024, scope1="60", location="10", market="0")
        by_accounts = emissions_goal(partner)
        reported = emissions_goal(
            partner, description="LED", unit="kWh", baseline_value=D(1000), target_value=D(500)
        )
        emissions_goal(partner, description="A draft", status="draft")
        follow_up = FollowUp.objects.get(partner=partner, year=2025)
        GoalProgress.objects.create(
            follow_up=follow_up, goal=reported, status="on_track", value_reached=D(800)
        )
        years = selectors.totals_per_year(selectors.accounts_for_partner(partner))
        standings = {s.goal.pk: s for s in selectors.goal_standings(partner, years)}
        assert set(standings) == {by_accounts.pk, reported.pk}
        accounts = standings[by_accounts.pk]
        assert (accounts.value, accounts.value_year, accounts.from_accounts) == (D(60), 2024, True)
        assert accounts.share == D(80)  # from 100 to 60 of the way to 50
        answered = standings[reported.pk]
        assert (answered.value, answered.value_year, answered.share) == (D(800), 2025, D(40))
        assert answered.progress.status == "on_track"


# --- The partner's page ------------------------------------------------------------------


@pytest.fixture
def history(alpha: World) -> list[ClimateAccount]:
    with tenant_context(alpha.tenant):
        partner = partner_of(alpha)
        accounts = [
            account_for(partner, 2019, baseline=True, scope3={1: "70"}, notes="ALPHA-MARKER"),
            account_for(partner, 2021, market="5", scope3={1: "50", 6: "1.5"}),
        ]
        ActivityData.objects.create(
            account=accounts[1], kind="electricity", quantity=D(52000), unit="kWh"
        )
        emissions_goal(partner)
        return accounts


def test_the_partner_page_shows_the_years_as_a_chart_and_a_table_and_the_goals(
    alpha: World, history: list[ClimateAccount], django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "partner_admin")
    with django_assert_max_num_queries(12):
        response = client.get("/my-partnership/climate/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body  # the chart, inline
    assert "<table" in body and "2019" in body and "2021" in body
    # Danish numbers (the tenant's locale): 66.5 t in 2021, 33.5 t (33.5 %) less than in 2019.
    assert "66,5" in body and "-33,5" in body and "-33,5 %" in body
    assert "52.000 kWh" in body
    assert "ALPHA-MARKER halve our emissions" in body
    assert 'href="/my-partnership/climate/new/"' in body
    assert 'href="/my-partnership/climate/import/"' in body
    assert 'href="/my-partnership/climate/2021/"' in body


def test_a_partner_without_accounts_sees_an_empty_page_without_a_chart(alpha: World) -> None:
    response = client_for(alpha, "partner_member").get("/my-partnership/climate/")
    assert response.status_code == 200
    assert "<svg" not in response.content.decode()


def test_the_partnership_page_and_the_staff_page_link_to_the_accounts(alpha: World) -> None:
    body = client_for(alpha, "partner_member").get("/my-partnership/").content.decode()
    assert 'href="/my-partnership/climate/"' in body
    with tenant_context(alpha.tenant):
        pk = partner_of(alpha).pk
    body = client_for(alpha, "municipal_staff").get(f"/partners/{pk}/").content.decode()
    assert f'href="/partners/{pk}/climate/"' in body


def account_form(**overrides: str) -> dict[str, str]:
    data = {
        "year": str(LAST_YEAR),
        "scope1": "12,5",  # Danish decimal comma
        "scope2_location": "1.208,2",
        "scope2_market": "",
        "method": "own",
        "method_detail": "",
        "notes": "ALPHA-MARKER",
        "scope3_1": "40",
        "scope3_7": "5,8",
        "activities-TOTAL_FORMS": "3",
        "activities-INITIAL_FORMS": "0",
        "activities-0-kind": "electricity",
        "activities-0-quantity": "52.000",
        "activities-0-unit": "kWh",
        "activities-1-kind": "",
        "activities-1-quantity": "",
        "activities-1-unit": "",
        "activities-2-kind": "",
        "activities-2-quantity": "",
        "activities-2-unit": "",
    }
    return data | overrides


def test_the_partner_admin_adds_and_edits_an_account_in_the_form(
    alpha: World, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "partner_admin")
    with django_assert_max_num_queries(10):
        page = client.get("/my-partnership/climate/new/")
    assert page.status_code == 200
    assert page.content.decode().count('name="scope3_') == 15
    with django_assert_max_num_queries(20):
        response = client.post("/my-partnership/climate/new/", account_form(is_baseline="on"))
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == "/my-partnership/climate/"
    with tenant_context(alpha.tenant):
        account = ClimateAccount.objects.get(year=LAST_YEAR)
        assert (account.scope1, account.scope2_location, account.is_baseline) == (
            D("12.5"),
            D("1208.2"),
            True,
        )
        assert dict(account.scope3.values_list("category", "tonnes")) == {
            1: D(40),
            7: D("5.8"),
        }
        assert account.activities.get().quantity == D(52000)

    page = client.get(f"/my-partnership/climate/{LAST_YEAR}/").content.decode()
    assert 'value="12,5"' in page and 'value="1208,2"' in page and 'value="52000"' in page
    data = account_form(
        scope1="9",
        **{
            "activities-TOTAL_FORMS": "4",
            "activities-INITIAL_FORMS": "1",
            "activities-0-kind": "",
            "activities-0-quantity": "",
            "activities-0-unit": "",
            "activities-3-kind": "",
            "activities-3-quantity": "",
            "activities-3-unit": "",
        },
    )
    response = client.post(f"/my-partnership/climate/{LAST_YEAR}/", data)
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        account = ClimateAccount.objects.get(year=LAST_YEAR)
        assert account.scope1 == D(9) and not account.is_baseline
        assert not account.activities.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"year": str(THIS_YEAR + 1)}, "year", "The year is in the future."),
        ({"scope1": "-1"}, "scope1", "Ensure this value is greater than or equal to 0."),
        ({"activities-0-unit": ""}, None, "The unit is missing."),
        ({"activities-0-unit": "km"}, None, "Electricity cannot be given in km"),
    ],
)
def test_the_form_shows_what_is_wrong_and_saves_nothing(
    alpha: World, change: dict[str, str], field: str | None, message: str
) -> None:
    response = client_for(alpha, "partner_admin").post(
        "/my-partnership/climate/new/", account_form(**change), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert message in response.content.decode()
    if field:
        assert message in response.context["form"].errors[field][0]
    with tenant_context(alpha.tenant):
        assert not ClimateAccount.objects.exists()


def test_a_second_account_for_a_year_is_shown_on_the_year_field(
    alpha: World, history: list[ClimateAccount]
) -> None:
    response = client_for(alpha, "partner_admin").post(
        "/my-partnership/climate/new/", account_form(year="2021"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.context["form"].errors["year"] == [
        "There is already a climate account for 2021."
    ]


def test_members_read_but_do_not_write(
    alpha: World, history: list[ClimateAccount], django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "partner_member")
    body = client.get("/my-partnership/climate/").content.decode()
    assert "2021" in body and "/my-partnership/climate/new/" not in body
    assert "/my-partnership/climate/import/" not in body
    with django_assert_max_num_queries(10):
        response = client.get("/my-partnership/climate/2021/")
    assert response.status_code == 200
    assert "<form" not in response.content.decode().split("<main", 1)[1]
    assert client.get("/my-partnership/climate/new/").status_code == 403
    assert client.post("/my-partnership/climate/2021/", account_form()).status_code == 403
    assert client.post("/my-partnership/climate/new/", account_form()).status_code == 403
    assert client.post("/my-partnership/climate/2021/", {"action": "delete"}).status_code == 403
    with tenant_context(alpha.tenant):
        assert ClimateAccount.objects.count() == 2


def test_another_partner_sees_only_its_own_accounts(
    alpha: World, history: list[ClimateAccount]
) -> None:
    client = client_for(alpha, "other_partner_member")
    body = client.get("/my-partnership/climate/").content.decode()
    assert "2021" not in body and "ALPHA-MARKER partner" not in body
    assert client.get("/my-partnership/climate/2021/").status_code == 404
    assert client.get(f"/partners/{history[0].partner_id}/climate/").status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/my-partnership/climate/",
        "/my-partnership/climate/new/",
        "/my-partnership/climate/2021/",
        "/partners/1/climate/",
        "/partners/1/climate/2021/",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(alpha: World, path: str) -> None:
    response = client_for(alpha).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_read_and_edit_a_partners_accounts(
    alpha: World, history: list[ClimateAccount], django_assert_max_num_queries
) -> None:
    pk = history[0].partner_id
    client = client_for(alpha, "municipal_staff")
    with django_assert_max_num_queries(12):
        body = client.get(f"/partners/{pk}/climate/").content.decode()
    assert "ALPHA-MARKER partner" in body and "<svg" in body
    assert f'href="/partners/{pk}/climate/2021/"' in body
    assert f'href="/partners/{pk}/climate/new/"' in body
    assert 'href="/partners/climate-import/"' in body
    with django_assert_max_num_queries(20):
        response = client.post(f"/partners/{pk}/climate/new/", account_form(year="2020"))
    assert response.status_code == 302
    assert response["Location"] == f"/partners/{pk}/climate/"
    response = client.post(f"/partners/{pk}/climate/2021/", {"action": "delete"})
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        assert sorted(ClimateAccount.objects.values_list("year", flat=True)) == [2019, 2020]
        assert ClimateAccount.objects.get(year=2020).reported_by == alpha.users["municipal_staff"]
    assert client.get(f"/partners/{pk}/climate/2021/").status_code == 404
    assert client.get("/partners/999999/climate/").status_code == 404


# --- The API -----------------------------------------------------------------------------


def api_account(**overrides: Any) -> dict[str, Any]:
    data = {
        "year": 2022,
        "scope1": "12.5",
        "scope2_location": "8.2",
        "scope2_market": "3.1",
        "method": "klimakompasset",
        "is_baseline": False,
        "scope3": [{"category": 1, "tonnes": "40"}, {"category": 6, "tonnes": "2.3"}],
        "activities": [{"kind": "electricity", "quantity": "52000", "unit": "kWh"}],
    }
    return data | overrides


def test_staff_list_every_partners_accounts_with_filters(
    alpha: World, history: list[ClimateAccount], django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        other = account_for(partner_of(alpha, "other partner"), 2021)
    client = client_for(alpha, "municipal_admin")
    with django_assert_max_num_queries(10):
        rows = client.get("/api/v1/climate-accounts/").json()["results"]
    assert len(rows) == 3
    rows = client.get("/api/v1/climate-accounts/?year=2021").json()["results"]
    assert {row["partner"] for row in rows} == {history[0].partner_id, other.partner_id}
    rows = client.get(f"/api/v1/climate-accounts/?partner={other.partner_id}").json()["results"]
    assert [row["id"] for row in rows] == [other.pk]
    with django_assert_max_num_queries(8):
        row = client.get(f"/api/v1/climate-accounts/{history[1].pk}/").json()
    assert row["total"] == "66.500"
    assert row["scope3"] == [
        {"category": 1, "tonnes": "50.000"},
        {"category": 6, "tonnes": "1.500"},
    ]
    assert row["activities"] == [{"kind": "electricity", "quantity": "52000.00", "unit": "kWh"}]


def test_partner_people_read_only_their_own_accounts(
    alpha: World, history: list[ClimateAccount]
) -> None:
    with tenant_context(alpha.tenant):
        other = account_for(partner_of(alpha, "other partner"), 2021)
    rows = client_for(alpha, "partner_member").get("/api/v1/climate-accounts/").json()["results"]
    assert {row["id"] for row in rows} == {account.pk for account in history}
    client = client_for(alpha, "other_partner_member")
    rows = client.get("/api/v1/climate-accounts/").json()["results"]
    assert [row["id"] for row in rows] == [other.pk]
    assert client.get(f"/api/v1/climate-accounts/{history[0].pk}/").status_code == 404


def test_the_partner_admin_writes_its_own_accounts_through_the_api(
    alpha: World, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "partner_admin")
    with django_assert_max_num_queries(25):
        response = client.post(
            "/api/v1/climate-accounts/", api_account(), content_type="application/json"
        )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["total"] == "57.900"  # 12.5 + 3.1 (market-based) + 42.3
    with tenant_context(alpha.tenant):
        assert created["partner"] == partner_of(alpha).pk
    # PATCH changes what is given and keeps the rest.
    response = client.patch(
        f"/api/v1/climate-accounts/{created['id']}/",
        {"scope3": [{"category": 4, "tonnes": "1"}], "is_baseline": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["scope3"] == [{"category": 4, "tonnes": "1.000"}]
    assert response.json()["activities"] == created["activities"]
    assert response.json()["is_baseline"] is True
    # A second account for 2022 and a year to come are refused by field.
    response = client.post(
        "/api/v1/climate-accounts/", api_account(), content_type="application/json"
    )
    assert response.status_code == 400
    # In the tenant's language (Danish), by field.
    assert response.json() == {"year": ["Der findes allerede et klimaregnskab for 2022."]}
    response = client.post(
        "/api/v1/climate-accounts/",
        api_account(year=THIS_YEAR + 1),
        content_type="application/json",
    )
    assert response.json() == {"year": ["Året ligger i fremtiden."]}
    response = client.post(
        "/api/v1/climate-accounts/",
        api_account(year=2020, scope3=[{"category": 1, "tonnes": "1"}] * 2),
        content_type="application/json",
    )
    assert response.status_code == 400 and "scope3" in response.json()
    # Another partner's id is unknown to it.
    with tenant_context(alpha.tenant):
        other = partner_of(alpha, "other partner").pk
    response = client.post(
        "/api/v1/climate-accounts/",
        api_account(year=2020, partner=other),
        content_type="application/json",
    )
    assert response.status_code == 400 and "partner" in response.json()
    assert client.delete(f"/api/v1/climate-accounts/{created['id']}/").status_code == 204
    with tenant_context(alpha.tenant):
        assert not ClimateAccount.objects.exists()


def test_the_baseline_moves_through_the_api(alpha: World, history: list[ClimateAccount]) -> None:
    client = client_for(alpha, "partner_admin")
    response = client.patch(
        f"/api/v1/climate-accounts/{history[1].pk}/",
        {"is_baseline": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    with tenant_context(alpha.tenant):
        assert list(
            ClimateAccount.objects.filter(is_baseline=True).values_list("year", flat=True)
        ) == [2021]


def test_staff_write_any_partners_accounts_and_must_name_the_partner(
    alpha: World, history: list[ClimateAccount]
) -> None:
    client = client_for(alpha, "municipal_staff")
    response = client.post(
        "/api/v1/climate-accounts/", api_account(), content_type="application/json"
    )
    assert response.status_code == 400 and "partner" in response.json()
    with tenant_context(alpha.tenant):
        other = partner_of(alpha, "other partner").pk
    response = client.post(
        "/api/v1/climate-accounts/", api_account(partner=other), content_type="application/json"
    )
    assert response.status_code == 201
    response = client.put(
        f"/api/v1/climate-accounts/{history[1].pk}/",
        api_account(year=2021, partner=other),
        content_type="application/json",
    )
    assert response.status_code == 400 and "partner" in response.json()
    response = client.put(
        f"/api/v1/climate-accounts/{history[1].pk}/",
        api_account(year=2021),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert client.delete(f"/api/v1/climate-accounts/{history[0].pk}/").status_code == 204


@pytest.mark.parametrize(("persona", "expected"), [("partner_member", 403), (None, 401)])
def test_members_and_anonymous_cannot_write_through_the_api(
    alpha: World, history: list[ClimateAccount], persona: str | None, expected: int
) -> None:
    client = client_for(alpha, persona)
    url = f"/api/v1/climate-accounts/{history[1].pk}/"
    assert (
        client.post(
            "/api/v1/climate-accounts/", api_account(), content_type="application/json"
        ).status_code
        == expected
    )
    assert client.patch(url, {"scope1": "1"}, content_type="application/json").status_code == (
        expected
    )
    assert client.delete(url).status_code == expected
    if persona is None:
        assert client.get("/api/v1/climate-accounts/").status_code == 401
    with tenant_context(alpha.tenant):
        assert ClimateAccount.objects.get(pk=history[1].pk).scope1 == D(10)
        assert ClimateAccount.objects.count() == 2


def test_accounts_of_another_tenant_never_show(alpha: World, beta: World) -> None:
    with tenant_context(beta.tenant):
        theirs = account_for(partner_of(beta), 2021, notes="BETA-MARKER", scope3={1: "1"})
    with tenant_context(alpha.tenant):
        ours = account_for(partner_of(alpha), 2021, notes="ALPHA-MARKER")
    pages = [
        ("partner_member", "/my-partnership/climate/2021/"),
        ("partner_admin", "/my-partnership/climate/2021/"),
        ("municipal_staff", f"/partners/{ours.partner_id}/climate/2021/"),
        ("municipal_admin", "/api/v1/climate-accounts/"),
        ("municipal_admin", f"/api/v1/climate-accounts/{ours.pk}/"),
        ("municipal_admin", f"/api/v1/climate-accounts/{theirs.pk}/"),
    ]
    for persona, path in pages:
        response = client_for(alpha, persona).get(path)
        assert response.status_code in {200, 404}, path
        assert "BETA-MARKER" not in response.content.decode(), path
    assert "ALPHA-MARKER" in client_for(alpha, "partner_member").get(pages[0][1]).content.decode()

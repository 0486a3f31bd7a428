"""The operators' rollup (tenants/reporting): its refresh, the console and the figures."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from programmes.climate.models import ClimateAccount, Scope3Emission
from programmes.core.i18n import local_date
from programmes.core.tasks import TaskWithoutTenant
from programmes.followups.models import FollowUp, FollowUpStatus
from programmes.partners.models import Partner, Stage
from programmes.people.models import Invitation, Role, User
from tenants.models import Tenant
from tenants.reporting import services
from tenants.reporting.models import Health, HealthCode, TenantRollup
from tenants.reporting.tasks import refresh_rollup, refresh_rollups
from tenants.tasks import fan_out
from tests.conftest import World, client_for, operator_client

PAGES = ["/", "/reports/", "/reports/tenants.csv", "/api/v1/platform-figures/"]


def _refresh(world: World) -> TenantRollup:
    with tenant_context(world.tenant):
        return services.tenant_rollup_refresh(tenant=world.tenant)


def _rollup(world: World) -> TenantRollup:
    with schema_context("public"):
        return TenantRollup.objects.get(tenant=world.tenant)


def _year(world: World) -> int:
    return local_date(timezone.now(), tenant=world.tenant).year


def _partners(world: World) -> list[Partner]:
    return list(Partner.objects.order_by("pk"))


def _account(partner: Partner, year: int, **figures: Decimal | None) -> ClimateAccount:
    return ClimateAccount.objects.create(partner=partner, year=year, method="own", **figures)


# --- The refresh ------------------------------------------------------------------------


def test_the_refresh_counts_each_tenant_from_its_own_schema(alpha: World, beta: World) -> None:
    last_year = _year(alpha) - 1
    with tenant_context(alpha.tenant):
        first, second = _partners(alpha)
        Partner.objects.create(
            name="ALPHA-MARKER applicant",
            business_id="30000021",
            kind="company",
            sector="services",
            language="da",
            stage=Stage.APPLIED,
            stage_changed_at=timezone.now(),
        )
        # 10 + 3 (market-based counts) + 2 + 1.5 = 16.5 and 1 + 2 (location-based) = 3.
        account = _account(
            first,
            last_year,
            scope1=Decimal(10),
            scope2_location=Decimal(5),
            scope2_market=Decimal(3),
        )
        Scope3Emission.objects.create(account=account, category=1, tonnes=Decimal(2))
        Scope3Emission.objects.create(account=account, category=6, tonnes=Decimal("1.5"))
        _account(second, last_year, scope1=Decimal(1), scope2_location=Decimal(2))
        # Another year is not added.
        _account(second, last_year - 1, scope1=Decimal(1000), scope2_location=Decimal(0))
        FollowUp.objects.create(
            partner=first,
            year=last_year + 1,
            status=FollowUpStatus.SUBMITTED,
            opened_at=timezone.now(),
            due_on=timezone.localdate(),
        )
        FollowUp.objects.create(
            partner=second,
            year=last_year + 1,
            opened_at=timezone.now(),
            due_on=timezone.localdate(),
        )
        people = User.objects.filter(is_active=True).count()

    alpha_rollup = _refresh(alpha)
    beta_rollup = _refresh(beta)

    assert alpha_rollup.tenant_id == alpha.tenant.pk
    assert (
        alpha_rollup.partners_active,
        alpha_rollup.partners_in_progress,
        alpha_rollup.partners_ended,
        alpha_rollup.partners_total,
    ) == (2, 1, 0, 3)
    assert alpha_rollup.people == people >= len(alpha.users)
    assert alpha_rollup.emissions_year == last_year
    assert alpha_rollup.emissions_tonnes == Decimal("19.5")
    assert alpha_rollup.emissions_partners == 2
    assert (alpha_rollup.follow_ups_total, alpha_rollup.follow_ups_answered) == (2, 1)
    assert alpha_rollup.follow_up_rate == Decimal("50.0")
    assert alpha_rollup.last_activity_at is not None
    # Beta's schema has none of alpha's additions.
    assert (beta_rollup.partners_active, beta_rollup.partners_total) == (2, 2)
    assert beta_rollup.emissions_tonnes == 0
    assert beta_rollup.emissions_partners == 0
    assert beta_rollup.follow_up_rate is None
    with schema_context("public"):
        assert TenantRollup.objects.filter(tenant__in=[alpha.tenant, beta.tenant]).count() == 2


def test_ending_a_partner_moves_the_numbers_at_the_next_refresh(alpha: World) -> None:
    assert _refresh(alpha).partners_active == 2
    with tenant_context(alpha.tenant):
        Partner.objects.filter(pk=_partners(alpha)[0].pk).update(stage=Stage.ENDED)
    rollup = _refresh(alpha)
    assert (rollup.partners_active, rollup.partners_ended, rollup.partners_total) == (1, 1, 2)
    assert TenantRollup.objects.filter(tenant=alpha.tenant).count() == 1  # updated, not added


def test_the_refresh_costs_a_fixed_number_of_queries(
    alpha: World, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        for partner in _partners(alpha):
            _account(partner, _year(alpha) - 1, scope1=Decimal(1), scope2_location=Decimal(1))
        with django_assert_max_num_queries(14):
            services.tenant_rollup_refresh(tenant=alpha.tenant)


def test_the_refresh_refuses_to_run_outside_the_tenants_schema(alpha: World, beta: World) -> None:
    with tenant_context(beta.tenant), pytest.raises(services.WrongSchema):
        services.tenant_rollup_refresh(tenant=alpha.tenant)
    with pytest.raises(services.WrongSchema):
        services.tenant_rollup_refresh(tenant=alpha.tenant)  # on the public schema


# --- Health -----------------------------------------------------------------------------


def _second_factor(world: World, persona: str = "municipal_admin") -> None:
    with tenant_context(world.tenant):
        Authenticator.objects.create(
            user=world.users[persona], type=Authenticator.Type.TOTP, data={}
        )


def test_a_tenant_whose_admins_have_no_second_factor_is_a_warning(alpha: World) -> None:
    rollup = _refresh(alpha)
    assert rollup.health == Health.WARNING
    assert rollup.health_codes == [HealthCode.ADMIN_MFA_MISSING]


def test_a_tenant_with_an_admin_using_a_second_factor_is_ok(alpha: World) -> None:
    _second_factor(alpha, "municipal_staff")  # staff does not count
    assert _refresh(alpha).health_codes == [HealthCode.ADMIN_MFA_MISSING]
    _second_factor(alpha)
    rollup = _refresh(alpha)
    assert (rollup.health, rollup.health_codes) == (Health.OK, [])


def test_a_first_admin_invitation_open_for_14_days_is_a_warning(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        User.objects.filter(role=Role.MUNICIPAL_ADMIN).update(is_active=False)
        Invitation.objects.filter(role=Role.MUNICIPAL_ADMIN).delete()
        invitation = Invitation.objects.create(
            email="late-admin@alpha.example",
            role=Role.MUNICIPAL_ADMIN,
            expires_at=timezone.now() + dt.timedelta(days=30),
        )
    assert _refresh(alpha).health_codes == [HealthCode.NO_ADMIN]  # only just invited
    with tenant_context(alpha.tenant):
        Invitation.objects.filter(pk=invitation.pk).update(
            created_at=timezone.now() - dt.timedelta(days=15)
        )
    rollup = _refresh(alpha)
    assert (rollup.health, rollup.health_codes) == (
        Health.WARNING,
        [HealthCode.ADMIN_INVITATION_OPEN],
    )


def test_pending_migrations_fail_the_tenant_and_keep_its_last_figures(
    alpha: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _refresh(alpha).partners_total == 2
    expected = services.expected_tenant_migrations() | {("partners", "9999_from_the_future")}
    monkeypatch.setattr(services, "expected_tenant_migrations", lambda: expected)
    with tenant_context(alpha.tenant):
        Partner.objects.filter(pk=_partners(alpha)[0].pk).update(stage=Stage.ENDED)
    rollup = _refresh(alpha)
    assert (rollup.health, rollup.health_codes) == (
        Health.FAILING,
        [HealthCode.MIGRATIONS_PENDING],
    )
    assert (rollup.partners_active, rollup.partners_total) == (2, 2)


def test_the_code_and_the_test_schemas_agree_on_migrations(alpha: World) -> None:
    expected = services.expected_tenant_migrations()
    assert ("partners", "0001_initial") not in expected  # leaves only
    assert any(app == "partners" for app, _name in expected)
    assert not any(app == "reporting" for app, _name in expected)  # public-only app
    with tenant_context(alpha.tenant):
        assert not services._migrations_pending()


# --- Tasks and the command --------------------------------------------------------------


def test_fan_out_refreshes_every_serving_tenant(alpha: World, beta: World) -> None:
    with schema_context("public"):
        sent = fan_out.delay("tenants.reporting.tasks.refresh_rollup").get()
    assert sent >= 2
    assert _rollup(alpha).partners_total == 2
    assert _rollup(beta).partners_total == 2


def test_the_hourly_dispatcher_refreshes_suspended_tenants_too(
    alpha: World, beta: World, django_capture_on_commit_callbacks
) -> None:
    with schema_context("public"):
        Tenant.objects.filter(pk=beta.tenant.pk).update(status="suspended")
        with django_capture_on_commit_callbacks(execute=True):
            sent = refresh_rollups.delay().get()
    assert sent >= 2
    assert _rollup(alpha).partners_total == 2
    assert _rollup(beta).partners_total == 2


def test_the_tasks_refuse_the_wrong_schema(alpha: World) -> None:
    with tenant_context(alpha.tenant), pytest.raises(TaskWithoutTenant):
        refresh_rollups.delay()
    with schema_context("public"), pytest.raises(TaskWithoutTenant):
        refresh_rollup.delay()


def test_the_dispatcher_is_scheduled_hourly(settings) -> None:  # type: ignore[no-untyped-def]
    entry = settings.CELERY_BEAT_SCHEDULE["hourly-refresh_rollups"]
    assert entry["task"] == "tenants.reporting.tasks.refresh_rollups"


def test_the_command_refreshes_one_tenant_or_all(alpha: World, beta: World) -> None:
    out = io.StringIO()
    call_command("refresh_rollups", "--tenant", "alpha", stdout=out)
    assert "alpha: warning (admin_mfa_missing)" in out.getvalue()
    assert not TenantRollup.objects.filter(tenant=beta.tenant).exists()
    call_command("refresh_rollups", stdout=io.StringIO())
    assert TenantRollup.objects.filter(tenant=beta.tenant).exists()
    with pytest.raises(CommandError):
        call_command("refresh_rollups", "--tenant", "nowhere")


# --- Pages and API ----------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in_or_refused(alpha: World, path: str) -> None:
    response = Client(HTTP_HOST="localhost").get(path)
    assert response.status_code in {302, 401}
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("persona", ["municipal_admin", "partner_member"])
def test_a_tenant_session_replayed_on_the_platform_host_gets_nothing(
    alpha: World, path: str, persona: str
) -> None:
    client = client_for(alpha, persona)
    client.defaults["HTTP_HOST"] = "localhost"
    response = client.get(path)
    assert response.status_code in {302, 401, 403}
    assert "ALPHA-MARKER" not in response.content.decode()


@pytest.mark.parametrize("path", PAGES[1:])
def test_the_reports_are_not_served_on_tenant_hosts(alpha: World, path: str) -> None:
    assert client_for(alpha, "municipal_admin").get(path).status_code == 404


def _fake_tenants(count: int) -> None:
    """Tenant rows without schemas (bulk_create skips Tenant.save, which would create one),
    each with a rollup row: the console and the figures only read the public schema."""
    now = timezone.now()
    tenants = Tenant.objects.bulk_create(
        Tenant(
            schema_name=f"zfake{number:03d}",
            name=f"Fake tenant {number:03d}",
            kind="municipality",
            country="NO",
            primary_language="nb",
            currency="NOK",
            locale="nb_NO",
            time_zone="Europe/Oslo",
            ready=True,
        )
        for number in range(count)
    )
    TenantRollup.objects.bulk_create(
        TenantRollup(
            tenant=tenant,
            partners_active=3,
            partners_total=4,
            people=10,
            emissions_year=now.year - 1,
            emissions_tonnes=Decimal(100),
            emissions_partners=2,
            last_activity_at=now,
            refreshed_at=now,
        )
        for tenant in tenants
    )


@pytest.mark.parametrize("path", PAGES)
def test_the_operator_pages_cost_the_same_queries_for_30_tenants(
    alpha: World,
    beta: World,
    operator: User,
    path: str,
    django_assert_max_num_queries,
    django_assert_num_queries,
) -> None:
    _refresh(alpha)
    client = operator_client(operator)
    client.get(path)  # warm up (routing cache)
    with django_assert_max_num_queries(5) as few:
        assert client.get(path).status_code == 200
    expected = len(few.captured_queries)
    with schema_context("public"):
        _fake_tenants(28)
    client.get(path)  # the same warm connection as above (search_path set)
    with django_assert_num_queries(expected):
        response = client.get(path)
    assert response.status_code == 200
    if path in {"/", "/reports/tenants.csv"}:
        assert "Fake tenant 020" in response.content.decode()  # on the first page too


def test_the_console_lists_tenants_with_their_health(
    alpha: World, beta: World, operator: User, english_pages: None, django_assert_max_num_queries
) -> None:
    _refresh(alpha)
    client = operator_client(operator)
    with django_assert_max_num_queries(5):
        body = client.get("/").content.decode()
    assert "ALPHA-MARKER municipality" in body
    assert "Warning: No municipal admin has two-factor authentication" in body
    assert "Not computed yet" in body  # beta has no row yet
    assert "ALPHA-MARKER programme" not in body  # nothing from inside the tenant
    assert body.index("ALPHA-MARKER municipality") < body.index("BETA-MARKER municipality")
    reversed_body = client.get("/?sort=-name").content.decode()
    assert reversed_body.index("BETA-MARKER") < reversed_body.index("ALPHA-MARKER municipality")
    assert 'aria-sort="descending"' in reversed_body
    assert client.get("/?sort=bogus").status_code == 200  # unknown orders fall back to name


def test_the_reports_page_adds_up_the_rollup(
    alpha: World, beta: World, operator: User, english_pages: None
) -> None:
    with tenant_context(alpha.tenant):
        _account(
            _partners(alpha)[0],
            timezone.now().year - 1,
            scope1=Decimal(1200),
            scope2_location=Decimal(34),
        )
    _refresh(alpha)
    _refresh(beta)
    body = operator_client(operator).get("/reports/").content.decode()
    assert "Platform figures" in body
    assert "1,234 t CO2e, reported by 1 partners" in body
    assert "4 in all: 4 active, 0 on their way in, 0 ended" in body
    assert "Denmark" in body and "Sweden" in body
    assert "BETA-MARKER" not in body and "ALPHA-MARKER" not in body


def test_the_reports_page_formats_numbers_in_the_active_language(
    alpha: World, operator: User
) -> None:
    with tenant_context(alpha.tenant):
        _account(
            _partners(alpha)[0],
            timezone.now().year - 1,
            scope1=Decimal(1200),
            scope2_location=Decimal(34),
        )
    _refresh(alpha)
    client = operator_client(operator)
    response = client.get("/reports/", HTTP_ACCEPT_LANGUAGE="da")
    assert response["Content-Language"] == "da"
    assert "1.234" in response.content.decode()


def test_the_api_gives_the_totals(alpha: World, beta: World, operator: User) -> None:
    _refresh(alpha)
    _refresh(beta)
    data = operator_client(operator).get("/api/v1/platform-figures/").json()
    assert data["year"] == timezone.now().year - 1
    assert data["total"]["partners_active"] == 4
    assert data["total"]["tenants"] >= 2
    countries = {row["country"]: row for row in data["by_country"]}
    assert countries["DK"]["partners_total"] == 2
    assert countries["SE"]["tenants_by_status"] == {"active": 1}


def test_the_csv_has_a_row_per_tenant_and_defuses_formulas(
    alpha: World, beta: World, operator: User
) -> None:
    _refresh(alpha)
    with schema_context("public"):
        Tenant.objects.bulk_create(
            [
                Tenant(
                    schema_name="zformula",
                    name='=HYPERLINK("http://evil.example","x")',
                    kind="municipality",
                    country="DK",
                    primary_language="da",
                    currency="DKK",
                    locale="da_DK",
                    time_zone="Europe/Copenhagen",
                )
            ]
        )
    response = operator_client(operator).get("/reports/tenants.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert rows["alpha"]["partners_total"] == "2"
    assert rows["alpha"]["health"] == "warning"
    assert rows["alpha"]["health_codes"] == "admin_mfa_missing"
    assert rows["beta"]["partners_total"] == ""  # not refreshed yet
    assert rows["zformula"]["name"].startswith("'=")


@pytest.mark.parametrize("path", ["/", "/reports/", "/reports/tenants.csv"])
def test_an_operator_without_a_second_factor_is_not_let_in(
    alpha: World, operator: User, path: str
) -> None:
    client = Client(HTTP_HOST="localhost")
    with schema_context("public"):
        client.force_login(operator)  # a password-only session
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/")


def test_the_console_sorts_by_health_worst_first(
    alpha: World, beta: World, operator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _refresh(alpha)  # warning
    expected = services.expected_tenant_migrations() | {("partners", "9999_from_the_future")}
    monkeypatch.setattr(services, "expected_tenant_migrations", lambda: expected)
    _refresh(beta)  # failing
    body = operator_client(operator).get("/?sort=health").content.decode()
    assert body.index("BETA-MARKER municipality") < body.index("ALPHA-MARKER municipality")
    body = operator_client(operator).get("/?sort=activity").content.decode()
    assert "ALPHA-MARKER municipality" in body


def test_the_console_shows_25_tenants_a_page(
    alpha: World, operator: User, english_pages: None, django_assert_max_num_queries
) -> None:
    with schema_context("public"):
        _fake_tenants(60)
    client = operator_client(operator)
    client.get("/")
    with django_assert_max_num_queries(5):
        first = client.get("/").content.decode()
    assert "ALPHA-MARKER municipality" in first
    assert "Fake tenant 022" in first and "Fake tenant 023" not in first
    assert "Page 1 of 3" in first
    second = client.get("/?page=2").content.decode()
    assert "Fake tenant 023" in second and "ALPHA-MARKER municipality" not in second
    assert client.get("/?page=nonsense").status_code == 200


def test_the_console_rows_are_cached_but_never_stale(
    alpha: World, beta: World, operator: User, english_pages: None
) -> None:
    """The rendered rows are cached under a hash of what they show (tenants.views._rows_key):
    a renamed or suspended tenant, a new rollup figure, a rollup going out of date and
    another language each render afresh."""
    _refresh(alpha)
    _refresh(beta)
    client = operator_client(operator)

    def row_of_alpha() -> str:
        body = client.get("/").content.decode()
        return body[body.index('href="/tenants/alpha/"') :].split("</tr>")[0]

    assert "ALPHA-MARKER municipality" in row_of_alpha()
    assert row_of_alpha() == row_of_alpha()  # the second one from the cache
    with schema_context("public"):
        Tenant.objects.filter(pk=alpha.tenant.pk).update(name="ALPHA-MARKER renamed")
        assert "ALPHA-MARKER renamed" in row_of_alpha()
        Tenant.objects.filter(pk=alpha.tenant.pk).update(status="suspended")
        assert "Suspended" in row_of_alpha()
        TenantRollup.objects.filter(tenant=alpha.tenant).update(partners_total=4321)
        assert "4,321" in row_of_alpha()
        TenantRollup.objects.filter(tenant=alpha.tenant).update(
            refreshed_at=timezone.now() - dt.timedelta(hours=5)
        )
        assert "out of date" in row_of_alpha()
    client.cookies["django_language"] = "da"
    assert "Suspenderet" in row_of_alpha()


def test_an_empty_console_list_says_why_whatever_was_cached_before(
    operator: User, english_pages: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No rows at all, filtered or not: the cached rows must still tell the two apart."""
    monkeypatch.setattr(
        "tenants.reporting.selectors.tenants_with_rollups",
        lambda *args, **kwargs: Tenant.objects.none(),
    )
    client = operator_client(operator)
    assert "No tenant matches these filters." in client.get("/?q=zzz").content.decode()
    assert "No tenants yet." in client.get("/").content.decode()
    assert "No tenant matches these filters." in client.get("/?q=zzz").content.decode()

"""Retention periods per programme: the policy (page and API, municipal admins) and the
worker's daily run, with frozen dates (``today=``)."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.core.audit import audit_record
from programmes.core.models import AuditEvent, SentMail
from programmes.events.models import Registration
from programmes.partners.models import Membership, Partner, Stage
from programmes.people.models import Invitation, Role, User
from programmes.people.services import user_create
from programmes.privacy.models import DEFAULT_MONTHS, RetentionPolicy
from programmes.privacy.selectors import retention_policy
from programmes.privacy.services import months_before, retention_apply, retention_policy_save
from tests.conftest import BUSINESS_IDS, PASSWORD, client_for
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db

PAGE = "/manage/privacy/retention/"
API = "/api/v1/privacy/retention/"
VALID = {
    "applications_months": 6,
    "invitations_months": 3,
    "registrations_months": 12,
    "sent_mail_months": 13,
    "audit_client_months": 2,
}


def test_the_defaults_apply_until_an_admin_saves(alpha) -> None:
    with tenant_context(alpha.tenant):
        policy = retention_policy()
        assert policy.pk is None
        assert {name: getattr(policy, name) for name in DEFAULT_MONTHS} == DEFAULT_MONTHS


def test_saving_is_validated_and_audited(alpha) -> None:
    admin = alpha.users["municipal_admin"]
    with tenant_context(alpha.tenant):
        retention_policy_save(actor=admin, **VALID)
        assert RetentionPolicy.objects.get().invitations_months == 3
        entry = AuditEvent.objects.filter(action="privacy.retention_saved").latest("id")
        assert entry.data["changed"]["invitations_months"] == {"from": 6, "to": 3}
        with pytest.raises(ValidationError) as refused:
            retention_policy_save(
                actor=admin, **{**VALID, "sent_mail_months": 0, "audit_client_months": "x"}
            )
        assert set(refused.value.message_dict) == {"sent_mail_months", "audit_client_months"}
        assert RetentionPolicy.objects.get().sent_mail_months == 13
        with pytest.raises(PermissionDenied):
            retention_policy_save(actor=alpha.users["municipal_staff"], **VALID)


def test_months_before_keeps_the_day_within_the_month() -> None:
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


def _old_data(world) -> dict:  # type: ignore[no-untyped-def]
    """Data that is old by the default periods as of 800 days from now."""
    with tenant_context(world.tenant):
        now = timezone.now()
        applicant = Partner.objects.create(
            name=f"{world.marker} applicant",
            business_id=BUSINESS_IDS["DK" if world.slug == "alpha" else "SE"][2],
            kind="company",
            sector="services",
            language=world.tenant.primary_language,
            stage=Stage.ENDED,
            stage_changed_at=now,
            ended_at=now,
        )
        applicant_user = user_create(
            actor=None,
            email=f"applicant@{world.slug}.example",
            password=PASSWORD,
            role=Role.PARTNER_ADMIN,
        )
        Membership.objects.create(
            partner=applicant, email=applicant_user.email, user=applicant_user
        )
        signed = Partner.objects.filter(name=f"{world.marker} other partner")
        signed.update(stage=Stage.ENDED, ended_at=now, joined_on=timezone.localdate())
        Invitation.objects.create(
            email=f"late@{world.slug}.example", role=Role.PARTNER_MEMBER, expires_at=now
        )
        member = world.users["partner_member"]
        registration = Registration.objects.create(
            event=make_event(world, days=-1),
            partner=Partner.objects.get(name=f"{world.marker} partner"),
            user=member,
            name=member.full_name,
            email=member.email,
            attended=True,
        )
        SentMail.objects.create(key=f"retention-test:{world.slug}")
        audit_record(actor=member, action="retention.test", request=_request())
        return {"applicant": applicant.pk, "registration": registration.pk}


def _request():  # type: ignore[no-untyped-def]
    from django.test import RequestFactory

    return RequestFactory().get("/", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="TestBrowser/1")


def test_the_run_removes_what_is_older_than_the_periods_and_keeps_the_rest(alpha, beta) -> None:
    old = _old_data(alpha)
    _old_data(beta)
    later = timezone.localdate() + dt.timedelta(days=800)
    with tenant_context(alpha.tenant):
        assert retention_apply(today=timezone.localdate()) == {}
        done = retention_apply(today=later)
        assert done["applications"] == 1 and done["invitations"] >= 1
        assert done["registrations"] == 1 and done["sent_mail"] >= 1 and done["audit_clients"] >= 1
        assert not Partner.objects.filter(pk=old["applicant"]).exists()
        assert not User.objects.filter(email="applicant@alpha.example").exists()
        # Signed partners follow the programme's retention_years (followups' purge).
        assert Partner.objects.filter(name="ALPHA-MARKER other partner").exists()
        registration = Registration.objects.get(pk=old["registration"])
        assert (registration.name, registration.email, registration.user_id) == ("", "", None)
        assert registration.attended
        assert not SentMail.objects.filter(key="retention-test:alpha").exists()
        entry = AuditEvent.objects.get(action="retention.test")
        assert (entry.ip, entry.user_agent, entry.actor_id) == (
            None,
            "",
            alpha.users["partner_member"].pk,
        )
        applied = AuditEvent.objects.filter(action="privacy.retention_applied")
        assert applied.count() == 1
        # Idempotent: the second run finds nothing and records nothing.
        assert retention_apply(today=later) == {}
        assert applied.count() == 1
    with tenant_context(beta.tenant):
        assert Partner.objects.filter(name="BETA-MARKER applicant").exists()
        assert SentMail.objects.filter(key="retention-test:beta").exists()
        assert AuditEvent.objects.get(action="retention.test").ip == "192.0.2.7"


def test_shorter_periods_take_effect(alpha) -> None:
    _old_data(alpha)
    with tenant_context(alpha.tenant):
        retention_policy_save(actor=None, **{**VALID, "sent_mail_months": 1})
        done = retention_apply(today=timezone.localdate() + dt.timedelta(days=40))
        assert done.get("sent_mail", 0) >= 1 and "registrations" not in done


def test_the_task_is_scheduled_daily_for_every_tenant() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["daily-apply_retention"]
    assert entry["task"] == "tenants.tasks.fan_out"
    assert entry["args"] == ("programmes.privacy.tasks.apply_retention",)


def test_the_task_applies_the_policy_in_its_tenant(alpha) -> None:
    from programmes.privacy.tasks import apply_retention

    with tenant_context(alpha.tenant):
        assert apply_retention.run() == {}


# --- Page and API ------------------------------------------------------------------------


def test_admins_see_and_change_the_periods(
    alpha, english_pages, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "municipal_admin")
    with django_assert_max_num_queries(10):
        page = client.get(PAGE)
    assert page.status_code == 200
    assert b"Ended partners" in page.content and b'name="sent_mail_months"' in page.content
    with django_assert_max_num_queries(16):
        saved = client.post(PAGE, VALID)
    assert saved.status_code == 302
    with tenant_context(alpha.tenant):
        assert RetentionPolicy.objects.get().registrations_months == 12


def test_the_page_shows_errors_on_their_fields(alpha, english_pages) -> None:
    client = client_for(alpha, "municipal_admin")
    response = client.post(PAGE, {**VALID, "invitations_months": "121", "sent_mail_months": "x"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "id_invitations_months_error" in body and "id_sent_mail_months_error" in body
    with tenant_context(alpha.tenant):
        assert not RetentionPolicy.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (None, 302),
        ("municipal_staff", 403),
        ("partner_admin", 403),
        ("partner_member", 403),
        ("other_partner_member", 403),
    ],
)
def test_the_page_is_for_municipal_admins_only(alpha, persona, status) -> None:
    client = client_for(alpha, persona)
    assert client.get(PAGE).status_code == status
    assert client.post(PAGE, VALID).status_code == status
    with tenant_context(alpha.tenant):
        assert not RetentionPolicy.objects.exists()


def test_the_api_reads_and_writes_the_policy(alpha, beta, django_assert_max_num_queries) -> None:
    client = client_for(alpha, "municipal_admin")
    with django_assert_max_num_queries(8):
        response = client.get(API)
    assert response.status_code == 200
    assert response.json() == {**DEFAULT_MONTHS, "ended_partner_years": 5}
    with django_assert_max_num_queries(14):
        saved = client.put(API, VALID, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["applications_months"] == 6
    with tenant_context(beta.tenant):
        assert not RetentionPolicy.objects.exists()


def test_the_api_refuses_bad_input(alpha) -> None:
    client = client_for(alpha, "municipal_admin")
    response = client.put(API, {**VALID, "audit_client_months": 0}, content_type="application/json")
    assert response.status_code == 400 and "audit_client_months" in response.json()
    assert client.put(API, {}, content_type="application/json").status_code == 400


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (None, 401),
        ("municipal_staff", 403),
        ("partner_admin", 403),
        ("partner_member", 403),
        ("other_partner_member", 403),
    ],
)
def test_the_api_is_for_municipal_admins_only(alpha, persona, status) -> None:
    client = client_for(alpha, persona)
    assert client.get(API).status_code == status
    assert client.put(API, VALID, content_type="application/json").status_code == status

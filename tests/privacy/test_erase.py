"""Staff erase a partner's contact person: afterwards no row of any model, no cache entry
holds their address or name, their audit entries are pseudonymised, and the same address
at another tenant is untouched."""

import json

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast
from django_tenants.utils import tenant_context

from programmes.communication.models import NotificationPreference
from programmes.core.audit import audit_record
from programmes.core.models import AuditEvent, SentMail
from programmes.events.models import Registration
from programmes.invoicing.models import BillingDetails
from programmes.partners.models import Membership, Partner, PartnerContact, StageChange
from programmes.people.models import Invitation, Role, User
from programmes.people.services import user_create
from programmes.privacy.selectors import installed_here
from programmes.privacy.services import person_erase, person_erasure_plan
from programmes.widget.selectors import data_key, widget_data
from tests.conftest import PASSWORD, client_for
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db

EMAIL = "erin.erase@example.org"
NAME = "Erin Erasewell"
PAGE = "/manage/privacy/erase/"
API = "/api/v1/privacy/erasures/"


def _person(world) -> User:  # type: ignore[no-untyped-def]
    """The person in ``world``: account, membership, contact, registration, preference,
    invitation, billing address, timeline entry, mail record, sessions and audit entries."""
    with tenant_context(world.tenant):
        partner = Partner.objects.get(name=f"{world.marker} partner")
        user = user_create(
            actor=None, email=EMAIL, password=PASSWORD, role=Role.PARTNER_MEMBER, full_name=NAME
        )
        Membership.objects.create(partner=partner, email=EMAIL, user=user)
        PartnerContact.objects.create(
            partner=partner, name=NAME, email=EMAIL.upper(), phone="+4512345678"
        )
        Registration.objects.create(
            event=make_event(world, days=-30), partner=partner, user=user, name=NAME, email=EMAIL
        )
        NotificationPreference.objects.create(email=EMAIL, user=user, newsletters_off=True)
        Invitation.objects.create(
            email=EMAIL, role=Role.PARTNER_MEMBER, expires_at="2030-01-01T00:00Z", user=user
        )
        BillingDetails.objects.update_or_create(
            partner=partner, defaults={"email": EMAIL, "reference": NAME}
        )
        StageChange.objects.create(
            partner=partner, to_stage="active", actor=user, actor_label=EMAIL, reason="x"
        )
        SentMail.objects.create(key=f"announcement:1:{EMAIL}")
        audit_record(actor=user, action="test.did", data={"who": NAME})
        audit_record(actor=None, actor_label=EMAIL, action="auth.login_failed", outcome="failed")
        audit_record(
            actor=None, action="invitation.created", data={"email": EMAIL}, reason=f"for {NAME}"
        )
    client = client_for(world)
    with tenant_context(world.tenant):
        client.force_login(user)
    return user


def _text_fields(model: type[models.Model]) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
    ]


def _rows_mentioning(needle: str) -> dict[str, int]:
    """Every model of the current schema, every text field (JSON as text), searched."""
    found = {}
    for model in apps.get_models():
        if model._meta.proxy or not installed_here(model):
            continue
        fields = _text_fields(model)
        if not fields:
            continue
        query = models.Q()
        annotations = {}
        for name in fields:
            alias = f"_{name}_text"
            annotations[alias] = Cast(name, TextField())
            query |= models.Q(**{f"{alias}__icontains": needle})
        count = model._default_manager.annotate(**annotations).filter(query).count()
        if count:
            found[model._meta.label_lower] = count
    return found


def test_after_erasure_no_row_of_any_model_holds_the_address_or_name(
    alpha, beta, django_capture_on_commit_callbacks
) -> None:
    user = _person(alpha)
    _person(beta)
    with tenant_context(alpha.tenant):
        assert _rows_mentioning(EMAIL) and _rows_mentioning(NAME)
        with django_capture_on_commit_callbacks(execute=True):
            changed = person_erase(
                actor=alpha.users["municipal_admin"], email=EMAIL, reason=f"{NAME} asked"
            )
        assert _rows_mentioning(EMAIL) == {}
        assert _rows_mentioning(NAME) == {}
        assert not User.objects.filter(pk=user.pk).exists()
        assert changed["people.user"] == 1
        assert changed["partners.partnercontact"] == 1
        # The records that stay: attendance, the billing row, the timeline.
        registration = Registration.objects.get(event__title__contains={"en": "ALPHA-MARKER event"})
        assert (registration.name, registration.email, registration.user) == ("", "", None)
        assert BillingDetails.objects.filter(email="", reference="").exists()
        assert StageChange.objects.filter(actor_label__startswith="erased-person-").exists()
        assert SentMail.objects.filter(key__startswith="announcement:1:erased-person-").exists()
        # The erasure is recorded, without the person.
        entry = AuditEvent.objects.get(action="personal_data.erased")
        assert entry.data["user_id"] == user.pk
        assert EMAIL not in json.dumps(entry.data) and NAME not in entry.reason
    with tenant_context(beta.tenant):
        assert User.objects.filter(email=EMAIL).exists()
        assert PartnerContact.objects.filter(name=NAME).exists()
        assert AuditEvent.objects.filter(data__who=NAME).exists()


def test_the_persons_audit_entries_are_pseudonymised_not_deleted(alpha) -> None:
    user = _person(alpha)
    with tenant_context(alpha.tenant):
        before = AuditEvent.objects.count()
        person_erase(actor=alpha.users["municipal_admin"], email=EMAIL, reason="request")
        assert AuditEvent.objects.count() == before + 1
        assert not AuditEvent.objects.filter(actor_id=user.pk).exists()
        did = AuditEvent.objects.get(action="test.did")
        assert did.actor_label.startswith("erased-person-") and did.ip is None
        assert did.data == {"who": did.actor_label}
        failed = AuditEvent.objects.filter(action="auth.login_failed", actor_label=did.actor_label)
        assert failed.exists()


def test_the_persons_sessions_end(alpha) -> None:
    _person(alpha)
    with tenant_context(alpha.tenant):
        sessions = Session.objects.count()
        person_erase(actor=alpha.users["municipal_admin"], email=EMAIL, reason="request")
        assert Session.objects.count() == sessions - 1


def test_the_widget_cache_is_dropped(alpha, django_capture_on_commit_callbacks) -> None:
    _person(alpha)
    with tenant_context(alpha.tenant):
        widget_data("da")
        assert cache.get(data_key("da")) is not None
        with django_capture_on_commit_callbacks(execute=True):
            person_erase(actor=alpha.users["municipal_admin"], email=EMAIL, reason="request")
        assert cache.get(data_key("da")) is None


def test_a_contact_without_an_account_can_be_erased(alpha) -> None:
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(name="ALPHA-MARKER partner")
        PartnerContact.objects.create(partner=partner, name=NAME, email=EMAIL)
        plan = person_erasure_plan(actor=alpha.users["municipal_admin"], email=EMAIL, reason="r")
        assert plan.user is None and plan.rows == {"partners.partnercontact": 1}
        person_erase(actor=alpha.users["municipal_admin"], email=EMAIL, reason="r")
        assert not PartnerContact.objects.filter(email__iexact=EMAIL).exists()


@pytest.mark.parametrize(
    ("email", "reason", "field"),
    [
        ("not-an-address", "r", "email"),
        (EMAIL, "", "reason"),
        (EMAIL, "x" * 1001, "reason"),
        ("nobody@example.org", "r", "email"),
        ("municipal-staff@alpha.example", "r", "email"),
    ],
)
def test_bad_input_and_staff_accounts_are_refused(alpha, email, reason, field) -> None:
    _person(alpha)
    with tenant_context(alpha.tenant), pytest.raises(ValidationError) as refused:
        person_erase(actor=alpha.users["municipal_admin"], email=email, reason=reason)
    assert field in refused.value.message_dict


@pytest.mark.parametrize("persona", ["municipal_staff", "partner_admin", "partner_member"])
def test_only_municipal_admins_may_erase(alpha, persona) -> None:
    _person(alpha)
    with tenant_context(alpha.tenant), pytest.raises(PermissionDenied):
        person_erase(actor=alpha.users[persona], email=EMAIL, reason="r")


def test_the_page_asks_for_confirmation_then_erases(
    alpha, english_pages, django_assert_max_num_queries
) -> None:
    _person(alpha)
    client = client_for(alpha, "municipal_admin")
    with django_assert_max_num_queries(10):
        assert client.get(PAGE).status_code == 200
    with django_assert_max_num_queries(60):
        preview = client.post(PAGE, {"email": EMAIL, "reason": "their request"})
    assert preview.status_code == 200
    assert b"Erase for good" in preview.content and b"Partner contacts: 1" in preview.content
    with tenant_context(alpha.tenant):
        assert User.objects.filter(email=EMAIL).exists()
    done = client.post(PAGE, {"email": EMAIL, "reason": "their request", "confirm": "yes"})
    assert done.status_code == 302
    with tenant_context(alpha.tenant):
        assert not User.objects.filter(email=EMAIL).exists()


def test_the_page_shows_errors_on_their_fields(alpha, english_pages) -> None:
    client = client_for(alpha, "municipal_admin")
    response = client.post(PAGE, {"email": "nobody@example.org", "reason": "r"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "No data of anyone with this e-mail address is held here." in body
    assert 'aria-describedby="id_email_error"' in body or "id_email_error" in body
    assert client.post(PAGE, {"email": "", "reason": ""}).status_code == 400


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
    assert client_for(alpha, persona).get(PAGE).status_code == status


def test_the_api_erases_for_municipal_admins(alpha, beta, django_assert_max_num_queries) -> None:
    _person(alpha)
    _person(beta)
    client = client_for(alpha, "municipal_admin")
    # Bounded by the registry (one plan query and one change per way of finding rows, and
    # the deletions' cascades), not by how much data the tenant has.
    with django_assert_max_num_queries(160):
        response = client.post(
            API, {"email": EMAIL, "reason": "request"}, content_type="application/json"
        )
    assert response.status_code == 201
    assert response.json()["changed"]["people.user"] == 1
    assert "BETA-MARKER" not in response.content.decode()
    again = client.post(API, {"email": EMAIL, "reason": "request"}, content_type="application/json")
    assert again.status_code == 400 and "email" in again.json()
    with tenant_context(beta.tenant):
        assert User.objects.filter(email=EMAIL).exists()


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
def test_the_api_refuses_everyone_else(alpha, persona, status) -> None:
    _person(alpha)
    response = client_for(alpha, persona).post(
        API, {"email": EMAIL, "reason": "r"}, content_type="application/json"
    )
    assert response.status_code == status
    with tenant_context(alpha.tenant):
        assert User.objects.filter(email=EMAIL).exists()


def test_the_api_refuses_bad_input(alpha) -> None:
    client = client_for(alpha, "municipal_admin")
    response = client.post(API, {"email": "x", "reason": ""}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"email", "reason"}

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import tenant_context

from programmes.core.models import AuditEvent
from programmes.people import services
from programmes.people.models import Invitation, User
from tests.conftest import World, client_for


def send_and_get_token(world: World, email: str, role: str = "partner_admin") -> str:
    """Invite, let the (eager) worker send the e-mail and read the link from it."""
    with tenant_context(world.tenant):
        invitation = services.invitation_create(actor=None, email=email, role=role)
        services.invitation_send(invitation_id=invitation.pk, language="en")
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitations/" in line)
    return link.rstrip("/").rsplit("/", 1)[1]


def test_an_invited_person_creates_an_account_and_is_signed_in(alpha: World) -> None:
    token = send_and_get_token(alpha, "new.partner@alpha.example")
    client = client_for(alpha)
    assert client.get(f"/invitations/{token}/").status_code == 200
    response = client.post(
        f"/invitations/{token}/",
        {
            "full_name": "Nina Partner",
            "password": "grøn-omstilling-2030",
            "password_again": "grøn-omstilling-2030",
        },
    )
    assert response.status_code == 302
    assert client.get("/api/v1/people/me/").json()["email"] == "new.partner@alpha.example"
    with tenant_context(alpha.tenant):
        assert User.objects.get(email="new.partner@alpha.example").role == "partner_admin"
        assert AuditEvent.objects.filter(action="invitation.accepted").exists()


def test_an_invitation_link_works_only_once(alpha: World) -> None:
    token = send_and_get_token(alpha, "once@alpha.example")
    with tenant_context(alpha.tenant):
        services.invitation_accept(token=token, full_name="Once", password="grøn-omstilling-2030")
    assert client_for(alpha).get(f"/invitations/{token}/").status_code == 404


def test_an_invitation_of_one_tenant_is_unknown_on_another(alpha: World, beta: World) -> None:
    token = send_and_get_token(alpha, "cross@alpha.example")
    assert client_for(beta).get(f"/invitations/{token}/").status_code == 404


def test_a_weak_password_is_refused_and_creates_nothing(alpha: World) -> None:
    token = send_and_get_token(alpha, "weak@alpha.example")
    response = client_for(alpha).post(
        f"/invitations/{token}/",
        {"full_name": "Weak", "password": "12345678", "password_again": "12345678"},
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    with tenant_context(alpha.tenant):
        assert not User.objects.filter(email="weak@alpha.example").exists()


def test_mismatched_passwords_are_refused(alpha: World) -> None:
    token = send_and_get_token(alpha, "typo@alpha.example")
    response = client_for(alpha).post(
        f"/invitations/{token}/",
        {"full_name": "Typo", "password": "grøn-omstilling-2030", "password_again": "other"},
    )
    assert response.status_code == 200
    with tenant_context(alpha.tenant):
        assert not User.objects.filter(email="typo@alpha.example").exists()


def test_sending_twice_sends_one_e_mail(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        invitation = services.invitation_create(
            actor=None, email="x@alpha.example", role="partner_member"
        )
        assert services.invitation_send(invitation_id=invitation.pk, language="da")
        assert not services.invitation_send(invitation_id=invitation.pk, language="da")
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("email", "role", "field"),
    [
        ("not-an-address", "partner_member", "email"),
        ("municipal-admin@alpha.example", "partner_member", "email"),  # already a user
        ("someone@alpha.example", "operator", "role"),  # not a tenant role
    ],
)
def test_bad_invitations_are_refused(alpha: World, email: str, role: str, field: str) -> None:
    with tenant_context(alpha.tenant):
        with pytest.raises(ValidationError) as refused:
            services.invitation_create(actor=None, email=email, role=role)
        assert field in refused.value.message_dict
        assert not Invitation.objects.filter(email=email).exists()


def test_a_second_open_invitation_to_the_same_address_is_refused(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        services.invitation_create(actor=None, email="dup@alpha.example", role="partner_member")
        with pytest.raises(ValidationError):
            services.invitation_create(actor=None, email="dup@alpha.example", role="partner_member")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (None, 401),
        ("municipal_admin", 201),
        ("municipal_staff", 403),
        ("partner_admin", 403),
        ("partner_member", 403),
    ],
)
def test_only_municipal_admins_invite_through_the_api(
    alpha: World, persona: str | None, expected: int, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(12):
        response = client.post(
            "/api/v1/invitations/",
            {"email": "api@alpha.example", "role": "partner_member"},
            content_type="application/json",
        )
    assert response.status_code == expected, response.content


def test_the_api_refuses_a_bad_invitation_with_field_errors(alpha: World) -> None:
    response = client_for(alpha, "municipal_admin").post(
        "/api/v1/invitations/",
        {"email": "partner-admin@alpha.example", "role": "partner_member"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "email" in response.json()


@pytest.mark.parametrize(
    ("persona", "visible"),
    [("municipal_admin", 5), ("municipal_staff", 5), ("partner_admin", 1), ("partner_member", 1)],
)
def test_people_are_listed_by_role(alpha: World, persona: str, visible: int) -> None:
    response = client_for(alpha, persona).get("/api/v1/people/")
    assert response.json()["count"] == visible


def test_a_partner_cannot_read_another_person_by_id(alpha: World) -> None:
    other = alpha.users["other_partner_member"]
    response = client_for(alpha, "partner_member").get(f"/api/v1/people/{other.pk}/")
    assert response.status_code == 404
    connection.set_schema_to_public()

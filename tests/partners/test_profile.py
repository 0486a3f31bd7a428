"""The partner admin keeps the organisation's profile, contacts and colleagues."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image

from programmes.partners.models import Membership, Partner
from programmes.people import services as people_services
from tests.conftest import World, client_for

PROFILE = {
    "form": "profile",
    "name": "ALPHA-MARKER partner",
    "website": "https://alpha.example",
    "city": "Hjørring",
    "sector": "services",
    "description__da": "Vi bygger grønt.",
    "language": "da",
    "public_fields": ["directory", "description", "logo"],
    "contacts-TOTAL_FORMS": "1",
    "contacts-INITIAL_FORMS": "0",
    "contacts-0-name": "Mette Jensen",
    "contacts-0-email": "mette@alpha.example",
    "contacts-0-role": "main",
}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_partner_admin_updates_profile_contacts_and_logo(
    alpha: World, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(alpha, "partner_admin")
    response = client.post(
        "/my-partnership/profile/", {**PROFILE, "logo_upload": SimpleUploadedFile("x.png", png())}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(name="ALPHA-MARKER partner")
        assert partner.description == {"da": "Vi bygger grønt."}
        assert partner.public_fields == ["directory", "description", "logo"]
        assert [c.email for c in partner.contacts.all()] == ["mette@alpha.example"]
    # The logo is public because the partner chose so.
    assert client_for(alpha).get(f"/partner-logos/{partner.pk}/").status_code == 200


def test_a_logo_is_not_public_unless_the_partner_is_listed(alpha: World, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(alpha, "partner_admin")
    client.post(
        "/my-partnership/profile/",
        {
            **PROFILE,
            "public_fields": ["description", "logo"],
            "logo_upload": SimpleUploadedFile("x.png", png()),
        },
    )
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(name="ALPHA-MARKER partner")
        assert partner.logo
    assert client_for(alpha).get(f"/partner-logos/{partner.pk}/").status_code == 404


def test_a_logo_the_partner_keeps_private_is_not_public(alpha: World, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(alpha, "partner_admin")
    client.post(
        "/my-partnership/profile/",
        {
            **PROFILE,
            "public_fields": ["directory", "description"],
            "logo_upload": SimpleUploadedFile("x.png", png()),
        },
    )
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(name="ALPHA-MARKER partner")
    assert client_for(alpha).get(f"/partner-logos/{partner.pk}/").status_code == 404
    assert (
        client_for(alpha, "partner_member").get(f"/partner-logos/{partner.pk}/").status_code == 200
    )
    assert (
        client_for(alpha, "other_partner_member").get(f"/partner-logos/{partner.pk}/").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"logo_upload": SimpleUploadedFile("x.png", b"not an image")}, "logo"),
        ({"contacts-0-role": "invoicing"}, "contacts"),
        ({"website": "not a url"}, "website"),
    ],
)
def test_bad_profile_input_is_refused_and_changes_nothing(
    alpha: World, change: dict, field: str, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    response = client_for(alpha, "partner_admin").post(
        "/my-partnership/profile/", {**PROFILE, **change}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(name="ALPHA-MARKER partner")
        assert partner.description == {} and not partner.logo


def test_an_invited_colleague_joins_the_partner(alpha: World) -> None:
    client = client_for(alpha, "partner_admin")
    response = client.post(
        "/my-partnership/profile/",
        {"form": "colleague", "email": "kollega@alpha.example", "role": "partner_member"},
    )
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        invitation = people_services.invitation_create.__globals__["Invitation"].objects.get(
            email="kollega@alpha.example"
        )
        people_services.invitation_send(invitation_id=invitation.pk, language="da")
        token = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]
        people_services.invitation_accept(
            token=token, full_name="Kollega", password="grøn-omstilling-2030"
        )
        assert (
            Membership.objects.get(email="kollega@alpha.example").partner.name
            == "ALPHA-MARKER partner"
        )
    colleague = client_for(None)
    colleague.defaults["HTTP_HOST"] = alpha.host
    colleague.post(
        "/accounts/login/", {"login": "kollega@alpha.example", "password": "grøn-omstilling-2030"}
    )
    mine = colleague.get("/api/v1/partners/").json()["results"]
    assert [p["name"] for p in mine] == ["ALPHA-MARKER partner"]


def test_a_colleague_of_another_partner_cannot_be_invited(alpha: World) -> None:
    response = client_for(alpha, "partner_admin").post(
        "/my-partnership/profile/",
        {
            "form": "colleague",
            "email": "other-partner-member@alpha.example",
            "role": "partner_member",
        },
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("partner_admin", 200), ("partner_member", 403), ("municipal_admin", 403), (None, 302)],
)
def test_only_partner_admins_edit_the_profile(
    alpha: World, persona: str | None, expected: int, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(12):
        assert client.get("/my-partnership/profile/").status_code == expected

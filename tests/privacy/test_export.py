"""A person downloads everything the tenant holds of them (page, file and API): their rows
only, never a secret, with the privacy statement version their partner accepted."""

import json

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.configuration.services import privacy_statement_draft, privacy_statement_publish
from programmes.core.models import AuditEvent
from programmes.partners.models import Membership, Partner, Stage
from programmes.partners.services import partner_sign
from programmes.people.models import Role
from programmes.people.services import user_create
from programmes.privacy.selectors import FORMAT, models_here
from tests.conftest import BUSINESS_IDS, PASSWORD, PERSONAS, client_for

pytestmark = pytest.mark.django_db

EXPORT = "/my-data/export.json"
PAGE = "/my-data/"
API = "/api/v1/me/data/"


def _download(world, persona):  # type: ignore[no-untyped-def]
    response = client_for(world, persona).get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content.decode(), json.loads(response.content)


def test_the_export_holds_the_persons_own_rows_in_one_key_per_model(alpha, beta) -> None:
    text, export = _download(alpha, "partner_member")
    assert export["format"] == FORMAT
    assert export["person"]["email"] == alpha.email("partner_member")
    with tenant_context(alpha.tenant):
        assert set(export["data"]) == {model._meta.label_lower for model, _ in models_here()}
    assert [row["email"] for row in export["data"]["people.user"]] == [
        alpha.email("partner_member")
    ]
    assert [row["partner__name"] for row in export["data"]["partners.membership"]] == [
        "ALPHA-MARKER partner"
    ]
    assert export["data"]["partners.partner"][0]["name"] == "ALPHA-MARKER partner"
    # Nobody else's data, no other tenant's, no secret.
    assert alpha.email("partner_admin") not in text
    assert alpha.email("other_partner_member") not in text
    assert "BETA-MARKER" not in text
    assert "pbkdf2" not in text and "md5$" not in text and "password" not in text


def test_dates_are_iso_and_files_name_where_to_download_them(alpha) -> None:
    with tenant_context(alpha.tenant):
        Partner.objects.filter(name="ALPHA-MARKER partner").update(logo="partners/logos/a.png")
        pk = Partner.objects.get(name="ALPHA-MARKER partner").pk
    _text, export = _download(alpha, "partner_admin")
    user = export["data"]["people.user"][0]
    assert user["date_joined"][:4].isdigit() and "T" in user["date_joined"]
    assert export["data"]["partners.partner"][0]["logo"] == {
        "name": "a.png",
        "download": f"/partner-logos/{pk}/",
    }


def test_secrets_are_never_exported(alpha) -> None:
    client = client_for(alpha, "partner_admin")
    token = client.post(
        "/api/v1/auth/token/", {"email": alpha.email("partner_admin"), "password": PASSWORD}
    )
    key = token.json().get("token", "") if token.status_code == 200 else ""
    response = client.get(EXPORT)
    text = response.content.decode()
    export = json.loads(text)
    if key:
        assert key not in text
        assert len(export["data"]["authtoken.token"]) == 1
        assert set(export["data"]["authtoken.token"][0]) == {"created"}
    assert client.cookies["sessionid"].value not in text


def test_the_export_is_audited(alpha) -> None:
    _download(alpha, "municipal_staff")
    with tenant_context(alpha.tenant):
        entry = AuditEvent.objects.filter(action="personal_data.exported").latest("id")
        assert entry.actor_label == alpha.email("municipal_staff")


def test_the_privacy_statement_accepted_at_signing_stays_when_a_new_version_is_published(
    alpha,
) -> None:
    with tenant_context(alpha.tenant):
        admin = alpha.users["municipal_admin"]
        first = privacy_statement_publish(
            actor=admin,
            statement=privacy_statement_draft(actor=admin, text={"da": "v-a", "en": "v-a"}),
        )
        partner = Partner.objects.create(
            name="ALPHA-MARKER signer",
            business_id=BUSINESS_IDS["DK"][2],
            kind="company",
            sector="services",
            language="da",
            stage=Stage.BOOKED,
            stage_changed_at=timezone.now(),
        )
        signer = user_create(
            actor=None, email="signer@alpha.example", password=PASSWORD, role=Role.PARTNER_ADMIN
        )
        Membership.objects.create(partner=partner, email=signer.email, user=signer)
        partner_sign(actor=admin, partner=partner)
        second = privacy_statement_publish(
            actor=admin,
            statement=privacy_statement_draft(actor=admin, text={"da": "v-b", "en": "v-b"}),
        )
        partner.refresh_from_db()
        assert partner.privacy_statement_id == first.pk
        assert partner.commitment_documents.get().privacy_statement_id == first.pk
    client = client_for(alpha)
    with tenant_context(alpha.tenant):
        client.force_login(signer)
    export = client.get(EXPORT).json()
    assert export["privacy_statement"]["accepted_version"] == first.version
    assert export["privacy_statement"]["accepted_by_partner"] == "ALPHA-MARKER signer"
    assert export["privacy_statement"]["version_in_force"] == second.version
    assert export["data"]["partners.commitmentdocument"][0]["file"]["download"] == (
        "/my-partnership/commitment.pdf"
    )
    page = client.get(PAGE).content.decode()
    assert "v-b" in page  # the statement in force is readable from the page


@pytest.mark.parametrize("persona", [name for name, _ in PERSONAS])
def test_every_person_of_the_tenant_gets_the_page_and_the_api(
    alpha, persona, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(12):
        page = client.get(PAGE)
    assert page.status_code == 200
    assert "BETA-MARKER" not in page.content.decode()
    with django_assert_max_num_queries(45):
        response = client.get(API)
    assert response.status_code == 200
    assert response.json()["person"]["email"] == alpha.email(persona)
    with django_assert_max_num_queries(45):
        assert client.get(EXPORT).status_code == 200


def test_visitors_are_sent_to_sign_in_and_the_api_refuses_them(alpha) -> None:
    client = client_for(alpha)
    assert client.get(PAGE).status_code == 302
    assert client.get(EXPORT).status_code == 302
    assert client.get(API).status_code == 401


def test_the_export_is_read_only(alpha) -> None:
    client = client_for(alpha, "partner_member")
    assert client.post(EXPORT).status_code == 405
    assert client.post(API).status_code == 405


def test_a_session_of_another_tenant_gets_nothing(alpha, beta) -> None:
    client = client_for(beta, "partner_member")
    client.defaults["HTTP_HOST"] = alpha.host
    assert client.get(API).status_code in (401, 403)
    response = client.get(PAGE)
    assert response.status_code == 302

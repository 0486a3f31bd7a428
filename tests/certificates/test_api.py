"""/api/v1/certificates/: staff read and write all, a partner's admin its own, members read
their own; multipart upload; status and compliance in the responses."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django_tenants.utils import tenant_context

from programmes.certificates.models import Certificate
from programmes.certificates.selectors import add_months
from programmes.core.models import AuditEvent
from programmes.partners.models import Partner
from tests.certificates.conftest import JPEG, PDF, PNG, Catalogue, rule, upload
from tests.conftest import World, client_for


@pytest.fixture
def held(catalogue: Catalogue) -> Certificate:
    with tenant_context(catalogue.world.tenant):
        rule(catalogue.lighthouse, text="ALPHA-MARKER rule")
        certificate = catalogue.certificate(number="ALPHA-MARKER 4711")
        certificate.document.save("certificates/held.pdf", ContentFile(PDF))
        catalogue.certificate(
            catalogue.other,
            number="OTHER-EXPIRED",
            expires_on=catalogue.today - dt.timedelta(days=2),
        )
        catalogue.planned(catalogue.other)
        return certificate


def _new(catalogue: Catalogue, **overrides: object) -> dict[str, object]:
    today = catalogue.today
    data: dict[str, object] = {
        "scheme": catalogue.iso.pk,
        "number": "ISO-1",
        "issued_on": (today - dt.timedelta(days=1)).isoformat(),
        "expires_on": (today + dt.timedelta(days=20)).isoformat(),
        "issuing_body": "DNV",
    }
    data.update(overrides)
    return data


def test_staff_list_every_certificate_with_status_and_filter(
    alpha: World, held: Certificate, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "municipal_staff")
    with django_assert_max_num_queries(8):
        rows = client.get("/api/v1/certificates/").json()["results"]
    assert {(row["number"], row["status"]) for row in rows} == {
        ("ALPHA-MARKER 4711", "valid"),
        ("OTHER-EXPIRED", "expired"),
        ("", "planned"),
    }
    [mine] = [row for row in rows if row["id"] == held.pk]
    assert mine["has_document"] is True
    assert mine["document_url"] == f"http://alpha.localhost/certificates/{held.pk}/document/"
    assert "document" not in mine
    expired = client.get("/api/v1/certificates/?status=expired").json()["results"]
    assert [row["number"] for row in expired] == ["OTHER-EXPIRED"]
    own = client.get(f"/api/v1/certificates/?partner={held.partner_id}").json()["results"]
    assert [row["id"] for row in own] == [held.pk]


def test_a_partner_sees_only_its_own(
    alpha: World, held: Certificate, django_assert_max_num_queries
) -> None:
    for persona in ("partner_admin", "partner_member"):
        client = client_for(alpha, persona)
        with django_assert_max_num_queries(8):
            rows = client.get("/api/v1/certificates/").json()["results"]
        assert [row["id"] for row in rows] == [held.pk]
    client = client_for(alpha, "other_partner_member")
    assert held.pk not in [
        row["id"] for row in client.get("/api/v1/certificates/").json()["results"]
    ]
    assert client.get(f"/api/v1/certificates/{held.pk}/").status_code == 404
    assert client.get("/api/v1/certificates/999999/").status_code == 404


def test_the_partner_admin_uploads_a_certificate_as_multipart(
    alpha: World, catalogue: Catalogue, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "partner_admin")
    with django_assert_max_num_queries(16):
        response = client.post(
            "/api/v1/certificates/", _new(catalogue, document=upload("iso.jpg", JPEG))
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["partner"], body["status"], body["has_document"]) == (
        catalogue.partner.pk,
        "expiring",
        True,
    )
    with tenant_context(alpha.tenant):
        certificate = Certificate.objects.get(pk=body["id"])
        assert certificate.document.name.endswith(".jpg")
    download = client.get(f"/certificates/{certificate.pk}/document/")
    assert download["Content-Type"] == "image/jpeg"
    # Edit: a new document (PNG) replaces the old; then JSON without a file.
    with django_assert_max_num_queries(16):
        response = client.generic(
            "PATCH",
            f"/api/v1/certificates/{certificate.pk}/",
            _multipart({"document": upload("new.png", PNG)}),
            content_type="multipart/form-data; boundary=BoUnDaRy",
        )
    assert response.status_code == 200, response.content
    response = client.patch(
        f"/api/v1/certificates/{certificate.pk}/",
        {"number": "ISO-2", "remove_document": True},
        content_type="application/json",
    )
    assert (response.json()["number"], response.json()["has_document"]) == ("ISO-2", False)
    with tenant_context(alpha.tenant):
        actions = list(
            AuditEvent.objects.filter(target_id=str(certificate.pk), action__startswith="certif")
            .order_by("pk")
            .values_list("action", "data__document")
        )
    assert actions == [
        ("certificate.created", "added"),
        ("certificate.updated", "replaced"),
        ("certificate.updated", "removed"),
    ]
    with django_assert_max_num_queries(12):
        assert client.delete(f"/api/v1/certificates/{certificate.pk}/").status_code == 204
    with tenant_context(alpha.tenant):
        assert not Certificate.objects.filter(pk=certificate.pk).exists()


def _multipart(fields: dict[str, object]) -> bytes:
    from django.test.client import encode_multipart

    return encode_multipart("BoUnDaRy", fields)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("certificate.pdf", b"plain text renamed to .pdf"),
        ("certificate.pdf", PDF + b"0" * (10 * 1024 * 1024)),
    ],
)
def test_a_refused_upload_gives_400_and_changes_nothing(
    alpha: World, held: Certificate, name: str, content: bytes
) -> None:
    client = client_for(alpha, "partner_admin")
    response = client.generic(
        "PATCH",
        f"/api/v1/certificates/{held.pk}/",
        _multipart({"number": "CHANGED", "document": upload(name, content)}),
        content_type="multipart/form-data; boundary=BoUnDaRy",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["document"]
    with tenant_context(alpha.tenant):
        unchanged = Certificate.objects.get(pk=held.pk)
        assert (unchanged.number, unchanged.document.name) == (
            "ALPHA-MARKER 4711",
            held.document.name,
        )
        assert not AuditEvent.objects.filter(action__startswith="certificate.").exists()


def test_the_service_rules_come_back_by_field(alpha: World, catalogue: Catalogue) -> None:
    client = client_for(alpha, "partner_admin")
    response = client.post(
        "/api/v1/certificates/",
        _new(catalogue, scheme=catalogue.emas.pk, issued_on="", expires_on=""),
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"scheme"}
    response = client.post("/api/v1/certificates/", {"scheme": catalogue.iso.pk, "planned": True})
    assert response.status_code == 400
    assert list(response.json()) == ["planned_by"]


def test_members_cannot_write_and_partner_admins_write_only_their_own(
    alpha: World, catalogue: Catalogue, held: Certificate
) -> None:
    member = client_for(alpha, "partner_member")
    assert member.post("/api/v1/certificates/", _new(catalogue)).status_code == 403
    assert (
        member.patch(
            f"/api/v1/certificates/{held.pk}/", {"number": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert member.delete(f"/api/v1/certificates/{held.pk}/").status_code == 403
    admin = client_for(alpha, "partner_admin")
    response = admin.post("/api/v1/certificates/", _new(catalogue, partner=catalogue.other.pk))
    assert response.status_code == 400
    assert list(response.json()) == ["partner"]
    with tenant_context(alpha.tenant):
        other = Certificate.objects.filter(partner=catalogue.other).first()
    assert admin.delete(f"/api/v1/certificates/{other.pk}/").status_code == 404
    response = admin.patch(
        f"/api/v1/certificates/{held.pk}/",
        {"partner": catalogue.other.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    with tenant_context(alpha.tenant):
        assert Certificate.objects.get(pk=held.pk).partner_id == catalogue.partner.pk
        assert Certificate.objects.filter(partner=catalogue.other).count() == 2


def test_staff_write_for_any_partner_and_must_name_it(
    alpha: World, catalogue: Catalogue, held: Certificate
) -> None:
    client = client_for(alpha, "municipal_admin")
    response = client.post("/api/v1/certificates/", _new(catalogue))
    assert (response.status_code, list(response.json())) == (400, ["partner"])
    response = client.post("/api/v1/certificates/", _new(catalogue, partner=catalogue.other.pk))
    assert response.status_code == 201
    assert response.json()["partner_name"] == catalogue.other.name
    response = client.put(
        f"/api/v1/certificates/{held.pk}/",
        _new(catalogue, partner=catalogue.partner.pk, number="PUT-1"),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["number"] == "PUT-1"


def test_anonymous_callers_get_401(alpha: World, held: Certificate) -> None:
    client = client_for(alpha)
    assert client.get("/api/v1/certificates/").status_code == 401
    assert client.get("/api/v1/certificates/compliance/").status_code == 401
    assert client.delete(f"/api/v1/certificates/{held.pk}/").status_code == 401


def test_compliance_for_the_partner_and_for_staff(
    alpha: World, catalogue: Catalogue, held: Certificate, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        Partner.objects.update(joined_on=catalogue.today - dt.timedelta(days=400))
    client = client_for(alpha, "partner_member")
    with django_assert_max_num_queries(10):
        rows = client.get("/api/v1/certificates/compliance/").json()["results"]
    assert len(rows) == 1
    [standing] = rows
    assert (standing["partner"], standing["all_met"]) == (catalogue.partner.pk, True)
    [rule_row] = standing["rules"]
    assert (rule_row["description"], rule_row["state"], rule_row["met_by"]) == (
        "ALPHA-MARKER rule",
        "met",
        held.pk,
    )
    assert rule_row["scheme_names"] == [catalogue.lighthouse.name]
    staff = client_for(alpha, "municipal_staff")
    with django_assert_max_num_queries(10):
        rows = staff.get("/api/v1/certificates/compliance/").json()["results"]
    states = {row["partner_name"]: row["rules"][0]["state"] for row in rows}
    assert states == {catalogue.partner.name: "met", catalogue.other.name: "overdue"}
    overdue = staff.get(f"/api/v1/certificates/compliance/?partner={catalogue.other.pk}").json()
    [row] = overdue["results"]
    signed = catalogue.today - dt.timedelta(days=400)
    assert row["rules"][0]["due_on"] == add_months(signed, 12).isoformat()
    assert row["all_met"] is False
    # A partner's people never see another partner's compliance.
    mine = client.get(f"/api/v1/certificates/compliance/?partner={catalogue.other.pk}").json()
    assert mine["results"] == []

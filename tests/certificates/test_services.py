"""Saving and deleting certificates: the catalogue, what a held or planned certificate needs,
documents checked by content and stored under names of our own, audited, all or nothing."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context

from programmes.certificates import services
from programmes.certificates.models import Certificate
from programmes.core.models import AuditEvent
from programmes.core.uploads import MAX_PDF_BYTES
from tests.certificates.conftest import JPEG, PDF, PNG, Catalogue, image_bytes, upload


def _stored_files(catalogue: Catalogue) -> set[str]:
    with tenant_context(catalogue.world.tenant):
        folder = Path(default_storage.path("certificates"))
    return {path.name for path in folder.glob("*")} if folder.exists() else set()


def _save(catalogue: Catalogue, certificate: Certificate, **kwargs: object) -> Certificate:
    return services.certificate_save(
        actor=catalogue.world.users["partner_admin"], certificate=certificate, **kwargs
    )


def test_the_partner_admin_adds_a_certificate_with_its_document(
    catalogue: Catalogue, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(catalogue.world.tenant):
        today = catalogue.today
        certificate = Certificate(
            partner=catalogue.partner,
            scheme=catalogue.lighthouse,
            number="  4711 ",
            issued_on=today - dt.timedelta(days=10),
            expires_on=today + dt.timedelta(days=3 * 365),
            issuing_body="Stiftelsen Miljøfyrtårn",
            planned_by=today,  # dropped: a held certificate is not planned
        )
        with django_capture_on_commit_callbacks(execute=True):
            _save(catalogue, certificate, document=upload("../../etc/passwd.pdf", PDF))
        certificate.refresh_from_db()
        assert certificate.number == "4711"
        assert certificate.planned_by is None
        # Our own name, in the tenant's folder; never the uploader's.
        assert certificate.document.name.startswith("certificates/certificate-")
        assert certificate.document.name.endswith(".pdf")
        assert "passwd" not in certificate.document.name
        assert f"/{catalogue.world.slug}/certificates/" in certificate.document.path
        assert certificate.document.read() == PDF
        event = AuditEvent.objects.get(action="certificate.created")
        assert event.actor == catalogue.world.users["partner_admin"]
        assert event.data["document"] == "added"
        assert event.data["partner"] == catalogue.partner.pk


@pytest.mark.parametrize(("content", "extension"), [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpg")])
def test_pdf_png_and_jpeg_are_accepted_by_content_whatever_their_name(
    catalogue: Catalogue, content: bytes, extension: str
) -> None:
    with tenant_context(catalogue.world.tenant):
        certificate = catalogue.certificate()
        # Named as something else: the content decides what it is and how it is stored.
        _save(catalogue, certificate, document=upload("scan.pdf", content))
        assert certificate.document.name.endswith(f".{extension}")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("certificate.pdf", b"This is a text file, not a certificate.\n"),
        ("certificate.pdf", b"<html><script>alert(1)</script></html>"),
        ("certificate.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("certificate.png", PNG[:8] + b"not really a PNG at all"),
        ("certificate.jpg", b"\xff\xd8\xff" + b"not really a JPEG"),
        ("certificate.gif", image_bytes("GIF")),
        ("certificate.pdf", PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /JavaScript 1 >>")),
        ("certificate.pdf", PDF + b"0" * MAX_PDF_BYTES),  # one file over 10 MB
        ("certificate.pdf", b""),
    ],
)
def test_a_refused_document_changes_nothing(
    catalogue: Catalogue, django_capture_on_commit_callbacks, name: str, content: bytes
) -> None:
    with tenant_context(catalogue.world.tenant):
        certificate = catalogue.certificate()
        _save(catalogue, certificate, document=upload("first.pdf", PDF))
        stored = certificate.document.name
    files = _stored_files(catalogue)
    with tenant_context(catalogue.world.tenant):
        events = AuditEvent.objects.count()
        certificate = Certificate.objects.get(pk=certificate.pk)
        certificate.number = "changed"
        with (
            pytest.raises(ValidationError) as refused,
            django_capture_on_commit_callbacks(execute=True),
        ):
            _save(catalogue, certificate, document=upload(name, content))
        assert list(refused.value.message_dict) == ["document"]
        unchanged = Certificate.objects.get(pk=certificate.pk)
        assert (unchanged.number, unchanged.document.name) == ("4711", stored)
        assert unchanged.document.read() == PDF
        assert AuditEvent.objects.count() == events
    assert _stored_files(catalogue) == files


def test_a_new_document_replaces_the_old_one_once_committed(
    catalogue: Catalogue, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(catalogue.world.tenant):
        certificate = catalogue.certificate()
        with django_capture_on_commit_callbacks(execute=True):
            _save(catalogue, certificate, document=upload("a.pdf", PDF))
        first = certificate.document.name
        with django_capture_on_commit_callbacks(execute=False) as pending:
            _save(catalogue, certificate, document=upload("b.png", PNG))
        assert default_storage.exists(first)  # not before the commit
        for callback in pending:
            callback()
        assert not default_storage.exists(first)
        assert default_storage.exists(certificate.document.name)
        with django_capture_on_commit_callbacks(execute=True):
            _save(catalogue, certificate, remove_document=True)
        assert not Certificate.objects.get(pk=certificate.pk).document
        events = AuditEvent.objects.filter(action="certificate.updated").order_by("pk")
        assert [event.data["document"] for event in events] == [
            "added",
            "replaced",
            "removed",
        ]


def test_deleting_a_certificate_deletes_its_document_and_is_audited(
    catalogue: Catalogue, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(catalogue.world.tenant):
        certificate = catalogue.certificate()
        _save(catalogue, certificate, document=upload("a.pdf", PDF))
        name, pk = certificate.document.name, certificate.pk
        with django_capture_on_commit_callbacks(execute=True):
            services.certificate_delete(
                actor=catalogue.world.users["partner_admin"], certificate=certificate
            )
        assert not Certificate.objects.filter(pk=pk).exists()
        assert not default_storage.exists(name)
        event = AuditEvent.objects.get(action="certificate.deleted")
        assert (event.target_id, event.data["number"]) == (str(pk), "4711")


# --- What a certificate needs --------------------------------------------------------------


def _errors(catalogue: Catalogue, certificate: Certificate) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        _save(catalogue, certificate)
    return refused.value.message_dict


def test_the_scheme_must_be_in_use_in_the_catalogue(catalogue: Catalogue) -> None:
    with tenant_context(catalogue.world.tenant):
        today = catalogue.today
        held = {
            "number": "1",
            "issued_on": today - dt.timedelta(days=1),
            "expires_on": today + dt.timedelta(days=1000),
        }
        retired = Certificate(partner=catalogue.partner, scheme=catalogue.emas, **held)
        assert list(_errors(catalogue, retired)) == ["scheme"]
        assert list(_errors(catalogue, Certificate(partner=catalogue.partner, **held))) == [
            "scheme"
        ]
        # A certificate added before its scheme was retired can still be kept up to date…
        kept = catalogue.certificate(scheme=catalogue.emas)
        kept.number = "EMAS-2"
        _save(catalogue, kept)
        # …but no certificate moves to a retired scheme.
        moved = catalogue.certificate(scheme=catalogue.iso)
        moved.scheme = catalogue.emas
        assert list(_errors(catalogue, moved)) == ["scheme"]
        assert not AuditEvent.objects.filter(target_id=str(moved.pk)).exists()


def test_a_held_certificate_needs_a_number_and_dates_in_order(catalogue: Catalogue) -> None:
    with tenant_context(catalogue.world.tenant):
        today = catalogue.today
        empty = Certificate(partner=catalogue.partner, scheme=catalogue.iso)
        assert set(_errors(catalogue, empty)) == {"number", "issued_on", "expires_on"}
        backwards = Certificate(
            partner=catalogue.partner,
            scheme=catalogue.iso,
            number="ISO-1",
            issued_on=today - dt.timedelta(days=10),
            expires_on=today - dt.timedelta(days=10),
        )
        assert list(_errors(catalogue, backwards)) == ["expires_on"]
        future = Certificate(
            partner=catalogue.partner,
            scheme=catalogue.iso,
            number="ISO-1",
            issued_on=today + dt.timedelta(days=1),
            expires_on=today + dt.timedelta(days=900),
        )
        assert list(_errors(catalogue, future)) == ["issued_on"]
        assert not Certificate.objects.exists()


def test_a_planned_certificate_needs_its_date_and_no_number_yet(catalogue: Catalogue) -> None:
    with tenant_context(catalogue.world.tenant):
        plan = Certificate(partner=catalogue.partner, scheme=catalogue.iso, planned=True)
        assert list(_errors(catalogue, plan)) == ["planned_by"]
        plan.planned_by = catalogue.today + dt.timedelta(days=90)
        plan.number = "ISO-1"
        assert list(_errors(catalogue, plan)) == ["number"]
        plan.number = ""
        plan.issuing_body = "DNV"
        _save(catalogue, plan)
        assert Certificate.objects.get().planned_by == plan.planned_by


def test_only_the_partners_admin_and_staff_may_save(catalogue: Catalogue, alpha) -> None:
    with tenant_context(catalogue.world.tenant):
        certificate = catalogue.certificate()
        certificate.number = "changed"
        for persona in ("partner_member", "other_partner_member"):
            with pytest.raises(PermissionDenied):
                services.certificate_save(actor=alpha.users[persona], certificate=certificate)
            with pytest.raises(PermissionDenied):
                services.certificate_delete(actor=alpha.users[persona], certificate=certificate)
        services.certificate_save(actor=alpha.users["municipal_staff"], certificate=certificate)
        assert Certificate.objects.get().number == "changed"

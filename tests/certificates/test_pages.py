"""The partner's certificate pages (its admin writes, members read), the staff overview and
partner panel, and the permission-checked document download."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django_tenants.utils import tenant_context

from programmes.certificates.models import Certificate
from programmes.core.uploads import MAX_PDF_BYTES
from programmes.partners.models import Membership, Partner, Stage
from programmes.people.models import Role
from programmes.people.services import user_create
from tests.certificates.conftest import PDF, PNG, Catalogue, rule, upload
from tests.conftest import BUSINESS_IDS, PASSWORD, World, client_for


@pytest.fixture
def held(catalogue: Catalogue) -> Certificate:
    """The partner's Miljøfyrtårn certificate with its PDF, and a rule it meets."""
    with tenant_context(catalogue.world.tenant):
        rule(catalogue.lighthouse, catalogue.iso, text="ALPHA-MARKER certification rule")
        certificate = catalogue.certificate(number="ALPHA-MARKER 4711")
        certificate.document.save("certificates/held.pdf", ContentFile(PDF))
        return certificate


def _form(catalogue: Catalogue, **overrides: object) -> dict[str, object]:
    today = catalogue.today
    data: dict[str, object] = {
        "scheme": catalogue.iso.pk,
        "number": "DNV-C123456",
        "issued_on": (today - dt.timedelta(days=30)).isoformat(),
        "expires_on": (today + dt.timedelta(days=3 * 365)).isoformat(),
        "issuing_body": "DNV Danmark A/S",
    }
    data.update(overrides)
    return data


# --- The partner's own page ----------------------------------------------------------------


def test_the_partner_sees_its_certificates_status_and_compliance(
    alpha: World, catalogue: Catalogue, held: Certificate, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        catalogue.certificate(
            scheme=catalogue.iso,
            number="ISO-EXPIRING",
            expires_on=catalogue.today + dt.timedelta(days=10),
        )
        catalogue.certificate(catalogue.other, number="OTHER-PARTNERS-NUMBER")
    for persona in ("partner_admin", "partner_member"):
        client = client_for(alpha, persona)
        with django_assert_max_num_queries(9):
            response = client.get("/my-partnership/certificates/")
        page = response.content.decode()
        assert response.status_code == 200
        assert "ALPHA-MARKER 4711" in page and "ISO-EXPIRING" in page
        assert "OTHER-PARTNERS-NUMBER" not in page
        assert "ALPHA-MARKER certification rule" in page
        assert 'class="compliance-met"' in page
        assert 'class="status-expiring"' in page and 'class="status-valid"' in page
        assert f"/certificates/{held.pk}/document/" in page
        can_edit = persona == "partner_admin"
        assert ("/my-partnership/certificates/new/" in page) == can_edit
        assert (f"/my-partnership/certificates/{held.pk}/" in page) == can_edit
    partnership = client_for(alpha, "partner_member").get("/my-partnership/").content.decode()
    assert "/my-partnership/certificates/" in partnership


def test_the_partner_admin_adds_edits_and_deletes_with_an_upload(
    alpha: World, catalogue: Catalogue, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "partner_admin")
    with django_assert_max_num_queries(8):
        form = client.get("/my-partnership/certificates/new/").content.decode()
    assert catalogue.iso.name in form
    assert catalogue.emas.name not in form  # retired
    assert 'enctype="multipart/form-data"' in form
    with django_assert_max_num_queries(16):
        response = client.post(
            "/my-partnership/certificates/new/",
            _form(catalogue, document_upload=upload("iso.pdf", PDF)),
        )
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        certificate = Certificate.objects.get()
        assert (certificate.partner, certificate.scheme) == (catalogue.partner, catalogue.iso)
        assert certificate.document.name.endswith(".pdf")
    path = f"/my-partnership/certificates/{certificate.pk}/"
    with django_assert_max_num_queries(9):
        form = client.get(path).content.decode()
    assert "DNV-C123456" in form and 'name="remove_document"' in form
    response = client.post(
        path, _form(catalogue, number="DNV-C999", planned_by="", remove_document="on")
    )
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        certificate.refresh_from_db()
        assert (certificate.number, certificate.document.name) == ("DNV-C999", "")
    with django_assert_max_num_queries(8):
        confirm = client.get(f"{path}delete/")
    assert "DNV-C999" in confirm.content.decode()
    with django_assert_max_num_queries(12):
        assert client.post(f"{path}delete/").status_code == 302
    with tenant_context(alpha.tenant):
        assert not Certificate.objects.exists()


def test_a_planned_certificate_is_added_with_its_date(alpha: World, catalogue: Catalogue) -> None:
    planned_by = (catalogue.today + dt.timedelta(days=100)).isoformat()
    data = {"scheme": catalogue.iso.pk, "planned": "on", "planned_by": planned_by}
    response = client_for(alpha, "partner_admin").post("/my-partnership/certificates/new/", data)
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        assert Certificate.objects.get().planned


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("certificate.pdf", b"Just text, renamed to .pdf\n", "Upload a PDF document"),
        ("certificate.pdf", PDF + b"0" * MAX_PDF_BYTES, "too large"),
    ],
)
def test_a_refused_upload_on_the_page_saves_nothing(
    alpha: World, catalogue: Catalogue, name: str, content: bytes, message: str
) -> None:
    client = client_for(alpha, "partner_admin")
    client.cookies["django_language"] = "en"
    response = client.post(
        "/my-partnership/certificates/new/",
        _form(catalogue, document_upload=upload(name, content)),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_document_upload_error"' in page
    assert message in page
    with tenant_context(alpha.tenant):
        assert not Certificate.objects.exists()


def test_a_png_named_pdf_is_kept_and_served_as_the_png_it_is(
    alpha: World, catalogue: Catalogue
) -> None:
    client = client_for(alpha, "partner_admin")
    response = client.post(
        "/my-partnership/certificates/new/",
        _form(catalogue, document_upload=upload("scan.pdf", PNG)),
    )
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        certificate = Certificate.objects.get()
    assert certificate.document.name.endswith(".png")
    download = client.get(f"/certificates/{certificate.pk}/document/")
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG


def test_a_bad_form_keeps_the_certificate_as_it_was(
    alpha: World, catalogue: Catalogue, held: Certificate
) -> None:
    response = client_for(alpha, "partner_admin").post(
        f"/my-partnership/certificates/{held.pk}/",
        _form(catalogue, number="CHANGED", expires_on=(catalogue.today).isoformat(), issued_on=""),
    )
    assert response.status_code == 200
    assert 'id="id_issued_on_error"' in response.content.decode()
    with tenant_context(alpha.tenant):
        assert Certificate.objects.get(pk=held.pk).number == "ALPHA-MARKER 4711"


def test_members_read_but_do_not_write(alpha: World, held: Certificate) -> None:
    client = client_for(alpha, "partner_member")
    assert client.get("/my-partnership/certificates/new/").status_code == 403
    path = f"/my-partnership/certificates/{held.pk}/"
    assert client.get(path).status_code == 403
    assert client.post(path, {"number": "x"}).status_code == 403
    assert client.post(f"{path}delete/").status_code == 403
    with tenant_context(alpha.tenant):
        assert Certificate.objects.get(pk=held.pk).number == "ALPHA-MARKER 4711"


@pytest.fixture
def other_admin(alpha: World, catalogue: Catalogue) -> World:
    """An admin of the other partner."""
    with tenant_context(alpha.tenant):
        user = user_create(
            actor=None,
            email="other-admin@alpha.example",
            password=PASSWORD,
            role=Role.PARTNER_ADMIN,
            full_name="Other admin",
        )
        Membership.objects.create(partner=catalogue.other, email=user.email, user=user)
    alpha.users["other_admin"] = user
    return alpha


def test_another_partners_admin_gets_the_same_404_as_for_nothing(
    other_admin: World, held: Certificate
) -> None:
    client = client_for(other_admin, "other_admin")
    for path in (
        f"/my-partnership/certificates/{held.pk}/",
        f"/my-partnership/certificates/{held.pk}/delete/",
        f"/certificates/{held.pk}/document/",
        "/my-partnership/certificates/999999/",
        "/certificates/999999/document/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/my-partnership/certificates/{held.pk}/delete/").status_code == 404
    assert "ALPHA-MARKER 4711" not in client.get("/my-partnership/certificates/").content.decode()
    with tenant_context(other_admin.tenant):
        assert Certificate.objects.filter(pk=held.pk).exists()


@pytest.mark.parametrize(
    "path",
    [
        "/my-partnership/certificates/",
        "/my-partnership/certificates/new/",
        "/partners/certificates/",
        "/partners/certificates/partner/1/",
        "/certificates/1/document/",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(alpha: World, path: str) -> None:
    response = client_for(alpha).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_partners_do_not_see_the_staff_pages(alpha: World, held: Certificate) -> None:
    for persona in ("partner_admin", "partner_member"):
        client = client_for(alpha, persona)
        assert client.get("/partners/certificates/").status_code == 403
        path = f"/partners/certificates/partner/{held.partner_id}/"
        assert client.get(path).status_code == 403


# --- Documents -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("partner_admin", 200),
        ("partner_member", 200),
        ("municipal_admin", 200),
        ("municipal_staff", 200),
        ("other_partner_member", 404),
    ],
)
def test_the_document_goes_to_the_partners_people_and_staff_only(
    alpha: World, held: Certificate, persona: str, status: int, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(6):
        response = client.get(f"/certificates/{held.pk}/document/")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == PDF


def test_a_certificate_without_a_document_has_no_download(
    alpha: World, catalogue: Catalogue
) -> None:
    with tenant_context(alpha.tenant):
        certificate = catalogue.certificate()
    response = client_for(alpha, "partner_admin").get(f"/certificates/{certificate.pk}/document/")
    assert response.status_code == 404


# --- Staff ---------------------------------------------------------------------------------


def _more_partners(catalogue: Catalogue, count: int) -> None:
    """``count`` more active partners, each with an expired certificate and a plan."""
    first = Partner.objects.filter(name__startswith="Partner ").count()
    for number in range(first, first + count):
        partner = Partner.objects.create(
            name=f"Partner {number}",
            business_id=f"{BUSINESS_IDS['DK'][2]}{number}",
            kind="company",
            sector="services",
            language="da",
            stage=Stage.ACTIVE,
            stage_changed_at=catalogue.partner.stage_changed_at,
            joined_on=catalogue.today - dt.timedelta(days=600),
        )
        catalogue.certificate(
            partner=partner,
            number=f"EXPIRED-{number}",
            expires_on=catalogue.today - dt.timedelta(days=3),
        )
        catalogue.planned(partner=partner)


def test_staff_see_every_certificate_filter_them_and_the_compliance_overview(
    alpha: World, catalogue: Catalogue, held: Certificate, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "municipal_staff")
    with tenant_context(alpha.tenant):
        _more_partners(catalogue, 2)
    with django_assert_max_num_queries(11):
        page = client.get("/partners/certificates/").content.decode()
    assert "ALPHA-MARKER 4711" in page and "EXPIRED-1" in page
    assert "ALPHA-MARKER certification rule" in page
    assert f"/partners/{held.partner_id}/" in page
    with tenant_context(alpha.tenant):
        _more_partners(catalogue, 20)  # more rows cost no more queries
    with django_assert_max_num_queries(11):
        page = client.get("/partners/certificates/?status=expired").content.decode()
    assert "EXPIRED-21" in page and "ALPHA-MARKER 4711" not in page
    page = client.get("/partners/certificates/?status=planned").content.decode()
    assert "EXPIRED-1" not in page and catalogue.iso.name in page
    page = client.get("/partners/certificates/?status=valid&q=4711").content.decode()
    assert "ALPHA-MARKER 4711" in page and "EXPIRED-1" not in page
    page = client.get(f"/partners/certificates/?scheme={catalogue.iso.pk}").content.decode()
    assert "ALPHA-MARKER 4711" not in page
    assert "/partners/certificates/" in client.get("/partners/").content.decode()


def test_the_staff_partner_page_loads_the_partners_certificates(
    alpha: World, catalogue: Catalogue, held: Certificate, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "municipal_admin")
    panel = f"/partners/certificates/partner/{held.partner_id}/"
    detail = client.get(f"/partners/{held.partner_id}/").content.decode()
    assert f'hx-get="{panel}"' in detail
    with tenant_context(alpha.tenant):
        catalogue.certificate(number="SECOND", scheme=catalogue.iso)
        catalogue.planned()
    with django_assert_max_num_queries(8):
        fragment = client.get(panel, HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert "<html" not in text
    assert "ALPHA-MARKER 4711" in text and "SECOND" in text
    assert "ALPHA-MARKER certification rule" in text
    assert "HX-Request" in fragment["Vary"]
    page = client.get(panel).content.decode()  # without htmx: a page of its own
    assert "<html" in page and "ALPHA-MARKER 4711" in page
    other = client.get(f"/partners/certificates/partner/{catalogue.other.pk}/").content.decode()
    assert "ALPHA-MARKER 4711" not in other
    assert client.get("/partners/certificates/partner/999999/").status_code == 404

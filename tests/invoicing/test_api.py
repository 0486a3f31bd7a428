"""/api/v1/invoices/, /api/v1/other-income/ and /api/v1/invoicing-settings/: staff read all
and issue, a partner's people read their own partner's invoices, free programmes have none."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from programmes.invoicing.models import Invoice, InvoicingSettings, OtherIncome, Payment
from tests.conftest import World, client_for
from tests.invoicing.conftest import Billing


@pytest.fixture
def issued(alpha_billing: Billing, beta_billing: Billing) -> Billing:
    """Both tenants invoiced: their invoice ids and numbers collide."""
    alpha_billing.issue()
    beta_billing.issue()
    return alpha_billing


def test_staff_list_every_invoice_with_status_lines_and_links(
    issued: Billing, django_assert_max_num_queries
) -> None:
    client = client_for(issued.world, "municipal_staff")
    with django_assert_max_num_queries(10):
        rows = client.get("/api/v1/invoices/?year=2026").json()["results"]
    assert {row["buyer_name"] for row in rows} == {issued.partner.name, issued.other.name}
    row = rows[0]
    assert row["status"] in {"open", "overdue"} and row["currency"] == "DKK"
    assert row["lines"][0]["vat_category"] == "S"
    assert row["pdf_url"].startswith("http://alpha.localhost/api/v1/invoices/")
    assert "BETA-MARKER" not in str(rows)


@pytest.mark.parametrize("persona", ["partner_admin", "partner_member"])
def test_a_partners_people_see_only_their_partners_invoices(issued: Billing, persona: str) -> None:
    client = client_for(issued.world, persona)
    rows = client.get("/api/v1/invoices/").json()["results"]
    assert [row["buyer_name"] for row in rows] == [issued.partner.name]
    with tenant_context(issued.world.tenant):
        others = issued.invoice_of(issued.other)
    assert client.get(f"/api/v1/invoices/{others.pk}/").status_code == 404
    assert client.get(f"/api/v1/invoices/{others.pk}/pdf/").status_code == 404


def test_the_other_tenant_never_sees_this_tenants_invoice_by_id(
    issued: Billing, beta: World
) -> None:
    with tenant_context(issued.world.tenant):
        invoice = issued.invoice_of(issued.partner)
    # Sequences are per schema: the id is beta's own invoice or none, never alpha's.
    response = client_for(beta, "municipal_staff").get(f"/api/v1/invoices/{invoice.pk}/")
    assert response.status_code in (200, 404)
    assert "ALPHA-MARKER" not in response.content.decode()
    assert client_for(beta, "partner_admin").get("/api/v1/invoices/").json()["count"] == 1


def test_anonymous_and_free_programmes_get_nothing(alpha: World, beta_billing: Billing) -> None:
    assert client_for(alpha, None).get("/api/v1/invoices/").status_code in (401, 403)
    # alpha here is free (no billing fixture): its invoicing endpoints do not exist.
    for path in ("/api/v1/invoices/", "/api/v1/other-income/", "/api/v1/invoicing-settings/"):
        assert client_for(alpha, "municipal_admin").get(path).status_code == 404


def test_downloads_are_pdf_and_ubl(issued: Billing, django_assert_max_num_queries) -> None:
    with tenant_context(issued.world.tenant):
        invoice = issued.invoice_of(issued.partner)
    client = client_for(issued.world, "partner_member")
    with django_assert_max_num_queries(10):
        pdf = client.get(f"/api/v1/invoices/{invoice.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["X-Content-Type-Options"] == "nosniff"
    xml = client.get(f"/api/v1/invoices/{invoice.pk}/xml/")
    assert xml["Content-Type"] == "application/xml"
    assert invoice.document_number.encode() in xml.content


def test_staff_preview_and_issue_the_run_then_nothing_twice(alpha_billing: Billing) -> None:
    client = client_for(alpha_billing.world, "municipal_staff")
    preview = client.post(
        "/api/v1/invoices/run/", {"year": 2026, "dry_run": True}, content_type="application/json"
    )
    assert preview.status_code == 200
    assert [row["total"] for row in preview.json()["planned"]] == ["6250.00", "6250.00"]
    with tenant_context(alpha_billing.world.tenant):
        assert not Invoice.objects.exists()
    stale = client.post(
        "/api/v1/invoices/run/",
        {"year": 2026, "fingerprint": "not-the-preview"},
        content_type="application/json",
    )
    assert stale.status_code == 400
    first = client.post(
        "/api/v1/invoices/run/",
        {"year": 2026, "fingerprint": preview.json()["fingerprint"]},
        content_type="application/json",
    )
    assert first.status_code == 201 and first.json()["invoices_issued"] == 2
    again = client.post("/api/v1/invoices/run/", {"year": 2026}, content_type="application/json")
    assert again.json()["invoices_issued"] == 0
    bad = client.post("/api/v1/invoices/run/", {"year": "soon"}, content_type="application/json")
    assert bad.status_code == 400 and "year" in bad.json()


@pytest.mark.parametrize("persona", ["partner_admin", "partner_member", "other_partner_member"])
def test_partners_cannot_issue_credit_pay_or_import(issued: Billing, persona: str) -> None:
    client = client_for(issued.world, persona)
    with tenant_context(issued.world.tenant):
        invoice = issued.invoice_of(issued.partner)
    for path, data in (
        ("/api/v1/invoices/run/", {"year": 2027}),
        (f"/api/v1/invoices/{invoice.pk}/credit/", {"reason": "x"}),
        (f"/api/v1/invoices/{invoice.pk}/payments/", {"amount": "1", "paid_on": "2026-02-03"}),
    ):
        assert client.post(path, data, content_type="application/json").status_code == 403
    assert client.get("/api/v1/invoices/export/").status_code == 403
    assert client.get("/api/v1/invoices/funding/").status_code == 403
    with tenant_context(issued.world.tenant):
        assert Invoice.objects.count() == 2 and not Payment.objects.exists()


def test_staff_credit_and_record_payments(issued: Billing) -> None:
    client = client_for(issued.world, "municipal_staff")
    with tenant_context(issued.world.tenant):
        first, second = issued.invoice_of(issued.partner), issued.invoice_of(issued.other)
    paid = client.post(
        f"/api/v1/invoices/{first.pk}/payments/",
        {"amount": "6250.00", "paid_on": "2026-02-10"},
        content_type="application/json",
    )
    assert paid.status_code == 201 and paid.json()["status"] == "paid"
    too_much = client.post(
        f"/api/v1/invoices/{second.pk}/payments/",
        {"amount": "99999", "paid_on": "2026-02-10"},
        content_type="application/json",
    )
    assert too_much.status_code == 400 and "amount" in too_much.json()
    no_reason = client.post(
        f"/api/v1/invoices/{second.pk}/credit/", {"reason": ""}, content_type="application/json"
    )
    assert no_reason.status_code == 400
    note = client.post(
        f"/api/v1/invoices/{second.pk}/credit/",
        {"reason": "Joined by mistake"},
        content_type="application/json",
    )
    assert note.status_code == 201
    assert note.json()["kind"] == "credit_note"
    assert note.json()["credited_invoice_number"] == second.document_number


def test_staff_import_payments_and_get_row_errors(issued: Billing) -> None:
    client = client_for(issued.world, "municipal_staff")
    with tenant_context(issued.world.tenant):
        invoice = issued.invoice_of(issued.partner)
    good = f"invoice number,amount paid,date paid\n{invoice.document_number},6250,2026-02-10\n"
    bad = "invoice number,amount paid,date paid\nKP-404,1,2026-02-10\n"
    refused = client.post(
        "/api/v1/invoices/payments-import/",
        {"file": SimpleUploadedFile("bank.csv", bad.encode())},
    )
    assert refused.status_code == 400
    assert refused.json()["problems"][0]["row"] == 2
    done = client.post(
        "/api/v1/invoices/payments-import/",
        {"file": SimpleUploadedFile("bank.csv", good.encode())},
    )
    assert done.status_code == 200
    assert done.json() == {
        "payments": 1,
        "total": "6250.00",
        "invoices_settled": 1,
        "dry_run": False,
    }


def test_staff_export_invoices_as_csv_and_read_the_funding(
    issued: Billing, django_assert_max_num_queries
) -> None:
    client = client_for(issued.world, "municipal_staff")
    with django_assert_max_num_queries(10):
        export = client.get("/api/v1/invoices/export/?year=2026")
    lines = export.content.decode().splitlines()
    assert lines[0].startswith("document_number,kind,")
    assert len(lines) == 3 and "ALPHA-MARKER" in export.content.decode()
    assert "BETA-MARKER" not in export.content.decode()
    with django_assert_max_num_queries(10):
        funding = client.get("/api/v1/invoices/funding/").json()
    assert funding[0]["year"] == 2026 and funding[0]["invoiced"] == "12500.00"


def test_staff_keep_other_income(issued: Billing) -> None:
    client = client_for(issued.world, "municipal_staff")
    created = client.post(
        "/api/v1/other-income/",
        {"year": 2026, "source": "ALPHA-MARKER county", "amount": "25000.00"},
        content_type="application/json",
    )
    assert created.status_code == 201
    income_id = created.json()["id"]
    assert (
        client.patch(
            f"/api/v1/other-income/{income_id}/", {"amount": "-1"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert client.delete(f"/api/v1/other-income/{income_id}/").status_code == 204
    with tenant_context(issued.world.tenant):
        assert not OtherIncome.objects.exists()
    assert client_for(issued.world, "partner_admin").get("/api/v1/other-income/").status_code == 403


def test_only_municipal_admins_read_and_write_the_settings(issued: Billing) -> None:
    admin = client_for(issued.world, "municipal_admin")
    settings = admin.get("/api/v1/invoicing-settings/").json()
    assert settings["organisation_number"] == "29189854"
    settings["iban"] = "DK00 0000"
    refused = admin.post("/api/v1/invoicing-settings/", settings, content_type="application/json")
    assert refused.status_code == 400 and "iban" in refused.json()
    settings["iban"] = "DK50 0040 0440 1162 43"
    settings["contact_phone"] = "+45 1234 5678"
    saved = admin.post("/api/v1/invoicing-settings/", settings, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["iban"] == "DK5000400440116243"
    with tenant_context(issued.world.tenant):
        assert InvoicingSettings.objects.get().contact_phone == "+45 1234 5678"
    staff = client_for(issued.world, "municipal_staff")
    assert staff.get("/api/v1/invoicing-settings/").status_code == 403


def test_billing_details_are_the_partners_own(alpha_billing: Billing) -> None:
    partner, other = alpha_billing.partner, alpha_billing.other
    admin = client_for(alpha_billing.world, "partner_admin")
    path = f"/api/v1/billing-details/{partner.pk}/"
    assert admin.get(path).json() == {"partner": partner.pk, "reference": "", "email": ""}
    bad = admin.put(path, {"reference": "x", "email": "nope"}, content_type="application/json")
    assert bad.status_code == 400 and "email" in bad.json()
    saved = admin.put(
        path,
        {"reference": "Cost centre 42", "email": "ap@example.org"},
        content_type="application/json",
    )
    assert saved.json()["reference"] == "Cost centre 42"
    assert admin.get(f"/api/v1/billing-details/{other.pk}/").status_code == 404
    member = client_for(alpha_billing.world, "partner_member")
    assert member.get(path).json()["email"] == "ap@example.org"
    assert member.put(path, {"reference": "y"}, content_type="application/json").status_code == 403
    # The next run puts them on the invoice.
    alpha_billing.issue()
    with tenant_context(alpha_billing.world.tenant):
        invoice = alpha_billing.invoice_of(partner)
    assert (invoice.buyer_reference, invoice.buyer_email) == ("Cost centre 42", "ap@example.org")

"""The invoicing pages: staff overview, annual run, invoice page (payments, credit notes),
settings and funding; the partner's own invoices and billing details; the downloads."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.invoicing.models import (
    BillingDetails,
    Invoice,
    InvoicingSettings,
    OtherIncome,
    Payment,
)
from programmes.invoicing.services import payment_record
from programmes.partners.models import Partner, Stage
from tests.conftest import BUSINESS_IDS, World, client_for
from tests.invoicing.conftest import Billing

STAFF = ("municipal_admin", "municipal_staff")
PARTNER_PEOPLE = ("partner_admin", "partner_member", "other_partner_member")


def _issued(billing: Billing) -> Invoice:
    """Issue the 2026 run; the invoice of the billing's partner."""
    billing.issue()
    with tenant_context(billing.world.tenant):
        return billing.invoice_of(billing.partner)


def _more_partners(billing: Billing, count: int) -> None:
    """``count`` more active partners in the fee-charging tier."""
    with tenant_context(billing.world.tenant):
        first = Partner.objects.count()
        for number in range(first, first + count):
            Partner.objects.create(
                name=f"{billing.world.marker} extra partner {number}",
                business_id=f"{BUSINESS_IDS['DK'][2]}{number}",
                kind="company",
                sector="services",
                language="da",
                stage=Stage.ACTIVE,
                stage_changed_at=timezone.now(),
                joined_on=dt.date(2024, 5, 1),
                tier=billing.tier,
                employees=10,
            )


def _staff_paths(invoice: Invoice, income: OtherIncome) -> list[str]:
    return [
        "/invoicing/",
        "/invoicing/run/",
        "/invoicing/settings/",
        "/invoicing/funding/",
        f"/invoicing/funding/income/{income.pk}/",
        f"/invoicing/funding/income/{income.pk}/delete/",
        f"/invoicing/{invoice.pk}/",
        f"/invoicing/{invoice.pk}/invoice.pdf",
        f"/invoicing/{invoice.pk}/invoice.xml",
    ]


def _partner_paths(invoice: Invoice) -> list[str]:
    return [
        "/my-partnership/invoices/",
        f"/my-partnership/invoices/{invoice.pk}.pdf",
        f"/my-partnership/invoices/{invoice.pk}.xml",
    ]


@pytest.fixture
def income(alpha_billing: Billing) -> OtherIncome:
    with tenant_context(alpha_billing.world.tenant):
        return OtherIncome.objects.create(
            year=2026,
            source="ALPHA-MARKER county grant",
            amount=Decimal("20000.00"),
            received_on=dt.date(2026, 3, 1),
        )


# --- Who sees what ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(
    alpha_billing: Billing, income: OtherIncome
) -> None:
    invoice = _issued(alpha_billing)
    client = client_for(alpha_billing.world)
    for path in _staff_paths(invoice, income) + _partner_paths(invoice):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path


def test_partners_are_refused_the_staff_pages_and_staff_the_partners(
    alpha_billing: Billing, income: OtherIncome
) -> None:
    invoice = _issued(alpha_billing)
    world = alpha_billing.world
    for persona in PARTNER_PEOPLE:
        client = client_for(world, persona)
        for path in _staff_paths(invoice, income):
            assert client.get(path).status_code == 403, (persona, path)
        response = client.post("/invoicing/run/", {"issue-year": 2027, "issue-confirm": "on"})
        assert response.status_code == 403
    for persona in STAFF:
        client = client_for(world, persona)
        for path in _partner_paths(invoice):
            assert client.get(path).status_code == 403, (persona, path)
    with tenant_context(world.tenant):
        assert not Invoice.objects.filter(year=2027).exists()


def test_only_the_municipal_admin_keeps_the_settings(alpha_billing: Billing) -> None:
    world = alpha_billing.world
    assert client_for(world, "municipal_staff").get("/invoicing/settings/").status_code == 403
    response = client_for(world, "municipal_staff").post(
        "/invoicing/settings/", {"seller_name": "Changed"}
    )
    assert response.status_code == 403
    assert client_for(world, "municipal_admin").get("/invoicing/settings/").status_code == 200
    staff_overview = client_for(world, "municipal_staff").get("/invoicing/").content.decode()
    admin_overview = client_for(world, "municipal_admin").get("/invoicing/").content.decode()
    assert "/invoicing/settings/" not in staff_overview
    assert "/invoicing/settings/" in admin_overview
    with tenant_context(world.tenant):
        assert InvoicingSettings.objects.get().seller_name == "ALPHA-MARKER municipality"


def test_a_free_programme_has_no_invoicing_pages(alpha: World) -> None:
    paths = [
        "/invoicing/",
        "/invoicing/run/",
        "/invoicing/funding/",
        "/invoicing/1/",
        "/invoicing/1/invoice.pdf",
        "/invoicing/funding/income/1/",
    ]
    for persona in STAFF:
        client = client_for(alpha, persona)
        for path in paths:
            assert client.get(path).status_code == 404, (persona, path)
    assert client_for(alpha, "municipal_admin").get("/invoicing/settings/").status_code == 404
    for persona in ("partner_admin", "partner_member"):
        client = client_for(alpha, persona)
        for path in ("/my-partnership/invoices/", "/my-partnership/invoices/1.pdf"):
            assert client.get(path).status_code == 404, (persona, path)
        assert "/my-partnership/invoices/" not in client.get("/my-partnership/").content.decode()


def test_another_tenants_invoice_is_never_shown(
    alpha_billing: Billing, beta_billing: Billing
) -> None:
    alpha_invoice = _issued(alpha_billing)
    beta_invoice = _issued(beta_billing)
    beta = beta_billing.world
    for persona in STAFF:
        client = client_for(beta, persona)
        for path in (
            f"/invoicing/{alpha_invoice.pk}/",
            f"/invoicing/{alpha_invoice.pk}/invoice.pdf",
            f"/invoicing/{alpha_invoice.pk}/invoice.xml",
            "/invoicing/",
            "/invoicing/funding/",
        ):
            response = client.get(path)
            assert response.status_code in (200, 404), path
            assert b"ALPHA-MARKER" not in response.content, path
    for persona in ("partner_admin", "partner_member"):
        client = client_for(beta, persona)
        page = client.get("/my-partnership/invoices/").content.decode()
        assert "ALPHA-MARKER" not in page and beta_invoice.document_number in page
        for suffix in ("pdf", "xml"):
            response = client.get(f"/my-partnership/invoices/{alpha_invoice.pk}.{suffix}")
            assert response.status_code in (200, 404)
            assert b"ALPHA-MARKER" not in response.content


# --- Staff overview --------------------------------------------------------------------------


def test_staff_see_every_invoice_with_its_status_and_filter_them(
    alpha_billing: Billing, django_assert_max_num_queries
) -> None:
    invoice = _issued(alpha_billing)
    client = client_for(alpha_billing.world, "municipal_staff")
    with django_assert_max_num_queries(9):
        page = client.get("/invoicing/").content.decode()
    assert "ALPHA-MARKER partner" in page and "ALPHA-MARKER other partner" in page
    assert f"/invoicing/{invoice.pk}/" in page
    assert "<h1>" in page and page.count("<h1") == 1
    assert "/invoicing/run/" in page and "/invoicing/funding/" in page
    assert 'class="status-overdue"' in page  # due in March 2026
    _more_partners(alpha_billing, 12)
    alpha_billing.issue()
    with django_assert_max_num_queries(9):  # more invoices, no more queries
        page = client.get("/invoicing/?year=2026").content.decode()
    assert "extra partner" in page
    with tenant_context(alpha_billing.world.tenant):
        payment_record(
            actor=alpha_billing.world.users["municipal_admin"],
            invoice=invoice,
            amount=invoice.total_amount,
            paid_on=timezone.localdate(),
        )
    page = client.get("/invoicing/?status=paid").content.decode()
    assert f"/invoicing/{invoice.pk}/" in page and "extra partner" not in page
    page = client.get("/invoicing/?status=overdue").content.decode()
    assert f"/invoicing/{invoice.pk}/" not in page and "extra partner" in page
    page = client.get("/invoicing/?q=other+partner").content.decode()
    assert "ALPHA-MARKER other partner" in page and f"/invoicing/{invoice.pk}/" not in page
    page = client.get("/invoicing/?year=2025").content.decode()
    assert "ALPHA-MARKER partner" not in page
    assert client.get("/invoicing/?year=nonsense").status_code == 200


def test_the_overview_is_paginated(alpha_billing: Billing) -> None:
    _more_partners(alpha_billing, 50)
    alpha_billing.issue()
    client = client_for(alpha_billing.world, "municipal_admin")
    first = client.get("/invoicing/").content.decode()
    assert 'rel="next"' in first and "?page=2" in first
    second = client.get("/invoicing/?page=2").content.decode()
    assert 'rel="prev"' in second
    assert second.count('href="/invoicing/') < first.count('href="/invoicing/')
    assert client.get("/invoicing/?page=99").status_code == 200


# --- The annual run --------------------------------------------------------------------------


def test_the_run_previews_then_issues_once(
    alpha_billing: Billing, django_assert_max_num_queries
) -> None:
    client = client_for(alpha_billing.world, "municipal_staff")
    with django_assert_max_num_queries(12):
        page = client.get("/invoicing/run/").content.decode()
    assert "ALPHA-MARKER partner" in page and "ALPHA-MARKER other partner" in page
    assert 'name="issue-confirm"' in page
    _more_partners(alpha_billing, 10)
    with django_assert_max_num_queries(12):  # more partners, no more queries
        page = client.get("/invoicing/run/?year=2026").content.decode()
    assert "extra partner" in page
    # Without the confirmation nothing is issued.
    response = client.post("/invoicing/run/", {"issue-year": 2026})
    assert response.status_code == 200
    assert 'id="id_issue-confirm_error"' in response.content.decode()
    with tenant_context(alpha_billing.world.tenant):
        assert not Invoice.objects.exists()
    fingerprint = client.get("/invoicing/run/?year=2026").context["preview"].fingerprint
    confirmed = {"issue-year": 2026, "issue-confirm": "on", "fingerprint": fingerprint}
    # A partner joining after the preview: the run would issue more than was shown.
    _more_partners(alpha_billing, 1)
    changed = client.post("/invoicing/run/", confirmed)
    assert changed.status_code == 200 and changed.context["issue_form"].errors
    with tenant_context(alpha_billing.world.tenant):
        assert not Invoice.objects.exists()
    confirmed["fingerprint"] = changed.context["preview"].fingerprint  # the new preview's
    response = client.post("/invoicing/run/", confirmed)
    assert response.status_code == 302
    assert response["Location"] == "/invoicing/?year=2026"
    with tenant_context(alpha_billing.world.tenant):
        assert Invoice.objects.count() == 13
    page = client.get("/invoicing/run/?year=2026").content.decode()
    assert 'name="issue-confirm"' not in page
    response = client.post("/invoicing/run/", confirmed, follow=True)
    assert response.status_code == 200
    with tenant_context(alpha_billing.world.tenant):
        assert Invoice.objects.count() == 13


def test_a_blocked_run_shows_why_and_issues_nothing(alpha_billing: Billing) -> None:
    with tenant_context(alpha_billing.world.tenant):
        InvoicingSettings.objects.update(vat_number="")
    client = client_for(alpha_billing.world, "municipal_admin")
    client.cookies["django_language"] = "en"
    page = client.get("/invoicing/run/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "VAT number" in page and 'name="issue-confirm"' not in page
    response = client.post(
        "/invoicing/run/", {"issue-year": 2026, "issue-confirm": "on"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "VAT number" in response.content.decode()
    with tenant_context(alpha_billing.world.tenant):
        assert not Invoice.objects.exists()


# --- One invoice: payments and credit notes --------------------------------------------------


def test_staff_see_an_invoice_and_record_a_payment(
    alpha_billing: Billing, django_assert_max_num_queries
) -> None:
    invoice = _issued(alpha_billing)
    client = client_for(alpha_billing.world, "municipal_staff")
    path = f"/invoicing/{invoice.pk}/"
    with django_assert_max_num_queries(10):
        page = client.get(path).content.decode()
    assert invoice.document_number in page and "ALPHA-MARKER partner" in page
    assert f"/invoicing/{invoice.pk}/invoice.pdf" in page
    assert f"/invoicing/{invoice.pk}/invoice.xml" in page
    assert 'name="payment-amount"' in page and 'name="credit-reason"' in page
    assert page.count("<h1") == 1
    today = timezone.localdate().isoformat()
    # More than is left to pay: refused on the field, nothing recorded.
    response = client.post(
        path, {"action": "payment", "payment-amount": "99999", "payment-paid_on": today}
    )
    assert response.status_code == 200
    assert 'id="id_payment-amount_error"' in response.content.decode()
    assert 'aria-describedby="id_payment-amount_error"' in response.content.decode()
    with tenant_context(alpha_billing.world.tenant):
        assert not Payment.objects.exists()
    response = client.post(
        path,
        {
            "action": "payment",
            "payment-amount": "1000.00",
            "payment-paid_on": today,
            "payment-note": "ALPHA-MARKER bank",
        },
    )
    assert response.status_code == 302
    with tenant_context(alpha_billing.world.tenant):
        invoice.refresh_from_db()
        assert invoice.paid_amount == Decimal("1000.00")
    with django_assert_max_num_queries(10):
        page = client.get(path).content.decode()
    assert "ALPHA-MARKER bank" in page
    assert 'name="credit-reason"' not in page  # paid in part: refund before crediting
    assert client.post(path, {"action": "nonsense"}).status_code == 400


def test_staff_credit_an_invoice(alpha_billing: Billing, django_assert_max_num_queries) -> None:
    invoice = _issued(alpha_billing)
    client = client_for(alpha_billing.world, "municipal_admin")
    path = f"/invoicing/{invoice.pk}/"
    response = client.post(path, {"action": "credit", "credit-reason": "  "})
    assert response.status_code == 200
    assert 'id="id_credit-reason_error"' in response.content.decode()
    with django_assert_max_num_queries(30):
        response = client.post(path, {"action": "credit", "credit-reason": "Wrong size"})
    assert response.status_code == 302
    with tenant_context(alpha_billing.world.tenant):
        invoice.refresh_from_db()
        note = invoice.credit_notes.get()
    assert invoice.fully_credited and note.reason == "Wrong size"
    page = client.get(path).content.decode()
    assert f"/invoicing/{note.pk}/" in page and 'class="status-credited"' in page
    assert 'name="credit-reason"' not in page and 'name="payment-amount"' not in page
    with django_assert_max_num_queries(10):
        page = client.get(f"/invoicing/{note.pk}/").content.decode()
    assert f"/invoicing/{invoice.pk}/" in page and "Wrong size" in page
    # Crediting twice is refused and says so.
    response = client.post(path, {"action": "credit", "credit-reason": "Again"})
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    with tenant_context(alpha_billing.world.tenant):
        assert invoice.credit_notes.count() == 1


def test_an_unknown_invoice_is_a_404(alpha_billing: Billing) -> None:
    client = client_for(alpha_billing.world, "municipal_admin")
    for path in ("/invoicing/999999/", "/invoicing/999999/invoice.pdf"):
        assert client.get(path).status_code == 404


# --- Downloads -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "prefix", "status"),
    [
        ("municipal_admin", "/invoicing/{pk}/invoice", 200),
        ("municipal_staff", "/invoicing/{pk}/invoice", 200),
        ("partner_admin", "/my-partnership/invoices/{pk}", 200),
        ("partner_member", "/my-partnership/invoices/{pk}", 200),
        ("other_partner_member", "/my-partnership/invoices/{pk}", 404),
    ],
)
def test_the_documents_go_to_the_partners_people_and_staff_only(
    alpha_billing: Billing,
    persona: str,
    prefix: str,
    status: int,
    django_assert_max_num_queries,
) -> None:
    invoice = _issued(alpha_billing)
    client = client_for(alpha_billing.world, persona)
    for suffix, content_type, start in (
        ("pdf", "application/pdf", b"%PDF"),
        ("xml", "application/xml", b"<?xml"),
    ):
        with django_assert_max_num_queries(10):
            response = client.get(f"{prefix.format(pk=invoice.pk)}.{suffix}")
        assert response.status_code == status
        if status == 200:
            assert response["Content-Type"] == content_type
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "private" in response["Cache-Control"]
            assert "no-store" in response["Cache-Control"]
            disposition = response["Content-Disposition"]
            assert disposition.startswith("attachment")
            assert f"{invoice.document_number}.{suffix}" in disposition
            assert response.content.startswith(start)


# --- Settings --------------------------------------------------------------------------------


def _settings_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "seller_name": "ALPHA-MARKER municipality",
        "organisation_number": "29189854",
        "vat_number": "DK29189854",
        "street": "Rådhustorvet 1",
        "postcode": "9800",
        "city": "Hjørring",
        "contact_name": "Finance",
        "contact_email": "finance@alpha.example",
        "contact_phone": "",
        "iban": "DK5000400440116243",
        "bic": "DABADKKK",
        "bankgiro": "",
        "payment_terms_days": "20",
        "invoice_series": "KP-",
        "credit_note_series": "",
        "run_month": "",
        "run_day": "",
        "reminder_interval_days": "14",
        "max_reminders": "2",
    }
    data.update(overrides)
    return data


def test_the_admin_saves_the_settings_and_a_bad_iban_changes_nothing(
    alpha_billing: Billing, django_assert_max_num_queries
) -> None:
    client = client_for(alpha_billing.world, "municipal_admin")
    with django_assert_max_num_queries(8):
        page = client.get("/invoicing/settings/").content.decode()
    assert 'value="ALPHA-MARKER municipality"' in page
    assert '<label for="id_iban">' in page
    response = client.post(
        "/invoicing/settings/", _settings_form(iban="DK0000000000000000", city="Changed")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_iban_error"' in page and 'aria-describedby="id_iban_error"' in page
    with tenant_context(alpha_billing.world.tenant):
        stored = InvoicingSettings.objects.get()
        assert (stored.iban, stored.city) == ("DK5000400440116243", "ALPHA-MARKER city")
    response = client.post("/invoicing/settings/", _settings_form(run_month="3", run_day=""))
    assert 'id="id_run_day_error"' in response.content.decode()
    response = client.post("/invoicing/settings/", _settings_form(iban="dk50 0040 0440 1162 43"))
    assert response.status_code == 302
    with tenant_context(alpha_billing.world.tenant):
        stored = InvoicingSettings.objects.get()
        assert (stored.iban, stored.city, stored.payment_terms_days) == (
            "DK5000400440116243",
            "Hjørring",
            20,
        )


# --- Funding ---------------------------------------------------------------------------------


def test_staff_see_the_funding_and_add_edit_and_delete_other_income(
    alpha_billing: Billing, income: OtherIncome, django_assert_max_num_queries
) -> None:
    _issued(alpha_billing)
    client = client_for(alpha_billing.world, "municipal_staff")
    with django_assert_max_num_queries(10):
        page = client.get("/invoicing/funding/").content.decode()
    assert "ALPHA-MARKER county grant" in page and "2026" in page
    assert page.count("<h1") == 1 and 'scope="row"' in page
    _more_partners(alpha_billing, 10)
    alpha_billing.issue()
    with django_assert_max_num_queries(10):  # more invoices, no more queries
        client.get("/invoicing/funding/")
    response = client.post(
        "/invoicing/funding/",
        {"income-year": "2025", "income-source": "ALPHA-MARKER region", "income-amount": "-5"},
    )
    assert response.status_code == 200
    assert 'id="id_income-amount_error"' in response.content.decode()
    response = client.post(
        "/invoicing/funding/",
        {"income-year": "2025", "income-source": "ALPHA-MARKER region", "income-amount": "5000"},
    )
    assert response.status_code == 302
    with tenant_context(alpha_billing.world.tenant):
        added = OtherIncome.objects.get(source="ALPHA-MARKER region")
    assert added.amount == Decimal("5000.00") and added.year == 2025
    edit = f"/invoicing/funding/income/{added.pk}/"
    with django_assert_max_num_queries(8):
        assert 'value="ALPHA-MARKER region"' in client.get(edit).content.decode()
    response = client.post(
        edit, {"year": "2025", "source": "ALPHA-MARKER region", "amount": "7500"}
    )
    assert response.status_code == 302
    with tenant_context(alpha_billing.world.tenant):
        added.refresh_from_db()
    assert added.amount == Decimal("7500.00")
    with django_assert_max_num_queries(8):
        assert "ALPHA-MARKER region" in client.get(f"{edit}delete/").content.decode()
    assert client.post(f"{edit}delete/").status_code == 302
    with tenant_context(alpha_billing.world.tenant):
        assert not OtherIncome.objects.filter(pk=added.pk).exists()
    assert client.get(edit).status_code == 404


# --- The partner's own invoices --------------------------------------------------------------


def test_the_partner_sees_its_invoices_only(
    alpha_billing: Billing, django_assert_max_num_queries
) -> None:
    invoice = _issued(alpha_billing)
    with tenant_context(alpha_billing.world.tenant):
        others = alpha_billing.invoice_of(alpha_billing.other)
    for persona in ("partner_admin", "partner_member"):
        client = client_for(alpha_billing.world, persona)
        with django_assert_max_num_queries(10):
            page = client.get("/my-partnership/invoices/").content.decode()
        assert f"/my-partnership/invoices/{invoice.pk}.pdf" in page
        assert f"/my-partnership/invoices/{invoice.pk}.xml" in page
        assert invoice.payment_reference in page
        assert f"/my-partnership/invoices/{others.pk}.pdf" not in page
        assert page.count("<h1") == 1
        assert ('name="reference"' in page) == (persona == "partner_admin")
        partnership = client_for(alpha_billing.world, persona).get("/my-partnership/")
        assert "/my-partnership/invoices/" in partnership.content.decode()
    page = client_for(alpha_billing.world, "other_partner_member").get("/my-partnership/invoices/")
    assert f"/my-partnership/invoices/{others.pk}.pdf" in page.content.decode()
    assert f"/my-partnership/invoices/{invoice.pk}.pdf" not in page.content.decode()


def test_the_partner_admin_keeps_the_billing_details(alpha_billing: Billing) -> None:
    world = alpha_billing.world
    client = client_for(world, "partner_admin")
    response = client.post(
        "/my-partnership/invoices/", {"reference": "PO-77", "email": "not an address"}
    )
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()
    with tenant_context(world.tenant):
        assert not BillingDetails.objects.exists()
    response = client.post(
        "/my-partnership/invoices/", {"reference": "PO-77", "email": "ap@partner.example"}
    )
    assert response.status_code == 302
    with tenant_context(world.tenant):
        details = BillingDetails.objects.get()
    assert (details.partner, details.reference) == (alpha_billing.partner, "PO-77")
    member = client_for(world, "partner_member")
    assert "PO-77" in member.get("/my-partnership/invoices/").content.decode()
    response = member.post("/my-partnership/invoices/", {"reference": "X", "email": ""})
    assert response.status_code == 403
    with tenant_context(world.tenant):
        assert BillingDetails.objects.get().reference == "PO-77"
    invoice = _issued(alpha_billing)
    assert (invoice.buyer_reference, invoice.buyer_email) == ("PO-77", "ap@partner.example")


# --- Payments import page and export ----------------------------------------------------------


def test_staff_import_payments_with_a_preview_then_confirm(
    alpha_billing: Billing, django_assert_max_num_queries
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    alpha_billing.issue()
    with tenant_context(alpha_billing.world.tenant):
        invoice = alpha_billing.invoice_of(alpha_billing.partner)
    client = client_for(alpha_billing.world, "municipal_staff")
    assert client.get("/invoicing/payments-import/").status_code == 200
    bad = client.post(
        "/invoicing/payments-import/",
        {
            "action": "preview",
            "file": SimpleUploadedFile(
                "b.csv", b"invoice number,amount paid,date paid\nKP-99,1,2026-02-03\n"
            ),
        },
    )
    assert [problem.row for problem in bad.context["problems"]] == [2]
    good = f"invoice number,amount paid,date paid\n{invoice.document_number},6250,2026-02-03\n"
    with django_assert_max_num_queries(12):
        preview = client.post(
            "/invoicing/payments-import/",
            {"action": "preview", "file": SimpleUploadedFile("b.csv", good.encode())},
        )
    token = preview.context["token"]
    with tenant_context(alpha_billing.world.tenant):
        assert not invoice.payments.exists()
    wrong = client.post("/invoicing/payments-import/", {"action": "confirm", "token": "forged"})
    assert wrong.status_code == 200 and wrong.context["problems"]
    # The forged token used up the stored preview: upload again, then confirm.
    preview = client.post(
        "/invoicing/payments-import/",
        {"action": "preview", "file": SimpleUploadedFile("b.csv", good.encode())},
    )
    done = client.post(
        "/invoicing/payments-import/", {"action": "confirm", "token": preview.context["token"]}
    )
    assert done.status_code == 302 and token
    with tenant_context(alpha_billing.world.tenant):
        invoice.refresh_from_db()
        assert invoice.outstanding == 0


@pytest.mark.parametrize("persona", [None, "partner_admin", "partner_member"])
def test_only_staff_import_payments_and_export(alpha_billing: Billing, persona: str | None) -> None:
    client = client_for(alpha_billing.world, persona)
    for path in (
        "/invoicing/payments-import/",
        "/invoicing/export.csv",
        "/invoicing/payments-import/template.csv",
    ):
        assert client.get(path).status_code in (302, 403)


def test_staff_export_invoices_for_the_finance_system(
    alpha_billing: Billing, beta_billing: Billing, django_assert_max_num_queries
) -> None:
    alpha_billing.issue()
    beta_billing.issue()
    client = client_for(alpha_billing.world, "municipal_staff")
    with django_assert_max_num_queries(10):
        response = client.get("/invoicing/export.csv?year=2026")
    assert response["Content-Disposition"] == 'attachment; filename="invoices-2026.csv"'
    text = response.content.decode()
    assert text.count("\r\n") == 3 and "ALPHA-MARKER" in text and "BETA-MARKER" not in text
    template = client.get("/invoicing/payments-import/template.csv")
    assert template.status_code == 200 and b"KP-1001" in template.content

"""The annual run, numbering, credit notes, payments and the worker's daily invoicing work."""

import datetime as dt
import threading
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.configuration.models import FeeBand, FeeKind, FeeSchedule, ProRata, Tier
from programmes.core.models import AuditEvent
from programmes.invoicing import notifications, services
from programmes.invoicing.models import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceRun,
    InvoiceStatus,
    InvoicingSettings,
    NumberSeries,
    OtherIncome,
    Payment,
    VatCategory,
)
from programmes.invoicing.numbering import finnish_check_digit, payment_reference
from programmes.invoicing.selectors import funding_overview, invoicing_enabled
from programmes.partners.models import Partner, Stage
from tests.conftest import World
from tests.core.audit_support import audit_events_delete_as_superuser
from tests.invoicing.conftest import ISSUE_DATE, Billing, configure_billing

D = Decimal


def _quote(billing: Billing, partner: Partner, year: int = 2026):
    with tenant_context(billing.world.tenant):
        preview = services.invoice_run_preview(year=year, issue_date=ISSUE_DATE)
    return next(item.quote for item in preview.planned if item.partner.pk == partner.pk)


# --- Fee cases ------------------------------------------------------------------------------


def test_a_flat_fee_carries_vat_and_no_joining_fee_after_the_joining_year(
    alpha_billing: Billing,
) -> None:
    quote = _quote(alpha_billing, alpha_billing.partner)
    assert (quote.annual_fee, quote.joining_fee, quote.vat, quote.total) == (
        D("5000.00"),
        D("0.00"),
        D("1250.00"),
        D("6250.00"),
    )


def test_a_partner_joining_in_the_year_pays_the_months_left_and_the_joining_fee(
    alpha_billing: Billing,
) -> None:
    with tenant_context(alpha_billing.world.tenant):
        Partner.objects.filter(pk=alpha_billing.partner.pk).update(joined_on=dt.date(2026, 10, 5))
    quote = _quote(alpha_billing, alpha_billing.partner)
    # October to December: 3/12 of 5 000, plus 1 000 to join, plus 25 % VAT on both.
    assert (quote.annual_fee, quote.joining_fee, quote.vat, quote.total) == (
        D("1250.00"),
        D("1000.00"),
        D("562.50"),
        D("2812.50"),
    )


def test_next_year_pro_rata_charges_only_the_joining_fee_in_the_joining_year(
    alpha_billing: Billing,
) -> None:
    with tenant_context(alpha_billing.world.tenant):
        FeeSchedule.objects.filter(pk=alpha_billing.schedule.pk).update(pro_rata=ProRata.NEXT_YEAR)
        Partner.objects.filter(pk=alpha_billing.partner.pk).update(joined_on=dt.date(2026, 3, 1))
    quote = _quote(alpha_billing, alpha_billing.partner)
    assert (quote.annual_fee, quote.joining_fee, quote.total) == (
        D("0.00"),
        D("1000.00"),
        D("1250.00"),
    )


def test_a_per_inhabitant_fee_is_capped(beta_billing: Billing) -> None:
    with tenant_context(beta_billing.world.tenant):
        Partner.objects.filter(pk=beta_billing.other.pk).update(inhabitants=500_000)
    # 4 000 plus 0.30 for each of 20 000 inhabitants
    assert _quote(beta_billing, beta_billing.partner).total == D("10000.00")
    assert _quote(beta_billing, beta_billing.other).total == D("49000.00")  # capped


def test_banded_fees_follow_the_partners_size_and_a_missing_size_is_a_problem(
    alpha: World,
) -> None:
    billing = configure_billing(alpha, kind=FeeKind.BANDED, size_measure="employees")
    with tenant_context(alpha.tenant):
        FeeBand.objects.create(schedule=billing.schedule, min_size=0, max_size=49, amount=3000)
        FeeBand.objects.create(schedule=billing.schedule, min_size=50, amount=9000)
        Partner.objects.filter(pk=billing.other.pk).update(employees=None)
        preview = services.invoice_run_preview(year=2026, issue_date=ISSUE_DATE)
    assert [(item.partner.pk, item.quote.total) for item in preview.planned] == [
        (billing.partner.pk, D("3000.00"))
    ]
    assert [problem.partner.pk for problem in preview.problems] == [billing.other.pk]
    assert "size" in preview.problems[0].message


def test_a_free_programme_invoices_nobody_and_has_invoicing_switched_off(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        assert not invoicing_enabled()
        preview = services.invoice_run_preview(year=2026, issue_date=ISSUE_DATE)
    assert preview.planned == [] and preview.blocking  # no settings either


def test_only_active_partners_that_had_joined_by_the_year_are_invoiced(
    alpha_billing: Billing,
) -> None:
    with tenant_context(alpha_billing.world.tenant):
        Partner.objects.filter(pk=alpha_billing.other.pk).update(stage=Stage.ENDED)
        Partner.objects.filter(pk=alpha_billing.partner.pk).update(joined_on=dt.date(2027, 1, 5))
        preview = services.invoice_run_preview(year=2026, issue_date=ISSUE_DATE)
    assert preview.planned == []


# --- Issuing --------------------------------------------------------------------------------


def test_the_run_issues_one_invoice_per_partner_with_copied_parties_and_lines(
    alpha_billing: Billing,
) -> None:
    run = alpha_billing.issue()
    with tenant_context(alpha_billing.world.tenant):
        invoice = alpha_billing.invoice_of(alpha_billing.partner)
        assert run.invoices_issued == 2
        assert invoice.currency == "DKK" and invoice.language == "da"
        assert invoice.due_date == ISSUE_DATE + dt.timedelta(days=30)
        assert invoice.seller["organisation_number"] == "29189854"
        assert invoice.buyer_name == alpha_billing.partner.name
        assert invoice.buyer_reference == alpha_billing.partner.business_id
        line = invoice.lines.get()
        assert (line.net_amount, line.vat_rate, line.vat_category) == (
            D("5000.00"),
            D("25.00"),
            VatCategory.STANDARD,
        )
        assert "2026" in line.description
        assert invoice.status_on(ISSUE_DATE) == InvoiceStatus.OPEN
        assert invoice.status_on(invoice.due_date + dt.timedelta(days=1)) == InvoiceStatus.OVERDUE
        assert AuditEvent.objects.filter(action="invoicing.run_issued").count() == 1


def test_running_twice_issues_nothing_twice(alpha_billing: Billing) -> None:
    alpha_billing.issue()
    second = alpha_billing.issue()
    with tenant_context(alpha_billing.world.tenant):
        assert second.invoices_issued == 0
        assert Invoice.objects.count() == 2


def test_numbers_are_sequential_per_series_and_a_rolled_back_run_leaves_no_gap(
    alpha_billing: Billing,
) -> None:
    with tenant_context(alpha_billing.world.tenant):
        failing = mock.patch.object(
            InvoiceLine.objects, "bulk_create", side_effect=[mock.DEFAULT, RuntimeError("disk")]
        )
        with failing, pytest.raises(RuntimeError), transaction.atomic():
            services.invoice_run_issue(
                actor=alpha_billing.world.users["municipal_admin"], year=2026
            )
        assert Invoice.objects.count() == 0
    alpha_billing.issue()
    alpha_billing.issue(year=2027, issue_date=dt.date(2027, 2, 1))
    with tenant_context(alpha_billing.world.tenant):
        numbers = list(Invoice.objects.order_by("number").values_list("document_number", flat=True))
        assert numbers == ["KP-1", "KP-2", "KP-3", "KP-4"]


def test_credit_notes_can_have_their_own_series(alpha_billing: Billing) -> None:
    alpha_billing.issue()
    with tenant_context(alpha_billing.world.tenant):
        InvoicingSettings.objects.update(credit_note_series="KN-")
        note = services.credit_note_issue(
            actor=alpha_billing.world.users["municipal_staff"],
            invoice=alpha_billing.invoice_of(alpha_billing.partner),
            reason="Wrong tier",
        )
        assert note.document_number == "KN-1"


def test_the_run_needs_settings_and_a_vat_number_when_fees_carry_vat(
    alpha_billing: Billing,
) -> None:
    admin = alpha_billing.world.users["municipal_admin"]
    with tenant_context(alpha_billing.world.tenant):
        InvoicingSettings.objects.update(vat_number="")
        with pytest.raises(ValidationError, match="VAT number"):
            services.invoice_run_issue(actor=admin, year=2026)
        InvoicingSettings.objects.all().delete()
        with pytest.raises(ValidationError, match="settings"):
            services.invoice_run_issue(actor=admin, year=2026)
        assert not Invoice.objects.exists() and not InvoiceRun.objects.exists()


@pytest.mark.parametrize("persona", ["partner_admin", "partner_member"])
def test_partners_cannot_issue_credit_or_record_payments(
    alpha_billing: Billing, persona: str
) -> None:
    alpha_billing.issue()
    user = alpha_billing.world.users[persona]
    with tenant_context(alpha_billing.world.tenant):
        invoice = alpha_billing.invoice_of(alpha_billing.partner)
        with pytest.raises(PermissionDenied):
            services.invoice_run_issue(actor=user, year=2027)
        with pytest.raises(PermissionDenied):
            services.credit_note_issue(actor=user, invoice=invoice, reason="x")
        with pytest.raises(PermissionDenied):
            services.payment_record(actor=user, invoice=invoice, amount=D(1), paid_on=ISSUE_DATE)
        with pytest.raises(PermissionDenied):
            services.invoicing_settings_save(actor=user, values={})


def test_payment_references_carry_national_check_digits() -> None:
    series = NumberSeries(pk=1, prefix="")
    assert finnish_check_digit("123") == "2"  # the Finnish banks' example: 1232
    from stdnum import luhn

    for country in ("DK", "NO", "SE"):
        assert luhn.is_valid(payment_reference(series, 42, country))
    reference = payment_reference(series, 42, "FI")
    assert reference[-1] == finnish_check_digit(reference[:-1])


def test_two_concurrent_runs_issue_each_invoice_once_with_gapless_numbers(
    alpha: World, django_db_blocker
) -> None:
    """Real transactions in two threads on their own connections: the test's own
    transaction is invisible to them, so the data here is committed and removed again."""
    made: dict[str, list[int]] = {}

    def in_alpha(work):
        result = []

        def target() -> None:
            try:
                with tenant_context(alpha.tenant):
                    result.append(work())
            finally:
                connection.close()

        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
        return result[0] if result else None

    def setup() -> None:
        schedule = FeeSchedule.objects.create(name={"en": "Fee"}, kind="flat", flat_amount=100)
        tier = Tier.objects.create(name={"en": "Paying"}, fee_schedule=schedule)
        partners = [
            Partner.objects.create(
                name=f"Concurrent {i}",
                business_id=f"C{i:05d}",
                kind="company",
                sector="services",
                language="da",
                stage=Stage.ACTIVE,
                stage_changed_at=timezone.now(),
                joined_on=dt.date(2024, 1, 1),
                tier=tier,
            )
            for i in range(12)
        ]
        InvoicingSettings.objects.create(
            seller_name="S",
            organisation_number="29189854",
            street="s",
            postcode="1",
            city="c",
            contact_name="n",
            contact_email="f@example.org",
            iban="DK5000400440116243",
            bic="DABADKKK",
            invoice_series="CC-",
        )
        made.update(schedule=[schedule.pk], tier=[tier.pk], partners=[p.pk for p in partners])

    def teardown() -> None:
        invoices = Invoice.objects.filter(partner__in=made.get("partners", []))
        InvoiceLine.objects.filter(invoice__in=invoices).delete()
        Payment.objects.filter(invoice__in=invoices).delete()
        invoices.delete()
        InvoiceRun.objects.all().delete()
        NumberSeries.objects.filter(prefix="CC-").delete()
        InvoicingSettings.objects.all().delete()
        # The trail is append-only (core migration 0004): removing is a superuser's bypass.
        audit_events_delete_as_superuser(AuditEvent.objects.filter(action__startswith="invoicing."))
        Partner.objects.filter(pk__in=made.get("partners", [])).delete()
        Tier.objects.filter(pk__in=made.get("tier", [])).delete()
        FeeSchedule.objects.filter(pk__in=made.get("schedule", [])).delete()

    admin = alpha.users["municipal_admin"]
    in_alpha(setup)
    try:
        start = threading.Barrier(2)
        issued: list[int] = []

        def run() -> None:
            try:
                with tenant_context(alpha.tenant):
                    start.wait(timeout=10)
                    issued.append(
                        services.invoice_run_issue(actor=admin, year=2026).invoices_issued
                    )
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        numbers = in_alpha(
            lambda: sorted(
                Invoice.objects.filter(partner__in=made["partners"]).values_list(
                    "number", flat=True
                )
            )
        )
        assert sorted(issued) == [0, 12]
        assert numbers == list(range(1, 13))
    finally:
        in_alpha(teardown)


# --- Credit notes ---------------------------------------------------------------------------


def test_a_credit_note_cancels_the_invoice_which_is_never_edited(alpha_billing: Billing) -> None:
    alpha_billing.issue()
    staff = alpha_billing.world.users["municipal_staff"]
    with tenant_context(alpha_billing.world.tenant):
        invoice = alpha_billing.invoice_of(alpha_billing.partner)
        before = (invoice.total_amount, invoice.net_amount, invoice.buyer_name, invoice.number)
        note = services.credit_note_issue(actor=staff, invoice=invoice, reason="Wrong size")
        invoice.refresh_from_db()
        assert (invoice.total_amount, invoice.net_amount, invoice.buyer_name, invoice.number) == (
            before
        )
        assert invoice.fully_credited and invoice.status_on(ISSUE_DATE) == InvoiceStatus.CREDITED
        assert note.kind == DocumentKind.CREDIT_NOTE and note.credited_invoice == invoice
        assert note.total_amount == invoice.total_amount and note.number == 3
        assert list(note.lines.values_list("net_amount", flat=True)) == [D("5000.00")]
        event = AuditEvent.objects.get(action="invoicing.credit_note_issued")
        assert event.reason == "Wrong size" and event.actor == staff
        with pytest.raises(ValidationError, match="already"):
            services.credit_note_issue(actor=staff, invoice=invoice, reason="again")
        with pytest.raises(ValidationError):
            services.credit_note_issue(actor=staff, invoice=note, reason="a note")
    # Once credited, the partner can be invoiced again for the year.
    assert alpha_billing.issue().invoices_issued == 1


def test_a_credit_note_needs_a_reason_and_an_unpaid_invoice(alpha_billing: Billing) -> None:
    alpha_billing.issue()
    staff = alpha_billing.world.users["municipal_staff"]
    with tenant_context(alpha_billing.world.tenant):
        invoice = alpha_billing.invoice_of(alpha_billing.partner)
        with pytest.raises(ValidationError) as error:
            services.credit_note_issue(actor=staff, invoice=invoice, reason="  ")
        assert "reason" in error.value.message_dict
        services.payment_record(actor=staff, invoice=invoice, amount=D(100), paid_on=ISSUE_DATE)
        with pytest.raises(ValidationError, match="payments"):
            services.credit_note_issue(actor=staff, invoice=invoice, reason="x")
        assert not Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE).exists()


# --- Payments -------------------------------------------------------------------------------


def test_payments_settle_an_invoice_and_bad_ones_change_nothing(alpha_billing: Billing) -> None:
    alpha_billing.issue()
    staff = alpha_billing.world.users["municipal_staff"]
    with tenant_context(alpha_billing.world.tenant):
        invoice = alpha_billing.invoice_of(alpha_billing.partner)
        for amount, paid_on in (
            (D(0), ISSUE_DATE),
            (D("6250.01"), ISSUE_DATE),
            (D(10), timezone.localdate() + dt.timedelta(days=5)),
        ):
            with pytest.raises(ValidationError):
                services.payment_record(
                    actor=staff, invoice=invoice, amount=amount, paid_on=paid_on
                )
        assert not Payment.objects.exists()
        services.payment_record(actor=staff, invoice=invoice, amount=D(6000), paid_on=ISSUE_DATE)
        invoice.refresh_from_db()
        assert invoice.outstanding == D(250) and invoice.paid_on is None
        services.payment_record(
            actor=staff, invoice=invoice, amount=D(250), paid_on=dt.date(2026, 2, 20)
        )
        invoice.refresh_from_db()
        assert invoice.status_on(dt.date(2027, 1, 1)) == InvoiceStatus.PAID
        assert invoice.paid_on == dt.date(2026, 2, 20)
        assert AuditEvent.objects.filter(action="invoicing.payment_recorded").count() == 2


# --- The worker -----------------------------------------------------------------------------


def test_the_worker_runs_the_annual_invoicing_on_the_programmes_date_once(
    alpha_billing: Billing,
) -> None:
    with tenant_context(alpha_billing.world.tenant):
        assert services.invoice_runs_when_due(today=dt.date(2026, 3, 1)) is None  # no date set
        InvoicingSettings.objects.update(run_month=3, run_day=15)
        assert services.invoice_runs_when_due(today=dt.date(2026, 3, 14)) is None
        run = services.invoice_runs_when_due(today=dt.date(2026, 3, 15))
        assert run is not None and run.invoices_issued == 2 and run.started_by is None
        assert services.invoice_runs_when_due(today=dt.date(2026, 3, 16)) is None
        assert Invoice.objects.count() == 2


def test_invoices_are_e_mailed_with_pdf_and_e_invoice_once(
    alpha_billing: Billing, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha_billing.world.tenant):
        with django_capture_on_commit_callbacks(execute=True):
            services.invoice_run_issue(
                actor=alpha_billing.world.users["municipal_admin"], year=2026
            )
        invoice = alpha_billing.invoice_of(alpha_billing.partner)
        # The partner admin has an account: the invoice goes to it.
        to_partner = [m for m in mail.outbox if alpha_billing.world.email("partner_admin") in m.to]
        assert len(to_partner) == 1
        message = to_partner[0]
        assert invoice.document_number in message.subject
        names = sorted(name for name, _content, _type in message.attachments)
        assert names == [
            f"invoice-{invoice.document_number}.pdf",
            f"invoice-{invoice.document_number}.xml",
        ]
        assert notifications.invoice_mail(invoice_id=invoice.pk) == 0  # never twice


def test_overdue_invoices_are_reminded_every_interval_up_to_the_maximum(
    alpha_billing: Billing,
) -> None:
    alpha_billing.issue()
    with tenant_context(alpha_billing.world.tenant):
        invoice = alpha_billing.invoice_of(alpha_billing.partner)
        services.payment_record(
            actor=None,
            invoice=alpha_billing.invoice_of(alpha_billing.other),
            amount=D("6250.00"),
            paid_on=ISSUE_DATE,
        )
        due = invoice.due_date
        mail.outbox.clear()
        assert notifications.payment_reminders_send(today=due + dt.timedelta(days=13)) == 0
        assert notifications.payment_reminders_send(today=due + dt.timedelta(days=14)) == 1
        assert notifications.payment_reminders_send(today=due + dt.timedelta(days=20)) == 0
        assert notifications.payment_reminders_send(today=due + dt.timedelta(days=28)) == 1
        assert notifications.payment_reminders_send(today=due + dt.timedelta(days=60)) == 0  # max 2
        invoice.refresh_from_db()
        assert invoice.reminders_sent == 2
        assert all(invoice.document_number in m.subject for m in mail.outbox)
        assert len(mail.outbox) == 2  # the paid invoice was never reminded


# --- Funding --------------------------------------------------------------------------------


def test_the_funding_overview_adds_fees_payments_and_other_income_per_year(
    alpha_billing: Billing,
) -> None:
    alpha_billing.issue()
    staff = alpha_billing.world.users["municipal_staff"]
    with tenant_context(alpha_billing.world.tenant):
        services.payment_record(
            actor=staff,
            invoice=alpha_billing.invoice_of(alpha_billing.partner),
            amount=D("6250.00"),
            paid_on=ISSUE_DATE,
        )
        services.other_income_save(
            actor=staff, income=OtherIncome(year=2026, source="County grant", amount=D(50000))
        )
        with pytest.raises(ValidationError):
            services.other_income_save(
                actor=staff, income=OtherIncome(year=2026, source="", amount=D(-1))
            )
        (year,) = funding_overview(today=dt.date(2026, 6, 1))
    assert (year.year, year.invoiced, year.paid, year.outstanding, year.overdue) == (
        2026,
        D("12500.00"),
        D("6250.00"),
        D("6250.00"),
        D("6250.00"),
    )
    assert (year.other_income, year.total_income) == (D("50000.00"), D("56250.00"))


def test_the_status_in_the_database_agrees_with_the_status_in_python(
    alpha_billing: Billing,
) -> None:
    from programmes.invoicing.selectors import invoice_status_counts, status_q

    alpha_billing.issue()
    staff = alpha_billing.world.users["municipal_staff"]
    with tenant_context(alpha_billing.world.tenant):
        first = alpha_billing.invoice_of(alpha_billing.partner)
        services.payment_record(actor=staff, invoice=first, amount=D(6250), paid_on=ISSUE_DATE)
        services.credit_note_issue(
            actor=staff, invoice=alpha_billing.invoice_of(alpha_billing.other), reason="x"
        )
        alpha_billing.issue()  # the credited partner is invoiced again
        invoices = list(Invoice.objects.all())
        for today in (
            ISSUE_DATE,
            ISSUE_DATE + dt.timedelta(days=31),
            ISSUE_DATE + dt.timedelta(days=30),
        ):
            for status in InvoiceStatus.values:
                in_db = set(
                    Invoice.objects.filter(status_q(status, today=today)).values_list(
                        "pk", flat=True
                    )
                )
                assert in_db == {i.pk for i in invoices if i.status_on(today) == status}, status
            counts = {
                row["status"]: row["count"]
                for row in invoice_status_counts(year=2026, query="", today=today)
            }
            assert sum(counts.values()) == len(invoices) == 4

"""Issuing invoices and credit notes, recording payments and the programme's other income.

Every function here is the only way its change happens: one transaction, audited.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from programmes.configuration.fees import FeeQuote, fee_quote
from programmes.configuration.models import FeeKind, FeeSchedule, Programme
from programmes.core.audit import SYSTEM, audit_record
from programmes.core.i18n import current_tenant, translated
from programmes.core.tasks import enqueue_after_commit
from programmes.invoicing.models import (
    SETTINGS_FIELDS,
    BillingDetails,
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceRun,
    InvoicingSettings,
    LineKind,
    OtherIncome,
    Payment,
    PaymentSource,
    VatCategory,
)
from programmes.invoicing.numbering import lock_series, payment_reference, take_number
from programmes.partners.business_ids import business_id_clean
from programmes.partners.models import ContactRole, Partner, PartnerContact, Stage
from programmes.partners.selectors import partner_mail_addresses
from programmes.people.models import STAFF_ROLES, Role

ZERO = Decimal("0.00")


def _require_staff(actor: Any) -> None:
    if actor is not None and getattr(actor, "role", None) not in STAFF_ROLES:
        raise PermissionDenied


def _actor_label(actor: Any) -> str:
    return actor.email if actor is not None and actor.is_authenticated else SYSTEM


# --- Settings and billing details -------------------------------------------------------------


def invoicing_settings_save(
    *, actor: Any, values: dict[str, Any], reason: str = ""
) -> InvoicingSettings:
    """Create or change who invoices and how partners pay. Municipal admins only."""
    if actor is not None and getattr(actor, "role", None) != Role.MUNICIPAL_ADMIN:
        raise PermissionDenied
    settings = InvoicingSettings.objects.first() or InvoicingSettings()
    before = {name: getattr(settings, name) for name in SETTINGS_FIELDS} if settings.pk else {}
    for name in SETTINGS_FIELDS:
        if name in values:
            setattr(settings, name, values[name])
    errors: dict[str, list[str]] = {}
    try:
        settings.full_clean(exclude=["singleton"])
    except ValidationError as error:
        errors.update(error.message_dict)
    country = current_tenant().country
    if settings.organisation_number and "organisation_number" not in errors:
        try:
            settings.organisation_number = business_id_clean(settings.organisation_number, country)
        except ValidationError as error:
            errors["organisation_number"] = error.messages
    settings.iban = settings.iban.replace(" ", "").upper()
    settings.bic = settings.bic.replace(" ", "").upper()
    settings.vat_number = settings.vat_number.replace(" ", "").upper()
    errors.update(_payment_account_errors(settings))
    if (settings.run_month is None) != (settings.run_day is None):
        errors.setdefault("run_day", []).append(_("Give both the month and the day, or neither."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        settings.save()
        changed = {
            name: str(getattr(settings, name))
            for name in SETTINGS_FIELDS
            if before.get(name) != getattr(settings, name)
        }
        audit_record(
            actor=actor,
            action="invoicing.settings_saved",
            target=settings,
            data=changed,
            reason=reason,
        )
    return settings


def _payment_account_errors(settings: InvoicingSettings) -> dict[str, list[str]]:
    from stdnum import bic, iban
    from stdnum.exceptions import ValidationError as StdnumError

    errors: dict[str, list[str]] = {}
    for name, module, message in (
        ("iban", iban, _("This is not a valid IBAN.")),
        ("bic", bic, _("This is not a valid BIC.")),
    ):
        value = getattr(settings, name)
        if value:
            try:
                module.validate(value)
            except StdnumError:
                errors[name] = [message]
    settings.bankgiro = settings.bankgiro.replace("-", "").replace(" ", "")
    if settings.bankgiro and not (settings.bankgiro.isdigit() and 7 <= len(settings.bankgiro) <= 8):
        errors["bankgiro"] = [_("A bankgiro number has 7 or 8 digits.")]
    return errors


def billing_details_save(
    *, actor: Any, partner: Partner, reference: str, email: str
) -> BillingDetails:
    """The partner's own reference and invoice address; its admin or staff."""
    from programmes.partners.selectors import partners_visible_to

    if actor is not None:
        own = (
            getattr(actor, "role", None) == Role.PARTNER_ADMIN
            and partners_visible_to(actor).filter(pk=partner.pk).exists()
        )
        if not own and actor.role not in STAFF_ROLES:
            raise PermissionDenied
    details = BillingDetails.objects.filter(partner=partner).first() or BillingDetails(
        partner=partner
    )
    details.reference = reference.strip()
    details.email = email.strip()
    details.full_clean(exclude=["partner"])
    with transaction.atomic():
        details.save()
        audit_record(
            actor=actor,
            action="invoicing.billing_details_saved",
            target=partner,
            data={"reference": details.reference, "email": details.email},
        )
    return details


# --- The annual run -------------------------------------------------------------------------


@dataclass
class PlannedInvoice:
    partner: Partner
    quote: FeeQuote
    schedule: FeeSchedule


@dataclass
class RunProblem:
    partner: Partner
    message: str


@dataclass
class RunPreview:
    year: int
    issue_date: dt.date
    due_date: dt.date
    planned: list[PlannedInvoice] = field(default_factory=list)
    problems: list[RunProblem] = field(default_factory=list)
    already_invoiced: int = 0
    blocking: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((item.quote.total for item in self.planned), ZERO)

    @property
    def fingerprint(self) -> str:
        """Who would be invoiced for how much: issuing with this checks that the run still
        issues exactly what the person saw in the preview."""
        planned = sorted((item.partner.pk, str(item.quote.total)) for item in self.planned)
        return hashlib.sha256(repr((self.year, planned)).encode()).hexdigest()[:16]


def invoice_run_preview(*, year: int, issue_date: dt.date | None = None) -> RunPreview:
    """What an annual run for ``year`` would issue now: one invoice per active partner that
    has not got one for the year, from its tier's fee schedule. Partners whose fee cannot be
    computed (no size for a banded fee…) are listed as problems and skipped. A handful of
    queries for any number of partners."""
    issue_date = issue_date or timezone.localdate()
    settings = InvoicingSettings.objects.first()
    preview = RunPreview(
        year=year,
        issue_date=issue_date,
        due_date=issue_date + dt.timedelta(days=settings.payment_terms_days if settings else 30),
    )
    if settings is None:
        preview.blocking.append(_("Enter the invoicing settings before the first run."))
        return preview
    live_invoice = Invoice.objects.filter(
        partner=OuterRef("pk"), year=year, kind=DocumentKind.INVOICE, fully_credited=False
    )
    partners = (
        Partner.objects.filter(stage=Stage.ACTIVE, joined_on__year__lte=year)
        .exclude(tier__isnull=True)
        .exclude(tier__fee_schedule__isnull=True)
        .exclude(tier__fee_schedule__kind=FeeKind.FREE)
        .annotate(invoiced=Exists(live_invoice))
        .select_related("tier__fee_schedule")
        .prefetch_related("tier__fee_schedule__bands")
        .order_by("name", "pk")
    )
    needs_vat_number = False
    for partner in partners:
        if partner.invoiced:
            preview.already_invoiced += 1
            continue
        schedule = partner.tier.fee_schedule
        try:
            quote = fee_quote(
                schedule,
                year=year,
                joined_on=partner.joined_on,
                size=partner.employees,
                inhabitants=partner.inhabitants,
            )
        except ValidationError as error:
            preview.problems.append(RunProblem(partner, " ".join(error.messages)))
            continue
        if quote.total <= 0:
            continue
        needs_vat_number |= quote.vat > 0
        preview.planned.append(PlannedInvoice(partner, quote, schedule))
    if needs_vat_number and not settings.vat_number:
        preview.blocking.append(
            _("The fees carry VAT: enter the seller's VAT number in the invoicing settings.")
        )
    return preview


def invoice_run_issue(
    *,
    actor: Any,
    year: int,
    issue_date: dt.date | None = None,
    expected: str | None = None,
    notify: bool = True,
) -> InvoiceRun:
    """Issue the annual invoices for ``year`` and e-mail them (unless ``notify`` is off, as
    for demo data). Safe to run again and concurrently: the number series is locked first,
    the preview is taken again under that lock, and a partner that has a live invoice for
    the year is skipped. With ``expected`` (a preview's ``fingerprint``) nothing is issued
    unless the run would issue exactly what that preview showed."""
    _require_staff(actor)
    issue_date = issue_date or timezone.localdate()
    tenant = current_tenant()
    with transaction.atomic():
        settings = InvoicingSettings.objects.select_for_update().first()
        if settings is None:
            raise ValidationError(_("Enter the invoicing settings before the first run."))
        series = lock_series(settings.invoice_series)
        preview = invoice_run_preview(year=year, issue_date=issue_date)
        if preview.blocking:
            raise ValidationError(preview.blocking)
        if expected is not None and expected != preview.fingerprint:
            raise ValidationError(
                _("Something changed since the preview was shown: check it again and confirm.")
            )
        run = InvoiceRun.objects.create(
            year=year,
            issue_date=issue_date,
            started_by=actor if actor is not None and actor.is_authenticated else None,
            started_by_label=_actor_label(actor),
        )
        details = _billing_for({item.partner.pk for item in preview.planned})
        seller = seller_snapshot(settings, tenant)
        issued = []
        for item in preview.planned:
            number = take_number(series)
            invoice = Invoice.objects.create(
                kind=DocumentKind.INVOICE,
                series=series,
                number=number,
                document_number=f"{series.prefix}{number}",
                partner=item.partner,
                run=run,
                year=year,
                issue_date=issue_date,
                due_date=preview.due_date,
                currency=tenant.currency,
                language=item.partner.language,
                payment_reference=payment_reference(series, number, tenant.country),
                seller=seller,
                buyer_country=tenant.country,
                net_amount=item.quote.annual_fee + item.quote.joining_fee,
                vat_amount=item.quote.vat,
                total_amount=item.quote.total,
                created_by_label=run.started_by_label,
                **_buyer_fields(item.partner, details.get(item.partner.pk)),
            )
            InvoiceLine.objects.bulk_create(_fee_lines(invoice, item, settings))
            issued.append(invoice)
        run.invoices_issued = len(issued)
        run.save(update_fields=["invoices_issued"])
        audit_record(
            actor=actor,
            action="invoicing.run_issued",
            target=run,
            data={
                "year": year,
                "issued": [invoice.document_number for invoice in issued],
                "skipped": [problem.partner.pk for problem in preview.problems],
                "total": str(preview.total),
            },
        )
        if notify:
            for invoice in issued:
                _send_invoice_after_commit(invoice)
    return run


def invoice_runs_when_due(*, today: dt.date | None = None) -> InvoiceRun | None:
    """The worker's daily check: on or after the programme's run date, issue the year's
    invoices (a no-op once they are issued, so the daily repeat is harmless)."""
    today = today or timezone.localdate()
    settings = InvoicingSettings.objects.first()
    if settings is None or settings.run_month is None or settings.run_day is None:
        return None
    if today < dt.date(today.year, settings.run_month, settings.run_day):
        return None
    if InvoiceRun.objects.filter(year=today.year, started_by__isnull=True).exists():
        return None  # the automatic run happens once a year; later joiners are run by staff
    preview = invoice_run_preview(year=today.year, issue_date=today)
    if preview.blocking:
        return None
    return invoice_run_issue(actor=None, year=today.year, issue_date=today)


def seller_snapshot(settings: InvoicingSettings, tenant: Any) -> dict[str, Any]:
    values = {name: getattr(settings, name) for name in SETTINGS_FIELDS}
    values["country"] = tenant.country
    programme = Programme.objects.only("name").first()
    values["programme_name"] = (
        translated(programme.name, tenant.primary_language) if programme else tenant.name
    )
    return {key: value for key, value in values.items() if isinstance(value, str | int)}


def _billing_for(partner_ids: set[int]) -> dict[int, dict[str, str]]:
    """Per partner: reference and address for its invoices. Three queries for all."""
    details = {
        row.partner_id: row for row in BillingDetails.objects.filter(partner__in=partner_ids)
    }
    main_contacts: dict[int, str] = {}
    for partner_id, name in (
        PartnerContact.objects.filter(partner__in=partner_ids, role=ContactRole.MAIN)
        .order_by("partner_id", "pk")
        .values_list("partner_id", "name")
    ):
        main_contacts.setdefault(partner_id, name)
    addresses = partner_mail_addresses(partner_ids)
    result = {}
    for partner_id in partner_ids:
        own = details.get(partner_id)
        result[partner_id] = {
            "reference": (own.reference if own else "") or main_contacts.get(partner_id, ""),
            "email": (own.email if own else "") or next(iter(addresses.get(partner_id, [])), ""),
        }
    return result


def _buyer_fields(partner: Partner, billing: dict[str, str] | None) -> dict[str, str]:
    billing = billing or {}
    return {
        "buyer_name": partner.name,
        "buyer_business_id": partner.business_id,
        "buyer_street": partner.street,
        "buyer_postcode": partner.postcode,
        "buyer_city": partner.city,
        # Peppol needs a buyer reference; the partner's business id is the fallback.
        "buyer_reference": billing.get("reference") or partner.business_id,
        "buyer_email": billing.get("email", ""),
    }


def vat_category(rate: Decimal, settings: InvoicingSettings) -> str:
    """Standard rate when VAT is charged; a 0 % fee is exempt when the seller is registered
    for VAT and outside the scope of VAT when it is not (a public body's own activity)."""
    if rate > 0:
        return VatCategory.STANDARD
    return VatCategory.EXEMPT if settings.vat_number else VatCategory.OUTSIDE_SCOPE


def _fee_lines(
    invoice: Invoice, item: PlannedInvoice, settings: InvoicingSettings
) -> list[InvoiceLine]:
    schedule, quote = item.schedule, item.quote
    category = vat_category(schedule.vat_rate, settings)
    tier_name = translated(item.partner.tier.name, invoice.language)
    lines = []
    with translation.override(invoice.language):
        if quote.annual_fee > 0:
            description = _("Partner fee %(year)s, %(tier)s") % {
                "year": invoice.year,
                "tier": tier_name,
            }
            if quote.annual_fee != quote.full_annual_fee:
                description += " " + _("(months left in the joining year)")
            lines.append(
                InvoiceLine(
                    invoice=invoice,
                    position=len(lines) + 1,
                    kind=LineKind.ANNUAL_FEE,
                    description=description,
                    unit_price=quote.annual_fee,
                    net_amount=quote.annual_fee,
                    vat_rate=schedule.vat_rate,
                    vat_category=category,
                )
            )
        if quote.joining_fee > 0:
            lines.append(
                InvoiceLine(
                    invoice=invoice,
                    position=len(lines) + 1,
                    kind=LineKind.JOINING_FEE,
                    description=_("Joining fee"),
                    unit_price=quote.joining_fee,
                    net_amount=quote.joining_fee,
                    vat_rate=schedule.vat_rate,
                    vat_category=category,
                )
            )
    return lines


# --- Credit notes ---------------------------------------------------------------------------


def credit_note_issue(
    *,
    actor: Any,
    invoice: Invoice,
    reason: str,
    issue_date: dt.date | None = None,
    notify: bool = True,
) -> Invoice:
    """Cancel an issued invoice in full with a credit note that repeats its lines. The
    invoice itself is never edited; once credited, the partner can be invoiced again for
    the year (e.g. after its size was corrected)."""
    _require_staff(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the invoice is credited.")]})
    issue_date = issue_date or timezone.localdate()
    tenant = current_tenant()
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.is_credit_note:
            raise ValidationError(_("A credit note cannot be credited."))
        if invoice.fully_credited:
            raise ValidationError(_("This invoice has already been credited."))
        if invoice.paid_amount > 0:
            raise ValidationError(_("This invoice has payments; refund them before crediting it."))
        settings = InvoicingSettings.objects.first()
        if settings is None:
            raise ValidationError(_("Enter the invoicing settings before the first run."))
        series = lock_series(settings.credit_note_series or settings.invoice_series)
        number = take_number(series)
        note = Invoice.objects.create(
            kind=DocumentKind.CREDIT_NOTE,
            series=series,
            number=number,
            document_number=f"{series.prefix}{number}",
            partner=invoice.partner,
            year=invoice.year,
            credited_invoice=invoice,
            reason=reason,
            issue_date=issue_date,
            due_date=issue_date,
            currency=invoice.currency,
            language=invoice.language,
            payment_reference=invoice.payment_reference,
            seller=seller_snapshot(settings, tenant),
            buyer_name=invoice.buyer_name,
            buyer_business_id=invoice.buyer_business_id,
            buyer_street=invoice.buyer_street,
            buyer_postcode=invoice.buyer_postcode,
            buyer_city=invoice.buyer_city,
            buyer_country=invoice.buyer_country,
            buyer_reference=invoice.buyer_reference,
            buyer_email=invoice.buyer_email,
            net_amount=invoice.net_amount,
            vat_amount=invoice.vat_amount,
            total_amount=invoice.total_amount,
            created_by_label=_actor_label(actor),
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=note,
                position=line.position,
                kind=line.kind,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                net_amount=line.net_amount,
                vat_rate=line.vat_rate,
                vat_category=line.vat_category,
            )
            for line in invoice.lines.all()
        )
        invoice.credited_amount = invoice.total_amount
        invoice.fully_credited = True
        invoice.save(update_fields=["credited_amount", "fully_credited"])
        audit_record(
            actor=actor,
            action="invoicing.credit_note_issued",
            target=note,
            data={"invoice": invoice.document_number, "total": str(note.total_amount)},
            reason=reason,
        )
        if notify:
            _send_invoice_after_commit(note)
    return note


# --- Payments -------------------------------------------------------------------------------


def payment_record(
    *,
    actor: Any,
    invoice: Invoice,
    amount: Decimal,
    paid_on: dt.date,
    source: str = PaymentSource.MANUAL,
    note: str = "",
) -> Payment:
    """Record money received for an invoice; it is paid once the total is covered."""
    _require_staff(actor)
    errors = _payment_errors(invoice, amount, paid_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        payment = payment_apply_locked(
            actor=actor, invoice=invoice, amount=amount, paid_on=paid_on, source=source, note=note
        )
    return payment


def _payment_errors(invoice: Invoice, amount: Decimal, paid_on: dt.date) -> dict[str, list]:
    errors: dict[str, list] = {}
    if invoice.is_credit_note or invoice.fully_credited:
        errors["invoice"] = [_("Payments are recorded against open invoices only.")]
    if amount is None or amount <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    elif amount > invoice.outstanding:
        errors["amount"] = [_("The amount is more than what is left to pay on the invoice.")]
    if paid_on is None or paid_on < invoice.issue_date - dt.timedelta(days=365):
        errors["paid_on"] = [_("Give the date the money was received.")]
    elif paid_on > timezone.localdate() + dt.timedelta(days=1):
        errors["paid_on"] = [_("The payment date is in the future.")]
    return errors


def payment_apply_locked(
    *, actor: Any, invoice: Invoice, amount: Decimal, paid_on: dt.date, source: str, note: str
) -> Payment:
    """Add a checked payment to an invoice locked by the caller (SELECT … FOR UPDATE)."""
    payment = Payment.objects.create(
        invoice=invoice,
        amount=amount,
        paid_on=paid_on,
        source=source,
        note=note,
        recorded_by_label=_actor_label(actor),
    )
    invoice.paid_amount += amount
    if invoice.outstanding == 0:
        invoice.paid_on = paid_on
    invoice.save(update_fields=["paid_amount", "paid_on"])
    audit_record(
        actor=actor,
        action="invoicing.payment_recorded",
        target=invoice,
        data={"amount": str(amount), "paid_on": paid_on.isoformat(), "source": source},
    )
    return payment


# --- Other income ---------------------------------------------------------------------------


def other_income_save(*, actor: Any, income: OtherIncome) -> OtherIncome:
    _require_staff(actor)
    income.full_clean()
    created = income.pk is None
    with transaction.atomic():
        income.save()
        audit_record(
            actor=actor,
            action=f"invoicing.other_income_{'created' if created else 'updated'}",
            target=income,
            data={"year": income.year, "source": income.source, "amount": str(income.amount)},
        )
    return income


def other_income_delete(*, actor: Any, income: OtherIncome) -> None:
    _require_staff(actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="invoicing.other_income_deleted",
            target=income,
            data={"year": income.year, "source": income.source, "amount": str(income.amount)},
        )
        income.delete()


def _send_invoice_after_commit(invoice: Invoice) -> None:
    from programmes.invoicing import tasks

    enqueue_after_commit(tasks.send_invoice, invoice.pk)

"""A year of fictional invoices for the demo tenants that charge fees (Østfold and
Klimatkommunerna): settings with a fictional seller, the annual run issued in January, most
invoices paid (some late, a few in part), the rest overdue, one credited and issued again,
and a county grant as other income. Seeded, so the same call always gives the same demo;
no e-mail is sent."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from programmes.invoicing.models import (
    Invoice,
    InvoicingSettings,
    OtherIncome,
    PaymentSource,
)
from programmes.invoicing.selectors import invoicing_enabled
from programmes.invoicing.services import (
    credit_note_issue,
    invoice_run_issue,
    payment_apply_locked,
)

# Fictional sellers (valid check digits, no real body's numbers).
SELLERS = {
    "NO": {
        "seller_name": "Klimapartnere Østfold (demo)",
        "organisation_number": "921693230",
        "vat_number": "NO921693230MVA",
        "street": "Storgata 1",
        "postcode": "1607",
        "city": "Fredrikstad",
        "contact_name": "Kari Nordmann",
        "contact_email": "faktura@ostfold.example",
        "contact_phone": "+47 69 00 00 00",
        "iban": "NO9386011117947",
        "bic": "DNBANOKK",
        "invoice_series": "KP-",
        "run_month": 1,
        "run_day": 20,
    },
    "SE": {
        "seller_name": "Föreningen Klimatkommunerna (demo)",
        "organisation_number": "8024590526",
        "street": "Stortorget 1",
        "postcode": "22223",
        "city": "Lund",
        "contact_name": "Anna Andersson",
        "contact_email": "ekonomi@klimatkommunerna.example",
        "contact_phone": "+46 46 00 00 00",
        "iban": "SE4550000000058398257466",
        "bic": "ESSESESS",
        "bankgiro": "56781234",
        "f_skatt": True,
        "invoice_series": "KK",
        "run_month": 2,
        "run_day": 1,
    },
}
GRANTS = {
    "NO": ("Østfold fylkeskommune", "Driftstilskudd til klimanettverket", Decimal("350000.00")),
    "SE": ("Energimyndigheten", "Projektbidrag för kunskapsspridning", Decimal("120000.00")),
}


@transaction.atomic
def demo_invoices_create(*, country: str, today: dt.date | None = None) -> int:
    """Invoices for this year; nothing when the programme is free or has invoices already."""
    if country not in SELLERS or not invoicing_enabled() or Invoice.objects.exists():
        return 0
    today = today or timezone.localdate()
    values = SELLERS[country]
    if not InvoicingSettings.objects.exists():
        InvoicingSettings.objects.create(**values)
    issue_date = min(dt.date(today.year, values["run_month"], values["run_day"]), today)
    run = invoice_run_issue(actor=None, year=today.year, issue_date=issue_date, notify=False)
    rng = random.Random(f"invoices-{country}")  # noqa: S311  (demo data, not security)
    invoices = list(Invoice.objects.filter(run=run).order_by("number"))
    for invoice in invoices:
        roll = rng.random()
        latest = min(today, invoice.due_date + dt.timedelta(days=40))
        if roll < 0.72:  # paid, most on time
            paid_on = invoice.issue_date + dt.timedelta(days=rng.randint(5, 45))
            amount = invoice.total_amount
        elif roll < 0.80:  # paid in part
            paid_on = invoice.issue_date + dt.timedelta(days=rng.randint(10, 40))
            amount = (invoice.total_amount / 2).quantize(Decimal("0.01"))
        else:  # overdue
            continue
        payment_apply_locked(
            actor=None,
            invoice=invoice,
            amount=amount,
            paid_on=min(paid_on, latest),
            source=PaymentSource.IMPORT,
            note="",
        )
    unpaid = [invoice for invoice in invoices if invoice.paid_amount == 0]
    if unpaid:
        credit_note_issue(
            actor=None,
            invoice=unpaid[0],
            reason="Feil antall ansatte" if country == "NO" else "Fel invånarantal",
            issue_date=min(issue_date + dt.timedelta(days=9), today),
            notify=False,
        )
    source, description, amount = GRANTS[country]
    OtherIncome.objects.get_or_create(
        year=today.year,
        source=source,
        defaults={"description": description, "amount": amount, "received_on": issue_date},
    )
    return len(invoices)

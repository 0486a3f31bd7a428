"""The demo's year of invoices in Østfold and Klimatkommunerna: one per active partner, most
paid, some overdue, one credited; each a valid Peppol BIS Billing 3 e-invoice; none in the
free programmes; the same every time."""

from collections import Counter

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.invoicing.demo import demo_invoices_create
from programmes.invoicing.models import Invoice, InvoiceStatus, OtherIncome
from programmes.invoicing.ubl import invoice_ubl
from programmes.invoicing.validation import einvoice_errors
from programmes.partners.demo import demo_partners_create
from programmes.partners.models import Partner, Stage
from tenants.management.commands.load_demo import DEMO_PARTNERS
from tests.configuration.test_presets import onboard
from tests.conftest import World

DEMO = {"ostfold": ("NO", "nb"), "klimatkommunerna": ("SE", "sv")}


@pytest.mark.parametrize("slug", DEMO)
def test_a_realistic_year_of_valid_invoices(alpha: World, slug: str) -> None:
    country, language = DEMO[slug]
    today = timezone.localdate()
    with tenant_context(onboard(slug)):
        demo_partners_create(
            country=country,
            language=language,
            count=DEMO_PARTNERS[slug],
            municipalities=slug == "klimatkommunerna",
        )
        made = demo_invoices_create(country=country)
        active = Partner.objects.filter(stage=Stage.ACTIVE, joined_on__year__lte=today.year)
        assert made >= 0.8 * active.count()
        invoices = list(Invoice.objects.select_related("series", "credited_invoice"))
        statuses = Counter(invoice.status_on(today) for invoice in invoices)
        assert statuses[InvoiceStatus.PAID] >= 0.5 * made
        assert statuses[InvoiceStatus.OVERDUE] >= 1
        assert statuses[InvoiceStatus.CREDIT_NOTE] == statuses[InvoiceStatus.CREDITED] == 1
        assert OtherIncome.objects.count() == 1
        # Every demo document is a valid e-invoice under the official rules.
        for invoice in invoices:
            assert einvoice_errors(invoice_ubl(invoice)) == [], invoice.document_number
        # Safe to run again: nothing more.
        assert demo_invoices_create(country=country) == 0
        assert Invoice.objects.count() == len(invoices)


def test_free_programmes_get_no_invoices(alpha: World) -> None:
    with tenant_context(onboard("porvoo")):
        demo_partners_create(country="FI", language="sv", count=DEMO_PARTNERS["porvoo"])
        assert demo_invoices_create(country="FI") == 0
        assert not Invoice.objects.exists()

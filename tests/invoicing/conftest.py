"""Fee-charging programmes for the test tenants: alpha (DK, DKK, 25 % VAT on a flat fee) and
beta (SE, SEK, a per-inhabitant fee without VAT), with invoicing settings filled in."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from programmes.configuration.models import FeeKind, FeeSchedule, ProRata, Tier
from programmes.invoicing.models import Invoice, InvoiceRun, InvoicingSettings
from programmes.invoicing.services import invoice_run_issue
from programmes.partners.models import Partner
from tests.conftest import World

# Valid identifiers per country (check digits included) for the seller.
SELLERS = {
    "DK": {
        "organisation_number": "29189854",
        "vat_number": "DK29189854",
        "iban": "DK5000400440116243",
        "bic": "DABADKKK",
        "bankgiro": "",
    },
    "SE": {
        "organisation_number": "2120000142",
        "vat_number": "",
        "iban": "SE4550000000058398257466",
        "bic": "ESSESESS",
        "bankgiro": "56781234",
    },
    "NO": {
        "organisation_number": "974760673",
        "vat_number": "NO974760673MVA",
        "iban": "NO9386011117947",
        "bic": "DNBANOKK",
        "bankgiro": "",
    },
    "FI": {
        "organisation_number": "0201256-6",
        "vat_number": "",
        "iban": "FI2112345600000785",
        "bic": "NDEAFIHH",
        "bankgiro": "",
    },
}
ISSUE_DATE = dt.date(2026, 2, 2)


@dataclass
class Billing:
    """A world whose two partners are in a fee-charging tier, ready to invoice."""

    world: World
    schedule: FeeSchedule
    tier: Tier
    partner: Partner  # its partner admin and member see its invoices
    other: Partner

    def issue(self, year: int = 2026, issue_date: dt.date = ISSUE_DATE) -> InvoiceRun:
        with tenant_context(self.world.tenant):
            return invoice_run_issue(
                actor=self.world.users["municipal_admin"], year=year, issue_date=issue_date
            )

    def invoice_of(self, partner: Partner, year: int = 2026) -> Invoice:
        return Invoice.objects.get(partner=partner, year=year, kind="invoice", fully_credited=False)


def configure_billing(world: World, **schedule_fields: object) -> Billing:
    """Give the world's partners a paid tier and fill in the invoicing settings."""
    country = world.tenant.country
    with tenant_context(world.tenant):
        schedule = FeeSchedule.objects.create(name={"en": "Fee"}, **schedule_fields)
        tier = Tier.objects.create(name={"en": f"{world.marker} tier"}, fee_schedule=schedule)
        partner, other = Partner.objects.order_by("pk")[:2]
        Partner.objects.filter(pk__in=[partner.pk, other.pk]).update(
            tier=tier,
            joined_on=dt.date(2024, 5, 1),
            employees=40,
            inhabitants=20000,
            street=f"{world.marker} street 1",
            postcode="1234",
            city=f"{world.marker} town",
        )
        InvoicingSettings.objects.create(
            seller_name=f"{world.marker} municipality",
            street="Rådhustorvet 1",
            postcode="9800",
            city=f"{world.marker} city",
            contact_name=f"{world.marker} finance",
            contact_email=f"finance@{world.slug}.example",
            invoice_series="KP-",
            **SELLERS[country],
        )
        partner.refresh_from_db()
        other.refresh_from_db()
        return Billing(world=world, schedule=schedule, tier=tier, partner=partner, other=other)


@pytest.fixture
def alpha_billing(alpha: World) -> Billing:
    return configure_billing(
        alpha,
        kind=FeeKind.FLAT,
        flat_amount=Decimal("5000.00"),
        joining_fee=Decimal("1000.00"),
        pro_rata=ProRata.MONTHLY,
        vat_rate=Decimal("25.00"),
    )


@pytest.fixture
def beta_billing(beta: World) -> Billing:
    return configure_billing(
        beta,
        kind=FeeKind.PER_INHABITANT,
        base_amount=Decimal("4000.00"),
        per_inhabitant_amount=Decimal("0.3000"),
        cap_amount=Decimal("49000.00"),
        vat_rate=Decimal("0.00"),
    )

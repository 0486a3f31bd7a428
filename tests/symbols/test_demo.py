"""The demo makes a verification code for every active partner, once."""

from django_tenants.utils import tenant_context

from programmes.core.models import AuditEvent
from programmes.partners.models import Partner, Stage
from programmes.symbols.demo import demo_symbols_create
from programmes.symbols.models import SymbolVerification
from tests.conftest import World, client_for


def test_the_demo_gives_every_active_partner_a_code_once(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        Partner.objects.filter(name=f"{alpha.marker} other partner").update(stage=Stage.BOOKED)
        assert demo_symbols_create(slug="alpha", country="DK", language="da") == 1
        assert demo_symbols_create(slug="alpha", country="DK", language="da") == 0
        verification = SymbolVerification.objects.get()
        assert verification.partner.name == f"{alpha.marker} partner"
        assert AuditEvent.objects.filter(action="symbolverification.created").count() == 1
    assert client_for(alpha).get(f"/verify/{verification.code}/").status_code == 200

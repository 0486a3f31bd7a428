"""Demo data: a verification code for every active demo partner, so the verification pages
can be shown at once (elsewhere codes are made when a partner first opens its symbol)."""

from programmes.partners.models import Partner, Stage
from programmes.symbols import services
from programmes.symbols.models import SymbolVerification


def demo_symbols_create(*, slug: str, country: str, language: str) -> int:
    """Make the missing codes of the active partners (as the system, audited); returns how
    many were made. Safe to run again. Call inside the tenant's context."""
    missing = Partner.objects.filter(stage=Stage.ACTIVE).exclude(
        pk__in=SymbolVerification.objects.values("partner_id")
    )
    made = 0
    for partner in missing:
        services.verification_ensure(actor=None, partner=partner)
        made += 1
    return made

"""A partner's personal matchmaking schedule as a PDF, in the partner's language: when,
at which table and whom it meets, with what the other offers and seeks. Times and dates
through Babel for the tenant's locale; rendering is offline (``core.pdf``)."""

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from programmes.core.i18n import current_tenant
from programmes.core.pdf import OfflineURLFetcher
from programmes.matchmaking import selectors
from programmes.matchmaking.models import Session
from programmes.partners.models import Partner


def schedule_pdf(session: Session, partner: Partner) -> bytes:
    """Call inside the tenant's schema."""
    with translation.override(partner.language):
        html = render_to_string(
            "matchmaking/pdf/schedule.html",
            {
                "session": session,
                "partner": partner,
                "meetings": selectors.personal_schedule(session, partner),
                "tenant": current_tenant(),
                "language": partner.language,
            },
        )
    return HTML(string=html, url_fetcher=OfflineURLFetcher()).write_pdf(pdf_variant="pdf/ua-1")

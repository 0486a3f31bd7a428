"""The partner's commitment document: a PDF in the partner's language with the organisation,
its goals, the obligations of its tier, the privacy statement and the signature blocks.

Until the partner signs, the document is drawn afresh on every download. When staff record
the signing (``services.partner_sign``), the PDF as it stands is stored in the same
transaction (``CommitmentDocument``) and served from then on, so what was signed never
changes. Rendering is offline: WeasyPrint's fetcher refuses every URL except inline
``data:`` ones, so a document never loads anything from the network or reads local files.
"""

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from weasyprint import HTML

from programmes.configuration.fees import annual_fee
from programmes.configuration.models import ContactPerson, Obligation
from programmes.configuration.selectors import privacy_statement_in_force, programme_current
from programmes.core.audit import audit_record
from programmes.core.i18n import current_tenant, translated
from programmes.core.pdf import OfflineURLFetcher
from programmes.partners.models import CommitmentDocument, GoalStatus, Partner

COMMITTED_GOALS = (GoalStatus.APPROVED, GoalStatus.ACHIEVED)


def _municipal_signatory(partner: Partner) -> tuple[str, str]:
    """Who signs for the municipality: the booked signing round's signatory, else the
    programme's first contact person, else nobody yet (a blank line on paper)."""
    if partner.signing_round is not None:
        return partner.signing_round.signatory_name, translated(
            partner.signing_round.signatory_title
        )
    contact = ContactPerson.objects.first()
    return (contact.name, translated(contact.title)) if contact else ("", "")


def _annual_fee(partner: Partner) -> Decimal | None:
    schedule = partner.tier.fee_schedule if partner.tier else None
    if schedule is None:
        return None
    try:
        return annual_fee(schedule, size=partner.employees, inhabitants=partner.inhabitants)
    except ValidationError:
        return None  # the size the fee depends on is unknown: leave it out, never guess


def commitment_context(partner: Partner) -> dict[str, Any]:
    """What the document shows. Texts come out in the active language: call it inside
    ``translation.override(partner.language)``."""
    partner = Partner.objects.select_related(
        "tier__fee_schedule", "signing_round", "privacy_statement"
    ).get(pk=partner.pk)
    tenant = current_tenant()
    programme = programme_current()
    signatory_name, signatory_title = _municipal_signatory(partner)
    return {
        "partner": partner,
        "municipality": tenant.name if tenant else "",
        "programme_name": translated(programme.name) if programme else "",
        "annual_fee": _annual_fee(partner),
        "goals": partner.goals.filter(status__in=COMMITTED_GOALS),
        # An obligation without tiers binds every tier.
        "obligations": Obligation.objects.filter(
            Q(tiers__isnull=True) | Q(tiers=partner.tier_id)
        ).distinct(),
        # Once signed, the version the partner accepted; before, the one it would accept.
        "privacy_statement": partner.privacy_statement or privacy_statement_in_force(),
        "privacy_accepted": partner.privacy_statement_id is not None,
        "signatory_name": signatory_name,
        "signatory_title": signatory_title,
        "today": timezone.localdate(timezone=ZoneInfo(tenant.time_zone) if tenant else dt.UTC),
    }


def commitment_pdf(partner: Partner) -> bytes:
    """The commitment as it stands now, drawn in the partner's language."""
    with translation.override(partner.language):
        html = render_to_string("partners/commitment.html", commitment_context(partner))
    # pdf_tags: a tagged PDF, so screen readers get headings and lists.
    return HTML(string=html, url_fetcher=OfflineURLFetcher()).write_pdf(pdf_tags=True)


def commitment_filename(partner: Partner) -> str:
    """A download name of our own making, in the document's language."""
    with translation.override(partner.language):
        stem = slugify(f"{_('commitment')} {partner.name}", allow_unicode=True)
    return f"{stem or 'commitment'}.pdf"


def signed_commitment(partner: Partner) -> CommitmentDocument | None:
    return partner.commitment_documents.first()


def commitment_store(*, actor: Any, partner: Partner) -> CommitmentDocument:
    """Keep the commitment as it stands at signing. Called inside the signing transaction
    after the stage has changed, so the copy carries the signing date and the privacy
    statement accepted; if it cannot be drawn, nothing is signed."""
    pdf = commitment_pdf(partner)
    name = default_storage.save(
        f"partners/commitments/commitment-{partner.pk}-{secrets.token_hex(6)}.pdf",
        ContentFile(pdf),
    )
    try:
        with transaction.atomic():
            document = CommitmentDocument.objects.create(
                partner=partner,
                file=name,
                language=partner.language,
                privacy_statement_id=partner.privacy_statement_id,
            )
            audit_record(
                actor=actor,
                action="partner.commitment_stored",
                target=partner,
                data={"document": document.pk, "file": name, "language": partner.language},
            )
    except BaseException:
        default_storage.delete(name)  # no row, so no file either
        raise
    return document

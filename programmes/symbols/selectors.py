"""Reading what a partner symbol shows and what its verification page says."""

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from programmes.configuration.models import Programme
from programmes.core.i18n import current_tenant, translated
from programmes.core.i18n import local_date as i18n_local_date
from programmes.core.urls import absolute_url
from programmes.partners.models import Membership, Partner, Stage
from programmes.people.models import Role
from programmes.symbols.models import SymbolVerification
from programmes.symbols.rendering import EmbeddedImage, SymbolContent

logger = logging.getLogger(__name__)

# What a code looks like (secrets.token_urlsafe); anything else is not looked up.
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,40}")

PARTNER_ROLES = (Role.PARTNER_ADMIN, Role.PARTNER_MEMBER)

ACTIVE = "active"
ENDED = "ended"
NOT_ACTIVE = "not_active"


def symbol_year() -> int:
    """The year on a symbol: the current year of an active partnership."""
    return timezone.localdate().year


def symbol_languages() -> list[str]:
    """The languages a symbol can be written in: the tenant's."""
    tenant = current_tenant()
    return list(tenant.languages) if tenant else ["en"]


def symbol_language(partner: Partner, requested: str = "") -> str:
    """``requested`` when the tenant offers it, else the partner's language, else the
    tenant's primary language."""
    offered = symbol_languages()
    for code in (requested, partner.language):
        if code and code in offered:
            return code
    tenant = current_tenant()
    return tenant.primary_language if tenant else offered[0]


def programme_symbol_image(programme: Programme | None) -> EmbeddedImage | None:
    """The programme's uploaded symbol, or None (the symbol then gets a generated emblem).
    A stored file that cannot be read is logged and treated as missing."""
    if programme is None or not programme.symbol:
        return None
    try:
        with programme.symbol.open("rb") as stored:
            return EmbeddedImage.from_bytes(stored.read())
    except OSError:
        logger.warning("programme symbol %s cannot be read", programme.symbol.name)
        return None


def symbol_content(
    partner: Partner, programme: Programme | None, *, language: str
) -> SymbolContent:
    """What the partner's symbol shows, in ``language``."""
    year = symbol_year()
    with translation.override(language):
        caption = _("Climate partner %(year)s") % {"year": year}
    return SymbolContent(
        partner_name=partner.name,
        caption=caption,
        programme_name=translated(programme.name, language) if programme else "",
        language=language,
        programme_symbol=programme_symbol_image(programme),
    )


def verification_of(partner: Partner) -> SymbolVerification | None:
    return SymbolVerification.objects.filter(partner=partner).first()


def verification_url(verification: SymbolVerification) -> str:
    """The verification page on the tenant's own host (for the QR code and the link)."""
    return absolute_url(reverse("symbol-verify", args=[verification.code]))


def get_verification_by_code(code: str) -> SymbolVerification:
    """The verification with this code, in the request's tenant; 404 for anything else."""
    if not CODE_PATTERN.fullmatch(code or ""):
        raise Http404
    verification = (
        SymbolVerification.objects.select_related("partner")
        .only(
            "code",
            "partner__name",
            "partner__stage",
            "partner__joined_on",
            "partner__stage_changed_at",
            "partner__ended_at",
        )
        .filter(code=code)
        .first()
    )
    if verification is None:
        raise Http404
    return verification


@dataclass(frozen=True)
class VerificationStatus:
    """Everything the verification page and API show: the name, the programme, the status
    and its dates. Nothing else of the partner is read out."""

    partner_name: str
    programme_name: str
    status: str  # ACTIVE, ENDED or NOT_ACTIVE
    since: dt.date | None
    ended_on: dt.date | None
    checked_on: dt.date


def local_date(moment: dt.datetime | None) -> dt.date | None:
    """The day of ``moment`` where the tenant is."""
    return i18n_local_date(moment) if moment else None


def verification_status(
    verification: SymbolVerification, programme: Programme | None
) -> VerificationStatus:
    partner = verification.partner
    # Signed on; a partner made active without a signing (imported) counts from then.
    since = partner.joined_on or (
        local_date(partner.stage_changed_at) if partner.stage == Stage.ACTIVE else None
    )
    if partner.stage == Stage.ACTIVE:
        status = ACTIVE
    elif partner.stage == Stage.ENDED:
        status = ENDED
    else:
        status = NOT_ACTIVE
    return VerificationStatus(
        partner_name=partner.name,
        programme_name=translated(programme.name) if programme else "",
        status=status,
        since=since,
        ended_on=local_date(partner.ended_at or partner.stage_changed_at)
        if status == ENDED
        else None,
        checked_on=i18n_local_date(timezone.now()),
    )


def partner_for_symbol(user: Any) -> Partner | None:
    """The partner a partner admin or member belongs to (any stage), with its verification
    in the same query (``loaded_verification``). The lookup is
    ``partners.selectors.membership_of_user``'s."""
    if not user.is_authenticated or user.role not in PARTNER_ROLES:
        return None
    membership = (
        Membership.objects.select_related("partner__symbol_verification")
        .filter(Q(user=user) | Q(user__isnull=True, email=user.email))
        .first()
    )
    return membership.partner if membership else None


def loaded_verification(partner: Partner) -> SymbolVerification | None:
    """The verification read with the partner (``select_related``), or None."""
    return getattr(partner, "symbol_verification", None)

"""Making and replacing a partner's verification code. Both are audited; the code itself
never goes into the audit trail (whoever reads the trail could otherwise use it)."""

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.core.audit import audit_record
from programmes.partners.models import Partner, Stage
from programmes.partners.selectors import partners_visible_to
from programmes.people.models import STAFF_ROLES
from programmes.symbols.models import SymbolVerification

MAX_REASON = 500


def new_code() -> str:
    """128 random bits, URL-safe (22 characters)."""
    return secrets.token_urlsafe(16)


def _is_staff(actor: Any) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.role in STAFF_ROLES)


def verification_ensure(*, actor: Any, partner: Partner) -> SymbolVerification:
    """The partner's verification code, made the first time it is needed (by its people
    opening their symbol, or staff). Only an active partner gets a new code; an ended
    partner keeps the one it had, so its verification page says the partnership ended.
    The actor must be staff, one of the partner's people, or the system (None)."""
    scope = (
        Partner.objects.all() if actor is None or _is_staff(actor) else partners_visible_to(actor)
    )
    try:
        with transaction.atomic():
            # Who may, and whether a code exists, in one query.
            current = scope.select_related("symbol_verification").filter(pk=partner.pk).first()
            if current is None:
                raise PermissionDenied
            existing = getattr(current, "symbol_verification", None)
            if existing is not None:
                return existing
            if current.stage != Stage.ACTIVE:
                raise ValidationError(
                    _("Only an active climate partner has a partner symbol."), code="not_active"
                )
            verification = SymbolVerification.objects.create(partner=current, code=new_code())
            audit_record(actor=actor, action="symbolverification.created", target=verification)
    except IntegrityError:
        # A request at the same moment made it (one code per partner): that one counts, and
        # this attempt and its audit record are rolled back.
        return SymbolVerification.objects.get(partner=partner)
    return verification


def verification_regenerate(*, actor: Any, partner: Partner, reason: str) -> SymbolVerification:
    """Staff replace a partner's verification code (it leaked or is misused): the old code
    finds nothing from now on, printed QR codes with it included. An active partner without
    a code gets one. The reason is required and goes into the audit trail."""
    if not _is_staff(actor):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the code is replaced (e.g. where it was misused).")},
            code="required",
        )
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {
                "reason": _("Keep the reason to at most %(count)s characters.")
                % {"count": MAX_REASON}
            },
            code="max_length",
        )
    with transaction.atomic():
        locked = Partner.objects.select_for_update().only("pk", "stage").get(pk=partner.pk)
        verification = SymbolVerification.objects.filter(partner=locked).first()
        if verification is None:
            if locked.stage != Stage.ACTIVE:
                raise ValidationError(
                    _("Only an active climate partner has a partner symbol."), code="not_active"
                )
            verification = SymbolVerification.objects.create(partner=locked, code=new_code())
            audit_record(
                actor=actor,
                action="symbolverification.created",
                target=verification,
                reason=reason,
            )
            return verification
        verification.code = new_code()
        verification.regenerated_at = timezone.now()
        verification.save(update_fields=["code", "regenerated_at"])
        audit_record(
            actor=actor,
            action="symbolverification.regenerated",
            target=verification,
            reason=reason,
        )
    return verification

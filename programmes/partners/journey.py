"""The partner journey as one state machine.

applied → assessed → goals proposed → approved → (booked →) active → ended. Every change of
stage goes through ``partner_transition``: it refuses a transition the current stage or the
actor's role does not allow, and records who, when, from which stage and why.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.core.audit import audit_record
from programmes.partners.models import Partner, Stage, StageChange

PARTNER = "partner"
STAFF = "staff"
NOT_ENDED = frozenset(stage for stage in Stage.values if stage != Stage.ENDED)


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    by: frozenset[str]  # who may do it: the partner's own people and/or municipal staff
    needs_reason: bool = False


TRANSITIONS = {
    "assess": Transition(frozenset({Stage.APPLIED}), Stage.ASSESSED, frozenset({PARTNER, STAFF})),
    "propose_goals": Transition(
        frozenset({Stage.ASSESSED}), Stage.GOALS_PROPOSED, frozenset({PARTNER, STAFF})
    ),
    "request_changes": Transition(
        frozenset({Stage.GOALS_PROPOSED}), Stage.ASSESSED, frozenset({STAFF}), needs_reason=True
    ),
    "approve": Transition(frozenset({Stage.GOALS_PROPOSED}), Stage.APPROVED, frozenset({STAFF})),
    "book": Transition(frozenset({Stage.APPROVED}), Stage.BOOKED, frozenset({PARTNER, STAFF})),
    "cancel_booking": Transition(
        frozenset({Stage.BOOKED}), Stage.APPROVED, frozenset({PARTNER, STAFF})
    ),
    "sign": Transition(frozenset({Stage.APPROVED, Stage.BOOKED}), Stage.ACTIVE, frozenset({STAFF})),
    "leave": Transition(NOT_ENDED, Stage.ENDED, frozenset({PARTNER})),
    "terminate": Transition(NOT_ENDED, Stage.ENDED, frozenset({STAFF}), needs_reason=True),
}


class IllegalTransition(ValidationError):
    pass


def _side(actor: Any, partner: Partner) -> str | None:
    """Which side the actor acts for, or None when it may not act on this partner."""
    if actor is None:
        return STAFF  # the system: imports, the worker
    if actor.role in {"municipal_admin", "municipal_staff"}:
        return STAFF
    from programmes.partners.selectors import membership_of_user

    membership = membership_of_user(actor)
    if membership is not None and membership.partner_id == partner.pk:
        return PARTNER
    return None


def allowed_actions(*, actor: Any, partner: Partner) -> list[str]:
    side = _side(actor, partner)
    return [
        name
        for name, rule in TRANSITIONS.items()
        if partner.stage in rule.sources and side in rule.by
    ]


def partner_transition(
    *, actor: Any, partner: Partner, action: str, reason: str = "", **changes: Any
) -> Partner:
    """Move a partner along the journey. ``changes`` are further fields set with the stage
    (e.g. ``joined_on`` when signing). Raises IllegalTransition and changes nothing when the
    stage or the actor does not allow it."""
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise IllegalTransition(_("Unknown step: %(action)s.") % {"action": action})
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if partner.stage not in rule.sources:
            raise IllegalTransition(
                _("A partner at the stage “%(stage)s” cannot take this step.")
                % {"stage": Stage(partner.stage).label},
                code="illegal_transition",
            )
        if _side(actor, partner) not in rule.by:
            raise IllegalTransition(_("You may not take this step."), code="not_allowed")
        if rule.needs_reason and not reason.strip():
            raise IllegalTransition({"reason": [_("Give a reason.")]})
        previous = partner.stage
        partner.stage = rule.target
        partner.stage_changed_at = timezone.now()
        for field, value in changes.items():
            setattr(partner, field, value)
        if rule.target == Stage.ENDED:
            partner.ended_at = partner.stage_changed_at
        partner.save(
            update_fields=[
                "stage",
                "stage_changed_at",
                *changes,
                *(["ended_at"] if rule.target == Stage.ENDED else []),
            ]
        )
        StageChange.objects.create(
            partner=partner,
            from_stage=previous,
            to_stage=rule.target,
            actor=actor if actor is not None else None,
            actor_label=actor.email if actor is not None else "system",
            reason=reason,
        )
        audit_record(
            actor=actor,
            action=f"partner.{action}",
            target=partner,
            reason=reason,
            data={"from": previous, "to": rule.target, **{k: str(v) for k, v in changes.items()}},
        )
    return partner

"""Running award rounds: opening, nominating, eligibility, scoring, closing, announcing.

Every service is keyword-only, checks who acts, validates everything before it writes (a
refused call changes nothing), runs in one transaction and leaves an audit event. ``actor``
None is the system (demo data, commands).
"""

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.awards import selectors
from programmes.awards.models import (
    AwardRound,
    JurorSubmission,
    Nomination,
    NominatorKind,
    RoundCriterion,
    RoundStatus,
    Score,
)
from programmes.configuration.models import AwardCategory
from programmes.core.audit import audit_record
from programmes.core.i18n import current_tenant
from programmes.core.mail import send_localised_mail_once
from programmes.core.urls import absolute_url
from programmes.partners.models import OrganisationKind, Partner, Stage
from programmes.partners.selectors import partner_mail_addresses

JUSTIFICATION_MAX = 5000
REASON_MAX = 2000
SCORE_MIN, SCORE_MAX = 0, 10

# A (nomination id, criterion id) → value mapping; None removes the juror's score.
ScoreValues = dict[tuple[int, int], int | None]


def _require_staff(actor: Any) -> None:
    if actor is not None and not selectors.is_staff(actor):
        raise PermissionDenied


def _now() -> dt.datetime:
    return timezone.now()


def _locked(award_round: AwardRound) -> AwardRound:
    """The round as it is now, locked until the transaction ends: a nomination or a score
    never slips in while staff end the nominations or close the scoring."""
    return (
        AwardRound.objects.select_for_update(of=("self",))
        .select_related("category")
        .get(pk=award_round.pk)
    )


# --- Rounds --------------------------------------------------------------------------------


def default_window(
    category: AwardCategory, year: int, month: int | None
) -> tuple[dt.date, dt.date]:
    """A monthly round is open the whole month; a yearly one in the category's window (its
    month and day) of ``year``."""
    if month is not None:
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])

    def in_year(day: dt.date) -> dt.date:
        last = calendar.monthrange(year, day.month)[1]
        return dt.date(year, day.month, min(day.day, last))

    opens, closes = in_year(category.nomination_opens), in_year(category.nomination_closes)
    if closes < opens:  # a window over the new year closes in the next one
        last = calendar.monthrange(year + 1, closes.month)[1]
        closes = dt.date(year + 1, closes.month, min(closes.day, last))
    return opens, closes


def round_open(
    *,
    actor: Any,
    category: AwardCategory,
    year: int,
    month: int | None = None,
    nomination_opens: dt.date | None = None,
    nomination_closes: dt.date | None = None,
) -> AwardRound:
    """Open a round of ``category`` for a year (or one month of it): the window is the
    category's (the month for a monthly round) unless given; the category's scoring criteria
    are copied into the round."""
    _require_staff(actor)
    errors: dict[str, list[str]] = {}
    if not 2000 <= year <= 2100:
        errors["year"] = [_("Give a year between 2000 and 2100.")]
    if month is not None and not 1 <= month <= 12:
        errors["month"] = [_("Give a month from 1 to 12, or none for the whole year.")]
    if errors:
        raise ValidationError(errors)
    opens, closes = default_window(category, year, month)
    opens = nomination_opens or opens
    closes = nomination_closes or closes
    if closes < opens:
        errors["nomination_closes"] = [_("The nomination window ends before it starts.")]
    criteria = list(category.criteria.all())
    if not criteria:
        errors["category"] = [_("Give the award its scoring criteria first.")]
    if AwardRound.objects.filter(category=category, year=year, month=month).exists():
        errors["__all__"] = [_("This award already has a round for this period.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        award_round = AwardRound.objects.create(
            category=category,
            year=year,
            month=month,
            nomination_opens=opens,
            nomination_closes=closes,
        )
        RoundCriterion.objects.bulk_create(
            RoundCriterion(round=award_round, name=c.name, weight=c.weight, position=number)
            for number, c in enumerate(criteria)
        )
        audit_record(
            actor=actor,
            action="awardround.opened",
            target=award_round,
            data={
                "category": category.pk,
                "year": year,
                "month": month,
                "opens": opens.isoformat(),
                "closes": closes.isoformat(),
                "criteria": [[c.name, c.weight] for c in criteria],
            },
        )
    return award_round


def round_start_scoring(*, actor: Any, award_round: AwardRound) -> AwardRound:
    """End the nominations and let the jury score. Nominees that have meanwhile stopped
    being eligible (left the programme, won the award in another round) are marked so."""
    _require_staff(actor)
    _require_status(award_round, RoundStatus.OPEN)
    with transaction.atomic():
        award_round = AwardRound.objects.select_for_update().get(pk=award_round.pk)
        _require_status(award_round, RoundStatus.OPEN)
        dropped = []
        nominations = award_round.nominations.filter(eligible=True).select_related("nominee")
        for nomination in nominations:
            reason = nominee_ineligibility(award_round, nomination.nominee)
            if reason:
                nomination.eligible, nomination.ineligible_reason = False, reason
                nomination.save(update_fields=["eligible", "ineligible_reason"])
                dropped.append(nomination.pk)
        award_round.status = RoundStatus.SCORING
        award_round.scoring_started_at = _now()
        award_round.save(update_fields=["status", "scoring_started_at"])
        audit_record(
            actor=actor,
            action="awardround.scoring_started",
            target=award_round,
            data={"no_longer_eligible": dropped},
        )
    return award_round


def round_close(*, actor: Any, award_round: AwardRound) -> AwardRound:
    """Close the scoring: no score changes after this; staff now see the totals."""
    _require_staff(actor)
    _require_status(award_round, RoundStatus.SCORING)
    with transaction.atomic():
        award_round = AwardRound.objects.select_for_update().get(pk=award_round.pk)
        _require_status(award_round, RoundStatus.SCORING)
        award_round.status = RoundStatus.CLOSED
        award_round.closed_at = _now()
        award_round.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=actor,
            action="awardround.closed",
            target=award_round,
            data={
                "submitted_by": list(
                    award_round.submissions.values_list("juror_id", flat=True).order_by("pk")
                )
            },
        )
    return award_round


def round_announce(
    *,
    actor: Any,
    award_round: AwardRound,
    winner: Nomination | None = None,
    reason: str = "",
) -> AwardRound:
    """Announce the winner of a closed round: by default the eligible nomination with the
    highest weighted total. Staff may choose another eligible nomination, with a reason
    (audited); when several share the highest total staff choose one of them (no reason
    needed); when nothing was scored they choose with a reason. The winner's people are
    e-mailed in the partner's language once the announcement is committed."""
    _require_staff(actor)
    _require_status(award_round, RoundStatus.CLOSED)
    reason = (reason or "").strip()
    criteria = list(award_round.criteria.all())
    totals = selectors.round_totals(award_round, criteria)
    eligible = set(award_round.nominations.filter(eligible=True).values_list("pk", flat=True))
    leaders = selectors.highest_total(totals, eligible)
    errors: dict[str, list[str]] = {}
    if winner is None:
        if not leaders:
            errors["winner"] = [
                _("No eligible nomination has been scored: choose the winner and give a reason.")
            ]
        elif len(leaders) > 1:
            errors["winner"] = [
                _("Several nominations share the highest total: choose the winner.")
            ]
    elif winner.round_id != award_round.pk or winner.pk not in eligible:
        errors["winner"] = [_("Choose an eligible nomination of this round.")]
    if not errors:
        chosen = winner.pk if winner is not None else leaders[0]
        overrides = chosen not in leaders
        if overrides and not reason:
            errors["reason"] = [
                _("Say why this nomination wins rather than the highest weighted total.")
            ]
        if len(reason) > REASON_MAX:
            errors["reason"] = [
                _("Keep the reason under %(count)s characters.") % {"count": REASON_MAX}
            ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        award_round = AwardRound.objects.select_for_update().get(pk=award_round.pk)
        _require_status(award_round, RoundStatus.CLOSED)
        award_round.winner_id = chosen
        award_round.winner_reason = reason if overrides else ""
        award_round.status = RoundStatus.ANNOUNCED
        award_round.announced_at = _now()
        award_round.save(update_fields=["winner", "winner_reason", "status", "announced_at"])
        audit_record(
            actor=actor,
            action="awardround.announced",
            target=award_round,
            data={
                "winner": chosen,
                "highest_total": leaders,
                "totals": {str(pk): str(total) for pk, total in totals.items()},
                "overridden": overrides,
            },
            reason=reason if overrides else "",
        )
        round_pk = award_round.pk
        transaction.on_commit(lambda: winner_notify(round_pk=round_pk))
    return award_round


def winner_notify(*, round_pk: int) -> int:
    """E-mail the winner's admins (else its main contacts) in the partner's language; once
    per round and address. Returns how many went out now."""
    award_round = (
        AwardRound.objects.select_related("category", "winner__nominee")
        .filter(pk=round_pk, status=RoundStatus.ANNOUNCED)
        .first()
    )
    if award_round is None or award_round.winner.nominee is None:
        return 0
    partner = award_round.winner.nominee
    tenant = current_tenant()
    sent = 0
    for address in partner_mail_addresses({partner.pk}).get(partner.pk, []):
        sent += send_localised_mail_once(
            key=f"award:{award_round.pk}:winner:{address}",
            to=address,
            language=partner.language or (tenant.primary_language if tenant else "en"),
            template="awards/email/winner",
            context={
                "round": award_round,
                "partner": partner,
                "category": award_round.category,
                "site_name": tenant.name if tenant else "",
                "url": absolute_url(reverse("my-awards")),
            },
        )
    return sent


def _require_status(award_round: AwardRound, status: str) -> None:
    if award_round.status != status:
        messages = {
            RoundStatus.OPEN: _("This round no longer takes nominations."),
            RoundStatus.SCORING: _("This round is not being scored."),
            RoundStatus.CLOSED: _("Close the scoring before announcing the winner."),
        }
        raise ValidationError(messages.get(status, _("This cannot be done in this round now.")))


# --- Nominations ---------------------------------------------------------------------------


def nominee_ineligibility(award_round: AwardRound, partner: Partner | None) -> str:
    """Why ``partner`` cannot be nominated in the round, or "" when it can."""
    category = award_round.category
    if partner is None or partner.stage != Stage.ACTIVE:
        return _("Only active partners of the programme can be nominated.")
    if category.municipal_units_excluded and partner.kind == OrganisationKind.MUNICIPALITY:
        return _("Municipal units cannot be nominated for this award.")
    if (
        category.previous_winners_excluded
        and AwardRound.objects.filter(
            category=category, status=RoundStatus.ANNOUNCED, winner__nominee=partner
        )
        .exclude(pk=award_round.pk)
        .exists()
    ):
        return _("%(name)s has won this award before and cannot win it again.") % {
            "name": partner.name
        }
    return ""


def _nomination_create(
    *,
    actor: Any,
    award_round: AwardRound,
    nominee: Partner | None,
    justification: str,
    nominator_name: str = "",
    nominator_email: str = "",
    today: dt.date | None = None,
) -> Nomination:
    """Nominate an organisation in an open round, within its window, if the category lets
    people like the actor nominate (staff, a partner's people, or the public, who give their
    name and e-mail address). An ineligible nominee is refused with the reason."""
    today = today or timezone.localdate()
    kind = selectors.nominator_kind_of(actor)
    justification = (justification or "").strip()
    nominator_name = (nominator_name or "").strip()
    nominator_email = (nominator_email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not award_round.accepts_nominations_on(today):
        errors["__all__"] = [_("Nominations for this award are not open now.")]
    elif not selectors.may_nominate(actor, award_round):
        errors["__all__"] = [
            {
                NominatorKind.PUBLIC: _("This award takes nominations from signed-in people only."),
                NominatorKind.PARTNERS: _("Partners cannot nominate for this award."),
                NominatorKind.STAFF: _("Municipal staff cannot nominate for this award."),
            }[kind]
        ]
    if not justification:
        errors["justification"] = [_("Say why this organisation deserves the award.")]
    elif len(justification) > JUSTIFICATION_MAX:
        errors["justification"] = [
            _("Keep the justification under %(count)s characters.") % {"count": JUSTIFICATION_MAX}
        ]
    if kind == NominatorKind.PUBLIC:
        if not nominator_name:
            errors["nominator_name"] = [_("Give your name.")]
        elif len(nominator_name) > 200:
            errors["nominator_name"] = [_("Keep your name under 200 characters.")]
        try:
            validate_email(nominator_email)
        except ValidationError:
            errors["nominator_email"] = [_("Give an e-mail address we can reach you at.")]
    else:
        nominator_name, nominator_email = "", ""
    reason = nominee_ineligibility(award_round, nominee)
    if reason:
        errors["nominee"] = [reason]
    elif Nomination.objects.filter(round=award_round, nominee=nominee).exists():
        errors["nominee"] = [
            _("%(name)s is already nominated in this round.") % {"name": nominee.name}
        ]
    if errors:
        raise ValidationError(errors)
    assert nominee is not None
    with transaction.atomic():
        nomination = Nomination.objects.create(
            round=award_round,
            nominee=nominee,
            nominee_name=nominee.name,
            justification=justification,
            nominator_kind=kind,
            nominated_by=actor if kind != NominatorKind.PUBLIC else None,
            nominator_name=nominator_name,
            nominator_email=nominator_email,
        )
        audit_record(
            actor=actor,
            action="nomination.created",
            target=nomination,
            data={
                "round": award_round.pk,
                "nominee": nominee.pk,
                "nominator_kind": kind,
                "nominator_email": nominator_email,
            },
        )
    return nomination


def nomination_eligibility_decide(
    *, actor: Any, nomination: Nomination, eligible: bool, reason: str
) -> Nomination:
    """Staff decide a nomination is (not) eligible, with a reason, until the scoring is
    closed. Reinstating checks the category's rules again."""
    with transaction.atomic():
        nomination.round = _locked(nomination.round)
        return _nomination_eligibility_decide(
            actor=actor, nomination=nomination, eligible=eligible, reason=reason
        )


def _nomination_eligibility_decide(
    *, actor: Any, nomination: Nomination, eligible: bool, reason: str
) -> Nomination:
    """Staff decide a nomination is (not) eligible, with a reason, until the scoring is
    closed. Reinstating checks the category's rules again."""
    _require_staff(actor)
    reason = (reason or "").strip()
    award_round = nomination.round
    errors: dict[str, list[str]] = {}
    if award_round.status not in (RoundStatus.OPEN, RoundStatus.SCORING):
        errors["__all__"] = [_("Eligibility can no longer change once the scoring is closed.")]
    if not reason:
        errors["reason"] = [_("Give the reason for the decision.")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [
            _("Keep the reason under %(count)s characters.") % {"count": REASON_MAX}
        ]
    if eligible and not errors:
        rule = nominee_ineligibility(award_round, nomination.nominee)
        if rule:
            errors["eligible"] = [rule]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        nomination.eligible = eligible
        nomination.ineligible_reason = "" if eligible else reason
        nomination.save(update_fields=["eligible", "ineligible_reason"])
        audit_record(
            actor=actor,
            action="nomination.eligibility_decided",
            target=nomination,
            data={"eligible": eligible},
            reason=reason,
        )
    return nomination


# --- Scoring -------------------------------------------------------------------------------


def _require_juror(actor: Any, award_round: AwardRound) -> None:
    if not selectors.is_juror(actor, award_round):
        raise PermissionDenied


def _scores_save(*, actor: Any, award_round: AwardRound, values: ScoreValues) -> int:
    """Save the juror's scores (0–10) for nominations of the round, per criterion; None
    removes one. Only while the round is scored and before the juror has submitted; never
    for a nomination of a partner the juror belongs to. Returns how many were saved."""
    _require_juror(actor, award_round)
    _require_status(award_round, RoundStatus.SCORING)
    if selectors.has_submitted(actor, award_round):
        raise ValidationError(_("You have submitted your scores: they can no longer change."))
    nominations = {
        row.pk: row for row in award_round.nominations.filter(eligible=True).only("nominee_id")
    }
    criteria = set(award_round.criteria.values_list("pk", flat=True))
    excluded = selectors.excluded_partner_ids(actor)
    errors: list[str] = []
    for (nomination_id, criterion_id), value in values.items():
        nomination = nominations.get(nomination_id)
        if nomination is None or criterion_id not in criteria:
            errors.append(_("Score only the eligible nominations of this round."))
        elif nomination.nominee_id in excluded:
            errors.append(
                _("You are linked to a nominated organisation and cannot score its nomination.")
            )
        elif value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not SCORE_MIN <= value <= SCORE_MAX
        ):
            errors.append(_("A score is a whole number from 0 to 10."))
    if errors:
        raise ValidationError(sorted(set(errors)))
    keep = [(key, value) for key, value in values.items() if value is not None]
    drop = [key for key, value in values.items() if value is None]
    with transaction.atomic():
        if keep:
            Score.objects.bulk_create(
                [
                    Score(nomination_id=n, criterion_id=c, juror=actor, value=value)
                    for (n, c), value in keep
                ],
                update_conflicts=True,
                unique_fields=["nomination", "juror", "criterion"],
                update_fields=["value", "updated_at"],
            )
        for nomination_id, criterion_id in drop:
            Score.objects.filter(
                nomination_id=nomination_id, criterion_id=criterion_id, juror=actor
            ).delete()
        audit_record(
            actor=actor,
            action="awardround.scores_saved",
            target=award_round,
            data={"saved": len(keep), "removed": len(drop)},
        )
    return len(keep)


def _scores_submit(*, actor: Any, award_round: AwardRound) -> JurorSubmission:
    """Submit the juror's scores: they become final, and the juror sees the other jurors'
    submitted scores. Every criterion of every eligible nomination the juror may score must
    have a score."""
    _require_juror(actor, award_round)
    _require_status(award_round, RoundStatus.SCORING)
    if selectors.has_submitted(actor, award_round):
        raise ValidationError(_("You have already submitted your scores for this round."))
    excluded = selectors.excluded_partner_ids(actor)
    to_score = list(
        award_round.nominations.filter(eligible=True)
        .exclude(nominee_id__in=excluded)
        .values_list("pk", flat=True)
    )
    criteria = list(award_round.criteria.values_list("pk", flat=True))
    given = set(
        Score.objects.filter(nomination_id__in=to_score, juror=actor).values_list(
            "nomination_id", "criterion_id"
        )
    )
    missing = len(to_score) * len(criteria) - len(given)
    if missing:
        raise ValidationError(
            _("Score every criterion of every nomination first (%(count)s missing).")
            % {"count": missing}
        )
    with transaction.atomic():
        submission = JurorSubmission.objects.create(round=award_round, juror=actor)
        audit_record(
            actor=actor,
            action="awardround.scores_submitted",
            target=award_round,
            data={
                "nominations": len(to_score),
                "excluded": sorted(excluded & _nominees(award_round)),
            },
        )
    return submission


def _nominees(award_round: AwardRound) -> set[int]:
    return set(award_round.nominations.values_list("nominee_id", flat=True))


def nomination_create(
    *,
    actor: Any,
    award_round: AwardRound,
    nominee: Partner | None,
    justification: str,
    nominator_name: str = "",
    nominator_email: str = "",
    today: dt.date | None = None,
) -> Nomination:
    """Nominate an organisation in an open round, within its window, if the category lets
    people like the actor nominate (staff, a partner's people, or the public, who give their
    name and e-mail address). An ineligible nominee is refused with the reason."""
    with transaction.atomic():
        return _nomination_create(
            actor=actor,
            award_round=_locked(award_round),
            nominee=nominee,
            justification=justification,
            nominator_name=nominator_name,
            nominator_email=nominator_email,
            today=today,
        )


def scores_save(*, actor: Any, award_round: AwardRound, values: ScoreValues) -> int:
    """Save the juror's scores (0–10) for nominations of the round, per criterion; None
    removes one. Only while the round is scored and before the juror has submitted; never
    for a nomination of a partner the juror belongs to. Returns how many were saved."""
    with transaction.atomic():
        return _scores_save(actor=actor, award_round=_locked(award_round), values=values)


def scores_submit(*, actor: Any, award_round: AwardRound) -> JurorSubmission:
    """Submit the juror's scores: they become final, and the juror sees the other jurors'
    submitted scores. Every criterion of every eligible nomination the juror may score must
    have a score."""
    with transaction.atomic():
        return _scores_submit(actor=actor, award_round=_locked(award_round))

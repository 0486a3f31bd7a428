"""Reading awards: who sees which rounds, nominations and scores, and the weighted totals.

Score secrecy: a juror sees only their own scores until they have submitted theirs for the
round; then they see every submitted score of the round and the totals. Staff see the
scores and totals once the round is closed (during scoring only who has submitted), so a
staff member who is also a juror learns nothing from the staff pages either. The public
sees announced winners only, never scores.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from programmes.awards.models import (
    AwardRound,
    JurorSubmission,
    Nomination,
    NominatorKind,
    RoundCriterion,
    RoundStatus,
    Score,
)
from programmes.configuration.models import Nominator
from programmes.partners.models import Membership, Partner, Stage
from programmes.people.models import STAFF_ROLES, User

# Rounds whose scores exist (jurors look back at them after scoring).
JURY_STATUSES = (RoundStatus.SCORING, RoundStatus.CLOSED, RoundStatus.ANNOUNCED)
# Rounds whose scores and totals staff see.
RESULT_STATUSES = (RoundStatus.CLOSED, RoundStatus.ANNOUNCED)


def is_staff(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.role in STAFF_ROLES)


def nominator_kind_of(viewer: Any) -> str:
    """In which capacity ``viewer`` nominates: staff, a partner's people, or the public (not
    signed in)."""
    if not getattr(viewer, "is_authenticated", False):
        return NominatorKind.PUBLIC
    return NominatorKind.STAFF if viewer.role in STAFF_ROLES else NominatorKind.PARTNERS


def may_nominate(viewer: Any, award_round: AwardRound) -> bool:
    """Whether the category lets people like ``viewer`` nominate (the window is apart)."""
    kind = nominator_kind_of(viewer)
    return kind in award_round.category.nominators and kind in Nominator.values


def excluded_partner_ids(user: Any) -> set[int]:
    """The partners a juror is linked to by a membership (by account, or by address while an
    invitation waits): they cannot score those partners' nominations."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(
            Q(user=user) | Q(user__isnull=True, email__iexact=user.email)
        ).values_list("partner_id", flat=True)
    )


def nominees_for_form() -> QuerySet[Partner]:
    """The organisations one can nominate: the programme's active partners (the services
    check the category's rules and tell why one is not eligible)."""
    return Partner.objects.filter(stage=Stage.ACTIVE).only("pk", "name").order_by("name", "pk")


# --- Rounds --------------------------------------------------------------------------------


def _rounds() -> QuerySet[AwardRound]:
    return AwardRound.objects.select_related("category")


def rounds_open_for_nominations(*, today: dt.date) -> list[AwardRound]:
    """Open rounds whose window includes today, soonest closing first."""
    return list(
        _rounds()
        .filter(status=RoundStatus.OPEN, nomination_opens__lte=today, nomination_closes__gte=today)
        .order_by("nomination_closes", "pk")
    )


def get_open_round(pk: int, *, today: dt.date) -> AwardRound:
    """A round one can nominate in now; the same 404 for any other."""
    award_round = (
        _rounds()
        .filter(
            pk=pk,
            status=RoundStatus.OPEN,
            nomination_opens__lte=today,
            nomination_closes__gte=today,
        )
        .first()
    )
    if award_round is None:
        raise Http404
    return award_round


def announced_rounds() -> QuerySet[AwardRound]:
    """The history: every announced round with its winner, newest first (public)."""
    return (
        _rounds()
        .filter(status=RoundStatus.ANNOUNCED)
        .select_related("winner")
        .order_by("-year", "-month", "-announced_at", "pk")
    )


@dataclass
class WinnersByYear:
    year: int
    rounds: list[AwardRound]


def winners_by_year() -> list[WinnersByYear]:
    """Announced winners grouped by year, newest first, in one query."""
    years: dict[int, list[AwardRound]] = {}
    for award_round in announced_rounds():
        years.setdefault(award_round.year, []).append(award_round)
    return [WinnersByYear(year=year, rounds=rows) for year, rows in years.items()]


def rounds_for_staff(*, status: str = "") -> QuerySet[AwardRound]:
    rows = _rounds().select_related("winner")
    if status in RoundStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("-year", "-month", "category_id", "pk")


def get_round_for_staff(viewer: Any, pk: int) -> AwardRound:
    """Staff only; the same 404 for anyone else and for a missing round."""
    award_round = _rounds().filter(pk=pk).first() if is_staff(viewer) else None
    if award_round is None:
        raise Http404
    return award_round


def rounds_for_juror(user: Any) -> QuerySet[AwardRound]:
    """The rounds the user judges (a juror of the category), from scoring on."""
    if not getattr(user, "is_authenticated", False):
        return AwardRound.objects.none()
    return (
        _rounds()
        .filter(category__jurors=user, status__in=JURY_STATUSES)
        .order_by("-year", "-month", "category_id", "pk")
    )


def get_round_for_juror(user: Any, pk: int) -> AwardRound:
    """A round the user judges; the same 404 for anyone else."""
    award_round = rounds_for_juror(user).filter(pk=pk).first()
    if award_round is None:
        raise Http404
    return award_round


def is_juror(user: Any, award_round: AwardRound) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and award_round.category.jurors.filter(pk=user.pk).exists()
    )


def has_submitted(user: Any, award_round: AwardRound) -> bool:
    return JurorSubmission.objects.filter(round=award_round, juror=user).exists()


# --- Totals --------------------------------------------------------------------------------


def round_totals(award_round: AwardRound, criteria: list[RoundCriterion]) -> dict[int, Decimal]:
    """Per nomination with submitted scores: Σ over criteria of weight × the mean score of
    the jurors who submitted and scored it (two queries at most)."""
    weights = {criterion.pk: criterion.weight for criterion in criteria}
    submitted = JurorSubmission.objects.filter(round=award_round, juror__isnull=False).values(
        "juror_id"
    )
    means = (
        Score.objects.filter(nomination__round=award_round, juror__in=submitted)
        .values("nomination_id", "criterion_id")
        .annotate(mean=Avg("value"))
    )
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for row in means:
        mean = Decimal(str(row["mean"])).quantize(Decimal("0.0001"))
        totals[row["nomination_id"]] += weights.get(row["criterion_id"], 0) * mean
    return {key: value.quantize(Decimal("0.01")) for key, value in totals.items()}


def highest_total(totals: dict[int, Decimal], eligible: set[int]) -> list[int]:
    """The eligible nominations that share the highest total (empty when none scored)."""
    scored = {pk: total for pk, total in totals.items() if pk in eligible}
    if not scored:
        return []
    best = max(scored.values())
    return sorted(pk for pk, total in scored.items() if total == best)


# --- The jury's sheet ----------------------------------------------------------------------


@dataclass
class SheetCell:
    criterion: RoundCriterion
    own: int | None
    others: list[int | None]  # in the order of the row's ``other_jurors``


@dataclass
class SheetRow:
    nomination: Nomination
    excluded: bool
    own: dict[int, int]  # criterion id → the juror's own score
    cells: list[SheetCell] = field(default_factory=list)
    other_jurors: list[str] = field(default_factory=list)  # after submitting
    total: Decimal | None = None  # after submitting


@dataclass
class JurySheet:
    round: AwardRound
    criteria: list[RoundCriterion]
    rows: list[SheetRow]
    submitted: bool
    max_total: int

    @property
    def to_score(self) -> list[SheetRow]:
        return [row for row in self.rows if not row.excluded and row.nomination.eligible]


def jury_sheet(award_round: AwardRound, juror: User) -> JurySheet:
    """What a juror sees of a round: the eligible nominations (those of a partner they are
    linked to marked excluded), their own scores, and, once they have submitted, the other
    jurors' submitted scores and the totals. Six queries."""
    criteria = list(award_round.criteria.all())
    nominations = list(award_round.nominations.filter(eligible=True).order_by("nominee_name"))
    submitted = has_submitted(juror, award_round)
    excluded = excluded_partner_ids(juror)
    scores = Score.objects.filter(nomination__round=award_round)
    if submitted:
        done = JurorSubmission.objects.filter(round=award_round).values("juror_id")
        scores = scores.filter(Q(juror=juror) | Q(juror__in=done))
    else:
        scores = scores.filter(juror=juror)
    own: dict[int, dict[int, int]] = defaultdict(dict)
    others: dict[int, dict[tuple[int, str], dict[int, int]]] = defaultdict(dict)
    for score in scores.select_related("juror").order_by("juror__full_name", "juror_id"):
        if score.juror_id == juror.pk:
            own[score.nomination_id][score.criterion_id] = score.value
        else:
            name = str(score.juror) if score.juror else "—"
            key = (score.juror_id or 0, name)
            others[score.nomination_id].setdefault(key, {})[score.criterion_id] = score.value
    totals = round_totals(award_round, criteria) if submitted else {}
    rows = []
    for nomination in nominations:
        # A juror linked to the nominee learns nothing of how the jury scored it.
        is_excluded = nomination.nominee_id in excluded
        others_here = {} if is_excluded else others.get(nomination.pk, {})
        mine = own.get(nomination.pk, {})
        rows.append(
            SheetRow(
                nomination=nomination,
                excluded=is_excluded,
                own=mine,
                cells=[
                    SheetCell(
                        criterion=criterion,
                        own=mine.get(criterion.pk),
                        others=[values.get(criterion.pk) for values in others_here.values()],
                    )
                    for criterion in criteria
                ],
                other_jurors=[name for _id, name in others_here],
                total=None if is_excluded else totals.get(nomination.pk),
            )
        )
    return JurySheet(
        round=award_round,
        criteria=criteria,
        rows=rows,
        submitted=submitted,
        max_total=10 * sum(criterion.weight for criterion in criteria),
    )


# --- The staff's view of a round -----------------------------------------------------------


@dataclass
class JurorProgress:
    juror: User
    submitted_at: dt.datetime | None
    excluded_from: int  # how many of the round's eligible nominations


@dataclass
class StaffRow:
    nomination: Nomination
    total: Decimal | None
    jurors_scored: int


@dataclass
class StaffRound:
    round: AwardRound
    criteria: list[RoundCriterion]
    rows: list[StaffRow]
    jurors: list[JurorProgress]
    results_shown: bool
    leaders: list[int]
    max_total: int


def staff_round(award_round: AwardRound) -> StaffRound:
    """A round for staff: every nomination with its eligibility and nominator, the jurors'
    progress, and (once scoring is closed) the weighted totals. Seven queries."""
    criteria = list(award_round.criteria.all())
    nominations = list(
        award_round.nominations.select_related("nominee", "nominated_by").order_by(
            "-eligible", "nominee_name", "pk"
        )
    )
    jurors = list(award_round.category.jurors.order_by("full_name", "email"))
    submissions = {
        row.juror_id: row.submitted_at
        for row in JurorSubmission.objects.filter(round=award_round, juror__isnull=False)
    }
    memberships: dict[int, set[int]] = defaultdict(set)
    juror_emails = {juror.email.lower(): juror.pk for juror in jurors}
    for user_id, email, partner_id in Membership.objects.filter(
        Q(user__in=jurors) | Q(user__isnull=True, email__in=list(juror_emails))
    ).values_list("user_id", "email", "partner_id"):
        memberships[user_id or juror_emails.get(email.lower(), 0)].add(partner_id)
    eligible_nominees = [n.nominee_id for n in nominations if n.eligible]
    results_shown = award_round.status in RESULT_STATUSES
    totals = round_totals(award_round, criteria) if results_shown else {}
    scored: dict[int, int] = {}
    if results_shown:
        scored = dict(
            Score.objects.filter(nomination__round=award_round, juror__in=list(submissions))
            .values("nomination_id")
            .annotate(count=Count("juror", distinct=True))
            .values_list("nomination_id", "count")
        )
    eligible = {n.pk for n in nominations if n.eligible}
    return StaffRound(
        round=award_round,
        criteria=criteria,
        rows=[
            StaffRow(
                nomination=nomination,
                total=totals.get(nomination.pk),
                jurors_scored=scored.get(nomination.pk, 0),
            )
            for nomination in nominations
        ],
        jurors=[
            JurorProgress(
                juror=juror,
                submitted_at=submissions.get(juror.pk),
                excluded_from=sum(
                    1 for nominee in eligible_nominees if nominee in memberships[juror.pk]
                ),
            )
            for juror in jurors
        ],
        results_shown=results_shown,
        leaders=highest_total(totals, eligible) if results_shown else [],
        max_total=10 * sum(criterion.weight for criterion in criteria),
    )


# --- A partner's awards --------------------------------------------------------------------


@dataclass
class PartnerAwards:
    nominations: list[Nomination]  # of the partner, shown to its people
    made: list[Nomination]  # nominations the partner's people made
    wins: list[AwardRound]


def partner_awards(partner: Partner) -> PartnerAwards:
    """The partner's nominations (round, status; never the nominator or scores), those its
    people made, and its wins. Three queries."""
    nominations = list(
        Nomination.objects.filter(nominee=partner)
        .select_related("round__category", "round__winner")
        .order_by("-round__year", "-round__month", "pk")
    )
    made = list(
        Nomination.objects.filter(
            nominated_by__membership__partner=partner, nominator_kind=NominatorKind.PARTNERS
        )
        .select_related("round__category")
        .order_by("-round__year", "-round__month", "pk")
    )
    wins = list(
        announced_rounds().filter(winner__nominee=partner).order_by("-year", "-month", "pk")
    )
    return PartnerAwards(nominations=nominations, made=made, wins=wins)


def wins_of_partner(partner_id: int) -> QuerySet[AwardRound]:
    """The announced rounds a partner won (for its public profile)."""
    return announced_rounds().filter(winner__nominee_id=partner_id)


# --- The API's scopes ----------------------------------------------------------------------


def nominations_visible_to(viewer: Any) -> QuerySet[Nomination]:
    """Staff see every nomination; a partner's people those of their partner (without who
    nominated) and those they made; a juror the eligible nominations of the rounds they
    judge; the public none."""
    rows = Nomination.objects.select_related("round__category")
    if not getattr(viewer, "is_authenticated", False):
        return rows.none()
    if is_staff(viewer):
        return rows
    partners = Membership.objects.filter(
        Q(user=viewer) | Q(user__isnull=True, email__iexact=viewer.email)
    ).values("partner_id")
    return rows.filter(
        Q(nominee__in=partners)
        | Q(nominated_by=viewer)
        | Q(round__category__jurors=viewer, round__status__in=JURY_STATUSES, eligible=True)
    ).distinct()


def scores_visible_to(viewer: Any) -> QuerySet[Score]:
    """A juror's own scores, and every submitted score of the rounds they have submitted
    for; staff every submitted score of closed and announced rounds. Nobody else any."""
    rows = Score.objects.select_related("criterion", "juror", "nomination")
    if not getattr(viewer, "is_authenticated", False):
        return rows.none()
    scorer_submitted = Exists(
        JurorSubmission.objects.filter(round=OuterRef("nomination__round"), juror=OuterRef("juror"))
    )
    viewer_submitted = Exists(
        JurorSubmission.objects.filter(round=OuterRef("nomination__round"), juror=viewer)
    )
    # Never another juror's scores of a nomination of the viewer's own organisation.
    own_organisation = Q(nomination__nominee_id__in=excluded_partner_ids(viewer))
    visible = Q(juror=viewer) | (viewer_submitted & scorer_submitted & ~own_organisation)
    if is_staff(viewer):
        visible |= Q(nomination__round__status__in=RESULT_STATUSES) & scorer_submitted
    return rows.filter(visible)

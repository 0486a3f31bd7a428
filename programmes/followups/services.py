"""Opening, answering and chasing the annual follow-up."""

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import batched
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.configuration.models import ActivityKind, Programme, WheelActivity
from programmes.core.audit import audit_record
from programmes.core.tasks import enqueue_after_commit
from programmes.followups.models import FollowUp, FollowUpStatus, GoalProgress, ProgressStatus
from programmes.followups.notifications import CHUNK
from programmes.partners.models import Goal, GoalStatus, Partner, Stage
from programmes.partners.services import partners_delete_for_good

# A partner that signed less than this before the follow-up opens reports from next year:
# half a year is the least in which goals can show progress.
FIRST_FOLLOW_UP_AFTER = dt.timedelta(days=180)
# Without a report deadline in the programme, partners get six weeks to answer.
DEFAULT_ANSWER_TIME = dt.timedelta(days=42)
# Goals a follow-up asks about: those agreed and still running.
GOALS_TO_REPORT = (GoalStatus.APPROVED,)


def follow_up_month(programme: Programme) -> int | None:
    """The month the follow-up opens: the annual wheel's follow-up activity or, failing
    that, the month before the annual report is due. None: staff open it by hand."""
    month = (
        WheelActivity.objects.filter(kind=ActivityKind.FOLLOW_UP)
        .values_list("month", flat=True)
        .first()
    )
    if month is None and programme.report_due_month:
        month = (programme.report_due_month - 2) % 12 + 1
    return month


def answer_due_on(programme: Programme, opened_on: dt.date) -> dt.date:
    """The programme's report deadline next after opening (at least two weeks later), or
    six weeks after opening when the programme sets none."""
    if not programme.report_due_month:
        return opened_on + DEFAULT_ANSWER_TIME
    earliest = opened_on + dt.timedelta(days=14)
    for year in (earliest.year, earliest.year + 1):
        month = programme.report_due_month
        last_day = calendar.monthrange(year, month)[1]
        due = dt.date(year, month, min(programme.report_due_day or last_day, last_day))
        if due >= earliest:
            return due
    raise AssertionError("unreachable: a deadline within the next year always exists")


def followups_open(*, actor: Any, year: int, today: dt.date | None = None) -> list[FollowUp]:
    """Open ``year``'s follow-up for every active partner without one and e-mail their
    admins. Safe to repeat: partners that already have this year's follow-up are skipped."""
    today = today or timezone.localdate()
    programme = Programme.objects.get()
    partners = (
        Partner.objects.filter(stage=Stage.ACTIVE)
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=today - FIRST_FOLLOW_UP_AFTER))
        .exclude(follow_ups__year=year)
    )
    now = timezone.now()
    due_on = answer_due_on(programme, today)
    with transaction.atomic():
        FollowUp.objects.bulk_create(
            [
                FollowUp(partner=partner, year=year, opened_at=now, due_on=due_on)
                for partner in partners
            ],
            ignore_conflicts=True,  # a second worker opening the same year at once
        )
        opened = list(FollowUp.objects.filter(year=year, opened_at=now))
        if opened:
            audit_record(
                actor=actor,
                action="follow_ups.opened",
                data={"year": year, "count": len(opened), "due_on": due_on.isoformat()},
            )
            _enqueue_mails([follow_up.pk for follow_up in opened], "opened")
    return opened


def _enqueue_mails(follow_up_ids: Iterable[int], kind: str, number: int = 0) -> None:
    """Queue the e-mails in chunks, one task per ``notifications.CHUNK`` follow-ups."""
    from programmes.followups.tasks import notify_follow_ups

    for chunk in batched(follow_up_ids, CHUNK):
        enqueue_after_commit(notify_follow_ups, list(chunk), kind, number)


def followups_open_when_due(*, today: dt.date | None = None) -> int:
    """The worker's daily call: in the follow-up month, open the year's follow-ups (partners
    signed during the month get theirs on the following days)."""
    today = today or timezone.localdate()
    programme = Programme.objects.first()
    if programme is None or follow_up_month(programme) != today.month:
        return 0
    return len(followups_open(actor=None, year=today.year, today=today))


@dataclass(frozen=True)
class Chase:
    reminded: int
    flagged: int
    closed: int


def followups_remind(*, now: dt.datetime | None = None) -> Chase:
    """The worker's daily call: remind partners whose follow-up waits, every
    ``reminder_interval_days`` from one interval before the answer is due; after
    ``reminders_before_unresponsive`` unanswered reminders, flag the partner unresponsive
    for staff. Follow-ups of partners that have ended are closed."""
    now = now or timezone.now()
    programme = Programme.objects.get()
    interval = dt.timedelta(days=programme.reminder_interval_days)
    waited = now - interval
    with transaction.atomic():
        closed = FollowUp.objects.filter(status=FollowUpStatus.OPEN).exclude(
            partner__stage=Stage.ACTIVE
        )
        closed_count = closed.update(status=FollowUpStatus.CLOSED)
        due = (
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("partner")
            .filter(status=FollowUpStatus.OPEN)
            .filter(
                Q(last_reminded_at__lte=waited)
                # The first reminder comes one interval before the answer is due at the
                # earliest: a deadline months away is not chased from the first weeks.
                | Q(
                    last_reminded_at__isnull=True,
                    opened_at__lte=waited,
                    due_on__lte=(now + interval).date(),
                )
            )
        )
        reminded: list[tuple[int, int]] = []
        flagged: list[Partner] = []
        for follow_up in due:
            if follow_up.reminders_sent < programme.reminders_before_unresponsive:
                reminded.append((follow_up.pk, follow_up.reminders_sent + 1))
            elif not follow_up.partner.unresponsive:
                flagged.append(follow_up.partner)
        # One statement for all (the rows are locked above), not one save per follow-up.
        FollowUp.objects.filter(pk__in=[pk for pk, _number in reminded]).update(
            reminders_sent=F("reminders_sent") + 1, last_reminded_at=now
        )
        Partner.objects.filter(pk__in=[partner.pk for partner in flagged]).update(unresponsive=True)
        for partner in flagged:
            audit_record(
                actor=None,
                action="partner.flagged_unresponsive",
                target=partner,
                reason=ngettext(
                    "%(count)s follow-up reminder was not answered.",
                    "%(count)s follow-up reminders were not answered.",
                    programme.reminders_before_unresponsive,
                )
                % {"count": programme.reminders_before_unresponsive},
            )
        if reminded:
            audit_record(
                actor=None,
                action="follow_ups.reminded",
                data={"follow_ups": [pk for pk, _number in reminded]},
            )
            by_number: dict[int, list[int]] = defaultdict(list)
            for pk, number in reminded:
                by_number[number].append(pk)
            for number, pks in sorted(by_number.items()):
                _enqueue_mails(pks, "reminder", number)
    return Chase(reminded=len(reminded), flagged=len(flagged), closed=closed_count)


@dataclass(frozen=True)
class ProgressAnswer:
    goal_id: int
    status: str
    value_reached: Decimal | None = None
    comment: str = ""
    revised_target_value: Decimal | None = None
    revised_target_date: dt.date | None = None


def goals_to_report(follow_up: FollowUp) -> list[Goal]:
    return list(follow_up.partner.goals.filter(status__in=GOALS_TO_REPORT))


def followup_submit(
    *,
    actor: Any,
    follow_up: FollowUp,
    answers: list[ProgressAnswer],
    support_needed: str = "",
    new_goals: list[Goal] | tuple[Goal, ...] = (),
) -> FollowUp:
    """The partner answers its follow-up: progress on every running goal (achieved and
    dropped goals are closed, revised targets replace the old), new goals for the
    municipality to approve, and the support it needs. All or nothing."""
    with transaction.atomic():
        follow_up = (
            FollowUp.objects.select_for_update().select_related("partner").get(pk=follow_up.pk)
        )
        partner = follow_up.partner
        if follow_up.status != FollowUpStatus.OPEN or partner.stage != Stage.ACTIVE:
            raise ValidationError(_("This follow-up is no longer open for answers."))
        goals = {goal.pk: goal for goal in goals_to_report(follow_up)}
        errors = _progress_errors(goals, answers)
        for number, goal in enumerate(new_goals, start=1):
            goal.partner, goal.status = partner, GoalStatus.PROPOSED
            try:
                goal.full_clean()
            except ValidationError as error:
                errors[f"new_goal_{number}"] = [
                    f"{field}: {' '.join(messages)}"
                    for field, messages in error.message_dict.items()
                ]
        if errors:
            raise ValidationError(errors)
        GoalProgress.objects.bulk_create(
            GoalProgress(follow_up=follow_up, **vars(answer)) for answer in answers
        )
        for answer in answers:
            _apply_progress(goals[answer.goal_id], answer)
        for goal in new_goals:
            goal.save()
        follow_up.status = FollowUpStatus.SUBMITTED
        follow_up.submitted_at = timezone.now()
        follow_up.submitted_by = actor
        follow_up.support_needed = support_needed.strip()
        follow_up.save()
        if partner.unresponsive:
            Partner.objects.filter(pk=partner.pk).update(unresponsive=False)
        audit_record(
            actor=actor,
            action="follow_up.submitted",
            target=follow_up,
            data={
                "partner": partner.pk,
                "year": follow_up.year,
                "progress": {str(a.goal_id): a.status for a in answers},
                "new_goals": len(new_goals),
                "support_needed": bool(follow_up.support_needed),
            },
        )
    return follow_up


def follow_up_goal_approve(*, actor: Any, goal: Goal) -> Goal:
    """Staff approve a goal an active partner proposed with its follow-up; from then on the
    follow-up asks about it like any other."""
    with transaction.atomic():
        goal = Goal.objects.select_for_update().select_related("partner").get(pk=goal.pk)
        if goal.status != GoalStatus.PROPOSED or goal.partner.stage != Stage.ACTIVE:
            raise ValidationError(_("Only goals an active partner has proposed can be approved."))
        goal.status = GoalStatus.APPROVED
        goal.save(update_fields=["status"])
        audit_record(
            actor=actor, action="goal.approved", target=goal, data={"partner": goal.partner_id}
        )
    return goal


def _progress_errors(goals: dict[int, Goal], answers: list[ProgressAnswer]) -> dict[str, list]:
    errors: dict[str, list[str]] = {}
    answered = {answer.goal_id for answer in answers}
    for goal_id in goals.keys() - answered:
        errors[f"goal_{goal_id}"] = [_("Tell how this goal is going.")]
    today = timezone.localdate()
    for answer in answers:
        key = f"goal_{answer.goal_id}"
        if answer.goal_id not in goals:
            errors[key] = [_("This goal is not part of the follow-up.")]
        elif answer.status not in ProgressStatus.values:
            errors[key] = [_("Choose how the goal is going.")]
        elif answer.revised_target_date and answer.revised_target_date < today:
            errors[key] = [_("A revised target date must lie in the future.")]
    return errors


def _apply_progress(goal: Goal, answer: ProgressAnswer) -> None:
    changed: list[str] = []
    if answer.status == ProgressStatus.ACHIEVED:
        goal.status = GoalStatus.ACHIEVED
        changed.append("status")
    elif answer.status == ProgressStatus.DROPPED:
        goal.status = GoalStatus.DROPPED
        changed.append("status")
    if answer.revised_target_value is not None:
        goal.target_value = answer.revised_target_value
        changed.append("target_value")
    if answer.revised_target_date is not None:
        goal.target_date = answer.revised_target_date
        changed.append("target_date")
    if changed:
        goal.save(update_fields=changed)


def partners_purge_expired(*, today: dt.date | None = None) -> int:
    """Delete partners that ended longer ago than the programme keeps their data, with
    everything that hangs off them and the accounts of their people. The audit trail keeps
    that it happened (ids only: no personal data after the retention period)."""
    today = today or timezone.localdate()
    programme = Programme.objects.first()
    if programme is None:
        return 0
    cutoff = _years_before(today, programme.retention_years)
    with transaction.atomic():
        expired = list(
            Partner.objects.filter(stage=Stage.ENDED, ended_at__date__lt=cutoff).values_list(
                "pk", flat=True
            )
        )
        if not expired:
            return 0
        partners_delete_for_good(partner_ids=expired)
        audit_record(
            actor=None,
            action="partners.purged",
            data={"partners": expired, "retention_years": programme.retention_years},
        )
    return len(expired)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)

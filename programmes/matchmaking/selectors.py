"""Reading matchmaking: who may do what, the solver's input, schedules and round times.

Every page reads a fixed number of queries whatever the number of partners and meetings.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from programmes.matchmaking.models import Meeting, Profile, Session, Tag
from programmes.matchmaking.solver import Participant, pair_key
from programmes.partners.models import Partner, Stage
from programmes.partners.selectors import partners_visible_to
from programmes.people.models import STAFF_ROLES


def is_staff(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.role in STAFF_ROLES)


def can_edit_profile(viewer: Any, partner: Partner) -> bool:
    """Staff edit every partner's profile; a partner admin its own partner's."""
    if is_staff(viewer):
        return True
    return (
        getattr(viewer, "is_authenticated", False)
        and viewer.role == "partner_admin"
        and partners_visible_to(viewer).filter(pk=partner.pk).exists()
    )


def tags_in_use() -> QuerySet[Tag]:
    return Tag.objects.filter(is_active=True)


def profile_of(partner: Partner) -> Profile | None:
    """The partner's profile with its tags and "do not match" partners (four queries)."""
    return (
        Profile.objects.filter(partner=partner)
        .prefetch_related("offers", "seeks", "interests", "do_not_match")
        .first()
    )


def profiles_visible_to(viewer: Any) -> QuerySet[Profile]:
    return Profile.objects.filter(partner__in=partners_visible_to(viewer)).select_related("partner")


# --- Sessions and their participants ------------------------------------------------------


def get_session(pk: int) -> Session:
    """A session of this programme (staff pages check the role first)."""
    session = Session.objects.filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def session_participants(session: Session) -> QuerySet[Partner]:
    """The session's chosen participants, or, when none are chosen, every active partner
    with a matchmaking profile."""
    if session.pk:
        chosen = session.participants.order_by("name", "pk")
        if chosen.exists():
            return chosen
    return Partner.objects.filter(stage=Stage.ACTIVE, matchmaking_profile__isnull=False).order_by(
        "name", "pk"
    )


@dataclass(frozen=True)
class SolverInput:
    participants: list[Participant]
    forbidden: list[tuple[int, int]]


def solver_input(partner_ids: list[int]) -> SolverInput:
    """The profiles of ``partner_ids`` as the solver takes them (tag ids), and every "do
    not match" wish among them, whichever side made it. Five queries for any number."""
    tags: dict[str, dict[int, set[int]]] = {}
    for name in ("offers", "seeks", "interests"):
        through = getattr(Profile, name).through
        rows: dict[int, set[int]] = defaultdict(set)
        for partner_id, tag_id in through.objects.filter(
            profile__partner_id__in=partner_ids
        ).values_list("profile__partner_id", "tag_id"):
            rows[partner_id].add(tag_id)
        tags[name] = rows
    wishes = Profile.do_not_match.through.objects.filter(
        profile__partner_id__in=partner_ids, partner_id__in=partner_ids
    ).values_list("profile__partner_id", "partner_id")
    return SolverInput(
        participants=[
            Participant(
                id=pid,
                offers=frozenset(tags["offers"].get(pid, ())),
                seeks=frozenset(tags["seeks"].get(pid, ())),
                interests=frozenset(tags["interests"].get(pid, ())),
            )
            for pid in partner_ids
        ],
        forbidden=sorted({pair_key(a, b) for a, b in wishes if a != b}),
    )


def sessions_for_staff() -> QuerySet[Session]:
    from django.db.models import Count

    return Session.objects.annotate(meeting_count=Count("meetings"))


def sessions_of_partner(partner: Partner) -> QuerySet[Session]:
    """The sessions the partner has a meeting in, the latest first."""
    mine = Meeting.objects.filter(
        Q(partner_a=partner) | Q(partner_b=partner), session=OuterRef("pk")
    )
    return Session.objects.filter(Exists(mine))


def get_session_of_partner(partner: Partner, pk: int) -> Session:
    """One of the partner's sessions; the same 404 whether missing or not the partner's."""
    session = sessions_of_partner(partner).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


# --- Schedules ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundTime:
    number: int
    starts: dt.time
    ends: dt.time


def round_times(session: Session) -> list[RoundTime]:
    """When each round starts and ends: the meetings follow each other with the break."""
    start = dt.datetime.combine(session.date, session.starts_at)
    step = dt.timedelta(minutes=session.meeting_minutes + session.break_minutes)
    length = dt.timedelta(minutes=session.meeting_minutes)
    return [
        RoundTime(
            number=number,
            starts=(start + step * (number - 1)).time(),
            ends=(start + step * (number - 1) + length).time(),
        )
        for number in range(1, session.rounds + 1)
    ]


@dataclass
class ScheduleRound:
    time: RoundTime
    meetings: list[Meeting]
    free: list[Partner]  # participants without a meeting in this round


def schedule_of(session: Session) -> list[ScheduleRound]:
    """The whole schedule by round, with who sits out each round (two queries)."""
    meetings = list(
        session.meetings.select_related("partner_a", "partner_b").order_by("round", "table")
    )
    participants = list(session_participants(session).only("pk", "name"))
    by_round: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        by_round[meeting.round].append(meeting)
    rows = []
    for time in round_times(session):
        seated = {m.partner_a_id for m in by_round[time.number]} | {
            m.partner_b_id for m in by_round[time.number]
        }
        rows.append(
            ScheduleRound(
                time=time,
                meetings=by_round[time.number],
                free=[p for p in participants if p.pk not in seated],
            )
        )
    return rows


@dataclass(frozen=True)
class PersonalMeeting:
    time: RoundTime
    table: int | None  # None: a free round
    other: Partner | None
    other_profile: Profile | None
    score: int


def personal_schedule(session: Session, partner: Partner) -> list[PersonalMeeting]:
    """The partner's rounds in order: whom it meets at which table, and its free rounds,
    with the other partner's offers and needs (five queries)."""
    meetings = list(
        Meeting.objects.filter(session=session, partner_a=partner).select_related("partner_b")
    ) + list(Meeting.objects.filter(session=session, partner_b=partner).select_related("partner_a"))
    others = {m.partner_b_id if m.partner_a_id == partner.pk else m.partner_a_id for m in meetings}
    profiles = {
        profile.partner_id: profile
        for profile in Profile.objects.filter(partner_id__in=others).prefetch_related(
            "offers", "seeks"
        )
    }
    by_round = {m.round: m for m in meetings}
    rows = []
    for time in round_times(session):
        meeting = by_round.get(time.number)
        if meeting is None:
            rows.append(PersonalMeeting(time, None, None, None, 0))
            continue
        other = meeting.partner_b if meeting.partner_a_id == partner.pk else meeting.partner_a
        rows.append(
            PersonalMeeting(time, meeting.table, other, profiles.get(other.pk), meeting.score)
        )
    return rows

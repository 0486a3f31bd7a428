"""Changing matchmaking: the tag list, profiles, sessions, computing and adjusting a
schedule, and sending each partner its personal schedule.

Every service is keyword-only, runs in one transaction, is audited, and refuses bad input
with a translated ``ValidationError`` before it changes anything. The schedule's rules are
those of ``solver.py``: a hand adjustment is checked against the same ones (one meeting
per partner and round, no pair twice, no "do not match" pair, one meeting per table, the
round and table within the session), except that staff may book a pair with nothing in
common (score 0).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.core.audit import audit_record
from programmes.core.tasks import enqueue_after_commit
from programmes.matchmaking import selectors, solver
from programmes.matchmaking.models import Meeting, Profile, Session, Tag
from programmes.partners.models import Partner
from programmes.partners.selectors import partner_mail_addresses
from programmes.people.models import Role

MAX_ROUNDS = 20
MAX_TABLES = 500
MAX_TEXT = 2000


def _require_staff(actor: Any) -> None:
    if actor is not None and not selectors.is_staff(actor):
        raise PermissionDenied


def _clean(instance: Any, exclude: Iterable[str] = ()) -> dict[str, list[str]]:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as error:
        return dict(error.message_dict)
    return {}


# --- Tags ----------------------------------------------------------------------------------


def tag_save(*, actor: Any, tag: Tag) -> Tag:
    """Add or edit a tag of the programme's list (staff). The name is needed at least in
    the tenant's primary language."""
    _require_staff(actor)
    errors = _clean(tag)
    if errors:
        raise ValidationError(errors)
    created = tag.pk is None
    with transaction.atomic():
        tag.save()
        audit_record(
            actor=actor,
            action="matchmaking.tag_created" if created else "matchmaking.tag_updated",
            target=tag,
            data={"name": tag.name, "is_active": tag.is_active},
        )
    return tag


# --- Profiles ------------------------------------------------------------------------------


def profile_save(
    *,
    actor: Any,
    partner: Partner,
    offers: Iterable[Tag],
    seeks: Iterable[Tag],
    interests: Iterable[Tag],
    offers_text: str = "",
    seeks_text: str = "",
    do_not_match: Iterable[Partner] = (),
) -> Profile:
    """Create or replace the partner's profile (its admin, or staff). Tags must be in use,
    or already on the profile in the same list (a tag retired since stays); the partner
    cannot refuse to meet itself."""
    if actor is not None and not selectors.can_edit_profile(actor, partner):
        raise PermissionDenied
    profile = Profile.objects.filter(partner=partner).first() or Profile(partner=partner)
    chosen = {"offers": list(offers), "seeks": list(seeks), "interests": list(interests)}
    avoided = list(do_not_match)
    errors: dict[str, list[str]] = {}
    for name, tags in chosen.items():
        kept = set(getattr(profile, name).values_list("pk", flat=True)) if profile.pk else set()
        if any(not tag.is_active and tag.pk not in kept for tag in tags):
            errors[name] = [_("Choose tags from the programme's list.")]
    if any(other.pk == partner.pk for other in avoided):
        errors["do_not_match"] = [_("An organisation is never matched with itself.")]
    for name, text in (("offers_text", offers_text), ("seeks_text", seeks_text)):
        if len(text.strip()) > MAX_TEXT:
            errors[name] = [_("Write at most %(count)s characters.") % {"count": MAX_TEXT}]
    if errors:
        raise ValidationError(errors)
    created = profile.pk is None
    with transaction.atomic():
        profile.offers_text = offers_text.strip()
        profile.seeks_text = seeks_text.strip()
        profile.save()
        for name, tags in chosen.items():
            getattr(profile, name).set(tags)
        profile.do_not_match.set(avoided)
        audit_record(
            actor=actor,
            action="matchmaking.profile_created" if created else "matchmaking.profile_updated",
            target=profile,
            data={
                "partner": partner.pk,
                **{name: sorted(tag.pk for tag in tags) for name, tags in chosen.items()},
                "do_not_match": sorted(other.pk for other in avoided),
            },
        )
    return profile


# --- Sessions ------------------------------------------------------------------------------


def session_save(
    *, actor: Any, session: Session, participants: Iterable[Partner] | None = None
) -> Session:
    """Add or edit a session (staff). ``participants``: the partners taking part (empty:
    every active partner with a profile); None keeps them. A session whose schedule uses
    a round or table it would no longer have is refused: recompute or move those first."""
    _require_staff(actor)
    errors = _clean(session, exclude=["participants", "version", "computed_at"])
    limits = (
        ("rounds", 1, MAX_ROUNDS),
        ("tables", 1, MAX_TABLES),
        ("meeting_minutes", 5, 240),
        ("break_minutes", 0, 120),
    )
    for name, low, high in limits:
        value = getattr(session, name)
        if value is not None and not low <= value <= high and name not in errors:
            errors[name] = [
                _("Give a number from %(low)s to %(high)s.") % {"low": low, "high": high}
            ]
    if session.pk and not errors:
        outside = session.meetings.filter(Q(round__gt=session.rounds) | Q(table__gt=session.tables))
        if outside.exists():
            errors.setdefault("rounds", []).append(
                _(
                    "The schedule has meetings in a round or at a table the session would "
                    "no longer have. Compute the schedule again or move them first."
                )
            )
    if errors:
        raise ValidationError(errors)
    created = session.pk is None
    with transaction.atomic():
        session.save()
        if participants is not None:
            session.participants.set(list(participants))
        audit_record(
            actor=actor,
            action="matchmaking.session_created" if created else "matchmaking.session_updated",
            target=session,
            data={
                "title": session.title,
                "date": session.date.isoformat(),
                "rounds": session.rounds,
                "tables": session.tables,
                "meeting_minutes": session.meeting_minutes,
                "participants": sorted(session.participants.values_list("pk", flat=True)),
            },
        )
    return session


# --- The schedule --------------------------------------------------------------------------


def schedule_compute(*, actor: Any, session: Session) -> int:
    """Compute the session's schedule (``solver.solve``), replacing every meeting, hand
    adjustments included. Returns the number of meetings."""
    _require_staff(actor)
    partner_ids = sorted(selectors.session_participants(session).values_list("pk", flat=True))
    data = selectors.solver_input(partner_ids)
    schedule = solver.solve(
        data.participants,
        rounds=session.rounds,
        tables=session.tables,
        forbidden=data.forbidden,
        seed=session.pk,
    )
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        session.meetings.all().delete()
        Meeting.objects.bulk_create(
            Meeting(
                session=session,
                round=number,
                table=table,
                partner_a_id=a,
                partner_b_id=b,
                score=score,
            )
            for number, meetings in enumerate(schedule.rounds, start=1)
            for table, (a, b, score) in enumerate(meetings, start=1)
        )
        session.version = F("version") + 1
        session.computed_at = timezone.now()
        session.save(update_fields=["version", "computed_at"])
        audit_record(
            actor=actor,
            action="matchmaking.schedule_computed",
            target=session,
            data={
                "participants": len(partner_ids),
                "meetings": schedule.meetings,
                "score": schedule.total,
                "forbidden_pairs": len(data.forbidden),
            },
        )
    return schedule.meetings


@dataclass
class _Slot:
    pk: int | None
    round: int
    table: int
    a: int
    b: int


def _check(session: Session, slots: list[_Slot], changed: list[_Slot]) -> None:
    """Refuse ``changed`` (already placed in ``slots``, the whole schedule after the change)
    when it breaks a rule, with one translated message per problem."""
    names = dict(
        Partner.objects.filter(pk__in={p for s in changed for p in (s.a, s.b)}).values_list(
            "pk", "name"
        )
    )
    problems: list[str] = []
    for slot in changed:
        if not 1 <= slot.round <= session.rounds:
            problems.append(
                _("There is no round %(round)s: the session has %(rounds)s rounds.")
                % {"round": slot.round, "rounds": session.rounds}
            )
        if not 1 <= slot.table <= session.tables:
            problems.append(
                _("There is no table %(table)s: the session has %(tables)s tables.")
                % {"table": slot.table, "tables": session.tables}
            )
        if slot.a == slot.b:
            problems.append(_("An organisation cannot meet itself."))
            continue
        for other in slots:
            if other is slot:
                continue
            if other.round == slot.round and other.table == slot.table:
                problems.append(
                    _("Table %(table)s is taken in round %(round)s.")
                    % {"table": slot.table, "round": slot.round}
                )
            if other.round == slot.round:
                for person in {slot.a, slot.b} & {other.a, other.b}:
                    problems.append(
                        _("%(name)s already has a meeting in round %(round)s.")
                        % {"name": names.get(person, person), "round": slot.round}
                    )
            if {other.a, other.b} == {slot.a, slot.b}:
                problems.append(
                    _("%(a)s and %(b)s already meet in round %(round)s.")
                    % {"a": names[slot.a], "b": names[slot.b], "round": other.round}
                )
        avoided = Profile.do_not_match.through.objects.filter(
            Q(profile__partner_id=slot.a, partner_id=slot.b)
            | Q(profile__partner_id=slot.b, partner_id=slot.a)
        )
        if avoided.exists():
            problems.append(
                _("%(a)s and %(b)s are not to be matched (a “do not match” wish).")
                % {"a": names[slot.a], "b": names[slot.b]}
            )
    if problems:
        raise ValidationError(list(dict.fromkeys(problems)))


def _slots(session: Session) -> list[_Slot]:
    return [
        _Slot(pk, number, table, a, b)
        for pk, number, table, a, b in session.meetings.values_list(
            "pk", "round", "table", "partner_a_id", "partner_b_id"
        )
    ]


def _locked(session: Session) -> Session:
    """The session, locked: two staff adjusting at once are served one after the other."""
    return Session.objects.select_for_update().get(pk=session.pk)


def _changed(*, actor: Any, session: Session, action: str, data: dict[str, Any]) -> None:
    Session.objects.filter(pk=session.pk).update(version=F("version") + 1)
    audit_record(actor=actor, action=f"matchmaking.{action}", target=session, data=data)


def meeting_move(*, actor: Any, meeting: Meeting, round: int, table: int) -> Meeting:
    """Move a meeting to another round and/or table."""
    _require_staff(actor)
    with transaction.atomic():
        session = _locked(meeting.session)
        slots = _slots(session)
        slot = next(s for s in slots if s.pk == meeting.pk)
        before = (slot.round, slot.table)
        slot.round, slot.table = round, table
        _check(session, slots, [slot])
        Meeting.objects.filter(pk=meeting.pk).update(
            round=round, table=table, adjusted_by_hand=True
        )
        _changed(
            actor=actor,
            session=session,
            action="meeting_moved",
            data={"meeting": meeting.pk, "from": before, "to": (round, table)},
        )
    meeting.refresh_from_db()
    return meeting


def meeting_swap(*, actor: Any, meeting: Meeting, other: Meeting) -> None:
    """Exchange the round and table of two meetings of a session."""
    _require_staff(actor)
    if other.session_id != meeting.session_id or other.pk == meeting.pk:
        raise ValidationError(_("Choose another meeting of the same session."))
    with transaction.atomic():
        session = _locked(meeting.session)
        slots = _slots(session)
        first = next(s for s in slots if s.pk == meeting.pk)
        second = next(s for s in slots if s.pk == other.pk)
        first.round, second.round = second.round, first.round
        first.table, second.table = second.table, first.table
        _check(session, slots, [first, second])
        for slot in (first, second):
            Meeting.objects.filter(pk=slot.pk).update(
                round=slot.round, table=slot.table, adjusted_by_hand=True
            )
        _changed(
            actor=actor,
            session=session,
            action="meetings_swapped",
            data={"meetings": [meeting.pk, other.pk]},
        )


def meeting_delete(*, actor: Any, meeting: Meeting) -> None:
    _require_staff(actor)
    with transaction.atomic():
        session = _locked(meeting.session)
        data = {
            "round": meeting.round,
            "table": meeting.table,
            "partners": [meeting.partner_a_id, meeting.partner_b_id],
        }
        meeting.delete()
        _changed(actor=actor, session=session, action="meeting_deleted", data=data)


def meeting_add(
    *, actor: Any, session: Session, round: int, table: int, partner_a: Partner, partner_b: Partner
) -> Meeting:
    """Book a meeting by hand. Both partners must take part in the session; a pair with
    nothing in common (score 0) may be booked."""
    _require_staff(actor)
    taking_part = selectors.session_participants(session).filter(
        pk__in=[partner_a.pk, partner_b.pk]
    )
    if taking_part.count() != len({partner_a.pk, partner_b.pk}):
        raise ValidationError(_("Both organisations must take part in the session."))
    a, b = solver.pair_key(partner_a.pk, partner_b.pk)
    with transaction.atomic():
        session = _locked(session)
        slots = _slots(session)
        slot = _Slot(None, round, table, a, b)
        slots.append(slot)
        _check(session, slots, [slot])
        data = selectors.solver_input([a, b])
        score = solver.pair_score(data.participants[0], data.participants[1]) if a != b else 0
        meeting = Meeting.objects.create(
            session=session,
            round=round,
            table=table,
            partner_a_id=a,
            partner_b_id=b,
            score=score,
            adjusted_by_hand=True,
        )
        _changed(
            actor=actor,
            session=session,
            action="meeting_added",
            data={"meeting": meeting.pk, "round": round, "table": table, "partners": [a, b]},
        )
    return meeting


# --- Sending the personal schedules --------------------------------------------------------


def schedule_send_request(*, actor: Any, session: Session) -> None:
    """Queue the e-mails of the session's personal schedules (the worker sends them)."""
    _require_staff(actor)
    from programmes.matchmaking import tasks

    if not session.meetings.exists():
        raise ValidationError(_("Compute the schedule first."))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="matchmaking.schedule_send_requested",
            target=session,
            data={"version": session.version},
        )
        enqueue_after_commit(tasks.send_schedule, session.pk)


def schedule_send(*, actor: Any, session: Session) -> int:
    """E-mail each partner with a meeting its personal schedule, PDF attached, in the
    partner's language, to its people with an account (else its main contacts). Each
    e-mail is keyed by session, version, partner and address: sending again sends only
    what changed since. Returns how many e-mails went out now."""
    _require_staff(actor)
    from programmes.core.models import SentMail
    from programmes.matchmaking.notifications import schedule_mail

    session.refresh_from_db()
    pairs = session.meetings.values_list("partner_a_id", "partner_b_id")
    partner_ids = {p for pair in pairs for p in pair}
    addresses = partner_mail_addresses(partner_ids, roles=(Role.PARTNER_ADMIN, Role.PARTNER_MEMBER))
    keys = {
        (pid, address): f"matchmaking:{session.pk}:v{session.version}:{pid}:{address}"
        for pid, emails in addresses.items()
        for address in emails
    }
    done = set(SentMail.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    sent = 0
    for partner in Partner.objects.filter(pk__in=partner_ids).order_by("pk"):
        waiting = {
            address: key
            for (pid, address), key in keys.items()
            if pid == partner.pk and key not in done
        }
        if waiting:
            sent += schedule_mail(session=session, partner=partner, keys=waiting)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="matchmaking.schedule_sent",
            target=session,
            data={"version": session.version, "sent": sent},
        )
    return sent

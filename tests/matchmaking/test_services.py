"""Matchmaking services: computing the schedule with the profiles' wishes, hand adjustments
checked against the same rules (a refusal changes nothing), profiles, sessions, e-mails."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django_tenants.utils import tenant_context

from programmes.core.models import AuditEvent
from programmes.matchmaking import selectors, services, solver
from programmes.matchmaking.models import Meeting, Profile, Session, Tag
from programmes.matchmaking.templatetags.matchmaking import time_local
from tests.conftest import World
from tests.matchmaking.conftest import make_matchmaking


def _state(session: Session) -> list[tuple]:
    return sorted(
        session.meetings.values_list(
            "round", "table", "partner_a_id", "partner_b_id", "adjusted_by_hand"
        )
    )


def test_the_computed_schedule_keeps_the_rules_and_pairs_complements(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        world = make_matchmaking(alpha)
        session = world.session
        rounds = [
            [(m.partner_a_id, m.partner_b_id) for m in session.meetings.filter(round=number)]
            for number in range(1, session.rounds + 1)
        ]
        assert solver.schedule_violations(rounds, tables=session.tables) == []
        # Solar offers what the other seeks and the reverse, and both like food: 3 + 3 + 1.
        pair = sorted([world.partner.pk, world.other.pk])
        assert session.meetings.get(partner_a_id=pair[0], partner_b_id=pair[1]).score == 7
        # The extra partners complement each other on three tags and a shared interest.
        first = session.meetings.get(round=1, table=1)
        assert {first.partner_a_id, first.partner_b_id} == {p.pk for p in world.extra}
        assert first.score == 10
        session.refresh_from_db()
        assert session.version == 1 and session.computed_at is not None
        assert AuditEvent.objects.filter(action="matchmaking.schedule_computed").exists()


def test_a_do_not_match_wish_is_respected_from_either_side(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        world = make_matchmaking(alpha, compute=False)
        profile = Profile.objects.get(partner=world.other)
        services.profile_save(
            actor=None,
            partner=world.other,
            offers=list(profile.offers.all()),
            seeks=list(profile.seeks.all()),
            interests=list(profile.interests.all()),
            do_not_match=[world.partner],
        )
        services.schedule_compute(actor=None, session=world.session)
        pairs = {
            frozenset(pair)
            for pair in world.session.meetings.values_list("partner_a_id", "partner_b_id")
        }
        assert frozenset({world.partner.pk, world.other.pk}) not in pairs
        assert pairs  # the others still meet


def test_moving_swapping_adding_and_deleting_meetings(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        world = make_matchmaking(alpha)
        admin = alpha.users["municipal_admin"]
        session = world.session
        meeting = session.meetings.get(round=1, table=1)
        # Round 3 is free of the first pair? move it to a free table of a round where
        # neither partner meets anyone: make one by deleting.
        blocking = list(
            session.meetings.filter(round=3).values_list("pk", "partner_a_id", "partner_b_id")
        )
        for pk, _a, _b in blocking:
            services.meeting_delete(actor=admin, meeting=Meeting.objects.get(pk=pk))
        moved = services.meeting_move(actor=admin, meeting=meeting, round=3, table=2)
        assert (moved.round, moved.table, moved.adjusted_by_hand) == (3, 2, True)

        other = session.meetings.exclude(pk=meeting.pk).order_by("round", "table").first()
        services.meeting_swap(actor=admin, meeting=meeting, other=other)
        meeting.refresh_from_db()
        assert (meeting.round, meeting.table) == (other.round, other.table)

        session.refresh_from_db()
        assert session.version > 1
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {
            "matchmaking.meeting_deleted",
            "matchmaking.meeting_moved",
            "matchmaking.meetings_swapped",
        } <= actions


@pytest.mark.parametrize(
    "change",
    ["double_booking", "taken_table", "no_such_round", "no_such_table", "repeat", "forbidden"],
)
def test_a_hand_adjustment_that_breaks_a_rule_is_refused_and_changes_nothing(
    alpha: World, change: str
) -> None:
    with tenant_context(alpha.tenant):
        world = make_matchmaking(alpha)
        admin = alpha.users["municipal_admin"]
        session = world.session
        first = session.meetings.get(round=1, table=1)
        second = session.meetings.filter(round=2).first()
        before = _state(session)
        version = Session.objects.get(pk=session.pk).version
        events = AuditEvent.objects.count()
        translation.activate("da")
        with pytest.raises(ValidationError) as refused:
            if change == "double_booking":
                # first's partners meet someone in round 2 already.
                services.meeting_move(actor=admin, meeting=first, round=2, table=2)
            elif change == "taken_table":
                services.meeting_add(
                    actor=admin,
                    session=session,
                    round=second.round,
                    table=second.table,
                    partner_a=world.extra[0],
                    partner_b=world.extra[1],
                )
            elif change == "no_such_round":
                services.meeting_move(actor=admin, meeting=first, round=9, table=1)
            elif change == "no_such_table":
                services.meeting_move(actor=admin, meeting=first, round=1, table=3)
            elif change == "repeat":
                session.meetings.filter(round=3).delete()
                before = _state(session)
                services.meeting_add(
                    actor=admin,
                    session=session,
                    round=3,
                    table=1,
                    partner_a=first.partner_a,
                    partner_b=first.partner_b,
                )
            else:
                Profile.objects.get(partner=world.extra[0]).do_not_match.add(world.extra[1])
                session.meetings.filter(round=3).delete()
                before = _state(session)
                services.meeting_add(
                    actor=admin,
                    session=session,
                    round=3,
                    table=1,
                    partner_a=world.extra[1],
                    partner_b=world.extra[0],
                )
        translation.deactivate()
        assert refused.value.messages
        assert _state(session) == before
        assert Session.objects.get(pk=session.pk).version == version
        assert AuditEvent.objects.count() == events


def test_adjustments_and_computing_are_for_staff_only(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        world = make_matchmaking(alpha)
        meeting = world.session.meetings.first()
        for persona in ("partner_admin", "partner_member"):
            user = alpha.users[persona]
            with pytest.raises(PermissionDenied):
                services.schedule_compute(actor=user, session=world.session)
            with pytest.raises(PermissionDenied):
                services.meeting_delete(actor=user, meeting=meeting)
            with pytest.raises(PermissionDenied):
                services.session_save(actor=user, session=world.session)
            with pytest.raises(PermissionDenied):
                services.tag_save(actor=user, tag=Tag(name={"da": "x"}))
        assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_partner_admin_edits_its_own_profile_only(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        world = make_matchmaking(alpha, compute=False)
        admin = alpha.users["partner_admin"]
        services.profile_save(
            actor=admin,
            partner=world.partner,
            offers=[world.tags["waste"]],
            seeks=[],
            interests=[],
            do_not_match=[world.other],
        )
        profile = selectors.profile_of(world.partner)
        assert [t.pk for t in profile.offers.all()] == [world.tags["waste"].pk]
        assert [p.pk for p in profile.do_not_match.all()] == [world.other.pk]
        with pytest.raises(PermissionDenied):
            services.profile_save(
                actor=admin, partner=world.other, offers=[], seeks=[], interests=[]
            )
        with pytest.raises(PermissionDenied):
            services.profile_save(
                actor=alpha.users["partner_member"],
                partner=world.partner,
                offers=[],
                seeks=[],
                interests=[],
            )


def test_bad_profile_input_changes_nothing(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        world = make_matchmaking(alpha, compute=False)
        retired = Tag.objects.create(name={"da": "retired"}, is_active=False)
        before = list(Profile.objects.get(partner=world.partner).offers.values_list("pk"))
        for bad in (
            {"offers": [retired]},
            {"offers": [], "do_not_match": [world.partner]},
            {"offers": [], "offers_text": "x" * 3000},
        ):
            with pytest.raises(ValidationError):
                services.profile_save(
                    actor=None,
                    partner=world.partner,
                    seeks=[],
                    interests=[],
                    **bad,
                )
        profile = Profile.objects.get(partner=world.partner)
        assert list(profile.offers.values_list("pk")) == before
        assert profile.do_not_match.count() == 0


def test_a_session_needs_sane_numbers_and_keeps_its_schedule_inside(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        world = make_matchmaking(alpha)
        session = Session.objects.get(pk=world.session.pk)
        for name, value in (("rounds", 0), ("tables", 0), ("meeting_minutes", 1)):
            fresh = Session.objects.get(pk=session.pk)
            setattr(fresh, name, value)
            with pytest.raises(ValidationError) as refused:
                services.session_save(actor=None, session=fresh)
            assert name in refused.value.message_dict
        fresh = Session.objects.get(pk=session.pk)
        fresh.tables = 1  # the schedule uses table 2
        with pytest.raises(ValidationError):
            services.session_save(actor=None, session=fresh)
        assert Session.objects.get(pk=session.pk).tables == 2


def test_each_partner_gets_its_schedule_with_the_pdf_once_per_version(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        world = make_matchmaking(alpha)
        mail.outbox.clear()
        sent = services.schedule_send(actor=None, session=world.session)
        # The first partner has an admin and a member, the other partner one member; the
        # extra partners have no people and no main contact.
        addresses = sorted(message.to[0] for message in mail.outbox)
        assert sent == 3
        assert addresses == sorted(
            [
                alpha.email("partner_admin"),
                alpha.email("partner_member"),
                alpha.email("other_partner_member"),
            ]
        )
        message = next(m for m in mail.outbox if m.to == [alpha.email("partner_admin")])
        assert message.extra_headers["Content-Language"] == world.partner.language
        assert alpha.marker in message.subject
        _name, content, mimetype = message.attachments[0]
        assert mimetype == "application/pdf" and content.startswith(b"%PDF")
        with translation.override(world.partner.language):
            nine = time_local(dt.time(9, 0))  # Babel: 09.00 in Danish, 09:00 in Swedish
            line = translation.gettext("Round %(number)s, %(starts)s, table %(table)s: %(other)s")
        # The e-mail is in the partner's language: "Runde 1, 09.00, bord …" in Danish.
        assert line.split("%(table)s")[0] % {"number": 1, "starts": nine} in message.body

        assert services.schedule_send(actor=None, session=world.session) == 0  # same version
        services.meeting_delete(actor=None, meeting=world.session.meetings.first())
        assert services.schedule_send(actor=None, session=world.session) > 0  # changed


def test_staff_ask_the_worker_to_send_and_it_sends(
    alpha: World, settings, django_capture_on_commit_callbacks
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with tenant_context(alpha.tenant):
        world = make_matchmaking(alpha)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.schedule_send_request(
                actor=alpha.users["municipal_staff"], session=world.session
            )
        assert len(mail.outbox) == 3
        empty = services.session_save(
            actor=None,
            session=Session(
                title={"da": "empty"}, date=world.session.date, starts_at=dt.time(10, 0)
            ),
        )
        with pytest.raises(ValidationError):
            services.schedule_send_request(actor=None, session=empty)

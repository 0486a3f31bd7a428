"""The iCalendar output, parsed back with icalendar: the tenant's feed, a person's feed by
its secret link, and the invitation attached to the confirmation e-mail."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.events import services
from programmes.events.models import Event
from tests.conftest import World, client_for
from tests.events.conftest import make_event, register


def _parse(content: bytes | str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(content)


def _events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(vevent["summary"]): vevent for vevent in calendar.walk("VEVENT")}


def test_the_tenant_feed_has_the_published_events_in_the_tenants_time_zone(
    alpha: World, beta: World, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        shown = make_event(alpha, title={"da": "ALPHA-MARKER shown"}, capacity=30)
        make_event(
            alpha,
            title={"da": "ALPHA-MARKER cancelled"},
            cancelled_at=timezone.now(),
            cancellation_reason="ALPHA-MARKER storm",
            sequence=1,
        )
        make_event(alpha, title={"da": "ALPHA-MARKER hidden"}, published=False)
        make_event(alpha, title={"da": "ALPHA-MARKER long ago"}, days=-500)
        online = make_event(
            alpha,
            title={"da": "ALPHA-MARKER online"},
            place="",
            online_url="https://meet.example/x",
        )
    with tenant_context(beta.tenant):
        make_event(beta, title={"sv": "BETA-MARKER event"})
    with django_assert_max_num_queries(4):  # routing (3) and the events
        response = client_for(alpha).get("/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"BETA-MARKER" not in response.content
    calendar = _parse(response.content)
    assert calendar["version"] == "2.0" and calendar["prodid"]
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    events = _events(calendar)
    assert set(events) == {"ALPHA-MARKER shown", "ALPHA-MARKER cancelled", "ALPHA-MARKER online"}
    vevent = events["ALPHA-MARKER shown"]
    assert vevent["dtstart"].params["TZID"] == "Europe/Copenhagen"
    start = vevent.decoded("dtstart")
    assert start.tzinfo == ZoneInfo("Europe/Copenhagen")
    assert start == shown.starts_at.replace(microsecond=0)
    assert vevent.decoded("dtend") == shown.ends_at.replace(microsecond=0)
    assert str(vevent["uid"]) == f"{shown.uid}@alpha.localhost"
    assert str(vevent["location"]) == "ALPHA-MARKER town hall"
    assert str(vevent["status"]) == "CONFIRMED"
    assert str(vevent["url"]).endswith(f"/events/{shown.pk}/")
    cancelled = events["ALPHA-MARKER cancelled"]
    assert str(cancelled["status"]) == "CANCELLED"
    assert cancelled["sequence"] == 1
    assert "ALPHA-MARKER storm" in str(cancelled["description"])
    # The public feed never gives away a meeting's online link: the event page instead.
    assert str(events["ALPHA-MARKER online"]["url"]).endswith(f"/events/{online.pk}/")
    assert online.online_url.encode() not in response.content
    # The API gives the same feed.
    api = client_for(alpha).get("/api/v1/events/calendar/")
    assert api.status_code == 200
    assert set(_events(_parse(api.content))) == set(events)


def test_a_swedish_tenants_feed_is_in_its_own_time_zone(beta: World) -> None:
    with tenant_context(beta.tenant):
        make_event(beta, title={"sv": "BETA-MARKER event"})
    calendar = _parse(client_for(beta).get("/calendar.ics").content)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    assert calendar.walk("VEVENT")[0]["dtstart"].params["TZID"] == "Europe/Stockholm"


def test_a_personal_feed_has_only_that_persons_registrations(
    alpha: World, beta: World, django_assert_max_num_queries
) -> None:
    admin, member = alpha.users["partner_admin"], alpha.users["partner_member"]
    with tenant_context(alpha.tenant):
        mine = make_event(alpha, title={"da": "ALPHA-MARKER mine"})
        waiting = make_event(alpha, title={"da": "ALPHA-MARKER waiting"})
        left = make_event(alpha, title={"da": "ALPHA-MARKER left"})
        colleagues = make_event(alpha, title={"da": "ALPHA-MARKER colleague's"})
        make_event(alpha, title={"da": "ALPHA-MARKER not registered"})
        register(mine, admin)
        register(waiting, admin, status="waiting", position=1)
        register(left, admin, status="cancelled")
        register(colleagues, member)
        token = services.calendar_token_rotate(actor=admin)
    client = client_for(alpha)
    with django_assert_max_num_queries(5):  # routing (3), the token, the registrations
        response = client.get(f"/calendar/{token.secret}.ics")
    assert response.status_code == 200
    events = _events(_parse(response.content))
    assert set(events) == {"ALPHA-MARKER mine", "ALPHA-MARKER waiting"}
    assert str(events["ALPHA-MARKER mine"]["status"]) == "CONFIRMED"
    assert str(events["ALPHA-MARKER waiting"]["status"]) == "TENTATIVE"
    # The same through the API, signed in.
    api = client_for(alpha, "partner_admin").get("/api/v1/event-registrations/calendar/")
    assert set(_events(_parse(api.content))) == set(events)
    # A new link stops the old one; an unknown one, or alpha's on beta's host, is a 404.
    with tenant_context(alpha.tenant):
        new = services.calendar_token_rotate(actor=admin)
    assert client.get(f"/calendar/{token.secret}.ics").status_code == 404
    assert client.get("/calendar/not-a-secret.ics").status_code == 404
    assert client_for(beta).get(f"/calendar/{new.secret}.ics").status_code == 404
    assert client.get(f"/calendar/{new.secret}.ics").status_code == 200


def test_the_confirmation_email_carries_the_invitation(
    alpha: World, django_capture_on_commit_callbacks
) -> None:
    person = alpha.users["partner_member"]
    with tenant_context(alpha.tenant):
        event = make_event(alpha, online_url="https://meet.example/alpha")
        with django_capture_on_commit_callbacks(execute=True):
            services.registration_create(actor=person, event=event)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert message.extra_headers["Content-Language"] == "da"  # the partner's language
    assert "ALPHA-MARKER event" in message.subject
    (attachment,) = message.attachments
    assert attachment.filename == "invite.ics"
    assert attachment.mimetype == "text/calendar; method=REQUEST"
    assert 'Content-Type: text/calendar; method="REQUEST"' in message.message().as_string()
    calendar = _parse(attachment.content)
    assert calendar["method"] == "REQUEST"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["uid"]) == f"{event.uid}@alpha.localhost"
    assert vevent["dtstart"].params["TZID"] == "Europe/Copenhagen"
    assert vevent.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert str(vevent["attendee"]) == f"mailto:{person.email}"
    assert str(vevent["organizer"]).startswith("mailto:")
    assert str(vevent["status"]) == "CONFIRMED"
    assert "ALPHA-MARKER town hall" in str(vevent["location"])
    assert "https://meet.example/alpha" in str(vevent["location"])
    # The feed and the invitation agree on the UID: calendars see one event.
    feed = _parse(client_for(alpha).get("/calendar.ics").content)
    assert str(feed.walk("VEVENT")[0]["uid"]) == str(vevent["uid"])


def test_a_waiting_list_email_has_no_invitation(
    alpha: World, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(alpha.tenant):
        event = make_event(alpha, capacity=1)
        register(event, alpha.users["partner_admin"])
        with django_capture_on_commit_callbacks(execute=True):
            services.registration_create(actor=alpha.users["partner_member"], event=event)
    (message,) = mail.outbox
    assert not message.attachments


def test_the_reminder_goes_once_to_the_registered_of_events_in_the_next_two_days(
    alpha: World,
) -> None:
    from programmes.events.tasks import remind_events

    with tenant_context(alpha.tenant):
        soon = make_event(alpha, days=1)
        later = make_event(alpha, days=5)
        register(soon, alpha.users["partner_admin"])
        register(soon, alpha.users["partner_member"], status="waiting", position=1)
        register(later, alpha.users["partner_admin"])
        assert remind_events() == 1
        assert remind_events() == 0
        assert Event.objects.count() == 2
    (message,) = mail.outbox
    assert message.to == [alpha.users["partner_admin"].email]
    assert message.attachments[0].filename == "invite.ics"


def test_datetimes_in_the_feed_are_local_across_summer_time(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        summer = dt.datetime(2031, 7, 1, 13, 0, tzinfo=dt.UTC)  # 15:00 in Copenhagen
        make_event(
            alpha,
            title={"da": "ALPHA-MARKER summer"},
            days=0,
            starts_at=summer,
            ends_at=summer + dt.timedelta(hours=2),
        )
    content = client_for(alpha).get("/calendar.ics").content.decode()
    assert "DTSTART;TZID=Europe/Copenhagen:20310701T150000" in content

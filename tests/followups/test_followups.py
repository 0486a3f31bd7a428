"""The annual follow-up: opened by the worker, answered by partners, chased by reminders."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.configuration.models import ActivityKind, Programme, WheelActivity
from programmes.core.models import AuditEvent
from programmes.followups import services
from programmes.followups.models import FollowUp, GoalProgress
from programmes.partners.models import Goal, Partner, Stage
from programmes.people.models import User
from tests.conftest import World, client_for

TODAY = dt.date(2026, 11, 2)


def goal_for(partner: Partner, description: str, status: str = "approved") -> Goal:
    return Goal.objects.create(
        partner=partner,
        theme="energy",
        description=description,
        indicator="Elforbrug",
        unit="kWh",
        baseline_value=Decimal("52000"),
        baseline_year=2025,
        target_value=Decimal("45000"),
        target_date=dt.date(2027, 12, 31),
        horizon="one_year",
        status=status,
    )


@pytest.fixture
def opened(alpha: World, django_capture_on_commit_callbacks) -> list[FollowUp]:
    """This year's follow-up opened in alpha; its partner has two running goals."""
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(name="ALPHA-MARKER partner")
        goal_for(partner, "ALPHA-MARKER LED i hele butikken")
        goal_for(partner, "Solceller på taget")
        goal_for(partner, "Et gammelt mål", status="achieved")
        with django_capture_on_commit_callbacks(execute=True):
            return services.followups_open(actor=None, year=2026, today=TODAY)


def answer_for(follow_up: FollowUp, **overrides: str) -> dict[str, str]:
    data = {"support_needed": "Hjælp til energiscreening"}
    for goal in services.goals_to_report(follow_up):
        data |= {
            f"goal_{goal.pk}": "on_track",
            f"goal_{goal.pk}_value": "48000",
            f"goal_{goal.pk}_comment": "Halvdelen er skiftet",
        }
    return data | overrides


# --- When and for whom the follow-up opens -----------------------------------------------


def test_the_month_comes_from_the_annual_wheel_or_the_report_deadline(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        WheelActivity.objects.filter(kind=ActivityKind.FOLLOW_UP).delete()
        programme = Programme.objects.get()
        programme.report_due_month, programme.report_due_day = 3, 31
        assert services.follow_up_month(programme) == 2
        programme.report_due_month = 1
        assert services.follow_up_month(programme) == 12
        WheelActivity.objects.create(
            title={"da": "Opfølgning"}, kind=ActivityKind.FOLLOW_UP, month=10
        )
        assert services.follow_up_month(programme) == 10
        programme.report_due_month = None
        assert services.answer_due_on(programme, TODAY) == TODAY + dt.timedelta(days=42)
        programme.report_due_month, programme.report_due_day = 3, 31
        assert services.answer_due_on(programme, TODAY) == dt.date(2027, 3, 31)
        programme.report_due_month, programme.report_due_day = 2, 30
        assert services.answer_due_on(programme, dt.date(2027, 1, 1)) == dt.date(2027, 2, 28)


def test_the_worker_opens_it_only_in_the_follow_up_month(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        WheelActivity.objects.filter(kind=ActivityKind.FOLLOW_UP).delete()
        WheelActivity.objects.create(
            title={"da": "Opfølgning"}, kind=ActivityKind.FOLLOW_UP, month=11
        )
        assert services.followups_open_when_due(today=dt.date(2026, 10, 31)) == 0
        assert services.followups_open_when_due(today=TODAY) == 2
        # Every day of the month it runs again; nobody gets a second follow-up.
        assert services.followups_open_when_due(today=TODAY + dt.timedelta(days=1)) == 0
        assert FollowUp.objects.filter(year=2026).count() == 2


def test_only_active_partners_signed_half_a_year_ago_get_one(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        Partner.objects.filter(name="ALPHA-MARKER other partner").update(
            joined_on=TODAY - dt.timedelta(days=30)
        )
        Partner.objects.filter(name="ALPHA-MARKER partner").update(
            joined_on=TODAY - dt.timedelta(days=400)
        )
        opened = services.followups_open(actor=None, year=2026, today=TODAY)
        assert [f.partner.name for f in opened] == ["ALPHA-MARKER partner"]
        Partner.objects.filter(name="ALPHA-MARKER partner").update(stage=Stage.ENDED)
        assert services.followups_open(actor=None, year=2027, today=TODAY) == []


def test_opening_e_mails_the_partner_admin_in_the_partners_language(
    alpha: World, opened: list[FollowUp]
) -> None:
    [to_admin] = [m for m in mail.outbox if m.to == [alpha.email("partner_admin")]]
    assert to_admin.extra_headers["Content-Language"] == "da"
    assert "opfølgning" in to_admin.subject.lower()
    assert "http://alpha.localhost/my-partnership/follow-up/" in to_admin.body
    # The other partner has no admin account: its main contacts are written to (none here).
    assert len(mail.outbox) == 1
    with tenant_context(alpha.tenant):
        event = AuditEvent.objects.get(action="follow_ups.opened")
        assert event.data["count"] == 2


# --- Reminders and the unresponsive flag -------------------------------------------------


def test_reminders_follow_the_schedule_then_the_partner_is_flagged(
    alpha: World, opened: list[FollowUp], django_capture_on_commit_callbacks
) -> None:
    mail.outbox.clear()
    with tenant_context(alpha.tenant):
        Programme.objects.update(reminder_interval_days=7, reminders_before_unresponsive=2)
        start = FollowUp.objects.get(partner__name="ALPHA-MARKER partner", year=2026).opened_at
        # Due in four weeks: nothing is sent until one interval before that.
        FollowUp.objects.update(due_on=(start + dt.timedelta(days=28)).date())
        assert services.followups_remind(now=start + dt.timedelta(days=20)).reminded == 0
        FollowUp.objects.update(due_on=(start + dt.timedelta(days=14)).date())
        with django_capture_on_commit_callbacks(execute=True):
            assert services.followups_remind(now=start + dt.timedelta(days=6)).reminded == 0
            assert services.followups_remind(now=start + dt.timedelta(days=7)).reminded == 2
            assert services.followups_remind(now=start + dt.timedelta(days=10)).reminded == 0
            assert services.followups_remind(now=start + dt.timedelta(days=14)).reminded == 2
            chase = services.followups_remind(now=start + dt.timedelta(days=21))
        assert (chase.reminded, chase.flagged) == (0, 2)
        assert set(Partner.objects.values_list("unresponsive", flat=True)) == {True}
        assert AuditEvent.objects.filter(action="partner.flagged_unresponsive").count() == 2
        # Flagged once, not every day after.
        assert services.followups_remind(now=start + dt.timedelta(days=30)).flagged == 0
    reminders = [m for m in mail.outbox if m.to == [alpha.email("partner_admin")]]
    assert len(reminders) == 2
    assert "påmindelse" in reminders[0].subject.lower()


def test_follow_ups_of_ended_partners_are_closed_not_chased(
    alpha: World, opened: list[FollowUp]
) -> None:
    with tenant_context(alpha.tenant):
        Partner.objects.filter(name="ALPHA-MARKER other partner").update(stage=Stage.ENDED)
        chase = services.followups_remind(now=timezone.now() + dt.timedelta(days=30))
        assert (chase.closed, chase.reminded) == (1, 1)


# --- Answering ---------------------------------------------------------------------------


def test_the_partner_admin_answers_and_goals_follow_the_answers(
    alpha: World, opened: list[FollowUp], django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "partner_admin")
    with django_assert_max_num_queries(14):
        page = client.get("/my-partnership/follow-up/").content.decode()
    assert "ALPHA-MARKER LED i hele butikken" in page
    assert "Et gammelt mål" not in page  # achieved goals are not asked about again
    with tenant_context(alpha.tenant):
        follow_up = FollowUp.objects.get(partner__name="ALPHA-MARKER partner", year=2026)
        led, solar = services.goals_to_report(follow_up)
        Partner.objects.filter(pk=follow_up.partner_id).update(unresponsive=True)
        data = answer_for(
            follow_up,
            **{
                f"goal_{led.pk}": "achieved",
                f"goal_{solar.pk}_revised_value": "40000",
                f"goal_{solar.pk}_revised_date": "2028-06-30",
                "new_goal-theme": "transport",
                "new_goal-description": "Elbiler til alle servicebiler",
                "new_goal-indicator": "Andel elbiler",
                "new_goal-unit": "%",
                "new_goal-baseline_value": "10",
                "new_goal-baseline_year": "2026",
                "new_goal-target_value": "100",
                "new_goal-target_date": "2029-12-31",
                "new_goal-horizon": "long_term",
            },
        )
    response = client.post("/my-partnership/follow-up/", data)
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        follow_up.refresh_from_db()
        assert follow_up.status == "submitted"
        assert follow_up.support_needed == "Hjælp til energiscreening"
        assert Goal.objects.get(pk=led.pk).status == "achieved"
        solar.refresh_from_db()
        assert (solar.target_value, solar.target_date) == (Decimal("40000"), dt.date(2028, 6, 30))
        assert Goal.objects.get(description="Elbiler til alle servicebiler").status == "proposed"
        assert GoalProgress.objects.filter(follow_up=follow_up).count() == 2
        assert not Partner.objects.get(pk=follow_up.partner_id).unresponsive
        assert AuditEvent.objects.filter(action="follow_up.submitted").exists()
    page = client.get("/my-partnership/follow-up/").content.decode()
    assert "Halvdelen er skiftet" in page
    # Answered once: a second answer is refused.
    assert client.post("/my-partnership/follow-up/", data).status_code == 403


@pytest.mark.parametrize(
    "change",
    [
        "missing status",
        "bad status",
        "past revised date",
        "half a new goal",
    ],
)
def test_a_bad_answer_changes_nothing(alpha: World, opened: list[FollowUp], change: str) -> None:
    with tenant_context(alpha.tenant):
        follow_up = FollowUp.objects.get(partner__name="ALPHA-MARKER partner", year=2026)
        led, _solar = services.goals_to_report(follow_up)
        data = answer_for(follow_up)
    if change == "missing status":
        data[f"goal_{led.pk}"] = ""
    elif change == "bad status":
        data[f"goal_{led.pk}"] = "excellent"
    elif change == "past revised date":
        data[f"goal_{led.pk}_revised_date"] = "2020-01-01"
    else:
        data["new_goal-description"] = "Kun en beskrivelse"
    response = client_for(alpha, "partner_admin").post("/my-partnership/follow-up/", data)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    with tenant_context(alpha.tenant):
        follow_up.refresh_from_db()
        assert follow_up.status == "open"
        assert not GoalProgress.objects.exists()
        assert not Goal.objects.filter(description="Kun en beskrivelse").exists()


def test_the_service_refuses_answers_for_goals_of_others(
    alpha: World, opened: list[FollowUp]
) -> None:
    with tenant_context(alpha.tenant):
        follow_up = FollowUp.objects.get(partner__name="ALPHA-MARKER partner", year=2026)
        other = goal_for(Partner.objects.get(name="ALPHA-MARKER other partner"), "Fremmed mål")
        answers = [
            services.ProgressAnswer(goal_id=goal.pk, status="on_track")
            for goal in [*services.goals_to_report(follow_up), other]
        ]
        with pytest.raises(ValidationError) as refused:
            services.followup_submit(actor=None, follow_up=follow_up, answers=answers)
        assert f"goal_{other.pk}" in refused.value.message_dict
        assert not GoalProgress.objects.exists()


def test_members_read_but_do_not_answer(alpha: World, opened: list[FollowUp]) -> None:
    client = client_for(alpha, "partner_member")
    page = client.get("/my-partnership/follow-up/").content.decode()
    assert "partner admin" in page.lower() or "partneradministrator" in page.lower()
    assert client.post("/my-partnership/follow-up/", {}).status_code == 403


# --- Staff ---------------------------------------------------------------------------------


def test_staff_see_the_programmes_follow_up_and_filter_it(
    alpha: World, opened: list[FollowUp], django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "municipal_staff")
    with django_assert_max_num_queries(10):
        page = client.get("/partners/follow-ups/?year=2026").content.decode()
    assert "ALPHA-MARKER partner" in page and "ALPHA-MARKER other partner" in page
    page = client.get("/partners/follow-ups/?year=2026&q=other").content.decode()
    assert "ALPHA-MARKER partner<" not in page
    assert "ALPHA-MARKER other partner" in page
    assert "No follow-ups" not in client.get("/partners/follow-ups/?status=open&year=2026")
    with tenant_context(alpha.tenant):
        follow_up = FollowUp.objects.get(partner__name="ALPHA-MARKER partner", year=2026)
    with django_assert_max_num_queries(10):
        detail = client.get(f"/partners/follow-ups/{follow_up.pk}/")
    assert detail.status_code == 200
    # Staff cannot open a year; admins can.
    assert client.post("/partners/follow-ups/", {"year": 2027}).status_code == 403
    admin = client_for(alpha, "municipal_admin")
    assert admin.post("/partners/follow-ups/", {"year": 2027}).status_code == 302
    with tenant_context(alpha.tenant):
        assert FollowUp.objects.filter(year=2027).count() == 2


def test_staff_approve_a_goal_proposed_with_the_follow_up(alpha: World, opened) -> None:
    with tenant_context(alpha.tenant):
        follow_up = FollowUp.objects.get(partner__name="ALPHA-MARKER partner", year=2026)
        new = goal_for(follow_up.partner, "Nyt mål", status="proposed")
        running = services.goals_to_report(follow_up)[0]
    client = client_for(alpha, "municipal_staff")
    client.post(f"/partners/follow-ups/{follow_up.pk}/", {"approve_goal": new.pk})
    client.post(f"/partners/follow-ups/{follow_up.pk}/", {"approve_goal": running.pk})
    with tenant_context(alpha.tenant):
        assert Goal.objects.get(pk=new.pk).status == "approved"
        assert AuditEvent.objects.filter(action="goal.approved").count() == 1


@pytest.mark.parametrize("persona", [None, "partner_admin", "partner_member"])
def test_partners_and_strangers_do_not_see_the_staff_pages(
    alpha: World, opened: list[FollowUp], persona: str | None
) -> None:
    client = client_for(alpha, persona)
    for path in ("/partners/follow-ups/", f"/partners/follow-ups/{opened[0].pk}/"):
        assert client.get(path).status_code in {302, 403}


# --- API -----------------------------------------------------------------------------------


def test_the_api_lists_submits_and_opens(alpha: World, opened: list[FollowUp]) -> None:
    partner = client_for(alpha, "partner_admin")
    rows = partner.get("/api/v1/follow-ups/").json()["results"]
    assert [(row["partner_name"], row["year"]) for row in rows] == [
        ("ALPHA-MARKER partner", 2026),
        ("ALPHA-MARKER partner", 2025),
    ]
    follow_up_id = rows[0]["id"]
    with tenant_context(alpha.tenant):
        goals = services.goals_to_report(FollowUp.objects.get(pk=follow_up_id))
    refused = partner.post(
        f"/api/v1/follow-ups/{follow_up_id}/submit/",
        {"progress": [{"goal": goals[0].pk, "status": "on_track"}]},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert f"goal_{goals[1].pk}" in refused.json()
    answered = partner.post(
        f"/api/v1/follow-ups/{follow_up_id}/submit/",
        {
            "progress": [
                {"goal": goal.pk, "status": "delayed", "value_reached": "50000.00"}
                for goal in goals
            ],
            "support_needed": "Rådgivning",
        },
        content_type="application/json",
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "submitted"
    assert len(answered.json()["progress"]) == 2
    staff = client_for(alpha, "municipal_staff")
    assert staff.get("/api/v1/follow-ups/?status=submitted&year=2026").json()["count"] == 1
    assert staff.post("/api/v1/follow-ups/open/", {"year": 2027}).status_code == 403
    assert partner.post("/api/v1/follow-ups/open/", {"year": 2027}).status_code == 403
    admin = client_for(alpha, "municipal_admin")
    created = admin.post("/api/v1/follow-ups/open/", {"year": 2027})
    assert created.status_code == 201
    assert len(created.json()) == 2
    assert admin.post("/api/v1/follow-ups/open/", {"year": "soon"}).status_code == 400


def test_the_api_refuses_answers_from_members_and_other_partners(
    alpha: World, opened: list[FollowUp]
) -> None:
    with tenant_context(alpha.tenant):
        follow_up = FollowUp.objects.get(partner__name="ALPHA-MARKER partner", year=2026)
    path = f"/api/v1/follow-ups/{follow_up.pk}/submit/"
    assert client_for(alpha, "partner_member").post(path, {}).status_code == 403
    assert client_for(alpha, "other_partner_member").post(path, {}).status_code == 404
    assert client_for(alpha).post(path, {}).status_code == 401


# --- Retention -----------------------------------------------------------------------------


def test_ended_partners_are_deleted_after_the_retention_period(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        Programme.objects.update(retention_years=5)
        long_ago = timezone.now() - dt.timedelta(days=5 * 366)
        Partner.objects.filter(name="ALPHA-MARKER other partner").update(
            stage=Stage.ENDED, ended_at=long_ago
        )
        Partner.objects.filter(name="ALPHA-MARKER partner").update(
            stage=Stage.ENDED, ended_at=timezone.now() - dt.timedelta(days=4 * 365)
        )
        assert services.partners_purge_expired() == 1
        assert list(Partner.objects.values_list("name", flat=True)) == ["ALPHA-MARKER partner"]
        assert not User.objects.filter(email=alpha.email("other_partner_member")).exists()
        assert User.objects.filter(email=alpha.email("partner_member")).exists()
        event = AuditEvent.objects.get(action="partners.purged")
        assert "ALPHA-MARKER" not in str(event.data)
        assert services.partners_purge_expired() == 0


def test_a_retried_e_mail_task_sends_nothing_twice(alpha: World, opened: list[FollowUp]) -> None:
    from programmes.followups.notifications import follow_up_mail

    mail.outbox.clear()
    with tenant_context(alpha.tenant):
        follow_up = FollowUp.objects.get(partner__name="ALPHA-MARKER partner", year=2026)
        assert follow_up_mail(follow_up_id=follow_up.pk, kind="opened") == 0  # sent already
        assert follow_up_mail(follow_up_id=follow_up.pk, kind="reminder", number=1) == 1
        assert follow_up_mail(follow_up_id=follow_up.pk, kind="reminder", number=1) == 0
    assert len(mail.outbox) == 1


def test_the_overview_has_no_duplicate_field_ids(alpha: World) -> None:
    page = client_for(alpha, "municipal_admin").get("/partners/follow-ups/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_e_mails_are_plain_text_not_html_escaped(alpha: World, opened: list[FollowUp]) -> None:
    from programmes.followups.notifications import follow_up_mail

    mail.outbox.clear()
    with tenant_context(alpha.tenant):
        follow_up = FollowUp.objects.get(partner__name="ALPHA-MARKER partner", year=2026)
        Partner.objects.filter(pk=follow_up.partner_id).update(name="Bager & Søn's")
        follow_up_mail(follow_up_id=follow_up.pk, kind="reminder", number=1)
    [message] = mail.outbox
    assert "Bager & Søn's" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body

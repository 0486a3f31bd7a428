"""Goals: partners add and propose them, staff comment and approve."""

import pytest
from django_tenants.utils import tenant_context

from programmes.partners.models import Goal, GoalComment, Partner, Stage
from tests.conftest import World, client_for
from tests.partners.test_journey import GOAL


@pytest.fixture
def assessed(alpha: World) -> Partner:
    with tenant_context(alpha.tenant):
        Partner.objects.filter(name="ALPHA-MARKER partner").update(stage=Stage.ASSESSED)
        return Partner.objects.get(name="ALPHA-MARKER partner")


def test_a_partner_adds_proposes_and_staff_approve_goals(alpha: World, assessed) -> None:
    client = client_for(alpha, "partner_admin")
    assert client.post("/my-partnership/goals/", GOAL).status_code == 302
    assert client.post("/my-partnership/goals/", {"action": "propose_goals"}).status_code == 302
    with tenant_context(alpha.tenant):
        goal = Goal.objects.get(partner=assessed)
        assert goal.status == "proposed"
    staff = client_for(alpha, "municipal_staff")
    staff.post(
        f"/partners/{assessed.pk}/goals/{goal.pk}/comment/",
        {"text": "Godt mål – kan I måle det månedligt?"},
    )
    assert "kan I måle det månedligt?" in client.get("/my-partnership/goals/").content.decode()
    assert staff.post(f"/partners/{assessed.pk}/", {"action": "approve"}).status_code == 302
    with tenant_context(alpha.tenant):
        goal.refresh_from_db()
        assert goal.status == "approved"
        assert GoalComment.objects.filter(goal=goal).count() == 1


def test_goals_cannot_be_proposed_without_a_goal(alpha: World, assessed) -> None:
    response = client_for(alpha, "partner_admin").post(
        "/my-partnership/goals/", {"action": "propose_goals"}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    with tenant_context(alpha.tenant):
        assert Partner.objects.get(pk=assessed.pk).stage == Stage.ASSESSED


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target_date": "2020-01-01"}, "target_date"),
        ({"unit": ""}, "unit"),
        ({"baseline_value": "many"}, "baseline_value"),
    ],
)
def test_bad_goals_are_refused(alpha: World, assessed, change: dict, field: str) -> None:
    response = client_for(alpha, "partner_admin").post("/my-partnership/goals/", {**GOAL, **change})
    assert response.status_code == 200
    with tenant_context(alpha.tenant):
        assert not Goal.objects.exists()


def test_goals_are_frozen_once_proposed(alpha: World, assessed) -> None:
    client = client_for(alpha, "partner_admin")
    client.post("/my-partnership/goals/", GOAL)
    client.post("/my-partnership/goals/", {"action": "propose_goals"})
    response = client.post("/my-partnership/goals/", GOAL)
    assert response.status_code == 200
    with tenant_context(alpha.tenant):
        assert Goal.objects.count() == 1


def test_another_partners_member_cannot_comment_or_see(alpha: World, assessed) -> None:
    client_for(alpha, "partner_admin").post("/my-partnership/goals/", GOAL)
    with tenant_context(alpha.tenant):
        goal = Goal.objects.get()
    other = client_for(alpha, "other_partner_member")
    assert (
        other.post(f"/partners/{assessed.pk}/goals/{goal.pk}/comment/", {"text": "x"}).status_code
        == 403
    )
    assert "Cut electricity use" not in other.get("/my-partnership/goals/").content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("partner_admin", 200), ("partner_member", 200), ("municipal_admin", 403), (None, 302)],
)
def test_only_partners_open_their_goals(
    alpha: World, persona: str | None, expected: int, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(12):
        assert client.get("/my-partnership/goals/").status_code == expected

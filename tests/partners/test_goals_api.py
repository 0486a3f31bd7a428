"""Goals through the API: partners keep their drafts, staff comment and approve."""

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


def test_a_partner_admin_adds_and_edits_a_draft_goal(
    alpha: World, assessed: Partner, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "partner_admin")
    created = client.post("/api/v1/goals/", GOAL)
    assert created.status_code == 201, created.content
    goal = created.json()
    assert (goal["partner"], goal["status"]) == (assessed.pk, "draft")
    changed = client.patch(
        f"/api/v1/goals/{goal['id']}/", {"target_value": "80000"}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["target_value"] == "80000.00"
    with django_assert_max_num_queries(8):
        rows = client.get(f"/api/v1/goals/?partner={assessed.pk}&status=draft").json()
    assert rows["count"] == 1
    # Proposed goals are no longer the partner's to change.
    client.post(
        f"/api/v1/partners/{assessed.pk}/transition/",
        {"action": "propose_goals"},
        content_type="application/json",
    )
    refused = client.patch(
        f"/api/v1/goals/{goal['id']}/", {"unit": "MWh"}, content_type="application/json"
    )
    assert refused.status_code == 400


def test_bad_goals_are_refused_with_field_errors(alpha: World, assessed: Partner) -> None:
    client = client_for(alpha, "partner_admin")
    response = client.post("/api/v1/goals/", {**GOAL, "target_date": "2020-01-01"})
    assert response.status_code == 400
    assert "target_date" in response.json()
    with tenant_context(alpha.tenant):
        assert not Goal.objects.exists()


def test_staff_comment_and_approve_goals_of_active_partners(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(name="ALPHA-MARKER partner")  # active
        goal = Goal.objects.create(
            partner=partner,
            status="proposed",
            **{
                **GOAL,
                "baseline_value": 120000,
                "target_value": 90000,
                "target_date": "2027-12-31",
            },
        )
    staff = client_for(alpha, "municipal_staff")
    comment = staff.post(f"/api/v1/goals/{goal.pk}/comment/", {"text": "Flot mål"})
    assert comment.status_code == 201
    assert staff.post(f"/api/v1/goals/{goal.pk}/comment/", {"text": " "}).status_code == 400
    approved = staff.post(f"/api/v1/goals/{goal.pk}/approve/")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["comments"][0]["text"] == "Flot mål"
    assert staff.post(f"/api/v1/goals/{goal.pk}/approve/").status_code == 400
    with tenant_context(alpha.tenant):
        assert GoalComment.objects.filter(goal=goal).count() == 1


@pytest.mark.parametrize("persona", ["partner_admin", "partner_member", "other_partner_member"])
def test_partners_neither_comment_nor_approve_nor_see_others_goals(
    alpha: World, persona: str
) -> None:
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(name="ALPHA-MARKER other partner")
        goal = Goal.objects.create(
            partner=partner,
            status="proposed",
            **{**GOAL, "baseline_value": 1, "target_value": 0, "target_date": "2027-12-31"},
        )
    client = client_for(alpha, persona)
    assert client.post(f"/api/v1/goals/{goal.pk}/comment/", {"text": "x"}).status_code == 403
    assert client.post(f"/api/v1/goals/{goal.pk}/approve/").status_code == 403
    visible = client.get(f"/api/v1/goals/{goal.pk}/").status_code
    assert visible == (200 if persona == "other_partner_member" else 404)
    if persona == "partner_member":
        assert client.post("/api/v1/goals/", GOAL).status_code == 403


def test_staff_do_not_create_goals_and_strangers_are_refused(alpha: World) -> None:
    assert client_for(alpha, "municipal_staff").post("/api/v1/goals/", GOAL).status_code == 403
    assert client_for(alpha).get("/api/v1/goals/").status_code == 401

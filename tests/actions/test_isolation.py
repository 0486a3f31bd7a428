"""Copying between two tenants keeps both isolated. Alpha publishes an action, beta copies it
and edits its copy: alpha's action and the library row stay as they were, alpha never sees
beta's copy, and beta's pages never show alpha's local-only actions or anything of alpha
that is not in the library. The programmes' actions and goals have the same ids in both
tenants; every page and endpoint shows each tenant its own."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from programmes.actions import services
from programmes.actions.models import ProgrammeAction
from programmes.partners.models import Goal, Partner, Stage
from tenants.library.models import LibraryAction
from tests.actions.conftest import action_data
from tests.conftest import PERSONAS, World, client_for

SAME_ID = 636363


def _set_sequences(world: World, value: int) -> None:
    with tenant_context(world.tenant), connection.cursor() as cursor:
        for table in ("actions_programmeaction", "partners_goal"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)",
                [value],
            )


def _goal(partner: Partner, action: ProgrammeAction, marker: str) -> Goal:
    return Goal.objects.create(
        partner=partner,
        action=action,
        theme=action.theme,
        description=f"{marker} goal",
        indicator=f"{marker} indicator",
        unit="%",
        baseline_value=1,
        baseline_year=2025,
        target_value=2,
        target_date="2030-12-31",
        horizon="long_term",
    )


@pytest.fixture
def copied(alpha: World, beta: World) -> dict[str, object]:
    """Alpha: the published action (no marker: it is shared on purpose) with id SAME_ID + 1
    and a local-only action full of ALPHA-MARKER with id SAME_ID. Beta: its edited copy of
    alpha's action with id SAME_ID (BETA-MARKER) and a local one with SAME_ID + 1. Each
    tenant's partner has a goal based on its action SAME_ID (goal ids collide too)."""
    _set_sequences(alpha, SAME_ID - 1)
    _set_sequences(beta, SAME_ID - 1)
    admin = alpha.users["municipal_admin"]
    with tenant_context(alpha.tenant):
        secret = services.action_create(
            actor=admin,
            data=action_data(
                "ALPHA-MARKER",
                title={"da": "ALPHA-MARKER hemmelig", "en": "ALPHA-MARKER secret"},
                description={"da": "ALPHA-MARKER kun lokal"},
                sources="ALPHA-MARKER internal memo",
            ),
        )
        shared_action = services.action_create(
            actor=admin,
            data=action_data(
                "",
                title={"da": "Varmepumper", "en": "Heat pumps"},
                description={"da": "Skift oliefyr ud.", "en": "Replace oil burners."},
                sources="Energistyrelsen",
            ),
        )
        published = services.action_publish_to_library(
            actor=admin, action=shared_action, contributor_name="Alpha town"
        )
        Partner.objects.filter(name="ALPHA-MARKER partner").update(stage=Stage.APPLIED)
        alpha_goal = _goal(Partner.objects.get(name="ALPHA-MARKER partner"), secret, "ALPHA-MARKER")
    with tenant_context(beta.tenant):
        copy = services.action_copy_from_library(
            actor=beta.users["municipal_staff"], library_action=published
        )
        copy = services.action_update(
            actor=beta.users["municipal_staff"],
            action=copy,
            data={
                "title": {"sv": "BETA-MARKER värmepumpar", "en": "BETA-MARKER heat pumps"},
                "sources": "BETA-MARKER sources",
            },
        )
        own = services.action_create(
            actor=None,
            data=action_data(
                "BETA-MARKER",
                title={"sv": "BETA-MARKER lokal"},
                description={"sv": "BETA-MARKER beskrivning"},
            ),
        )
        Partner.objects.filter(name="BETA-MARKER partner").update(stage=Stage.APPLIED)
        beta_goal = _goal(Partner.objects.get(name="BETA-MARKER partner"), copy, "BETA-MARKER")
    assert secret.pk == copy.pk == SAME_ID and shared_action.pk == own.pk == SAME_ID + 1
    assert alpha_goal.pk == beta_goal.pk
    return {"id": SAME_ID, "other": SAME_ID + 1, "uuid": published.uuid, "goal": alpha_goal.pk}


def test_betas_edits_of_its_copy_change_nothing_of_alpha_or_the_library(
    alpha: World, beta: World, copied: dict[str, object]
) -> None:
    library_row = LibraryAction.objects.get(uuid=copied["uuid"])
    assert library_row.title == {"da": "Varmepumper", "en": "Heat pumps"}
    assert library_row.sources == "Energistyrelsen" and library_row.version == 1
    assert library_row.copies == 1 and library_row.contributor_name == "Alpha town"
    with tenant_context(alpha.tenant):
        original = ProgrammeAction.objects.get(pk=copied["other"])
        assert original.title == {"da": "Varmepumper", "en": "Heat pumps"}
        assert original.published_uuid == copied["uuid"]
        assert not ProgrammeAction.objects.filter(library_uuid=copied["uuid"]).exists()
        assert "BETA" not in str(list(ProgrammeAction.objects.values()))
    with tenant_context(beta.tenant):
        copy = ProgrammeAction.objects.get(pk=copied["id"])
        assert copy.library_uuid == copied["uuid"] and copy.copied_from == "Alpha town"
        assert "ALPHA-MARKER" not in str(list(ProgrammeAction.objects.values()))


PATHS = [
    "/actions/manage/",
    "/actions/manage/{id}/",
    "/actions/manage/{other}/",
    "/actions/manage/{id}/edit/",
    "/actions/manage/{id}/pull-update/",
    "/actions/manage/{other}/publish/",
    "/actions/manage/{other}/withdraw/",
    "/actions/manage/library/",
    "/actions/manage/library/?q=heat",
    "/actions/manage/library/{uuid}/",
    "/my-partnership/actions/",
    "/my-partnership/actions/{id}/goal/",
    "/my-partnership/goals/",
    "/partners/",
    "/api/v1/actions/",
    "/api/v1/actions/{id}/",
    "/api/v1/actions/{other}/",
    "/api/v1/library/",
    "/api/v1/library/{uuid}/",
    "/api/v1/goals/",
    "/api/v1/goals/{goal}/",
]
STAFF = {"municipal_admin", "municipal_staff"}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_each_tenant_sees_its_own_actions_with_the_same_ids(
    alpha: World,
    beta: World,
    copied: dict[str, object],
    path: str,
    persona: str | None,
    django_assert_max_num_queries,
) -> None:
    for world, other in ((alpha, beta), (beta, alpha)):
        client = client_for(world, persona)
        with django_assert_max_num_queries(14):
            response = client.get(path.format(**copied), follow=True)
        assert response.status_code in {200, 401, 403, 404}, (path, response.status_code)
        body = response.content.decode()
        assert other.marker not in body, (world.slug, path, persona)
        staff_page = path.startswith(("/actions/", "/api/v1/library/"))
        if persona in STAFF and staff_page:
            assert response.status_code == 200, (world.slug, path, persona)
        if response.status_code == 200 and "{id}" in path and "/goal/" not in path:
            assert world.marker in body, (world.slug, path, persona)


def test_a_partner_cannot_base_a_goal_on_another_tenants_action(
    alpha: World, beta: World, copied: dict[str, object]
) -> None:
    with tenant_context(beta.tenant):
        beta_only = services.action_create(
            actor=None, data=action_data("BETA-MARKER", title={"sv": "x"}, description={"sv": "x"})
        )
    client = client_for(alpha, "partner_admin")
    response = client.post(
        "/api/v1/goals/",
        {
            "action": beta_only.pk,
            "theme": "transport",
            "description": "x",
            "indicator": "x",
            "unit": "%",
            "baseline_value": "1",
            "baseline_year": 2025,
            "target_value": "2",
            "target_date": "2030-12-31",
            "horizon": "long_term",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "action" in response.json()
    page = client.get(f"/my-partnership/actions/{beta_only.pk}/goal/")
    assert page.status_code == 404
    with tenant_context(alpha.tenant):
        assert Goal.objects.count() == 1

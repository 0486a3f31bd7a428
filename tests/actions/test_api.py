"""The actions API: staff write the programme's actions and work with the library (copy,
pull-update, publish, withdraw), partners' people read the active actions, staff browse the
library per language; goals take an action. Query counts do not grow with the rows."""

import pytest
from django_tenants.utils import tenant_context

from programmes.actions import services
from programmes.actions.models import ProgrammeAction
from programmes.partners.models import Goal, Partner, Stage
from tenants.library import services as library_services
from tenants.library.models import LibraryAction
from tests.actions.conftest import action_data, library_data, local, shared
from tests.conftest import World, client_for

JSON = "application/json"


def _payload(**overrides: object) -> dict[str, object]:
    data = action_data("API")
    data["title"] = {"da": "Varmepumpe", "en": "Heat pump"}
    data["description"] = {"da": "Skift oliefyret ud.", "en": "Replace the oil burner."}
    data["effect_tonnes_per_year"] = "4.20"
    data.update(overrides)
    return data


@pytest.mark.usefixtures("english_pages")
def test_staff_create_change_and_archive_actions(alpha: World) -> None:
    client = client_for(alpha, "municipal_staff")
    created = client.post("/api/v1/actions/", _payload(), content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["title"] == {"da": "Varmepumpe", "en": "Heat pump"}
    assert body["effect_tonnes_per_year"] == "4.20" and body["active"] is True
    assert body["library_uuid"] is None and body["publication_status"] == ""
    pk = body["id"]
    changed = client.patch(
        f"/api/v1/actions/{pk}/", {"cost_level": "high", "active": False}, content_type=JSON
    )
    assert changed.status_code == 200 and changed.json()["cost_level"] == "high"
    assert changed.json()["active"] is True  # read-only: archived with archive/
    archived = client.post(f"/api/v1/actions/{pk}/archive/")
    assert archived.status_code == 200 and archived.json()["active"] is False
    again = client.post(f"/api/v1/actions/{pk}/archive/")
    assert again.status_code == 400 and "already archived" in str(again.json())
    assert client.post(f"/api/v1/actions/{pk}/restore/").json()["active"] is True
    assert client.get("/api/v1/actions/?active=false").json()["count"] == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": {"en": "English only"}}, "title"),
        ({"title": {"fi": "Suomeksi"}}, "title"),
        ({"title": "text"}, "title"),
        ({"theme": "space"}, "theme"),
        ({"effect_tonnes_per_year": None, "effect_level": ""}, "effect_tonnes_per_year"),
        ({"effect_tonnes_per_year": "-1"}, "effect_tonnes_per_year"),
        ({"sectors": ["mining"]}, "sectors"),
        ({"sizes": ["huge"]}, "sizes"),
        ({"cost_level": ""}, "cost_level"),
    ],
)
def test_bad_input_gets_a_400_by_field_and_changes_nothing(
    alpha: World, overrides: dict[str, object], field: str
) -> None:
    response = client_for(alpha, "municipal_admin").post(
        "/api/v1/actions/", _payload(**overrides), content_type=JSON
    )
    assert response.status_code == 400
    assert field in response.json()
    with tenant_context(alpha.tenant):
        assert not ProgrammeAction.objects.exists()


@pytest.mark.usefixtures("english_pages")
def test_staff_copy_pull_and_publish_through_the_api(alpha: World, beta: World) -> None:
    source = shared(beta, contributor_name="Beta stad")
    client = client_for(alpha, "municipal_admin")
    copied = client.post("/api/v1/actions/copy/", {"library_uuid": str(source.uuid)}, JSON)
    assert copied.status_code == 201, copied.content
    copy = copied.json()
    assert copy["library_uuid"] == str(source.uuid) and copy["library_version"] == 1
    assert copy["copied_from"] == "Beta stad" and copy["title"]["da"] == "LED-belysning"
    twice = client.post("/api/v1/actions/copy/", {"library_uuid": str(source.uuid)}, JSON)
    assert twice.status_code == 400 and "already has this action" in str(twice.json())
    for bad in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        assert client.post("/api/v1/actions/copy/", {"library_uuid": bad}, JSON).status_code == 400

    with tenant_context(beta.tenant):
        library_services.library_action_update(
            actor=None, action=source, tenant=beta.tenant, data=library_data(cost_level="high")
        )
    listed = client.get("/api/v1/actions/").json()["results"]
    assert listed[0]["library_update_version"] == 2
    pulled = client.post(f"/api/v1/actions/{copy['id']}/pull-update/", {"version": 2}, JSON)
    assert pulled.status_code == 200 and pulled.json()["cost_level"] == "high"
    assert pulled.json()["library_version"] == 2 and pulled.json()["library_update_version"] is None
    up_to_date = client.post(f"/api/v1/actions/{copy['id']}/pull-update/", {}, JSON)
    assert up_to_date.status_code == 400

    refused = client.post(f"/api/v1/actions/{copy['id']}/publish/", {}, JSON)
    assert refused.status_code == 400  # a copy is in the library already
    own = local(alpha)
    published = client.post(
        f"/api/v1/actions/{own.pk}/publish/", {"contributor_name": "Alpha Kommune"}, JSON
    )
    assert published.status_code == 200, published.content
    assert published.json()["publication_status"] == "published"
    assert published.json()["publication_version"] == 1
    republished = client.post(f"/api/v1/actions/{own.pk}/publish/", {}, JSON)
    assert republished.json()["publication_version"] == 2
    assert LibraryAction.objects.get(contributor=alpha.tenant).contributor_name == "Alpha Kommune"
    withdrawn = client.post(f"/api/v1/actions/{own.pk}/withdraw/", {"reason": "Old"}, JSON)
    assert withdrawn.json()["publication_status"] == "withdrawn"


@pytest.mark.parametrize("persona", ["partner_admin", "partner_member", "other_partner_member"])
def test_partners_people_read_the_active_actions_only(
    alpha: World, beta: World, persona: str
) -> None:
    kept, archived = local(alpha), local(alpha, theme="energy")
    with tenant_context(alpha.tenant):
        services.action_archive(actor=None, action=archived)
    source = shared(beta)
    client = client_for(alpha, persona)
    listed = client.get("/api/v1/actions/").json()
    assert [row["id"] for row in listed["results"]] == [kept.pk]
    assert listed["results"][0]["library_update_version"] is None
    assert client.get(f"/api/v1/actions/{archived.pk}/").status_code == 404
    assert client.post("/api/v1/actions/", _payload(), content_type=JSON).status_code == 403
    for path in (
        f"/api/v1/actions/{kept.pk}/archive/",
        f"/api/v1/actions/{kept.pk}/publish/",
        f"/api/v1/actions/{kept.pk}/pull-update/",
        "/api/v1/actions/copy/",
    ):
        assert client.post(path, {"library_uuid": str(source.uuid)}, JSON).status_code == 403
    assert client.patch(f"/api/v1/actions/{kept.pk}/", {}, JSON).status_code == 403
    assert client.get("/api/v1/library/").status_code == 403
    assert client.get(f"/api/v1/library/{source.uuid}/").status_code == 403


def test_anonymous_get_nothing(alpha: World, beta: World) -> None:
    action, source = local(alpha), shared(beta)
    client = client_for(alpha)
    for path in (
        "/api/v1/actions/",
        f"/api/v1/actions/{action.pk}/",
        "/api/v1/library/",
        f"/api/v1/library/{source.uuid}/",
    ):
        assert client.get(path).status_code == 401
    assert client.post("/api/v1/actions/copy/", {}, JSON).status_code == 401


def test_staff_browse_the_library_in_a_language(alpha: World, beta: World, operator) -> None:
    source = shared(beta, contributor_name="Beta stad")
    finnish = shared(
        beta,
        title={"fi": "Pyöräpysäköinti"},
        description={"fi": "Pyörätelineet."},
        languages=["fi"],
        theme="transport",
    )
    hidden = shared(beta)
    library_services.library_action_hide(actor=operator, action=hidden, reason="Spam")
    copy = services_copy(alpha, source)
    client = client_for(alpha, "municipal_staff")
    rows = {row["uuid"]: row for row in client.get("/api/v1/library/?lang=en").json()["results"]}
    assert set(rows) == {str(source.uuid), str(finnish.uuid)}
    assert rows[str(source.uuid)]["title"] == "LED lighting"
    assert rows[str(source.uuid)]["language"] == "en"
    assert rows[str(source.uuid)]["in_programme"] == copy.pk
    assert rows[str(source.uuid)]["contributor_name"] == "Beta stad"
    assert rows[str(finnish.uuid)]["title"] == "Pyöräpysäköinti"  # its own language
    assert rows[str(finnish.uuid)]["in_programme"] is None
    assert "moderation_reason" not in rows[str(source.uuid)]
    danish = client.get(f"/api/v1/library/{source.uuid}/?lang=da").json()
    assert danish["title"] == "LED-belysning"
    assert client.get(f"/api/v1/library/{hidden.uuid}/").status_code == 404
    assert client.get("/api/v1/library/?lang=xx").status_code == 400
    assert client.get("/api/v1/library/?theme=space").status_code == 400
    assert client.get("/api/v1/library/?theme=transport").json()["count"] == 1
    assert client.get("/api/v1/library/?q=pyörä").json()["count"] == 1
    assert client.post("/api/v1/library/", {}, JSON).status_code == 405


def services_copy(world: World, source: LibraryAction) -> ProgrammeAction:
    with tenant_context(world.tenant):
        return services.action_copy_from_library(actor=None, library_action=source)


@pytest.mark.parametrize("count", [3, 30])
def test_the_api_lists_take_a_constant_number_of_queries(
    alpha: World, beta: World, count: int, django_assert_max_num_queries
) -> None:
    for number in range(count):
        source = shared(beta, title={"da": f"Delt {number}", "en": f"Shared {number}"})
        if number % 2:
            services_copy(alpha, source)
        else:
            local(alpha)
    client = client_for(alpha, "municipal_admin")
    with django_assert_max_num_queries(9):
        actions = client.get("/api/v1/actions/")
    assert actions.json()["count"] == count
    with django_assert_max_num_queries(9):
        library = client.get("/api/v1/library/")
    assert library.json()["count"] == count
    partner = client_for(alpha, "partner_member")
    with django_assert_max_num_queries(9):
        assert partner.get("/api/v1/actions/").json()["count"] == count


# --- Goals based on actions ----------------------------------------------------------------


def _goal(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "theme": "transport",
        "description": "Half of the staff cycle to work",
        "indicator": "Share cycling",
        "unit": "%",
        "baseline_value": "10",
        "baseline_year": 2025,
        "target_value": "50",
        "target_date": "2028-12-31",
        "horizon": "long_term",
    }
    data.update(overrides)
    return data


def test_a_partner_bases_a_goal_on_an_action_through_the_api(alpha: World, beta: World) -> None:
    with tenant_context(alpha.tenant):
        Partner.objects.filter(name=f"{alpha.marker} partner").update(stage=Stage.APPLIED)
    action, archived = local(alpha), local(alpha)
    with tenant_context(alpha.tenant):
        services.action_archive(actor=None, action=archived)
    beta_only = local(beta)  # an id alpha does not have
    with tenant_context(alpha.tenant):
        assert not ProgrammeAction.objects.filter(pk=beta_only.pk + 1000).exists()
    client = client_for(alpha, "partner_admin")
    created = client.post("/api/v1/goals/", _goal(action=action.pk), JSON)
    assert created.status_code == 201, created.content
    assert created.json()["action"] == action.pk
    assert created.json()["action_title"] == "ALPHA-MARKER local action"
    for bad in (archived.pk, beta_only.pk + 1000, "x"):
        refused = client.post("/api/v1/goals/", _goal(action=bad), JSON)
        assert refused.status_code == 400 and "action" in refused.json()
    pk = created.json()["id"]
    cleared = client.patch(f"/api/v1/goals/{pk}/", {"action": None}, JSON)
    assert cleared.status_code == 200 and cleared.json()["action"] is None
    with tenant_context(alpha.tenant):
        assert Goal.objects.count() == 1 and Goal.objects.get().action is None
    # A goal already based on an action that is archived since keeps it when edited.
    client.patch(f"/api/v1/goals/{pk}/", {"action": action.pk}, JSON)
    with tenant_context(alpha.tenant):
        services.action_archive(actor=None, action=action)
    kept = client.patch(f"/api/v1/goals/{pk}/", {"unit": "pct"}, JSON)
    assert kept.status_code == 200 and kept.json()["action"] == action.pk
    staff = client_for(alpha, "municipal_staff").get(f"/api/v1/goals/{pk}/").json()
    assert staff["action"] == action.pk

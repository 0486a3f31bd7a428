"""The operators' moderation pages and API on the platform host."""

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from programmes.core.models import AuditEvent
from programmes.people.models import User
from tenants.library import services
from tenants.library.models import LibraryAction, ModerationStatus
from tests.conftest import PERSONAS, World, client_for, operator_client
from tests.library.conftest import publish


def _paths(action: LibraryAction) -> list[str]:
    return [
        "/library/",
        "/library/?status=hidden&q=led",
        f"/library/{action.uuid}/",
        "/api/v1/library-actions/",
        "/api/v1/library-actions/?theme=energy&q=led",
        f"/api/v1/library-actions/{action.uuid}/",
    ]


def _post_paths(action: LibraryAction) -> list[str]:
    return [
        f"/library/{action.uuid}/",
        f"/api/v1/library-actions/{action.uuid}/hide/",
    ]


def test_an_operator_sees_every_action_with_counts(
    alpha: World, beta: World, operator: User
) -> None:
    publish(alpha)
    hidden = publish(beta)
    services.library_action_hide(actor=operator, action=hidden, reason="Spam")
    body = operator_client(operator).get("/library/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ALPHA-MARKER LED" in body and "BETA-MARKER LED" in body
    assert "Hidden by the operators</a> (1)" in body
    assert "Published</a> (1)" in body
    filtered = operator_client(operator).get("/library/?status=hidden", HTTP_ACCEPT_LANGUAGE="en")
    assert "BETA-MARKER" in filtered.content.decode()
    assert "ALPHA-MARKER LED" not in filtered.content.decode()
    searched = operator_client(operator).get("/library/?q=alpha-marker")
    assert "ALPHA-MARKER LED" in searched.content.decode()
    assert "BETA-MARKER LED" not in searched.content.decode()


def test_the_console_home_links_to_the_library(alpha: World, operator: User) -> None:
    assert b'href="/library/"' in operator_client(operator).get("/").content


def test_the_detail_page_shows_every_language_and_the_form(alpha: World, operator: User) -> None:
    action = publish(alpha)
    response = operator_client(operator).get(f"/library/{action.uuid}/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<h1") == 1
    assert "ALPHA-MARKER LED lighting" in body and "ALPHA-MARKER LED-belysning" in body
    assert 'lang="da"' in body
    assert "Hide from the library" in body
    assert '<label for="id_reason">' in body


def test_an_operator_hides_and_restores_with_a_reason_audited(alpha: World, operator: User) -> None:
    action = publish(alpha)
    client = operator_client(operator)
    response = client.post(f"/library/{action.uuid}/", {"reason": "Advertising a product"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ModerationStatus.HIDDEN
    assert action.moderation_reason == "Advertising a product"
    page = client.get(f"/library/{action.uuid}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Publish again" in page and "Advertising a product" in page
    assert client.post(f"/library/{action.uuid}/", {"reason": "Rewritten"}).status_code == 302
    action.refresh_from_db()
    assert action.status == ModerationStatus.PUBLISHED
    events = AuditEvent.objects.filter(target_id=str(action.pk)).order_by("id")
    assert [(e.action, e.reason, e.actor_id) for e in events] == [
        ("libraryaction.hidden", "Advertising a product", operator.pk),
        ("libraryaction.restored", "Rewritten", operator.pk),
    ]


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_page_requires_a_reason_and_changes_nothing(
    alpha: World, operator: User, reason: str
) -> None:
    action = publish(alpha)
    response = operator_client(operator).post(
        f"/library/{action.uuid}/", {"reason": reason}, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in body and "Give the reason for this decision." in body
    action.refresh_from_db()
    assert action.status == ModerationStatus.PUBLISHED
    assert not AuditEvent.objects.filter(action__startswith="libraryaction").exists()


def test_a_withdrawn_action_has_nothing_to_moderate(alpha: World, operator: User) -> None:
    action = publish(alpha)
    with tenant_context(alpha.tenant):
        services.library_action_withdraw(actor=None, action=action, tenant=alpha.tenant, reason="")
    client = operator_client(operator)
    response = client.post(f"/library/{action.uuid}/", {"reason": "x"})
    assert response.status_code == 200
    action.refresh_from_db()
    assert action.status == ModerationStatus.WITHDRAWN
    api = client.post(
        f"/api/v1/library-actions/{action.uuid}/hide/",
        {"reason": "x"},
        content_type="application/json",
    )
    assert api.status_code == 400 and "non_field_errors" in api.json()


def test_an_unknown_action_is_404(alpha: World, operator: User) -> None:
    client = operator_client(operator)
    assert client.get("/library/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/library/not-a-uuid/").status_code == 404
    assert (
        client.get("/api/v1/library-actions/00000000-0000-0000-0000-000000000000/").status_code
        == 404
    )


def test_the_api_lists_filters_and_reads_actions(alpha: World, beta: World, operator: User) -> None:
    energy = publish(alpha)
    publish(
        beta,
        theme="transport",
        title={"sv": "Elbilspool"},
        description={"sv": "Delade elbilar."},
        languages=["sv"],
    )
    client = operator_client(operator)
    rows = client.get("/api/v1/library-actions/").json()["results"]
    assert {row["contributor"] for row in rows} == {"alpha", "beta"}
    only = client.get("/api/v1/library-actions/?theme=transport").json()["results"]
    assert [row["title"] for row in only] == [{"sv": "Elbilspool"}]
    found = client.get("/api/v1/library-actions/?q=elbilspool&language=sv").json()["results"]
    assert len(found) == 1
    assert client.get("/api/v1/library-actions/?status=hidden").json()["results"] == []
    one = client.get(f"/api/v1/library-actions/{energy.uuid}/").json()
    assert one["uuid"] == str(energy.uuid)
    assert one["effect_tonnes_per_year"] == "12.50"
    assert one["sectors"] == ["retail", "services"] and one["version"] == 1


def test_the_api_hides_and_restores_with_a_reason(alpha: World, operator: User) -> None:
    action = publish(alpha)
    client = operator_client(operator)
    path = f"/api/v1/library-actions/{action.uuid}/"
    missing = client.post(
        path + "hide/", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert missing.status_code == 400
    assert missing.json() == {"reason": ["Give the reason for this decision."]}
    blank = client.post(path + "hide/", {"reason": " "}, content_type="application/json")
    assert blank.status_code == 400
    assert LibraryAction.objects.get(pk=action.pk).status == ModerationStatus.PUBLISHED
    assert not AuditEvent.objects.filter(action__startswith="libraryaction").exists()

    hidden = client.post(path + "hide/", {"reason": "Spam"}, content_type="application/json")
    assert hidden.status_code == 200, hidden.content
    assert hidden.json()["status"] == "hidden" and hidden.json()["moderation_reason"] == "Spam"
    restored = client.post(path + "restore/", {"reason": "OK"}, content_type="application/json")
    assert restored.json()["status"] == "published"
    assert list(
        AuditEvent.objects.filter(target_id=str(action.pk))
        .order_by("id")
        .values_list("action", "reason")
    ) == [("libraryaction.hidden", "Spam"), ("libraryaction.restored", "OK")]


def test_the_api_is_read_only_apart_from_moderation(alpha: World, operator: User) -> None:
    action = publish(alpha)
    client = operator_client(operator)
    path = f"/api/v1/library-actions/{action.uuid}/"
    assert client.post("/api/v1/library-actions/", {}).status_code == 405
    assert client.patch(path, {}, content_type="application/json").status_code == 405
    assert client.delete(path).status_code == 405
    assert LibraryAction.objects.filter(pk=action.pk).exists()


# --- Who may ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_or_refused(alpha: World) -> None:
    action = publish(alpha)
    client = Client(HTTP_HOST="localhost")
    for path in _paths(action):
        response = client.get(path)
        assert response.status_code in {302, 401}, path
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")
    for path in _post_paths(action):
        assert client.post(path, {"reason": "x"}).status_code in {302, 401, 403}
    assert LibraryAction.objects.get(pk=action.pk).status == ModerationStatus.PUBLISHED


@pytest.mark.parametrize("persona", [persona for persona, _ in PERSONAS])
def test_tenant_people_never_reach_the_moderation_even_with_colliding_ids(
    alpha: World, persona: str
) -> None:
    action = publish(alpha)
    # A session of an alpha user (same id as the operator, for the admin) replayed on the
    # platform host.
    client = client_for(alpha, persona)
    client.defaults["HTTP_HOST"] = "localhost"
    for path in _paths(action):
        assert client.get(path).status_code in {302, 401}, path
    for path in _post_paths(action):
        assert client.post(path, {"reason": "x"}).status_code in {302, 401, 403}, path
    assert LibraryAction.objects.get(pk=action.pk).status == ModerationStatus.PUBLISHED


@pytest.mark.parametrize("path", ["/library/", "/api/v1/library-actions/"])
def test_the_moderation_is_not_served_on_tenant_hosts(alpha: World, path: str) -> None:
    publish(alpha)
    response = client_for(alpha, "municipal_admin").get(path)
    assert response.status_code == 404


# --- Query counts -------------------------------------------------------------------------


def _many(world: World, count: int) -> list[LibraryAction]:
    return [
        publish(world, title={"en": f"{world.marker} action {n}"}, languages=["en"])
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(
    "path", ["/library/", "/library/?status=published&q=action", "/api/v1/library-actions/"]
)
def test_the_lists_cost_the_same_queries_for_3_or_30_actions(
    alpha: World, operator: User, count: int, path: str, django_assert_max_num_queries
) -> None:
    _many(alpha, count)
    client = operator_client(operator)
    with django_assert_max_num_queries(6):
        response = client.get(path)
    assert response.status_code == 200
    assert response.content.decode().count("ALPHA-MARKER action") >= count


def test_the_detail_page_and_moderation_cost_a_few_queries(
    alpha: World, operator: User, django_assert_max_num_queries
) -> None:
    (action,) = _many(alpha, 1)
    client = operator_client(operator)
    with django_assert_max_num_queries(6):
        assert client.get(f"/library/{action.uuid}/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"/api/v1/library-actions/{action.uuid}/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.post(f"/library/{action.uuid}/", {"reason": "x"}).status_code == 302

"""Who may use each action page and endpoint: staff (municipal admins and staff) manage the
programme's actions and the library; partners' people read the active actions and their
admin sets goals from them; the anonymous are sent to sign in (pages) or get a 401 (API).
Refused writes change nothing."""

import pytest
from django_tenants.utils import tenant_context

from programmes.actions.models import ProgrammeAction
from programmes.partners.models import Membership, Partner, Stage
from tenants.library.models import LibraryAction
from tests.actions.conftest import local, shared
from tests.conftest import PERSONAS, World, client_for

STAFF = {"municipal_admin", "municipal_staff"}
PARTNER_ADMIN = {"partner_admin"}
PARTNERS = {"partner_admin", "partner_member", "other_partner_member"}

# path, who gets a 200 (the others: sign in, 403)
PAGES = [
    ("/actions/manage/", STAFF),
    ("/actions/manage/new/", STAFF),
    ("/actions/manage/{pk}/", STAFF),
    ("/actions/manage/{pk}/edit/", STAFF),
    ("/actions/manage/{pk}/publish/", STAFF),
    ("/actions/manage/library/", STAFF),
    ("/actions/manage/library/{uuid}/", STAFF),
    ("/my-partnership/actions/", PARTNERS),
    ("/my-partnership/actions/{pk}/goal/", PARTNER_ADMIN),
]
API = [
    ("/api/v1/actions/", STAFF | PARTNERS),
    ("/api/v1/actions/{pk}/", STAFF | PARTNERS),
    ("/api/v1/library/", STAFF),
    ("/api/v1/library/{uuid}/", STAFF),
]
POSTS = [
    ("/actions/manage/new/", {"theme": "energy"}),
    ("/actions/manage/{pk}/edit/", {"theme": "energy"}),
    ("/actions/manage/{pk}/archive/", {"do": "archive"}),
    ("/actions/manage/{pk}/publish/", {"contributor_name": "x"}),
    ("/actions/manage/library/{uuid}/copy/", {}),
    ("/api/v1/actions/", {"theme": "energy"}),
    ("/api/v1/actions/copy/", {"library_uuid": "{uuid}"}),
    ("/api/v1/actions/{pk}/archive/", {}),
    ("/api/v1/actions/{pk}/publish/", {}),
    ("/api/v1/actions/{pk}/pull-update/", {}),
    ("/api/v1/actions/{pk}/withdraw/", {}),
]
PERSONA_NAMES = [None, *(persona for persona, _ in PERSONAS)]


@pytest.fixture
def targets(alpha: World, beta: World) -> dict[str, object]:
    action = local(alpha)
    source = shared(beta)
    with tenant_context(alpha.tenant):
        Partner.objects.filter(name="ALPHA-MARKER partner").update(stage=Stage.APPLIED)
    return {"pk": action.pk, "uuid": source.uuid}


@pytest.mark.parametrize(("path", "allowed"), PAGES)
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_pages(
    alpha: World, targets: dict[str, object], path: str, allowed: set[str], persona: str | None
) -> None:
    response = client_for(alpha, persona).get(path.format(**targets))
    if persona is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif persona in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("path", "allowed"), API)
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_api(
    alpha: World, targets: dict[str, object], path: str, allowed: set[str], persona: str | None
) -> None:
    response = client_for(alpha, persona).get(path.format(**targets))
    if persona is None:
        assert response.status_code == 401
    elif persona in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("path", "data"), POSTS)
@pytest.mark.parametrize("persona", [p for p in PERSONA_NAMES if p not in STAFF])
def test_writes_are_refused_to_all_but_staff_and_change_nothing(
    alpha: World, targets: dict[str, object], path: str, data: dict[str, str], persona: str | None
) -> None:
    data = {key: value.format(**targets) for key, value in data.items()}
    url = path.format(**targets)
    if url.startswith("/api/"):
        response = client_for(alpha, persona).post(url, data, content_type="application/json")
        assert response.status_code == (401 if persona is None else 403)
    else:
        response = client_for(alpha, persona).post(url, data)
        assert response.status_code == (302 if persona is None else 403)
    with tenant_context(alpha.tenant):
        action = ProgrammeAction.objects.get()
        assert action.active and action.published_uuid is None
    assert LibraryAction.objects.get(uuid=targets["uuid"]).copies == 0
    assert not LibraryAction.objects.filter(contributor=alpha.tenant).exists()


def test_the_partner_member_does_not_write_goals_from_actions(
    alpha: World, targets: dict[str, object]
) -> None:
    response = client_for(alpha, "partner_member").post(
        "/my-partnership/actions/{pk}/goal/".format(**targets), {"theme": "energy"}
    )
    assert response.status_code == 403


def test_a_person_without_a_partner_gets_not_found(alpha: World) -> None:
    action = local(alpha)
    with tenant_context(alpha.tenant):
        Membership.objects.filter(email=alpha.email("partner_admin")).delete()
    client = client_for(alpha, "partner_admin")
    assert client.get("/my-partnership/actions/").status_code == 404
    assert client.get(f"/my-partnership/actions/{action.pk}/goal/").status_code == 404

"""Matchmaking pages and API per persona, with query-count guards, and isolation: both tenants
have sessions, meetings, tags and profiles with the same ids; alpha never shows beta's."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from programmes.matchmaking.models import Meeting, Profile, Session, Tag
from tests.conftest import PERSONAS, World, client_for
from tests.matchmaking.conftest import make_matchmaking

# The assertions read English messages (both test tenants offer English).
pytestmark = pytest.mark.usefixtures("english_pages")

SAME_ID = 737373
STAFF = {"municipal_admin", "municipal_staff"}


@pytest.fixture
def colliding(alpha: World, beta: World) -> dict[str, object]:
    """Both tenants: tags, profiles, a session and meetings whose ids start at the same
    number, every name marked."""
    made = {}
    for world in (alpha, beta):
        with tenant_context(world.tenant), connection.cursor() as cursor:
            for table in (
                "matchmaking_tag",
                "matchmaking_profile",
                "matchmaking_session",
                "matchmaking_meeting",
            ):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [SAME_ID - 1]
                )
        with tenant_context(world.tenant):
            made[world.slug] = make_matchmaking(world)
            assert Session.objects.get().pk == SAME_ID
            assert Meeting.objects.filter(pk=SAME_ID).exists()
    return made


def _paths(world) -> list[str]:
    partner = world.partner.pk
    return [
        "/matchmaking/",
        "/matchmaking/tags/",
        f"/matchmaking/tags/{SAME_ID}/",
        "/matchmaking/sessions/new/",
        f"/matchmaking/sessions/{SAME_ID}/",
        f"/matchmaking/sessions/{SAME_ID}/edit/",
        f"/matchmaking/sessions/{SAME_ID}/meetings/new/",
        f"/matchmaking/sessions/{SAME_ID}/partners/{partner}.pdf",
        f"/matchmaking/meetings/{SAME_ID}/",
        "/my-partnership/matchmaking/",
        f"/my-partnership/matchmaking/sessions/{SAME_ID}/",
        f"/my-partnership/matchmaking/sessions/{SAME_ID}.pdf",
        "/api/v1/matchmaking-tags/",
        f"/api/v1/matchmaking-tags/{SAME_ID}/",
        "/api/v1/matchmaking-profiles/",
        f"/api/v1/matchmaking-profiles/{SAME_ID}/",
        "/api/v1/matchmaking-sessions/",
        f"/api/v1/matchmaking-sessions/{SAME_ID}/",
        f"/api/v1/matchmaking-sessions/{SAME_ID}/schedule/",
    ]


@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_every_page_per_persona_never_shows_beta_and_has_few_queries(
    alpha: World, beta: World, colliding, persona: str | None, django_assert_max_num_queries
) -> None:
    world = colliding["alpha"]
    client = client_for(alpha, persona)
    for path in _paths(world):
        with django_assert_max_num_queries(16):
            response = client.get(path)
        assert beta.marker.encode() not in response.content, path
        is_staff_path = path.startswith("/matchmaking/") or "matchmaking-sessions" in path
        is_partner_path = path.startswith("/my-partnership/")
        if persona is None:
            assert response.status_code in {302, 401, 403}, path
        elif persona in STAFF:
            expected = 403 if is_partner_path else 200
            assert response.status_code == expected, path
        elif is_staff_path:
            assert response.status_code == 403, path
        elif is_partner_path:
            # other_partner_member's partner has no meeting at the colliding session id
            # unless the schedule gave it one; the page is its own or a 404.
            assert response.status_code in {200, 404}, path
        page = path.startswith(("/matchmaking/", "/my-")) and not path.endswith(".pdf")
        if response.status_code == 200 and page:
            assert response.content.count(b"<h1") == 1, path


def test_a_partner_sees_its_own_schedule_and_pdf(alpha: World, colliding) -> None:
    world = colliding["alpha"]
    client = client_for(alpha, "partner_member")
    page = client.get(f"/my-partnership/matchmaking/sessions/{SAME_ID}/")
    assert page.status_code == 200
    assert world.other.name.encode() in page.content  # whom it meets
    assert b'<th scope="row">1</th>' in page.content
    pdf = client.get(f"/my-partnership/matchmaking/sessions/{SAME_ID}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"


def test_a_partner_without_meetings_gets_404_for_the_session(alpha: World, colliding) -> None:
    with tenant_context(alpha.tenant):
        Meeting.objects.filter(partner_a__name__endswith="other partner").delete()
        Meeting.objects.filter(partner_b__name__endswith="other partner").delete()
    client = client_for(alpha, "other_partner_member")
    assert client.get(f"/my-partnership/matchmaking/sessions/{SAME_ID}/").status_code == 404
    assert client.get(f"/my-partnership/matchmaking/sessions/{SAME_ID}.pdf").status_code == 404


def test_the_partner_admin_edits_the_profile_and_the_member_reads_it(
    alpha: World, colliding
) -> None:
    world = colliding["alpha"]
    waste = world.tags["waste"].pk
    admin = client_for(alpha, "partner_admin")
    page = admin.get("/my-partnership/matchmaking/")
    assert b'name="offers"' in page.content
    response = admin.post(
        "/my-partnership/matchmaking/",
        {"offers": [waste], "seeks": [], "interests": [], "offers_text": "ALPHA-MARKER bikes"},
    )
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        profile = Profile.objects.get(partner=world.partner)
        assert list(profile.offers.values_list("pk", flat=True)) == [waste]
    member = client_for(alpha, "partner_member")
    read = member.get("/my-partnership/matchmaking/")
    assert b'name="offers"' not in read.content and b"ALPHA-MARKER bikes" in read.content
    refused = member.post("/my-partnership/matchmaking/", {"offers": []})
    assert refused.status_code == 403
    # Bad input: beta's tag id that alpha does not have.
    bad = admin.post("/my-partnership/matchmaking/", {"offers": [SAME_ID + 999]})
    assert bad.status_code == 200
    with tenant_context(alpha.tenant):
        assert list(profile.offers.values_list("pk", flat=True)) == [waste]


def test_staff_compute_adjust_and_send_from_the_pages(alpha: World, colliding, mailoutbox) -> None:
    client = client_for(alpha, "municipal_staff")
    assert client.post(f"/matchmaking/sessions/{SAME_ID}/compute/").status_code == 302
    with tenant_context(alpha.tenant):
        meeting = Meeting.objects.get(round=1, table=1)
        before = sorted(Meeting.objects.values_list("pk", "round", "table"))
    bad = client.post(
        f"/matchmaking/meetings/{meeting.pk}/", {"action": "move", "round": 2, "table": 1}
    )
    assert bad.status_code == 400
    assert b"already has a meeting in round 2" in bad.content or b"is taken" in bad.content
    with tenant_context(alpha.tenant):
        assert sorted(Meeting.objects.values_list("pk", "round", "table")) == before
    deleted = client.post(f"/matchmaking/meetings/{meeting.pk}/", {"action": "delete"})
    assert deleted.status_code == 302
    with tenant_context(alpha.tenant):
        assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert client.post(f"/matchmaking/sessions/{SAME_ID}/send/").status_code == 302


def test_staff_add_tags_and_sessions(alpha: World, colliding) -> None:
    client = client_for(alpha, "municipal_admin")
    language = alpha.tenant.primary_language
    response = client.post("/matchmaking/tags/", {f"name__{language}": "Heat", "is_active": "on"})
    assert response.status_code == 302
    empty = client.post("/matchmaking/tags/", {f"name__{language}": ""})
    assert empty.status_code == 200
    with tenant_context(alpha.tenant):
        assert Tag.objects.filter(name__contains={language: "Heat"}).count() == 1
        count = Session.objects.count()
    bad = client.post(
        "/matchmaking/sessions/new/",
        {
            f"title__{language}": "Day",
            "date": "2026-09-01",
            "starts_at": "09:00",
            "rounds": 0,
            "meeting_minutes": 20,
            "break_minutes": 5,
            "tables": 10,
        },
    )
    assert bad.status_code == 200
    with tenant_context(alpha.tenant):
        assert Session.objects.count() == count


def test_the_api_computes_and_reads_the_schedule(alpha: World, colliding) -> None:
    staff = client_for(alpha, "municipal_admin")
    response = staff.post(f"/api/v1/matchmaking-sessions/{SAME_ID}/compute/")
    assert response.status_code == 200 and response.json()
    created = staff.post(
        "/api/v1/matchmaking-sessions/",
        {
            "title": {alpha.tenant.primary_language: "API day"},
            "date": "2026-10-01",
            "starts_at": "10:00",
            "rounds": 2,
            "meeting_minutes": 15,
            "break_minutes": 0,
            "tables": 3,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    bad = staff.post(
        "/api/v1/matchmaking-sessions/",
        {
            "title": {alpha.tenant.primary_language: "x"},
            "date": "2026-10-01",
            "starts_at": "10:00",
            "tables": 0,
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "tables" in bad.json()

    admin = client_for(alpha, "partner_admin")
    mine = admin.get("/api/v1/matchmaking-profiles/").json()
    rows = mine["results"] if isinstance(mine, dict) else mine
    assert [row["partner"] for row in rows] == [colliding["alpha"].partner.pk]
    patched = admin.patch(
        f"/api/v1/matchmaking-profiles/{rows[0]['id']}/",
        {"seeks_text": "ALPHA-MARKER heat"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["seeks_text"] == "ALPHA-MARKER heat"
    assert admin.post(f"/api/v1/matchmaking-sessions/{SAME_ID}/compute/").status_code == 403

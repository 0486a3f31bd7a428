"""The award pages for every persona: the public page and history, nominating (partners,
staff, the public), the staff's rounds, the jury's sheets and the partner's own page."""

import re

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.awards import services
from programmes.awards.models import AwardRound, Nomination, RoundStatus, Score
from tests.awards.conftest import Award
from tests.conftest import PERSONAS, World, client_for

# The assertions read English messages (both test tenants offer English).
pytestmark = pytest.mark.usefixtures("english_pages")

STAFF = {"municipal_admin", "municipal_staff"}


def _one_h1(page: str) -> None:
    assert page.count("<h1") == 1


def _tables_are_labelled(page: str) -> None:
    assert page.count("<table") == page.count("<caption")
    assert "<th>" not in page  # every header cell has a scope


def _scoring(award: Award) -> tuple[Nomination, Nomination]:
    own = award.nominate(award.partner)
    other = award.nominate(award.other)
    award.round = services.round_start_scoring(actor=None, award_round=award.round)
    return own, other


def test_the_public_page_lists_open_awards_and_past_winners(
    alpha: World, award: Award, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        _own, _other = _scoring(award)
        past = services.round_open(actor=None, category=award.category, year=2024)
        winner = Nomination.objects.create(
            round=past,
            nominee=award.other,
            nominee_name=award.other.name,
            justification="x",
            nominator_kind="staff",
        )
        AwardRound.objects.filter(pk=past.pk).update(
            status=RoundStatus.ANNOUNCED, winner=winner, announced_at=timezone.now()
        )
        current = services.round_open(actor=None, category=award.category, year=2099)
        AwardRound.objects.filter(pk=current.pk).update(
            nomination_opens=timezone.localdate(), nomination_closes=timezone.localdate()
        )
    with django_assert_max_num_queries(6):
        response = client_for(alpha).get("/awards/")
    page = response.content.decode()
    assert response.status_code == 200
    _one_h1(page)
    _tables_are_labelled(page)
    assert f"/awards/{current.pk}/nominate/" in page
    assert f"/awards/{award.round.pk}/nominate/" not in page  # being scored
    assert "Winners 2024" in page and f"{alpha.marker} other partner" in page
    assert f"{alpha.marker} justification" not in page  # nominations are not public


def test_a_partner_nominates_through_the_form(
    alpha: World, award: Award, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "partner_member")
    with django_assert_max_num_queries(8):
        form = client.get(f"/awards/{award.round.pk}/nominate/")
    page = form.content.decode()
    assert form.status_code == 200
    _one_h1(page)
    assert 'for="id_nominee"' in page and 'for="id_justification"' in page
    assert "id_nominator_email" not in page  # signed in: no name and address asked
    response = client.post(
        f"/awards/{award.round.pk}/nominate/",
        {"nominee": award.other.pk, "justification": "They halved their emissions."},
    )
    assert response.status_code == 302 and response["Location"] == "/my-partnership/awards/"
    with tenant_context(alpha.tenant):
        nomination = Nomination.objects.get()
        assert nomination.nominated_by == alpha.users["partner_member"]
    mine = client.get("/my-partnership/awards/").content.decode()
    assert "They halved their emissions." in mine


def test_the_public_nominate_with_name_and_address(alpha: World, award: Award) -> None:
    client = client_for(alpha)
    page = client.get(f"/awards/{award.round.pk}/nominate/").content.decode()
    assert 'for="id_nominator_name"' in page and 'for="id_nominator_email"' in page
    response = client.post(
        f"/awards/{award.round.pk}/nominate/",
        {
            "nominee": award.other.pk,
            "justification": "Great work.",
            "nominator_name": "Kim",
            "nominator_email": "kim@example.org",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/awards/"
    with tenant_context(alpha.tenant):
        assert Nomination.objects.get().nominator_email == "kim@example.org"


def test_bad_nominations_are_refused_on_the_form_and_change_nothing(
    alpha: World, award: Award
) -> None:
    with tenant_context(alpha.tenant):
        award.nominate(award.other)
    client = client_for(alpha, "partner_admin")
    for data in (
        {"nominee": award.other.pk, "justification": "Again"},  # already nominated
        {"nominee": award.partner.pk, "justification": ""},
        {"nominee": 999999, "justification": "Unknown"},
    ):
        response = client.post(f"/awards/{award.round.pk}/nominate/", data)
        assert response.status_code == 200
        assert 'class="error-summary"' in response.content.decode()
    assert (
        "already nominated"
        in client.post(
            f"/awards/{award.round.pk}/nominate/", {"nominee": award.other.pk, "justification": "x"}
        ).content.decode()
    )
    with tenant_context(alpha.tenant):
        assert Nomination.objects.count() == 1


def test_nominating_is_refused_where_the_award_does_not_allow_it(alpha: World) -> None:
    from tests.awards.conftest import make_award

    with tenant_context(alpha.tenant):
        award = make_award(alpha, nominators=("staff",))
    path = f"/awards/{award.round.pk}/nominate/"
    assert client_for(alpha).get(path).status_code == 302  # to sign in
    assert client_for(alpha, "partner_admin").get(path).status_code == 403
    assert client_for(alpha, "municipal_staff").get(path).status_code == 200
    assert (
        client_for(alpha, "partner_admin")
        .post(path, {"nominee": award.other.pk, "justification": "x"})
        .status_code
        == 403
    )
    with tenant_context(alpha.tenant):
        assert not Nomination.objects.exists()


def test_staff_open_run_and_announce_a_round_through_the_pages(
    alpha: World, award: Award, django_assert_max_num_queries
) -> None:
    admin = client_for(alpha, "municipal_admin")
    with django_assert_max_num_queries(10):
        listing = admin.get("/awards/manage/")
    page = listing.content.decode()
    assert listing.status_code == 200
    _one_h1(page)
    _tables_are_labelled(page)
    # Bad input changes nothing.
    bad = admin.post("/awards/manage/", {"category": award.category.pk, "year": award.round.year})
    assert bad.status_code == 200 and "already has a round" in bad.content.decode()
    response = admin.post(
        "/awards/manage/", {"category": award.category.pk, "year": 2031, "month": "5"}
    )
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        assert AwardRound.objects.count() == 2
        own, other = award.nominate(award.partner), award.nominate(award.other)
    path = f"/awards/manage/{award.round.pk}/"
    assert admin.post(path, {"action": "start_scoring"}).status_code == 302
    # The juror scores and submits on the jury page.
    juror = client_for(alpha, "municipal_staff")
    with tenant_context(alpha.tenant):
        first, second = award.round.criteria.order_by("position").values_list("pk", flat=True)
    sheet = juror.get(f"/awards/jury/{award.round.pk}/").content.decode()
    assert f'name="score-{own.pk}-{first}"' in sheet
    response = juror.post(
        f"/awards/jury/{award.round.pk}/",
        {
            f"score-{own.pk}-{first}": "4",
            f"score-{own.pk}-{second}": "4",
            f"score-{other.pk}-{first}": "9",
            f"score-{other.pk}-{second}": "8",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    with django_assert_max_num_queries(14):
        during = admin.get(path)
    assert "Weighted total" not in during.content.decode()
    assert admin.post(path, {"action": "close"}).status_code == 302
    closed = admin.get(path).content.decode()
    _one_h1(closed)
    _tables_are_labelled(closed)
    assert "Weighted total" in closed and "highest total" in closed
    # Another winner without a reason: refused, nothing changes.
    refused = admin.post(path, {"action": "announce", "winner": own.pk})
    assert refused.status_code == 200 and "Say why" in refused.content.decode()
    assert admin.post(path, {"action": "announce", "winner": ""}).status_code == 302
    with tenant_context(alpha.tenant):
        award.round.refresh_from_db()
        assert award.round.winner == other and award.round.status == RoundStatus.ANNOUNCED
    assert f"{alpha.marker} other partner" in client_for(alpha).get("/awards/").content.decode()


def test_a_wrong_action_on_the_round_page_changes_nothing(alpha: World, award: Award) -> None:
    admin = client_for(alpha, "municipal_admin")
    path = f"/awards/manage/{award.round.pk}/"
    assert admin.post(path, {"action": "close"}).status_code == 400  # not being scored
    assert admin.post(path, {"action": "explode"}).status_code == 400
    with tenant_context(alpha.tenant):
        award.round.refresh_from_db()
        assert award.round.status == RoundStatus.OPEN


def test_staff_decide_eligibility_on_a_page(alpha: World, award: Award) -> None:
    with tenant_context(alpha.tenant):
        nomination = award.nominate()
    admin = client_for(alpha, "municipal_admin")
    path = f"/awards/manage/nominations/{nomination.pk}/eligibility/"
    page = admin.get(path).content.decode()
    _one_h1(page)
    assert admin.post(path, {"eligible": "no", "reason": ""}).status_code == 400
    assert admin.post(path, {"eligible": "no", "reason": "Not local"}).status_code == 302
    with tenant_context(alpha.tenant):
        nomination.refresh_from_db()
        assert not nomination.eligible and nomination.ineligible_reason == "Not local"


def test_the_jury_sheet_shows_the_exclusion_and_hides_others_scores(
    alpha: World, award: Award, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        own, other = _scoring(award)
        first, second = award.round.criteria.order_by("position").values_list("pk", flat=True)
        services.scores_save(
            actor=alpha.users["municipal_staff"],
            award_round=award.round,
            values={(other.pk, first): 7, (other.pk, second): 3},
        )
    client = client_for(alpha, "partner_member")
    with django_assert_max_num_queries(12):
        response = client.get(f"/awards/jury/{award.round.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    _one_h1(page)
    _tables_are_labelled(page)
    assert "You are linked to this organisation" in page
    assert f'name="score-{own.pk}-' not in page
    assert f'name="score-{other.pk}-{first}"' in page
    assert alpha.users["municipal_staff"].full_name not in page  # no other juror's column
    # Posting a score for the excluded nomination is ignored by the page, refused by the
    # service; a wrong value is refused and nothing is saved.
    bad = client.post(
        f"/awards/jury/{award.round.pk}/",
        {f"score-{other.pk}-{first}": "eleven", f"score-{other.pk}-{second}": "5"},
    )
    assert bad.status_code == 400
    with tenant_context(alpha.tenant):
        assert not Score.objects.filter(juror=alpha.users["partner_member"]).exists()
    assert client_for(alpha, "partner_member").get("/awards/jury/").status_code == 200


@pytest.mark.parametrize("persona", ["municipal_admin", "partner_admin", "other_partner_member"])
def test_who_is_not_a_juror_gets_404_on_the_sheet(alpha: World, award: Award, persona: str) -> None:
    with tenant_context(alpha.tenant):
        _scoring(award)
    assert client_for(alpha, persona).get(f"/awards/jury/{award.round.pk}/").status_code == 404


PAGES = [
    "/awards/",
    "/awards/{round}/nominate/",
    "/awards/manage/",
    "/awards/manage/{round}/",
    "/awards/manage/nominations/{nomination}/eligibility/",
    "/awards/jury/",
    "/awards/jury/{round}/",
    "/my-partnership/awards/",
]


@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_every_page_answers_each_persona_as_it_should(
    alpha: World, award: Award, persona: str | None, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        nomination = award.nominate()
    client = client_for(alpha, persona)
    for template in PAGES:
        path = template.format(round=award.round.pk, nomination=nomination.pk)
        with django_assert_max_num_queries(14):
            response = client.get(path)
        staff_only = "/manage/" in path
        if path == "/awards/" or "/nominate/" in path:
            expected = {200}
        elif persona is None:
            expected = {302}
        elif staff_only:
            expected = {200} if persona in STAFF else {403}
        elif path.startswith("/my-partnership/"):
            expected = {403} if persona in STAFF else {200}
        elif path == "/awards/jury/":
            expected = {200}
        else:  # the sheet of a round still open for nominations: no one's yet
            expected = {404}
        assert response.status_code in expected, (path, persona, response.status_code)
        if response.status_code == 200:
            _one_h1(response.content.decode())
            assert re.search(r"<html lang=", response.content.decode())

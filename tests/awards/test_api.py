"""The awards API: public winners, staff running rounds, nominating, eligibility, and the
jury's scores with the same secrecy and exclusion as the pages."""

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.awards import services
from programmes.awards.models import AwardRound, Nomination, RoundStatus, Score
from tests.awards.conftest import Award
from tests.conftest import PERSONAS, World, client_for


def _scoring(award: Award) -> tuple[Nomination, Nomination]:
    own = award.nominate(award.partner)
    other = award.nominate(award.other)
    award.round = services.round_start_scoring(actor=None, award_round=award.round)
    return own, other


def test_the_public_read_announced_winners_only(
    alpha: World, award: Award, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        nomination = award.nominate()
        AwardRound.objects.filter(pk=award.round.pk).update(
            status=RoundStatus.ANNOUNCED, winner=nomination, announced_at=timezone.now()
        )
        services.round_open(actor=None, category=award.category, year=2030)  # not announced
    with django_assert_max_num_queries(5):
        response = client_for(alpha).get("/api/v1/award-winners/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["round"], row["winner"]) for row in rows] == [
        (award.round.pk, f"{alpha.marker} other partner")
    ]
    assert rows[0]["award_name"] and rows[0]["period"] == str(award.round.year)
    assert "justification" not in rows[0]
    assert client_for(alpha).post("/api/v1/award-winners/", {}).status_code in {401, 403, 405}


def test_staff_run_a_round_through_the_api(alpha: World, award: Award) -> None:
    admin = client_for(alpha, "municipal_admin")
    created = admin.post(
        "/api/v1/award-rounds/",
        {"category": award.category.pk, "year": 2032, "month": 2},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["nomination_closes"] == "2032-02-29"
    assert len(created.json()["criteria"]) == 2
    duplicate = admin.post(
        "/api/v1/award-rounds/",
        {"category": award.category.pk, "year": 2032, "month": 2},
        content_type="application/json",
    )
    assert duplicate.status_code == 400
    with tenant_context(alpha.tenant):
        assert AwardRound.objects.count() == 2
        own, other = award.nominate(award.partner), award.nominate(award.other)
    base = f"/api/v1/award-rounds/{award.round.pk}"
    assert admin.post(f"{base}/close/").status_code == 400  # not being scored
    assert admin.post(f"{base}/start-scoring/").json()["status"] == "scoring"
    juror = client_for(alpha, "municipal_staff")
    with tenant_context(alpha.tenant):
        first, second = award.round.criteria.order_by("position").values_list("pk", flat=True)
    for nomination, value in ((own, 3), (other, 8)):
        for criterion in (first, second):
            response = juror.post(
                "/api/v1/award-scores/",
                {"nomination": nomination.pk, "criterion": criterion, "value": value},
                content_type="application/json",
            )
            assert response.status_code == 201, response.content
    assert (
        juror.post(
            "/api/v1/award-scores/submit/",
            {"round": award.round.pk},
            content_type="application/json",
        ).status_code
        == 204
    )
    assert admin.post(f"{base}/close/").json()["status"] == "closed"
    refused = admin.post(f"{base}/announce/", {"winner": own.pk}, content_type="application/json")
    assert refused.status_code == 400 and "reason" in refused.json()
    announced = admin.post(f"{base}/announce/", {}, content_type="application/json")
    assert announced.status_code == 200 and announced.json()["winner"] == other.pk


@pytest.mark.parametrize("persona", ["partner_admin", "partner_member", "other_partner_member"])
def test_partners_cannot_run_rounds(alpha: World, award: Award, persona: str) -> None:
    client = client_for(alpha, persona)
    assert (
        client.post(
            "/api/v1/award-rounds/",
            {"category": award.category.pk, "year": 2033},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert client.post(f"/api/v1/award-rounds/{award.round.pk}/start-scoring/").status_code in {
        403,
        404,
    }
    with tenant_context(alpha.tenant):
        assert AwardRound.objects.count() == 1
        assert AwardRound.objects.get().status == RoundStatus.OPEN


def test_a_partner_nominates_and_sees_its_own_but_not_who_nominated_it(
    alpha: World, award: Award
) -> None:
    member = client_for(alpha, "partner_member")
    response = member.post(
        "/api/v1/award-nominations/",
        {"round": award.round.pk, "nominee": award.other.pk, "justification": "Solar roofs"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    refused = member.post(
        "/api/v1/award-nominations/",
        {"round": award.round.pk, "nominee": award.other.pk, "justification": "Again"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "nominee" in refused.json()
    with tenant_context(alpha.tenant):
        award.nominate(award.partner)  # by staff
    rows = member.get("/api/v1/award-nominations/").json()["results"]
    assert {row["nominee_name"] for row in rows} == {award.partner.name, award.other.name}
    theirs = next(row for row in rows if row["nominee"] == award.partner.pk)
    assert theirs["nominated_by"] is None and theirs["nominator_email"] == ""
    other_rows = client_for(alpha, "other_partner_member").get("/api/v1/award-nominations/")
    assert {row["nominee"] for row in other_rows.json()["results"]} == {award.other.pk}
    assert client_for(alpha).get("/api/v1/award-nominations/").status_code in {401, 403}


def test_staff_decide_eligibility_through_the_api(alpha: World, award: Award) -> None:
    with tenant_context(alpha.tenant):
        nomination = award.nominate()
    path = f"/api/v1/award-nominations/{nomination.pk}/eligibility/"
    assert client_for(alpha, "partner_admin").post(
        path, {"eligible": False, "reason": "x"}, content_type="application/json"
    ).status_code in {403, 404}
    response = client_for(alpha, "municipal_admin").post(
        path, {"eligible": False, "reason": "Not local"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["eligible"] is False


def test_scores_stay_secret_and_the_excluded_juror_is_refused(
    alpha: World, award: Award, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        own, other = _scoring(award)
        first, second = award.round.criteria.order_by("position").values_list("pk", flat=True)
        services.scores_save(
            actor=alpha.users["municipal_staff"],
            award_round=award.round,
            values={
                (own.pk, first): 5,
                (own.pk, second): 5,
                (other.pk, first): 5,
                (other.pk, second): 5,
            },
        )
        services.scores_submit(actor=alpha.users["municipal_staff"], award_round=award.round)
    partner_juror = client_for(alpha, "partner_member")
    excluded = partner_juror.post(
        "/api/v1/award-scores/",
        {"nomination": own.pk, "criterion": first, "value": 9},
        content_type="application/json",
    )
    assert excluded.status_code == 400
    assert (
        partner_juror.post(
            "/api/v1/award-scores/",
            {"nomination": other.pk, "criterion": first, "value": 11},
            content_type="application/json",
        ).status_code
        == 400
    )
    with django_assert_max_num_queries(5):
        before = partner_juror.get(f"/api/v1/award-scores/?round={award.round.pk}")
    assert before.json()["results"] == []  # the staff juror's submitted scores are hidden
    for criterion in (first, second):
        partner_juror.post(
            "/api/v1/award-scores/",
            {"nomination": other.pk, "criterion": criterion, "value": 6},
            content_type="application/json",
        )
    assert (
        partner_juror.post(
            "/api/v1/award-scores/submit/",
            {"round": award.round.pk},
            content_type="application/json",
        ).status_code
        == 204
    )
    after = partner_juror.get(f"/api/v1/award-scores/?round={award.round.pk}").json()["results"]
    # Its own and the staff juror's of the other nomination; never any of its own
    # organisation's nomination.
    assert len(after) == 4
    assert own.pk not in {row["nomination"] for row in after}
    # Staff see nothing while the round is scored; a partner never.
    assert client_for(alpha, "municipal_admin").get("/api/v1/award-scores/").json()["results"] == []
    assert client_for(alpha, "partner_admin").get("/api/v1/award-scores/").json()["results"] == []
    with tenant_context(alpha.tenant):
        assert not Score.objects.filter(
            nomination=own, juror=alpha.users["partner_member"]
        ).exists()


@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_every_endpoint_answers_each_persona(
    alpha: World, award: Award, persona: str | None, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        nomination = award.nominate()
    client = client_for(alpha, persona)
    for path in (
        "/api/v1/award-winners/",
        "/api/v1/award-rounds/",
        f"/api/v1/award-rounds/{award.round.pk}/",
        "/api/v1/award-nominations/",
        f"/api/v1/award-nominations/{nomination.pk}/",
        "/api/v1/award-scores/",
    ):
        with django_assert_max_num_queries(8):
            response = client.get(path)
        assert response.status_code in {200, 401, 403, 404}, (path, response.status_code)
        if persona in {"municipal_admin", "municipal_staff"} or path.endswith("winners/"):
            assert response.status_code == 200

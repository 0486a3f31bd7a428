"""Awards of two tenants with the same ids: every award page and endpoint of alpha shows
alpha's rounds, nominations, scores and winners, never beta's, to every persona."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from programmes.awards import services
from programmes.awards.models import AwardRound, Nomination
from tests.awards.conftest import make_award
from tests.conftest import PERSONAS, World, client_for

SAME_ID = 525252


@pytest.fixture
def colliding(alpha: World, beta: World) -> dict[str, int]:
    """In both tenants: an announced round and a round being scored with ids SAME_ID and
    SAME_ID + 1, nominations SAME_ID… , each with the tenant's marker everywhere."""
    ids: dict[str, int] = {}
    for world in (alpha, beta):
        with tenant_context(world.tenant):
            with connection.cursor() as cursor:
                for table in ("awards_awardround", "awards_nomination"):
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)",
                        [SAME_ID - 1],
                    )
            award = make_award(world)
            own, other = award.nominate(award.partner), award.nominate(award.other)
            award.round = services.round_start_scoring(actor=None, award_round=award.round)
            first, second = award.round.criteria.order_by("position").values_list("pk", flat=True)
            juror = world.users["municipal_staff"]
            services.scores_save(
                actor=juror,
                award_round=award.round,
                values={(n.pk, c): 7 for n in (own, other) for c in (first, second)},
            )
            services.scores_submit(actor=juror, award_round=award.round)
            award.round = services.round_close(actor=None, award_round=award.round)
            services.round_announce(actor=None, award_round=award.round, winner=other, reason="x")
            scoring = services.round_open(actor=None, category=award.category, year=2031)
            Nomination.objects.create(
                round=scoring,
                nominee=award.partner,
                nominee_name=award.partner.name,
                justification=f"{world.marker} second justification",
                nominator_kind="staff",
            )
            AwardRound.objects.filter(pk=scoring.pk).update(status="scoring")
            assert award.round.pk == SAME_ID and scoring.pk == SAME_ID + 1
            assert own.pk == SAME_ID
            ids = {"round": SAME_ID, "scoring": SAME_ID + 1, "nomination": SAME_ID}
    return ids


PATHS = [
    "/awards/",
    "/awards/{round}/nominate/",
    "/awards/manage/",
    "/awards/manage/{round}/",
    "/awards/manage/{scoring}/",
    "/awards/manage/nominations/{nomination}/eligibility/",
    "/awards/jury/",
    "/awards/jury/{round}/",
    "/awards/jury/{scoring}/",
    "/my-partnership/awards/",
    "/api/v1/award-winners/",
    "/api/v1/award-winners/{round}/",
    "/api/v1/award-rounds/",
    "/api/v1/award-rounds/{round}/",
    "/api/v1/award-nominations/",
    "/api/v1/award-nominations/{nomination}/",
    "/api/v1/award-scores/",
    "/api/v1/award-scores/?round={round}",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_alpha_never_shows_betas_awards_with_the_same_ids(
    alpha: World,
    beta: World,
    colliding: dict[str, int],
    path: str,
    persona: str | None,
    django_assert_max_num_queries,
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(14):
        response = client.get(path.format(**colliding))
    assert response.status_code in {200, 302, 401, 403, 404}, (path, response.status_code)
    body = response.content.decode()
    assert beta.marker not in body
    if persona in {"municipal_admin", "municipal_staff"} and "/my-partnership/" not in path:
        assert response.status_code == 200 or "/nominate/" in path or "/jury/" in path
    shows_the_round = "{round}" in path and "nominate" not in path and "scores" not in path
    if response.status_code == 200 and shows_the_round:
        assert alpha.marker in body


def test_a_juror_of_alpha_cannot_score_betas_round_with_the_same_id(
    alpha: World, beta: World, colliding: dict[str, int]
) -> None:
    client = client_for(alpha, "partner_member")
    response = client.post(
        "/api/v1/award-scores/",
        {"nomination": SAME_ID + 1, "criterion": 1, "value": 5},
        content_type="application/json",
    )
    assert response.status_code == 400
    with tenant_context(beta.tenant):
        from programmes.awards.models import Score

        assert not Score.objects.filter(juror__email=alpha.email("partner_member")).exists()

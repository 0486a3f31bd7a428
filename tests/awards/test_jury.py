"""The jury: weighted totals, score secrecy until a juror has submitted, the exclusion of a
juror linked to a nominee, closing and announcing, and the history of winners."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import tenant_context

from programmes.awards import selectors, services
from programmes.awards.models import Nomination, RoundStatus, Score
from programmes.core.models import AuditEvent
from programmes.people.models import Role
from programmes.people.services import user_create
from tests.awards.conftest import Award
from tests.conftest import PASSWORD


def _scoring(award: Award) -> tuple[Nomination, Nomination]:
    """Both partners nominated, the round being scored. The first nomination (of the
    partner) is the one the partner-member juror is linked to."""
    own = award.nominate(award.partner)
    other = award.nominate(award.other)
    award.round = services.round_start_scoring(
        actor=award.user("municipal_admin"), award_round=award.round
    )
    return own, other


def _criteria(award: Award) -> tuple[int, int]:
    impact, example = award.round.criteria.order_by("position")
    return impact.pk, example.pk


def _third_juror(award: Award):  # type: ignore[no-untyped-def]
    juror = user_create(
        actor=None,
        email=f"juror@{award.world.slug}.example",
        password=PASSWORD,
        role=Role.MUNICIPAL_STAFF,
        full_name=f"{award.world.marker} third juror",
    )
    award.category.jurors.add(juror)
    return juror


def _score(award: Award, juror, nomination: Nomination, impact: int, example: int) -> None:  # type: ignore[no-untyped-def]
    first, second = _criteria(award)
    services.scores_save(
        actor=juror,
        award_round=award.round,
        values={(nomination.pk, first): impact, (nomination.pk, second): example},
    )


# --- Juror exclusion -----------------------------------------------------------------------


def test_a_juror_linked_to_a_nominee_cannot_score_its_nomination(award: Award) -> None:
    with tenant_context(award.world.tenant):
        own, other = _scoring(award)
        juror = award.user("partner_member")  # member of award.partner
        with pytest.raises(ValidationError) as error:
            _score(award, juror, own, 10, 10)
        assert "linked to a nominated organisation" in " ".join(error.value.messages)
        assert not Score.objects.exists()
        _score(award, juror, other, 5, 5)
        assert Score.objects.filter(juror=juror).count() == 2


def test_the_excluded_juror_sees_the_nomination_marked_and_submits_without_it(
    award: Award,
) -> None:
    with tenant_context(award.world.tenant):
        own, other = _scoring(award)
        juror = award.user("partner_member")
        sheet = selectors.jury_sheet(award.round, juror)
        excluded = {row.nomination.pk: row.excluded for row in sheet.rows}
        assert excluded == {own.pk: True, other.pk: False}
        assert [row.nomination.pk for row in sheet.to_score] == [other.pk]
        _score(award, juror, other, 6, 4)
        services.scores_submit(actor=juror, award_round=award.round)  # own not needed


def test_the_excluded_juror_never_learns_how_the_jury_scored_its_organisation(
    award: Award,
) -> None:
    with tenant_context(award.world.tenant):
        own, other = _scoring(award)
        staff_juror, juror = award.user("municipal_staff"), award.user("partner_member")
        _score(award, staff_juror, own, 9, 9)
        _score(award, staff_juror, other, 3, 3)
        services.scores_submit(actor=staff_juror, award_round=award.round)
        _score(award, juror, other, 6, 4)
        services.scores_submit(actor=juror, award_round=award.round)
        sheet = {row.nomination.pk: row for row in selectors.jury_sheet(award.round, juror).rows}
        assert sheet[own.pk].total is None and sheet[own.pk].other_jurors == []
        assert all(cell.others == [] for cell in sheet[own.pk].cells)
        assert sheet[other.pk].total is not None and sheet[other.pk].other_jurors
        visible = selectors.scores_visible_to(juror)
        assert not visible.filter(nomination=own).exists()
        assert visible.filter(nomination=other, juror=staff_juror).exists()


def test_a_juror_invited_by_address_is_excluded_too(award: Award) -> None:
    """A membership waiting for its invitation to be accepted still links the juror."""
    from programmes.partners.models import Membership

    with tenant_context(award.world.tenant):
        juror = _third_juror(award)
        Membership.objects.create(partner=award.other, email=juror.email)
        assert selectors.excluded_partner_ids(juror) == {award.other.pk}


def test_staff_see_how_many_nominations_a_juror_is_excluded_from(award: Award) -> None:
    with tenant_context(award.world.tenant):
        _scoring(award)
        view = selectors.staff_round(award.round)
        excluded = {progress.juror.pk: progress.excluded_from for progress in view.jurors}
        assert excluded == {award.user("partner_member").pk: 1, award.user("municipal_staff").pk: 0}


# --- Scoring rules -------------------------------------------------------------------------


def test_only_the_awards_jurors_score(award: Award) -> None:
    with tenant_context(award.world.tenant):
        _own, other = _scoring(award)
        for persona in ("municipal_admin", "partner_admin", "other_partner_member"):
            with pytest.raises(PermissionDenied):
                _score(award, award.user(persona), other, 5, 5)
        assert not Score.objects.exists()


@pytest.mark.parametrize("value", [-1, 11, "7", 2.5, True])
def test_a_score_is_a_whole_number_from_0_to_10(award: Award, value: object) -> None:
    with tenant_context(award.world.tenant):
        _own, other = _scoring(award)
        first, second = _criteria(award)
        with pytest.raises(ValidationError):
            services.scores_save(
                actor=award.user("municipal_staff"),
                award_round=award.round,
                values={(other.pk, first): 5, (other.pk, second): value},  # type: ignore[dict-item]
            )
        assert not Score.objects.exists()  # the good one is not saved either


def test_scores_only_while_the_round_is_scored(award: Award) -> None:
    with tenant_context(award.world.tenant):
        other = award.nominate(award.other)
        with pytest.raises(ValidationError):  # still open for nominations
            _score(award, award.user("municipal_staff"), other, 5, 5)
        award.round = services.round_start_scoring(
            actor=award.user("municipal_admin"), award_round=award.round
        )
        services.round_close(actor=award.user("municipal_admin"), award_round=award.round)
        with pytest.raises(ValidationError):  # closed: award.round is stale, the lock is not
            _score(award, award.user("municipal_staff"), other, 5, 5)
        assert not Score.objects.exists()


def test_an_ineligible_nomination_is_not_scored(award: Award) -> None:
    with tenant_context(award.world.tenant):
        _own, other = _scoring(award)
        services.nomination_eligibility_decide(
            actor=award.user("municipal_admin"), nomination=other, eligible=False, reason="No"
        )
        with pytest.raises(ValidationError):
            _score(award, award.user("municipal_staff"), other, 5, 5)


def test_submitting_needs_every_score_and_makes_them_final(award: Award) -> None:
    with tenant_context(award.world.tenant):
        own, other = _scoring(award)
        juror = award.user("municipal_staff")
        _score(award, juror, other, 7, 7)
        with pytest.raises(ValidationError) as error:
            services.scores_submit(actor=juror, award_round=award.round)
        assert "2 missing" in " ".join(error.value.messages)
        _score(award, juror, own, 3, 3)
        services.scores_submit(actor=juror, award_round=award.round)
        with pytest.raises(ValidationError):
            _score(award, juror, own, 9, 9)
        with pytest.raises(ValidationError):
            services.scores_submit(actor=juror, award_round=award.round)
        assert set(Score.objects.filter(nomination=own).values_list("value", flat=True)) == {3}


# --- Secrecy -------------------------------------------------------------------------------


def test_a_juror_sees_only_their_own_scores_until_they_submit(award: Award) -> None:
    with tenant_context(award.world.tenant):
        own, other = _scoring(award)
        staff_juror, partner_juror = award.user("municipal_staff"), award.user("partner_member")
        _score(award, staff_juror, other, 9, 8)
        _score(award, staff_juror, own, 2, 2)
        services.scores_submit(actor=staff_juror, award_round=award.round)
        _score(award, partner_juror, other, 4, 1)

        sheet = selectors.jury_sheet(award.round, partner_juror)
        row = next(row for row in sheet.rows if row.nomination == other)
        assert not sheet.submitted
        assert row.own == dict(zip(_criteria(award), (4, 1), strict=True))
        assert row.other_jurors == [] and row.total is None
        assert all(cell.others == [] for cell in row.cells)
        visible = set(selectors.scores_visible_to(partner_juror).values_list("juror", flat=True))
        assert visible == {partner_juror.pk}

        services.scores_submit(actor=partner_juror, award_round=award.round)
        sheet = selectors.jury_sheet(award.round, partner_juror)
        row = next(row for row in sheet.rows if row.nomination == other)
        assert sheet.submitted and row.other_jurors == [str(staff_juror)]
        assert [cell.others for cell in row.cells] == [[9], [8]]
        # 60 * mean(9, 4) + 40 * mean(8, 1) = 390 + 180
        assert row.total == Decimal("570.00")
        visible = set(selectors.scores_visible_to(partner_juror).values_list("juror", flat=True))
        assert visible == {partner_juror.pk, staff_juror.pk}


def test_a_submitted_juror_does_not_see_drafts_of_those_who_have_not(award: Award) -> None:
    with tenant_context(award.world.tenant):
        own, other = _scoring(award)
        staff_juror, partner_juror = award.user("municipal_staff"), award.user("partner_member")
        _score(award, partner_juror, other, 4, 1)  # a draft
        _score(award, staff_juror, other, 9, 8)
        _score(award, staff_juror, own, 2, 2)
        services.scores_submit(actor=staff_juror, award_round=award.round)
        sheet = selectors.jury_sheet(award.round, staff_juror)
        assert all(row.other_jurors == [] for row in sheet.rows)
        visible = set(selectors.scores_visible_to(staff_juror).values_list("juror", flat=True))
        assert visible == {staff_juror.pk}


def test_staff_see_scores_and_totals_only_once_the_scoring_is_closed(award: Award) -> None:
    with tenant_context(award.world.tenant):
        own, other = _scoring(award)
        staff_juror = award.user("municipal_staff")
        admin = award.user("municipal_admin")
        _score(award, staff_juror, other, 9, 8)
        _score(award, staff_juror, own, 2, 2)
        services.scores_submit(actor=staff_juror, award_round=award.round)
        view = selectors.staff_round(award.round)
        assert not view.results_shown and all(row.total is None for row in view.rows)
        assert not selectors.scores_visible_to(admin).exists()
        award.round = services.round_close(actor=admin, award_round=award.round)
        view = selectors.staff_round(award.round)
        totals = {row.nomination.pk: row.total for row in view.rows}
        assert totals == {other.pk: Decimal("860.00"), own.pk: Decimal("200.00")}
        assert view.leaders == [other.pk]
        assert selectors.scores_visible_to(admin).count() == 4


# --- Closing, announcing, history ----------------------------------------------------------


def _closed_with_scores(award: Award) -> tuple[Nomination, Nomination]:
    own, other = _scoring(award)
    staff_juror, partner_juror = award.user("municipal_staff"), award.user("partner_member")
    _score(award, staff_juror, other, 8, 8)
    _score(award, staff_juror, own, 6, 6)
    _score(award, partner_juror, other, 6, 6)
    for juror in (staff_juror, partner_juror):
        services.scores_submit(actor=juror, award_round=award.round)
    award.round = services.round_close(actor=award.user("municipal_admin"), award_round=award.round)
    return own, other


def test_the_weighted_total_is_the_weighted_mean_over_the_jurors_who_scored(
    award: Award,
) -> None:
    with tenant_context(award.world.tenant):
        own, other = _closed_with_scores(award)
        totals = selectors.round_totals(award.round, list(award.round.criteria.all()))
        # other: both jurors, mean 7 on each criterion → 700; own: only the staff juror → 600
        assert totals == {other.pk: Decimal("700.00"), own.pk: Decimal("600.00")}


def test_announcing_picks_the_highest_total_and_tells_the_winner(
    award: Award, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(award.world.tenant):
        _own, other = _closed_with_scores(award)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            announced = services.round_announce(
                actor=award.user("municipal_admin"), award_round=award.round
            )
        assert announced.status == RoundStatus.ANNOUNCED and announced.winner == other
        assert announced.announced_at is not None and announced.winner_reason == ""
        event = AuditEvent.objects.get(action="awardround.announced")
        assert event.data["winner"] == other.pk and not event.data["overridden"]
        # The other partner has no admin account: its main contacts, else nobody.
        assert all("award" in message.subject for message in mail.outbox)
        assert [round_.pk for round_ in selectors.wins_of_partner(award.other.pk)] == [announced.pk]
        assert services.winner_notify(round_pk=announced.pk) == 0  # once per address


def test_the_winner_is_emailed_in_the_partners_language(
    award: Award, django_capture_on_commit_callbacks
) -> None:
    with tenant_context(award.world.tenant):
        own, _other = _closed_with_scores(award)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.round_announce(
                actor=award.user("municipal_admin"),
                award_round=award.round,
                winner=own,
                reason="ALPHA jury chair's decision",
            )
        assert [message.to for message in mail.outbox] == [[award.world.email("partner_admin")]]
        assert mail.outbox[0].extra_headers["Content-Language"] == award.partner.language
        assert award.partner.name in mail.outbox[0].body


def test_another_winner_needs_a_reason_which_is_audited(award: Award) -> None:
    with tenant_context(award.world.tenant):
        own, _other = _closed_with_scores(award)
        admin = award.user("municipal_admin")
        with pytest.raises(ValidationError) as error:
            services.round_announce(actor=admin, award_round=award.round, winner=own)
        assert "reason" in error.value.message_dict
        award.round.refresh_from_db()
        assert award.round.status == RoundStatus.CLOSED and award.round.winner is None
        announced = services.round_announce(
            actor=admin, award_round=award.round, winner=own, reason="Broader impact"
        )
        assert announced.winner == own and announced.winner_reason == "Broader impact"
        event = AuditEvent.objects.get(action="awardround.announced")
        assert event.reason == "Broader impact" and event.data["overridden"]


def test_a_tie_must_be_decided_by_staff(award: Award) -> None:
    with tenant_context(award.world.tenant):
        own, other = _scoring(award)
        juror = award.user("municipal_staff")
        _score(award, juror, own, 5, 5)
        _score(award, juror, other, 5, 5)
        services.scores_submit(actor=juror, award_round=award.round)
        award.round = services.round_close(
            actor=award.user("municipal_admin"), award_round=award.round
        )
        with pytest.raises(ValidationError) as error:
            services.round_announce(actor=award.user("municipal_admin"), award_round=award.round)
        assert "share the highest total" in " ".join(error.value.messages)
        # Choosing one of the leaders needs no reason.
        assert (
            services.round_announce(
                actor=award.user("municipal_admin"), award_round=award.round, winner=other
            ).winner
            == other
        )


def test_announcing_needs_a_closed_round_and_an_eligible_winner(award: Award) -> None:
    with tenant_context(award.world.tenant):
        own, other = _scoring(award)
        admin = award.user("municipal_admin")
        with pytest.raises(ValidationError):
            services.round_announce(actor=admin, award_round=award.round, winner=other, reason="x")
        services.nomination_eligibility_decide(
            actor=admin, nomination=own, eligible=False, reason="Late"
        )
        award.round = services.round_close(actor=admin, award_round=award.round)
        with pytest.raises(ValidationError) as error:
            services.round_announce(actor=admin, award_round=award.round, winner=own, reason="x")
        assert "eligible nomination" in " ".join(error.value.messages)


@pytest.mark.parametrize("persona", ["municipal_staff", "partner_admin", "partner_member"])
def test_only_staff_run_rounds(award: Award, persona: str) -> None:
    with tenant_context(award.world.tenant):
        actor = award.user(persona)
        if persona == "municipal_staff":
            # Municipal staff run rounds too (and this one is a juror).
            award.round = services.round_start_scoring(actor=actor, award_round=award.round)
            return
        with pytest.raises(PermissionDenied):
            services.round_start_scoring(actor=actor, award_round=award.round)
        with pytest.raises(PermissionDenied):
            services.round_open(actor=actor, category=award.category, year=2030)


def test_the_history_keeps_past_winners_by_year_even_after_the_partner_is_deleted(
    award: Award,
) -> None:
    with tenant_context(award.world.tenant):
        _own, _other = _closed_with_scores(award)
        services.round_announce(actor=award.user("municipal_admin"), award_round=award.round)
        years = selectors.winners_by_year()
        assert [year.year for year in years] == [award.round.year]
        award.other.memberships.all().delete()
        award.other.delete()
        winner = selectors.winners_by_year()[0].rounds[0].winner
        assert (
            winner.nominee is None and winner.nominee_name == f"{award.world.marker} other partner"
        )


def test_a_round_copies_the_criteria_so_editing_the_award_changes_no_scores(
    award: Award,
) -> None:
    from programmes.configuration.services import award_category_save

    with tenant_context(award.world.tenant):
        _closed_with_scores(award)
        before = selectors.round_totals(award.round, list(award.round.criteria.all()))
        award_category_save(
            actor=award.user("municipal_admin"),
            category=award.category,
            criteria=[{"name": {"da": "Ny"}, "weight": 100}],
            jurors=[award.user("municipal_staff")],
        )
        assert award.round.criteria.count() == 2
        assert selectors.round_totals(award.round, list(award.round.criteria.all())) == before


def test_one_round_per_award_and_period(award: Award) -> None:
    with tenant_context(award.world.tenant):
        with pytest.raises(ValidationError):
            services.round_open(actor=None, category=award.category, year=award.round.year)
        monthly = services.round_open(
            actor=None, category=award.category, year=award.round.year, month=3
        )
        assert (monthly.nomination_opens.day, monthly.nomination_closes.day) == (1, 31)
        with pytest.raises(ValidationError):
            services.round_open(actor=None, category=award.category, year=award.round.year, month=3)
        with pytest.raises(ValidationError):
            services.round_open(actor=None, category=award.category, year=2030, month=13)

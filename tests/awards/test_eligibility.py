"""Who may nominate whom, when: every eligibility rule of a category, each refused with its
reason and nothing created."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.awards import services
from programmes.awards.models import AwardRound, Nomination, NominatorKind, RoundStatus
from programmes.core.models import AuditEvent
from programmes.partners.models import Stage
from tests.awards.conftest import Award, make_award
from tests.conftest import World


def _refused(award: Award, field: str, **kw: object) -> str:
    before = Nomination.objects.count()
    with pytest.raises(ValidationError) as error:
        award.nominate(**kw)
    assert Nomination.objects.count() == before
    return " ".join(error.value.message_dict[field])


def _announce_winner(award: Award, partner) -> AwardRound:  # type: ignore[no-untyped-def]
    """A past round of the award that ``partner`` won."""
    past = AwardRound.objects.create(
        category=award.category,
        year=award.round.year - 1,
        nomination_opens=dt.date(award.round.year - 1, 1, 1),
        nomination_closes=dt.date(award.round.year - 1, 2, 1),
        status=RoundStatus.CLOSED,
    )
    winner = Nomination.objects.create(
        round=past,
        nominee=partner,
        nominee_name=partner.name,
        justification="earlier",
        nominator_kind=NominatorKind.STAFF,
    )
    past.winner, past.status, past.announced_at = winner, RoundStatus.ANNOUNCED, timezone.now()
    past.save()
    return past


def test_a_partner_nominates_with_a_justification_and_it_is_audited(award: Award) -> None:
    with tenant_context(award.world.tenant):
        nomination = award.nominate(persona="partner_admin")
        assert nomination.eligible and nomination.nominee == award.other
        assert nomination.nominator_kind == NominatorKind.PARTNERS
        assert nomination.nominated_by == award.user("partner_admin")
        assert nomination.nominee_name == award.other.name
        event = AuditEvent.objects.get(action="nomination.created", target_id=str(nomination.pk))
        assert event.actor == award.user("partner_admin")


def test_the_public_nominate_with_name_and_address(award: Award) -> None:
    with tenant_context(award.world.tenant):
        nomination = award.nominate(
            persona="municipal_staff",
            actor=AnonymousUser(),
            nominator_name="Kim Citizen",
            nominator_email="Kim@Example.org",
        )
        assert nomination.nominator_kind == NominatorKind.PUBLIC
        assert nomination.nominated_by is None
        assert nomination.nominator_email == "kim@example.org"


def test_the_public_must_give_name_and_a_valid_address(award: Award) -> None:
    with tenant_context(award.world.tenant):
        before = Nomination.objects.count()
        with pytest.raises(ValidationError) as error:
            award.nominate(actor=AnonymousUser(), nominator_name=" ", nominator_email="nope")
        assert set(error.value.message_dict) == {"nominator_name", "nominator_email"}
        assert Nomination.objects.count() == before


def test_a_justification_is_required(award: Award) -> None:
    with tenant_context(award.world.tenant):
        assert "deserves" in _refused(award, "justification", justification="   ")


@pytest.mark.parametrize(
    ("nominators", "persona", "message"),
    [
        (("staff",), "partner_admin", "Partners cannot nominate"),
        (("partners",), "municipal_staff", "Municipal staff cannot nominate"),
        (("partners", "staff"), None, "signed-in people only"),
    ],
)
def test_only_the_nominators_the_award_allows_may_nominate(
    alpha: World, nominators: tuple[str, ...], persona: str | None, message: str
) -> None:
    with tenant_context(alpha.tenant):
        award = make_award(alpha, nominators=nominators)
        actor = alpha.users[persona] if persona else AnonymousUser()
        extra = {} if persona else {"nominator_name": "Kim", "nominator_email": "kim@example.org"}
        assert message in _refused(award, "__all__", actor=actor, **extra)


def test_nominations_are_refused_outside_the_window(award: Award) -> None:
    with tenant_context(award.world.tenant):
        round_ = award.round
        later = round_.nomination_closes + dt.timedelta(days=1)
        earlier = round_.nomination_opens - dt.timedelta(days=1)
        for day in (later, earlier):
            assert "not open now" in _refused(award, "__all__", today=day)
        # The last day of the window still counts.
        assert award.nominate(today=round_.nomination_closes).pk


def test_nominations_are_refused_once_the_scoring_started(award: Award) -> None:
    with tenant_context(award.world.tenant):
        services.round_start_scoring(actor=award.user("municipal_admin"), award_round=award.round)
        assert "not open now" in _refused(award, "__all__")


def test_a_previous_winner_of_the_category_is_not_eligible(award: Award) -> None:
    with tenant_context(award.world.tenant):
        _announce_winner(award, award.other)
        assert "has won this award before" in _refused(award, "nominee")
        # The partner that never won is fine.
        assert award.nominate(award.partner).eligible


def test_a_previous_winner_may_win_again_when_the_category_allows(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        award = make_award(alpha, previous_winners_excluded=False)
        _announce_winner(award, award.other)
        assert award.nominate().eligible


def test_winning_another_award_does_not_count(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        award = make_award(alpha)
        another = make_award(alpha)
        _announce_winner(another, award.other)
        assert award.nominate().eligible


def test_municipal_units_are_not_eligible_when_the_category_excludes_them(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        award = make_award(alpha, municipal_units_excluded=True)
        award.other.kind = "municipality"
        award.other.save(update_fields=["kind"])
        assert "Municipal units cannot be nominated" in _refused(award, "nominee")


def test_municipalities_are_eligible_when_the_category_allows_them(alpha: World) -> None:
    """Klimatkommunerna: the members are municipalities."""
    with tenant_context(alpha.tenant):
        award = make_award(alpha, municipal_units_excluded=False)
        award.other.kind = "municipality"
        award.other.save(update_fields=["kind"])
        assert award.nominate().eligible


@pytest.mark.parametrize("stage", [Stage.APPLIED, Stage.BOOKED, Stage.ENDED])
def test_only_active_partners_can_be_nominated(award: Award, stage: str) -> None:
    with tenant_context(award.world.tenant):
        award.other.stage = stage
        award.other.save(update_fields=["stage"])
        assert "Only active partners" in _refused(award, "nominee")


def test_an_organisation_is_nominated_once_per_round(award: Award) -> None:
    with tenant_context(award.world.tenant):
        award.nominate()
        assert "already nominated" in _refused(award, "nominee", persona="partner_admin")


def test_a_nominee_that_left_before_the_scoring_becomes_ineligible(award: Award) -> None:
    with tenant_context(award.world.tenant):
        nomination = award.nominate()
        award.other.stage = Stage.ENDED
        award.other.save(update_fields=["stage"])
        services.round_start_scoring(actor=award.user("municipal_admin"), award_round=award.round)
        nomination.refresh_from_db()
        assert not nomination.eligible
        assert "Only active partners" in nomination.ineligible_reason


def test_staff_decide_on_eligibility_with_a_reason(award: Award) -> None:
    with tenant_context(award.world.tenant):
        nomination = award.nominate()
        admin = award.user("municipal_admin")
        with pytest.raises(ValidationError):
            services.nomination_eligibility_decide(
                actor=admin, nomination=nomination, eligible=False, reason=" "
            )
        nomination.refresh_from_db()
        assert nomination.eligible
        services.nomination_eligibility_decide(
            actor=admin, nomination=nomination, eligible=False, reason="Duplicate of another"
        )
        nomination.refresh_from_db()
        assert not nomination.eligible and nomination.ineligible_reason == "Duplicate of another"
        event = AuditEvent.objects.get(action="nomination.eligibility_decided")
        assert event.reason == "Duplicate of another"


def test_reinstating_checks_the_rules_again(award: Award) -> None:
    with tenant_context(award.world.tenant):
        nomination = award.nominate()
        admin = award.user("municipal_admin")
        services.nomination_eligibility_decide(
            actor=admin, nomination=nomination, eligible=False, reason="Check"
        )
        _announce_winner(award, award.other)
        with pytest.raises(ValidationError) as error:
            services.nomination_eligibility_decide(
                actor=admin, nomination=nomination, eligible=True, reason="Fine after all"
            )
        assert "has won this award before" in " ".join(error.value.messages)


@pytest.mark.parametrize("persona", ["partner_admin", "partner_member", "other_partner_member"])
def test_only_staff_decide_on_eligibility(award: Award, persona: str) -> None:
    from django.core.exceptions import PermissionDenied

    with tenant_context(award.world.tenant):
        nomination = award.nominate()
        with pytest.raises(PermissionDenied):
            services.nomination_eligibility_decide(
                actor=award.user(persona), nomination=nomination, eligible=False, reason="x"
            )

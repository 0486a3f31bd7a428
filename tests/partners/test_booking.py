"""Booking a place on a signing round: capacity, open rounds, the partner's own page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.configuration.models import SigningRound
from programmes.partners import services
from programmes.partners.models import Partner, Stage
from tests.conftest import World, client_for


@pytest.fixture
def approved(alpha: World) -> Partner:
    with tenant_context(alpha.tenant):
        Partner.objects.update(stage=Stage.APPROVED)
        return Partner.objects.get(name="ALPHA-MARKER partner")


def small_round(capacity: int = 1, **fields: object) -> SigningRound:
    return SigningRound.objects.create(
        title={"da": "Lille runde"},
        place="Rådhuset",
        capacity=capacity,
        starts_at=fields.pop("starts_at", timezone.now() + dt.timedelta(days=10)),
        signatory_name="Borgmester",
        signatory_title={"da": "Borgmester"},
        **fields,
    )


def test_a_round_takes_no_more_partners_than_it_has_places(alpha: World, approved) -> None:
    with tenant_context(alpha.tenant):
        signing_round = small_round(capacity=1)
        services.partner_book(
            actor=alpha.users["partner_admin"], partner=approved, signing_round=signing_round
        )
        other = Partner.objects.get(name="ALPHA-MARKER other partner")
        with pytest.raises(ValidationError, match="full"):
            services.partner_book(
                actor=alpha.users["other_partner_member"],
                partner=other,
                signing_round=signing_round,
            )
        other.refresh_from_db()
        assert other.stage == Stage.APPROVED
        # Cancelling frees the place.
        services.partner_cancel_booking(actor=alpha.users["partner_admin"], partner=approved)
        services.partner_book(
            actor=alpha.users["other_partner_member"], partner=other, signing_round=signing_round
        )


@pytest.mark.parametrize(
    "closed", [{"booking_open": False}, {"starts_at": timezone.now() - dt.timedelta(days=1)}]
)
def test_a_closed_or_past_round_cannot_be_booked(alpha: World, approved, closed: dict) -> None:
    with tenant_context(alpha.tenant):
        signing_round = small_round(**closed)
        with pytest.raises(ValidationError, match="not open"):
            services.partner_book(
                actor=alpha.users["partner_admin"], partner=approved, signing_round=signing_round
            )


def test_the_partner_books_from_its_own_page(alpha: World, approved) -> None:
    with tenant_context(alpha.tenant):
        signing_round = small_round(capacity=5)
    client = client_for(alpha, "partner_admin")
    page = client.get("/my-partnership/").content.decode()
    assert "ALPHA-MARKER partner" in page and f'value="{signing_round.pk}"' in page
    response = client.post(
        "/my-partnership/", {"action": "book", "signing_round": signing_round.pk}
    )
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        approved.refresh_from_db()
    assert (approved.stage, approved.signing_round_id) == (Stage.BOOKED, signing_round.pk)
    staff = client_for(alpha, "municipal_admin")
    assert staff.post(f"/partners/{approved.pk}/", {"action": "sign"}).status_code == 302
    with tenant_context(alpha.tenant):
        approved.refresh_from_db()
    assert approved.stage == Stage.ACTIVE


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("partner_admin", 200), ("partner_member", 200), ("municipal_admin", 403), (None, 302)],
)
def test_only_a_partners_own_people_see_its_page(
    alpha: World, persona: str | None, expected: int, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(12):
        assert client.get("/my-partnership/").status_code == expected


def test_a_member_cannot_take_steps(alpha: World, approved) -> None:
    response = client_for(alpha, "partner_member").post("/my-partnership/", {"action": "leave"})
    assert response.status_code == 403


def test_booking_through_the_api(alpha: World, approved) -> None:
    with tenant_context(alpha.tenant):
        signing_round = small_round(capacity=2)
    client = client_for(alpha, "partner_admin")
    missing = client.post(
        f"/api/v1/partners/{approved.pk}/transition/",
        {"action": "book"},
        content_type="application/json",
    )
    assert missing.status_code == 400
    booked = client.post(
        f"/api/v1/partners/{approved.pk}/transition/",
        {"action": "book", "signing_round": signing_round.pk},
        content_type="application/json",
    )
    assert booked.status_code == 200
    assert booked.json()["stage"] == "booked"

"""The public verification page: what it says for an active, an ended and a not active
partner (listed in the directory or not), that it shows nothing else of the partner, 404
for unknown codes, noindex; and staff replacing a leaked code (audited, the old code 404s,
a reason required), which nobody else may do."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from django_tenants.utils import tenant_context

from programmes.core.i18n import format_date, local_date
from programmes.core.models import AuditEvent
from programmes.partners.models import Partner, PartnerContact, Stage
from programmes.symbols import services
from programmes.symbols.models import SymbolVerification
from tests.conftest import PERSONAS, World, client_for
from tests.symbols.conftest import end_partnership, own_partner

pytestmark = pytest.mark.usefixtures("english_pages")

STAFF = {"municipal_admin", "municipal_staff"}
SECRET = "UNPUBLISHED-SECRET"


def _code(world: World, partner: Partner | None = None) -> str:
    """Inside no context: the partner's code (made as its partner admin would)."""
    with tenant_context(world.tenant):
        partner = partner or own_partner(world)
        return services.verification_ensure(actor=None, partner=partner).code


def _english_date(world: World, value: dt.date) -> str:
    with tenant_context(world.tenant), translation.override("en"):
        return format_date(value)


def test_an_active_partner_is_confirmed_with_its_start_date(
    alpha: World, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        Partner.objects.filter(pk=own_partner(alpha).pk).update(joined_on=dt.date(2022, 3, 14))
    code = _code(alpha)
    client = client_for(alpha)
    client.get("/")  # the host is looked up once
    with django_assert_max_num_queries(5):
        response = client.get(f"/verify/{code}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    since = _english_date(alpha, dt.date(2022, 3, 14))
    assert (
        f"{alpha.marker} partner is a climate partner of {alpha.marker} programme since {since}."
        in page
    )
    assert "The partnership is current." in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]


def test_an_imported_active_partner_without_a_signing_date_counts_from_activation(
    alpha: World,
) -> None:
    code = _code(alpha)
    with tenant_context(alpha.tenant):
        activated = local_date(own_partner(alpha).stage_changed_at, tenant=alpha.tenant)
    page = client_for(alpha).get(f"/verify/{code}/").content.decode()
    assert f"since {_english_date(alpha, activated)}." in page


@pytest.mark.parametrize("listed", [True, False])
def test_an_ended_partnership_says_clearly_that_it_ended(alpha: World, listed: bool) -> None:
    code = _code(alpha)
    ended = timezone.now() - dt.timedelta(days=40)
    with tenant_context(alpha.tenant):
        partner = own_partner(alpha)
        end_partnership(partner, joined=dt.date(2020, 1, 6), ended=ended)
        Partner.objects.filter(pk=partner.pk).update(public_fields=["directory"] if listed else [])
    response = client_for(alpha).get(f"/verify/{code}/")
    page = response.content.decode()
    assert response.status_code == 200
    ended_on = _english_date(alpha, local_date(ended, tenant=alpha.tenant))
    assert f"This partnership ended on {ended_on}." in page
    assert (
        f"{alpha.marker} partner was a climate partner of {alpha.marker} programme "
        f"from {_english_date(alpha, dt.date(2020, 1, 6))} to {ended_on}." in page
    )
    assert "is a climate partner" not in page
    api = client_for(alpha).get(f"/api/v1/symbol-verifications/{code}/").json()
    assert api["status"] == "ended"
    assert api["ended_on"] == local_date(ended, tenant=alpha.tenant).isoformat()


def test_a_partner_that_is_not_active_now_is_not_confirmed(alpha: World) -> None:
    code = _code(alpha)
    with tenant_context(alpha.tenant):
        Partner.objects.filter(pk=own_partner(alpha).pk).update(stage=Stage.BOOKED)
    page = client_for(alpha).get(f"/verify/{code}/").content.decode()
    assert f"{alpha.marker} partner is not a climate partner of" in page
    assert "since" not in page


def test_the_page_shows_nothing_the_partner_did_not_publish(alpha: World) -> None:
    code = _code(alpha)
    with tenant_context(alpha.tenant):
        partner = own_partner(alpha)
        Partner.objects.filter(pk=partner.pk).update(
            description={"da": f"{SECRET} description", "en": f"{SECRET} description"},
            website=f"https://{SECRET.lower()}.example",
            street=f"{SECRET} street",
            postcode="9999",
            city=f"{SECRET} city",
            employees=4242,
            public_fields=[],
        )
        PartnerContact.objects.create(
            partner=partner, name=f"{SECRET} contact", email="secret@contact.example"
        )
    for path in (f"/verify/{code}/", f"/api/v1/symbol-verifications/{code}/"):
        body = client_for(alpha).get(path).content.decode()
        for secret in (SECRET, SECRET.lower(), "4242", "9999", "secret@contact", "30000005"):
            assert secret not in body, (path, secret)
        assert f"{alpha.marker} partner" in body


@pytest.mark.parametrize(
    "code", ["nope", "A" * 22, "x" * 300, "%00", "..%2F..%2Fetc", "'; DROP TABLE x;--"]
)
def test_an_unknown_code_is_404(alpha: World, code: str) -> None:
    _code(alpha)
    assert client_for(alpha).get(f"/verify/{code}/").status_code == 404
    api = client_for(alpha).get(f"/api/v1/symbol-verifications/{code}/")
    assert api.status_code == 404


# --- Staff replace a code ------------------------------------------------------------------


@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_only_staff_open_the_partners_symbol_page_and_replace_its_code(
    alpha: World, persona: str | None, django_assert_max_num_queries
) -> None:
    old = _code(alpha)
    with tenant_context(alpha.tenant):
        partner = own_partner(alpha)
    client = client_for(alpha, persona)
    path = f"/partners/{partner.pk}/symbol/"
    with django_assert_max_num_queries(8):
        page = client.get(path)
    posted = client.post(path, {"reason": "Misused on a web shop"})
    with tenant_context(alpha.tenant):
        new = SymbolVerification.objects.get(partner=partner).code
    if persona in STAFF:
        assert page.status_code == 200
        assert f"http://alpha.localhost/verify/{old}/" in page.content.decode()
        assert posted.status_code == 302 and posted["Location"] == path
        assert new != old
        assert client_for(alpha).get(f"/verify/{old}/").status_code == 404
        assert client_for(alpha).get(f"/verify/{new}/").status_code == 200
        with tenant_context(alpha.tenant):
            event = AuditEvent.objects.get(action="symbolverification.regenerated")
            assert event.reason == "Misused on a web shop"
            assert event.actor_label == alpha.email(persona)
            assert old not in str(event.data) and new not in str(event.data)
        return
    assert new == old
    if persona is None:
        assert page.status_code == 302 and posted.status_code == 302
    else:
        assert page.status_code == 403 and posted.status_code == 403


def test_replacing_a_code_needs_a_reason_and_changes_nothing_without_one(alpha: World) -> None:
    old = _code(alpha)
    with tenant_context(alpha.tenant):
        partner = own_partner(alpha)
    client = client_for(alpha, "municipal_staff")
    for reason in ("", "   ", "x" * 501):
        response = client.post(f"/partners/{partner.pk}/symbol/", {"reason": reason})
        page = response.content.decode()
        assert response.status_code == 400
        assert 'role="alert"' in page and 'aria-invalid="true"' in page
    with tenant_context(alpha.tenant):
        assert SymbolVerification.objects.get(partner=partner).code == old
        assert not AuditEvent.objects.filter(action="symbolverification.regenerated").exists()


def test_the_service_refuses_people_who_are_not_staff(alpha: World) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    _code(alpha)
    with tenant_context(alpha.tenant):
        partner = own_partner(alpha)
        for persona in ("partner_admin", "partner_member", "other_partner_member"):
            with pytest.raises(PermissionDenied):
                services.verification_regenerate(
                    actor=alpha.users[persona], partner=partner, reason="x"
                )
        with pytest.raises(PermissionDenied):
            services.verification_regenerate(actor=None, partner=partner, reason="x")
        with pytest.raises(ValidationError):
            services.verification_regenerate(
                actor=alpha.users["municipal_admin"], partner=partner, reason=" "
            )
        # A member of another partner cannot make this partner's code either.
        SymbolVerification.objects.all().delete()
        with pytest.raises(PermissionDenied):
            services.verification_ensure(actor=alpha.users["other_partner_member"], partner=partner)
        assert not SymbolVerification.objects.exists()


def test_staff_of_a_partner_without_a_code_see_that_and_may_make_one(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = own_partner(alpha)
    client = client_for(alpha, "municipal_admin")
    page = client.get(f"/partners/{partner.pk}/symbol/").content.decode()
    assert "No verification link yet" in page
    client.post(f"/partners/{partner.pk}/symbol/", {"reason": "Printed material"})
    with tenant_context(alpha.tenant):
        assert SymbolVerification.objects.filter(partner=partner).exists()
        assert AuditEvent.objects.filter(action="symbolverification.created").count() == 1


def test_an_ended_partner_without_a_code_gets_none(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = own_partner(alpha)
        end_partnership(partner, joined=dt.date(2020, 1, 1), ended=timezone.now())
    client = client_for(alpha, "municipal_admin")
    page = client.get(f"/partners/{partner.pk}/symbol/").content.decode()
    assert "only active partners have one" in page and 'name="reason"' not in page
    response = client.post(f"/partners/{partner.pk}/symbol/", {"reason": "x"})
    assert response.status_code == 400
    with tenant_context(alpha.tenant):
        assert not SymbolVerification.objects.exists()


def test_staff_get_404_for_a_partner_that_does_not_exist(alpha: World) -> None:
    response = client_for(alpha, "municipal_admin").get("/partners/987654/symbol/")
    assert response.status_code == 404

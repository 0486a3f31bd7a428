"""The symbol API: ``partner-symbol`` for a partner's own people (links, files in every
size, not for staff or anonymous, nothing for a partner that is not active) and the public
``symbol-verifications/<code>/`` (status only)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from programmes.core.i18n import local_date
from programmes.partners.models import Partner, Stage
from programmes.symbols import services
from programmes.symbols.models import SymbolVerification
from tests.conftest import PERSONAS, World, client_for
from tests.symbols.conftest import name_lines, own_partner, png_image

pytestmark = pytest.mark.usefixtures("english_pages")

PEOPLE = {"partner_admin", "partner_member", "other_partner_member"}
PATHS = [
    "/api/v1/partner-symbol/",
    "/api/v1/partner-symbol/svg/",
    "/api/v1/partner-symbol/png/",
    "/api/v1/partner-symbol/png/?size=print",
    "/api/v1/partner-symbol/qr/",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_only_a_partners_own_people_use_the_partner_symbol_api(
    alpha: World, path: str, persona: str | None, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(12):
        response = client.get(path)
    if persona is None:
        assert response.status_code == 401
        return
    if persona not in PEOPLE:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    with tenant_context(alpha.tenant):
        name = "other partner" if persona == "other_partner_member" else "partner"
        partner = Partner.objects.get(name=f"{alpha.marker} {name}")
    if path == "/api/v1/partner-symbol/":
        data = response.json()
        assert data["partner"] == partner.pk and data["partner_name"] == partner.name
        return
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    if path.endswith(("svg/", "qr/")):
        assert response["Content-Type"] == "image/svg+xml"
        if "qr" not in path:
            assert " ".join(name_lines(response.content)) == partner.name
    else:
        assert response["Content-Type"] == "image/png"
        width = 2400 if "print" in path else 600
        assert png_image(response.content).size == (width, width * 760 // 600)


def test_the_symbol_api_links_the_files_and_the_verification_page(alpha: World) -> None:
    client = client_for(alpha, "partner_admin")
    data = client.get("/api/v1/partner-symbol/?language=en").json()
    with tenant_context(alpha.tenant):
        code = SymbolVerification.objects.get(partner=own_partner(alpha)).code
    base = "http://alpha.localhost/api/v1/partner-symbol/"
    assert data == {
        "partner": data["partner"],
        "partner_name": f"{alpha.marker} partner",
        "active": True,
        "year": timezone.localdate().year,
        "language": "en",
        "languages": ["da", "en"],
        "files": {
            "svg": f"{base}svg/?language=en",
            "png_web": f"{base}png/?language=en&size=web",
            "png_print": f"{base}png/?language=en&size=print",
            "qr_svg": f"{base}qr/",
        },
        "verification_url": f"http://alpha.localhost/verify/{code}/",
        "guidelines_url": None,
    }
    for url in data["files"].values():
        assert client.get(url.removeprefix("http://alpha.localhost")).status_code == 200
    english = client.get("/api/v1/partner-symbol/svg/?language=en").content.decode()
    assert f"Climate partner {timezone.localdate().year}" in english


def test_a_token_client_downloads_the_symbol(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        token = Token.objects.create(user=alpha.users["partner_member"])
    client = client_for(alpha)
    response = client.get(
        "/api/v1/partner-symbol/png/?size=print",
        HTTP_AUTHORIZATION=f"Token {token.key}",
        HTTP_ACCEPT="image/png",
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_a_bad_size_is_refused_with_a_clear_error(alpha: World) -> None:
    response = client_for(alpha, "partner_admin").get("/api/v1/partner-symbol/png/?size=huge")
    assert response.status_code == 400
    assert response.json() == {"size": ["Choose web or print."]}


def test_a_partner_that_is_not_active_gets_no_files(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        Partner.objects.filter(pk=own_partner(alpha).pk).update(
            stage=Stage.ENDED, ended_at=timezone.now() - dt.timedelta(days=1)
        )
    client = client_for(alpha, "partner_admin")
    data = client.get("/api/v1/partner-symbol/").json()
    assert data["active"] is False and data["files"] is None and data["verification_url"] is None
    for path in PATHS[1:]:
        assert client.get(path).status_code == 404, path
    with tenant_context(alpha.tenant):
        assert not SymbolVerification.objects.exists()


@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_anyone_reads_a_verification_by_its_code(
    alpha: World, persona: str | None, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        partner = own_partner(alpha)
        Partner.objects.filter(pk=partner.pk).update(joined_on=dt.date(2023, 9, 1))
        code = services.verification_ensure(actor=None, partner=partner).code
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/symbol-verifications/{code}/")
    assert response.status_code == 200
    assert response.json() == {
        "partner_name": f"{alpha.marker} partner",
        "programme": f"{alpha.marker} programme",
        "status": "active",
        "since": "2023-09-01",
        "ended_on": None,
        "checked_on": local_date(timezone.now(), tenant=alpha.tenant).isoformat(),
    }


def test_verifications_cannot_be_listed(alpha: World) -> None:
    response = client_for(alpha, "municipal_admin").get("/api/v1/symbol-verifications/")
    assert response.status_code in {404, 405}

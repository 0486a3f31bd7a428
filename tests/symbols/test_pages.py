"""The partner's symbol page and its files, for every persona: who may open what, what the
page says for active, ended and not yet active partners, the download headers, the
guidelines link, the code made once and audited, and the query-count guards."""

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_tenants.utils import tenant_context

from programmes.core.i18n import format_date, format_number, local_date
from programmes.core.models import AuditEvent
from programmes.partners.models import Partner, Stage
from programmes.symbols.files import qr_svg
from programmes.symbols.models import SymbolVerification
from tests.conftest import BUSINESS_IDS, PERSONAS, World, client_for
from tests.symbols.conftest import (
    PROGRAMME_SVG,
    end_partnership,
    name_lines,
    own_partner,
    png_image,
    svg_title,
    upload_programme_symbol,
)

pytestmark = pytest.mark.usefixtures("english_pages")

PARTNER_PEOPLE = {"partner_admin", "partner_member", "other_partner_member"}
STAFF = {"municipal_admin", "municipal_staff"}
PAGE = "/my-partnership/symbol/"
FILES = [
    "/my-partnership/symbol.svg",
    "/my-partnership/symbol-web.png",
    "/my-partnership/symbol-print.png",
    "/my-partnership/symbol-qr.svg",
]
FILE_TYPES = {
    "/my-partnership/symbol.svg": "image/svg+xml",
    "/my-partnership/symbol-web.png": "image/png",
    "/my-partnership/symbol-print.png": "image/png",
    "/my-partnership/symbol-qr.svg": "image/svg+xml",
}


def _partner_of(world: World, persona: str) -> Partner:
    name = "other partner" if persona == "other_partner_member" else "partner"
    return Partner.objects.get(name=f"{world.marker} {name}")


@pytest.mark.parametrize("path", [PAGE, *FILES])
@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_only_the_people_of_an_active_partner_get_its_symbol(
    alpha: World, path: str, persona: str | None, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    # The first request of a test also looks up the host and makes the code.
    with django_assert_max_num_queries(12):
        response = client.get(path)
    if persona is None:
        assert response.status_code == 302
        assert urlparse(response["Location"]).path == "/accounts/login/"
        return
    if persona in STAFF:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    with tenant_context(alpha.tenant):
        partner = _partner_of(alpha, persona)
    if path == PAGE:
        assert partner.name in response.content.decode()
        return
    assert response["Content-Type"] == FILE_TYPES[path]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
    if path == "/my-partnership/symbol.svg":
        assert " ".join(name_lines(response.content)) == partner.name
    elif path.endswith(".png"):
        width = 2400 if "print" in path else 600
        assert png_image(response.content).size == (width, width * 760 // 600)


def test_the_page_shows_the_preview_downloads_guidelines_and_verification(
    alpha: World, django_assert_max_num_queries
) -> None:
    with tenant_context(alpha.tenant):
        upload_programme_symbol(PROGRAMME_SVG, "symbol.svg", guidelines=True)
    client = client_for(alpha, "partner_admin")
    client.get(PAGE)  # the first visit makes the code
    with django_assert_max_num_queries(5):
        response = client.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    with tenant_context(alpha.tenant):
        verification = SymbolVerification.objects.get(partner=own_partner(alpha))
    url = f"http://alpha.localhost/verify/{verification.code}/"
    assert f'href="{url}"' in page
    for link in (
        'src="/my-partnership/symbol.svg?language=da&amp;inline=1"',
        'href="/my-partnership/symbol.svg?language=da" download',
        'href="/my-partnership/symbol-web.png?language=da" download',
        'href="/my-partnership/symbol-print.png?language=da" download',
        'src="/my-partnership/symbol-qr.svg?inline=1"',
        'href="/my-partnership/symbol-qr.svg" download',
        'href="/programme/guidelines/"',
        'href="?language=en"',
    ):
        assert link in page, link
    with tenant_context(alpha.tenant), translation.override("en"):
        width, height = format_number(2400), format_number(3040)
    assert f"PNG for print ({width} × {height} pixels, 300 dpi)" in page
    assert "How to use it" in page
    # Every image has a text alternative.
    assert page.count("<img ") == page.count(' alt="')
    # The QR code encodes the absolute verification URL.
    qr = client.get("/my-partnership/symbol-qr.svg?inline=1")
    assert qr["Content-Disposition"].startswith("inline;")
    assert b"<svg" in qr.content and b"<title>" in qr.content
    assert _qr_text(qr.content) == _qr_text(qr_svg(url).encode())
    assert _qr_text(qr.content) != _qr_text(qr_svg(url + "x").encode())


def _qr_text(svg: bytes) -> str:
    """The drawing of a QR code (its path), to compare with the code of a known URL."""
    found = re.search(r' d="([^"]+)"', svg.decode())
    assert found is not None
    return found.group(1)


def test_no_guidelines_link_without_guidelines(alpha: World) -> None:
    page = client_for(alpha, "partner_member").get(PAGE).content.decode()
    assert "/programme/guidelines/" not in page


def test_the_symbol_can_be_had_in_another_language_of_the_programme(alpha: World) -> None:
    client = client_for(alpha, "partner_admin")
    english = client.get("/my-partnership/symbol.svg?language=en")
    year = timezone.localdate().year
    assert f"Climate partner {year}".encode() in english.content
    assert "-climate-partner-" in english["Content-Disposition"]
    assert f"-{year}-en.svg" in english["Content-Disposition"]
    # A language the programme does not offer falls back to the partner's.
    unknown = client.get("/my-partnership/symbol.svg?language=xx")
    assert 'xml:lang="da"' in unknown.content.decode()


def test_the_first_visit_makes_the_code_once_and_audits_it(alpha: World) -> None:
    client = client_for(alpha, "partner_member")
    client.get(PAGE)
    client.get(PAGE)
    client.get("/my-partnership/symbol-qr.svg")
    with tenant_context(alpha.tenant):
        partner = own_partner(alpha)
        verification = SymbolVerification.objects.get(partner=partner)
        events = AuditEvent.objects.filter(action="symbolverification.created")
        assert [(e.target_id, e.actor_label) for e in events] == [
            (str(verification.pk), alpha.email("partner_member"))
        ]
        assert verification.code not in str(events[0].data)
    assert len(verification.code) >= 22


def test_an_ended_partner_is_told_it_may_no_longer_use_the_symbol(alpha: World) -> None:
    ended = timezone.now() - dt.timedelta(days=3)
    with tenant_context(alpha.tenant):
        end_partnership(own_partner(alpha), joined=dt.date(2021, 5, 1), ended=ended)
        # The day it ended where the tenant is (around midnight UTC it differs from UTC's).
        with translation.override("en"):
            when = format_date(local_date(ended))
    client = client_for(alpha, "partner_admin")
    response = client.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Your partnership ended on {when}" in page
    assert "symbol.svg" not in page and "/verify/" not in page
    for path in FILES:
        assert client.get(path).status_code == 404, path


def test_a_partner_not_yet_active_gets_an_explanation_and_no_code(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        Partner.objects.filter(pk=own_partner(alpha).pk).update(stage=Stage.BOOKED)
    client = client_for(alpha, "partner_admin")
    page = client.get(PAGE).content.decode()
    assert "The partner symbol is for active climate partners." in page
    assert "symbol.svg" not in page
    for path in FILES:
        assert client.get(path).status_code == 404, path
    with tenant_context(alpha.tenant):
        assert not SymbolVerification.objects.exists()


def test_a_renamed_partner_gets_a_new_png_not_the_cached_one(alpha: World) -> None:
    client = client_for(alpha, "partner_admin")
    before = client.get("/my-partnership/symbol-web.png").content
    with tenant_context(alpha.tenant):
        Partner.objects.filter(pk=own_partner(alpha).pk).update(name="Åkirkeby Ølbryggeri")
    after = client.get("/my-partnership/symbol-web.png").content
    assert before != after
    svg = client.get("/my-partnership/symbol.svg").content
    assert svg_title(svg).startswith("Åkirkeby Ølbryggeri")
    disposition = client.get("/my-partnership/symbol.svg")["Content-Disposition"]
    assert "%C3%A5kirkeby-%C3%B8lbryggeri" in disposition


def _more_partners(world: World, count: int, *, first: int = 0) -> None:
    prefix = BUSINESS_IDS["DK"][2][:-2]
    for number in range(first, first + count):
        Partner.objects.create(
            name=f"{world.marker} extra {number}",
            business_id=f"X{prefix}{number:04d}",
            kind="company",
            sector="services",
            language="da",
            stage=Stage.ACTIVE,
            stage_changed_at=timezone.now(),
        )


def _queries(client, path: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", [PAGE, "/my-partnership/symbol.svg"])
def test_the_pages_use_as_many_queries_with_3_or_30_partners(alpha: World, path: str) -> None:
    client = client_for(alpha, "partner_admin")
    client.get(path)  # the code is made on the first visit
    with tenant_context(alpha.tenant):
        _more_partners(alpha, 1)
    few = _queries(client, path)
    with tenant_context(alpha.tenant):
        _more_partners(alpha, 27, first=1)
    assert _queries(client, path) == few


def test_the_png_files_are_valid_and_sized(alpha: World) -> None:
    client = client_for(alpha, "partner_admin")
    web = png_image(client.get("/my-partnership/symbol-web.png").content)
    printed = png_image(client.get("/my-partnership/symbol-print.png").content)
    assert web.size == (600, 760) and printed.size == (2400, 3040)
    assert round(printed.info["dpi"][0]) == 300

"""Every upload path of the platform runs the content checks and the malware scan (the fake
scanner of the tests flags the EICAR test string), and stored files go out only through
permission-checked views, as downloads (pictures inline), never sniffed, sandboxed; no URL
serves MEDIA_ROOT."""

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.views import static
from django_tenants.utils import tenant_context
from PIL import Image, PngImagePlugin

from programmes.certificates.models import Certificate
from programmes.configuration.models import Programme
from programmes.core.models import AuditEvent
from programmes.core.scanning import EICAR
from programmes.partners.models import Partner
from tests.certificates.conftest import Catalogue, catalogue  # noqa: F401 (a fixture)
from tests.conftest import World, client_for
from tests.invoicing.conftest import alpha_billing  # noqa: F401 (a fixture)

REFUSED = "The file was refused by the virus scanner."


def infected_png() -> bytes:
    buffer = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", EICAR.decode())
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


INFECTED_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% " + EICAR + b"\n%%EOF\n"
INFECTED_CSV = b"name,business id\nACME," + EICAR + b"\n"


def file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@dataclass(frozen=True)
class UploadPath:
    persona: str
    url: str
    data: Callable[[Any], dict[str, Any]]  # the catalogue (for certificates) -> POST data


def _certificate(schemes: Any, key: str) -> dict[str, Any]:
    today = schemes.today
    return {
        "scheme": schemes.iso.pk,
        "number": "ISO-1",
        "issued_on": today.replace(year=today.year - 1).isoformat(),
        "expires_on": today.replace(year=today.year + 2).isoformat(),
        "issuing_body": "DNV",
        key: file("iso.pdf", INFECTED_PDF),
    }


PROFILE = {
    "form": "profile",
    "name": "ALPHA-MARKER partner",
    "sector": "services",
    "language": "da",
    "contacts-TOTAL_FORMS": "1",
    "contacts-INITIAL_FORMS": "0",
    "contacts-0-name": "Mette Jensen",
    "contacts-0-email": "mette@alpha.example",
    "contacts-0-role": "main",
}

UPLOAD_PATHS = {
    "partner logo (page)": UploadPath(
        "partner_admin",
        "/my-partnership/profile/",
        lambda _c: {**PROFILE, "logo_upload": file("logo.png", infected_png())},
    ),
    "programme symbol (page)": UploadPath(
        "municipal_admin", "/manage/files/", lambda _c: {"symbol": file("s.png", infected_png())}
    ),
    "programme guidelines (page)": UploadPath(
        "municipal_admin",
        "/manage/files/",
        lambda _c: {"guidelines": file("g.pdf", INFECTED_PDF)},
    ),
    "certificate document (page)": UploadPath(
        "partner_admin",
        "/my-partnership/certificates/new/",
        lambda c: _certificate(c, "document_upload"),
    ),
    "certificate document (API)": UploadPath(
        "partner_admin", "/api/v1/certificates/", lambda c: _certificate(c, "document")
    ),
    "partner import (page)": UploadPath(
        "municipal_admin",
        "/partners/import/",
        lambda _c: {"action": "preview", "file": file("p.csv", INFECTED_CSV)},
    ),
    "partner import goals (page)": UploadPath(
        "municipal_admin",
        "/partners/import/",
        lambda _c: {
            "action": "preview",
            "file": file("p.csv", b"name\nACME\n"),
            "goals_file": file("g.csv", INFECTED_CSV),
        },
    ),
    "partner import (API)": UploadPath(
        "municipal_admin",
        "/api/v1/partners/import/",
        lambda _c: {"file": file("p.csv", INFECTED_CSV), "dry_run": "true"},
    ),
    "climate import, staff (page)": UploadPath(
        "municipal_admin",
        "/partners/climate-import/",
        lambda _c: {"action": "preview", "file": file("a.csv", INFECTED_CSV)},
    ),
    "climate import, partner (page)": UploadPath(
        "partner_admin",
        "/my-partnership/climate/import/",
        lambda _c: {"action": "preview", "file": file("a.csv", INFECTED_CSV)},
    ),
    "climate import (API)": UploadPath(
        "municipal_admin",
        "/api/v1/climate-accounts/import/",
        lambda _c: {"file": file("a.csv", INFECTED_CSV)},
    ),
    "payments import (page)": UploadPath(
        "municipal_staff",
        "/invoicing/payments-import/",
        lambda _c: {"action": "preview", "file": file("b.csv", INFECTED_CSV)},
    ),
    "payments import (API)": UploadPath(
        "municipal_staff",
        "/api/v1/invoices/payments-import/",
        lambda _c: {"file": file("b.csv", INFECTED_CSV)},
    ),
}


def _stored_state(world: World) -> tuple[object, ...]:
    with tenant_context(world.tenant):
        programme = Programme.objects.get()
        return (
            AuditEvent.objects.count(),
            Certificate.objects.count(),
            sorted(Partner.objects.values_list("logo", flat=True)),
            Partner.objects.count(),
            programme.symbol.name,
            programme.guidelines.name,
        )


@pytest.mark.parametrize("path", UPLOAD_PATHS.values(), ids=UPLOAD_PATHS.keys())
def test_every_upload_path_refuses_a_file_the_scanner_flags_and_stores_nothing(
    alpha: World,
    catalogue: Catalogue,  # noqa: F811
    alpha_billing: Any,  # noqa: F811
    path: UploadPath,
) -> None:
    client = client_for(alpha, path.persona)
    before = _stored_state(alpha)  # after the login, which is audited
    client.cookies["django_language"] = "en"
    response = client.post(path.url, path.data(catalogue), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in {200, 400}, response.content[:500]
    assert REFUSED in response.content.decode()
    assert _stored_state(alpha) == before


# --- Serving stored files -----------------------------------------------------------------


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def _headers_are_safe(response: Any) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp


def test_pictures_shown_in_pages_are_inline_and_everything_else_a_download(
    alpha: World,
    catalogue: Catalogue,  # noqa: F811
) -> None:
    admin = client_for(alpha, "municipal_admin")
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
    admin.post(
        "/manage/files/",
        {"symbol": file("<script>.png", _png()), "guidelines": file("../../x.pdf", pdf)},
    )
    symbol = Client(HTTP_HOST=alpha.host).get("/programme/symbol/")
    assert symbol.status_code == 200
    assert symbol["Content-Disposition"] == 'inline; filename="partner-symbol.png"'
    _headers_are_safe(symbol)
    guidelines = Client(HTTP_HOST=alpha.host).get("/programme/guidelines/")
    assert guidelines["Content-Type"] == "application/pdf"
    assert guidelines["Content-Disposition"] == 'attachment; filename="graphic-guidelines.pdf"'
    _headers_are_safe(guidelines)

    partner_admin = client_for(alpha, "partner_admin")
    partner_admin.post(
        "/my-partnership/profile/",
        {**PROFILE, "logo_upload": file("evil name.svg.png", _png())},
    )
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(memberships__email=alpha.email("partner_admin"))
        assert partner.logo.name.startswith("partners/logos/logo-")
        assert "evil" not in partner.logo.name
    logo = partner_admin.get(f"/partner-logos/{partner.pk}/")
    assert logo["Content-Disposition"] == 'inline; filename="logo.png"'
    _headers_are_safe(logo)

    partner_admin.post(
        "/my-partnership/certificates/new/",
        {**_certificate(catalogue, "document_upload"), "document_upload": file("a.png", _png())},
    )
    with tenant_context(alpha.tenant):
        certificate = Certificate.objects.get()
    document = partner_admin.get(f"/certificates/{certificate.pk}/document/")
    assert document["Content-Type"] == "image/png"
    # A photographed document is still a download, under a name made here.
    assert document["Content-Disposition"].startswith("attachment; filename=")
    assert "a.png" not in document["Content-Disposition"]
    _headers_are_safe(document)
    assert (
        client_for(alpha, "other_partner_member")
        .get(f"/certificates/{certificate.pk}/document/")
        .status_code
        == 404
    )


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found += _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + str(pattern.pattern), pattern.callback))
    return found


@pytest.mark.parametrize("urlconf", ["saas.urls_tenant", "saas.urls_public"])
def test_no_url_serves_media_root(urlconf: str, settings) -> None:  # type: ignore[no-untyped-def]
    patterns = _patterns(get_resolver(urlconf))
    assert patterns
    for route, callback in patterns:
        assert getattr(callback, "__wrapped__", callback) is not static.serve, route
        assert not route.lstrip("^/").startswith(settings.MEDIA_URL.strip("/")), route
    # Whitenoise serves the collected static files only, never the uploads.
    assert settings.STATIC_ROOT != settings.MEDIA_ROOT
    assert getattr(settings, "WHITENOISE_ROOT", None) in {None, ""}
    assert settings.MEDIA_ROOT not in [*settings.STATICFILES_DIRS]


def test_a_stored_file_is_not_reachable_by_its_path(alpha: World, settings) -> None:  # type: ignore[no-untyped-def]
    client = client_for(alpha, "municipal_admin")
    client.post("/manage/files/", {"symbol": file("s.png", _png())})
    with tenant_context(alpha.tenant):
        name = Programme.objects.get().symbol.name
    for url in (
        f"/media/{name}",
        f"/media/alpha/{name}",
        f"/static/../media/alpha/{name}",
        f"/{name}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.get("Content-Type", "").startswith("text/html"), url

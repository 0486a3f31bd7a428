"""A tenant's branding on its own hosts (tenant URLconf, public): ``/branding.css`` sets the
CSS custom properties site.css styles the header, buttons and links with, and
``/branding/logo/`` serves the logo. Both answer from ``request.tenant`` (cached by the
routing middleware, invalidated by the branding service): no query of their own.

The colour comes from a stylesheet, never a style attribute: the Content-Security-Policy
allows no inline styles."""

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import condition, require_safe

from programmes.core.views import stored_file_response
from tenants.models import COLOUR_PATTERN, Tenant

LOGO_TYPES = {"png": "image/png", "svg": "image/svg+xml", "jpg": "image/jpeg"}
# With the version in the query string the content never changes under that address.
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300"
# The hover shade: the brand colour with this much black mixed in.
DARKEN = 0.25


def darker(colour: str) -> str:
    channels = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return "#" + "".join(f"{round(value * (1 - DARKEN)):02X}" for value in channels)


def branding_stylesheet(tenant: Tenant) -> str:
    colour = tenant.brand_colour.upper()
    # Checked again here: only a validated colour ever reaches a stylesheet.
    if not re.fullmatch(COLOUR_PATTERN, colour):
        return "/* The platform's colours. */\n"
    return f":root {{ --brand: {colour}; --brand-dark: {darker(colour)}; }}\n"


def _cache_control(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    versioned = request.GET.get("v") == tenant.branding_version
    response["Cache-Control"] = LONG_CACHE if versioned else SHORT_CACHE
    return response


def _etag(request: HttpRequest) -> str:
    return request.tenant.branding_version  # type: ignore[attr-defined]


@require_safe
@condition(etag_func=_etag)
def branding_css(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        branding_stylesheet(request.tenant),  # type: ignore[attr-defined]
        content_type="text/css; charset=utf-8",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return _cache_control(request, response)


def logo_response(tenant: Tenant) -> HttpResponse:
    """The logo with a content type from the checked upload's own extension (names are
    ours: ``safe_name``), ``nosniff`` and a sandboxing policy. Call in the tenant's schema."""
    if not tenant.brand_logo:
        raise Http404
    extension = tenant.brand_logo.name.rsplit(".", 1)[-1]
    if extension not in LOGO_TYPES:
        raise Http404
    try:
        return stored_file_response(
            tenant.brand_logo, LOGO_TYPES[extension], download_name=f"logo.{extension}"
        )
    except FileNotFoundError:
        raise Http404 from None


@require_safe
@condition(etag_func=_etag)
def branding_logo(request: HttpRequest) -> HttpResponse:
    return _cache_control(request, logo_response(request.tenant))  # type: ignore[attr-defined]

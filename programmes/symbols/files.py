"""The files the symbol pages and the API send: headers, names and the QR code."""

import io

import segno
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from programmes.partners.models import Partner
from programmes.symbols.selectors import symbol_year

# A file of ours is never run or sniffed; the SVG may show only its own embedded image.
FILE_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"


def file_response(
    content: bytes | str, content_type: str, filename: str, *, inline: bool = False
) -> HttpResponse:
    """A generated file as a download (or inline, for the preview), never sniffed or run."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response


def file_stem(partner: Partner, language: str) -> str:
    """``<partner>-climate-partner-<year>-<language>`` for the downloaded files."""
    name = slugify(partner.name, allow_unicode=True)[:60].strip("-") or "partner"
    return f"{name}-climate-partner-{symbol_year()}-{language}"


def qr_svg(url: str) -> str:
    """A QR code of ``url`` as an SVG document (scales for print)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", scale=8, border=4, title=_("Verification link"), dark="#000"
    )
    return out.getvalue().decode()

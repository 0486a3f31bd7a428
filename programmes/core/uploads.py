"""Checks for uploaded files: by content (magic bytes and parsing), size and type, never by
the name or the content type the browser sent. File names are never kept: callers store
files under names they make themselves (``safe_name``)."""

import io
import secrets
from dataclasses import dataclass
from typing import IO

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PDF_MAGIC = b"%PDF-"
SVG_NS = "{http://www.w3.org/2000/svg}"
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 25_000_000
# Elements and attribute values that could run code or fetch something when an SVG is shown.
SVG_FORBIDDEN_ELEMENTS = {"script", "foreignObject", "iframe", "embed", "object", "handler"}
PDF_FORBIDDEN_NAMES = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia")


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str


def _read(upload: IO[bytes], limit: int) -> bytes:
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            _("The file is too large: at most %(megabytes)s MB.")
            % {"megabytes": limit // (1024 * 1024)},
            code="too_large",
        )
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    return content


def _check_png(content: bytes) -> CheckedFile:
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != "PNG":
                raise ValidationError(_("The file is not a PNG image."), code="not_png")
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("The image has too many pixels."), code="too_many_pixels")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(_("The image is damaged or not a PNG."), code="bad_png") from None
    return CheckedFile(content, "image/png", "png")


def _check_svg(content: bytes) -> CheckedFile:
    try:
        root = ElementTree.fromstring(content, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        raise ValidationError(_("The file is not a valid SVG image."), code="bad_svg") from None
    if root.tag != f"{SVG_NS}svg":
        raise ValidationError(_("The file is not a valid SVG image."), code="bad_svg")
    for element in root.iter():
        name = str(element.tag).rsplit("}", 1)[-1]
        if name in SVG_FORBIDDEN_ELEMENTS:
            raise ValidationError(
                _("The SVG image contains scripts or embedded content, which is not allowed."),
                code="unsafe_svg",
            )
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1].lower()
            lowered = value.strip().lower()
            if (
                local.startswith("on")
                or "javascript:" in lowered
                or (
                    local == "href"
                    and not (lowered.startswith("#") or lowered.startswith("data:image/"))
                )
            ):
                raise ValidationError(
                    _("The SVG image links to other files or runs scripts, which is not allowed."),
                    code="unsafe_svg",
                )
    return CheckedFile(content, "image/svg+xml", "svg")


def check_image(upload: IO[bytes]) -> CheckedFile:
    """A PNG or a safe SVG, recognised by its content."""
    content = _read(upload, MAX_IMAGE_BYTES)
    if content.startswith(PNG_MAGIC):
        return _check_png(content)
    head = content[:1024].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        return _check_svg(content)
    raise ValidationError(_("Upload a PNG or SVG image."), code="not_an_image")


def check_pdf(upload: IO[bytes]) -> CheckedFile:
    """A PDF without scripts, launch actions or embedded files."""
    content = _read(upload, MAX_PDF_BYTES)
    if not content.startswith(PDF_MAGIC):
        raise ValidationError(_("Upload a PDF document."), code="not_a_pdf")
    if any(name in content for name in PDF_FORBIDDEN_NAMES):
        raise ValidationError(
            _("The PDF contains scripts, actions or embedded files, which is not allowed."),
            code="unsafe_pdf",
        )
    return CheckedFile(content, "application/pdf", "pdf")


def safe_name(stem: str, checked: CheckedFile) -> str:
    """A file name of our own making: the uploader's name is never used."""
    return f"{stem}-{secrets.token_hex(6)}.{checked.extension}"

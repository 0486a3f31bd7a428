"""Checks for uploaded files: by content (magic bytes and parsing), size and type, never by
the name or the content type the browser sent. File names are never kept: callers store
files under names they make themselves (``safe_name``)."""

import io
import re
import secrets
import zipfile
from dataclasses import dataclass
from typing import IO

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
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


def _check_jpeg(content: bytes) -> CheckedFile:
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != "JPEG":
                raise ValidationError(_("The file is not a JPEG image."), code="not_jpeg")
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("The image has too many pixels."), code="too_many_pixels")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(_("The image is damaged or not a JPEG."), code="bad_jpeg") from None
    return CheckedFile(content, "image/jpeg", "jpg")


def check_document(upload: IO[bytes]) -> CheckedFile:
    """A scanned or photographed document: a PDF (as ``check_pdf``), a PNG or a JPEG,
    recognised by its content, at most 10 MB. No SVG: a document is never drawn by code."""
    content = _read(upload, MAX_PDF_BYTES)
    if content.startswith(PDF_MAGIC):
        return check_pdf(io.BytesIO(content))
    if content.startswith(PNG_MAGIC):
        return _check_png(content)
    if content.startswith(JPEG_MAGIC):
        return _check_jpeg(content)
    raise ValidationError(_("Upload a PDF document or a PNG or JPEG image."), code="not_a_document")


def safe_name(stem: str, checked: CheckedFile) -> str:
    """A file name of our own making: the uploader's name is never used."""
    return f"{stem}-{secrets.token_hex(6)}.{checked.extension}"


MAX_SPREADSHEET_BYTES = 5 * 1024 * 1024
# An XLSX is a zip: refuse archives that unpack far beyond the upload limit (zip bombs).
MAX_SPREADSHEET_UNPACKED_BYTES = 50 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls (and other Office 97 files)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Control characters (other than tab and line ends) do not occur in a CSV: a binary file.
BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def check_spreadsheet(upload: IO[bytes]) -> CheckedFile:
    """An XLSX workbook without macros, or a CSV text (UTF-8, with or without BOM, or
    Windows-1252 as older Excel versions save it), recognised by its content."""
    content = _read(upload, MAX_SPREADSHEET_BYTES)
    if content.startswith(OLE2_MAGIC):
        raise ValidationError(
            _("Old Excel files (.xls) are not accepted: save the file as .xlsx or CSV."),
            code="old_excel",
        )
    if content.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                entries = archive.infolist()
                types = archive.read("[Content_Types].xml")
        except KeyError:
            raise ValidationError(
                _("Upload a CSV or XLSX file."), code="not_a_spreadsheet"
            ) from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
            raise ValidationError(_("The XLSX file is damaged."), code="bad_xlsx") from None
        names = {entry.filename for entry in entries}
        if "xl/vbaProject.bin" in names or b"macroEnabled" in types:
            raise ValidationError(
                _("Files with macros (.xlsm) are not accepted: save the file as .xlsx."),
                code="macros",
            )
        if "xl/workbook.xml" not in names:
            raise ValidationError(_("Upload a CSV or XLSX file."), code="not_a_spreadsheet")
        if sum(entry.file_size for entry in entries) > MAX_SPREADSHEET_UNPACKED_BYTES:
            raise ValidationError(_("The XLSX file is too large."), code="too_large")
        return CheckedFile(content, XLSX_TYPE, "xlsx")
    if BINARY_BYTES.search(content) or decode_text(content) is None:
        raise ValidationError(_("Upload a CSV or XLSX file."), code="not_a_spreadsheet")
    return CheckedFile(content, "text/csv", "csv")


def decode_text(content: bytes) -> str | None:
    """The text of an uploaded CSV: UTF-8 (a BOM is dropped), else Windows-1252; None when
    neither decodes it."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None

"""Checks for uploaded files: by content (magic bytes and parsing), size and type, never by
the name or the content type the browser sent. File names are never kept: callers store
files under names they make themselves (``safe_name``). Every public ``check_*`` ends with
the malware scan (``programmes.core.scanning.scan``), so no upload path can forget it.

SVGs that could run code or fetch anything are refused rather than rewritten; PDFs with
scripts, actions, embedded files, rich media or forms (XFA) are refused, also when the
names hide in compressed object streams or behind ``#xx`` escapes."""

import io
import re
import secrets
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from programmes.core.scanning import scan

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_MAGIC = b"%PDF-"
SVG_NS = "{http://www.w3.org/2000/svg}"
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 25_000_000
# Elements and attribute values that could run code or fetch something when an SVG is shown.
SVG_FORBIDDEN_ELEMENTS = {
    "script",
    "foreignObject",
    "iframe",
    "embed",
    "object",
    "handler",
    "listener",
    "include",  # XInclude
    "link",
    "meta",
    "base",
}
# Only pictures may be inlined: a data: SVG or HTML could carry scripts of its own.
SVG_SAFE_DATA_URI = re.compile(r"data:image/(png|jpeg|jpg|gif|webp);base64,[a-z0-9+/=\s]*")
SVG_LOCAL_URL = re.compile(r"url\(\s*['\"]?#[^)]*\)")
# Whitespace and control characters browsers drop inside a scheme ("java\tscript:").
INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
# PDF names (after #xx escapes are decoded) that run code, act on their own, or smuggle
# files: scripts, launch/URI-free "additional actions", embedded files, rich media, XFA
# forms. An /OpenAction that runs a script is caught by its /JavaScript or /JS.
PDF_FORBIDDEN_NAMES = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"Launch",
        b"AA",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"RichMedia",
        b"XFA",
        b"ImportData",
        b"SubmitForm",
    }
)
PDF_HEX_ESCAPE = re.compile(rb"#([0-9a-fA-F]{2})")
DELIMITED = rb"(?<![^\x00\t\n\x0c\r ()<>\[\]{}/%])"  # at the start of a token
REGULAR_END = rb"(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])"  # at the end of a token
PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
# What the PDF scan must handle in order: strings, comments, "obj" and "stream" keywords;
# everything between them is plain syntax whose names are collected at once.
PDF_MARK = re.compile(
    rb"(?P<string>\()|(?P<comment>%)|"
    + DELIMITED
    + rb"(?:(?P<obj>obj)"
    + REGULAR_END
    + rb"|(?P<stream>stream)(?=\r\n|\n|\r))"
)
PDF_SIMPLE_STRING = re.compile(rb"\((?:[^\\()]|\\.)*\)", re.DOTALL)
PDF_STRING_PART = re.compile(rb"\\.|[()]", re.DOTALL)
PDF_LENGTH = re.compile(rb"/Length\s+([0-9]+)(?:\s+([0-9]+)\s+R)?")
PDF_STREAM_FILTERS = frozenset(
    {b"FlateDecode", b"Fl", b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85", b"LZWDecode"}
    | {b"LZW", b"RunLengthDecode", b"RL", b"Crypt", b"DCTDecode", b"JPXDecode", b"JBIG2Decode"}
)
# Compressed streams are inflated to look inside them, but never beyond this in total.
MAX_PDF_INFLATED_BYTES = 50 * 1024 * 1024
# Strings, comments and objects outside streams a PDF may have (ordinary files have a few
# thousand; page contents are streams and do not count): bounds the time a check takes.
MAX_PDF_MARKS = 100_000


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


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The image has too many pixels: at most %(megapixels)s megapixels.")
        % {"megapixels": MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def _check_bitmap(content: bytes, kind: str) -> CheckedFile:
    """A PNG or JPEG that Pillow reads as such, with at most MAX_PIXELS pixels. The size is
    read from the header before any pixel is decoded; Pillow's own decompression-bomb guard
    (Image.MAX_IMAGE_PIXELS, a warning and, at twice that, an error) is turned into the same
    refusal rather than relied on, since its limit is global and higher than ours. The
    pixels are then decoded once, so a corrupt image is refused too (a truncated one only
    while WeasyPrint, once imported, has not set ImageFile.LOAD_TRUNCATED_IMAGES)."""
    names = {"PNG": (_("The image is damaged or not a PNG."), "bad_png", "image/png", "png")}
    names["JPEG"] = (_("The image is damaged or not a JPEG."), "bad_jpeg", "image/jpeg", "jpg")
    damaged, code, content_type, extension = names[kind]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[kind]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise _too_many_pixels()
                image.verify()  # the chunks and their checksums
            with Image.open(io.BytesIO(content), formats=[kind]) as image:
                image.load()  # the pixels themselves (bounded by the check above)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(damaged, code=code) from None
    return CheckedFile(content, content_type, extension)


def _check_png(content: bytes) -> CheckedFile:
    return _check_bitmap(content, "PNG")


def _check_jpeg(content: bytes) -> CheckedFile:
    return _check_bitmap(content, "JPEG")


def _unsafe_svg() -> ValidationError:
    return ValidationError(
        _(
            "The SVG image contains scripts, links to other files or embedded content, "
            "which is not allowed. Export it again as a plain SVG or upload a PNG."
        ),
        code="unsafe_svg",
    )


def _unsafe_css(text: str) -> bool:
    """True when CSS (a style attribute, a <style> element or a presentation attribute) can
    fetch something or run code: any url() that is not a reference inside the image."""
    flat = INVISIBLE.sub("", text).lower()
    if any(word in flat for word in ("@import", "expression(", "javascript:", "behavior:")):
        return True
    return "url(" in SVG_LOCAL_URL.sub("", flat)


def _unsafe_attribute(element_name: str, name: str, value: str) -> bool:
    flat = INVISIBLE.sub("", value).lower()
    if name.startswith("on") or name in {"src", "action", "formaction"}:
        return True  # event handlers run scripts; the others load or send things
    if "javascript:" in flat or "vbscript:" in flat:
        return True
    if "data:" in flat and not SVG_SAFE_DATA_URI.fullmatch(flat):
        return True
    if name == "href" and not (flat.startswith("#") or SVG_SAFE_DATA_URI.fullmatch(flat)):
        return True  # http(s), file and relative links fetch or open other things
    if element_name in {"animate", "set"} and name == "attributename":
        return flat.rsplit(":", 1)[-1] == "href"  # an animation could swap a link in
    return _unsafe_css(value)


def _check_svg(content: bytes) -> CheckedFile:
    """An SVG that cannot run code or fetch anything when it is shown: refused, never
    rewritten, if it has a DTD or entities, scripts, foreign objects, event handlers,
    script/data links or links to other files, or CSS that imports or loads urls."""
    if b"<?xml-stylesheet" in content.lower():
        raise _unsafe_svg()
    try:
        root = ElementTree.fromstring(content, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        raise ValidationError(_("The file is not a valid SVG image."), code="bad_svg") from None
    if root.tag != f"{SVG_NS}svg":
        raise ValidationError(_("The file is not a valid SVG image."), code="bad_svg")
    for element in root.iter():
        name = str(element.tag).rsplit("}", 1)[-1]
        if name in SVG_FORBIDDEN_ELEMENTS:
            raise _unsafe_svg()
        if name == "style" and _unsafe_css(element.text or ""):
            raise _unsafe_svg()
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1].lower()
            if _unsafe_attribute(name, local, value):
                raise _unsafe_svg()
    return CheckedFile(content, "image/svg+xml", "svg")


def _image(content: bytes) -> CheckedFile:
    if content.startswith(PNG_MAGIC):
        return _check_png(content)
    head = content[:1024].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        return _check_svg(content)
    raise ValidationError(_("Upload a PNG or SVG image."), code="not_an_image")


def check_image(upload: IO[bytes]) -> CheckedFile:
    """A PNG or a safe SVG, recognised by its content, then scanned for malware."""
    checked = _image(_read(upload, MAX_IMAGE_BYTES))
    scan(checked.content)
    return checked


def _unsafe_pdf() -> ValidationError:
    return ValidationError(
        _("The PDF contains scripts, actions or embedded files, which is not allowed."),
        code="unsafe_pdf",
    )


def _pdf_name(name: bytes) -> bytes:
    """A name with its #xx escapes decoded (J#61vaScript is JavaScript)."""
    return PDF_HEX_ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), name)


def _pdf_string_end(content: bytes, start: int) -> int:
    """Where the literal string opened at ``start`` ends (nested and escaped parentheses
    count); the end of the content when it never closes."""
    simple = PDF_SIMPLE_STRING.match(content, start)
    if simple is not None:
        return simple.end()
    depth = 0
    for part in PDF_STRING_PART.finditer(content, start):
        if part[0] == b"(":
            depth += 1
        elif part[0] == b")":
            depth -= 1
            if depth == 0:
                return part.end()
    return len(content)


class _PdfScan:
    """The names a PDF reader would act on: every name outside strings, comments and stream
    data, and every name in the inflated object streams (/ObjStm), where dictionaries may
    hide compressed. Other streams (page contents, fonts, images) are skipped by their
    /Length, so their binary data cannot pass for a name, and nothing hides by looking like
    a string or a stream to a simpler search. Inflating stops at MAX_PDF_INFLATED_BYTES."""

    def __init__(self, content: bytes) -> None:
        self.content = content
        self.inflated = 0
        self.marks = 0
        self.names: set[bytes] = set()

    def run(self, content: bytes, *, streams: bool = True) -> None:
        position = 0
        # Since the last "obj": its names and its /Length (for the stream that may follow).
        object_names: set[bytes] = set()
        length: re.Match[bytes] | None = None
        while True:
            mark = PDF_MARK.search(content, position)
            syntax = content[position : mark.start() if mark else len(content)]
            if b"/" in syntax:
                names = PDF_NAME.findall(syntax)
                if b"#" in syntax:
                    names = [_pdf_name(found) for found in names]
                self.names.update(names)
                object_names.update(names)
                if b"/Length" in syntax:
                    length = next(reversed(list(PDF_LENGTH.finditer(syntax))), length)
            if mark is None:
                return
            self.marks += 1
            if self.marks > MAX_PDF_MARKS:
                raise ValidationError(
                    _("The PDF is too complex to be checked."), code="too_complex"
                )
            position = mark.end()
            if mark.lastgroup == "string":
                position = _pdf_string_end(content, mark.start())
            elif mark.lastgroup == "comment":
                line_end = re.compile(rb"[\r\n]").search(content, position)
                position = line_end.end() if line_end else len(content)
            elif mark.lastgroup == "obj":
                object_names, length = set(), None
            elif streams:  # "stream"
                position = self._stream(content, position, object_names, length)
                object_names, length = set(), None

    def _length(self, found: re.Match[bytes] | None) -> int | None:
        """The /Length of the stream's dictionary: direct, or an indirect "n g R"."""
        if found is None:
            return None
        if found[2] is None:
            return int(found[1])
        number = rb"(?<![0-9])%s\s+%s\s+obj\s*([0-9]+)\s*endobj" % (found[1], found[2])
        value = re.search(number, self.content)
        return int(value[1]) if value else None

    def _stream(
        self, content: bytes, position: int, names: set[bytes], length: re.Match[bytes] | None
    ) -> int:
        """Skip (or, for an object stream, look into) the stream data; where it ends."""
        if content.startswith(b"\r\n", position):
            position += 2
        else:
            position += 1  # \n or \r, as the mark required
        end = None
        declared = self._length(length)
        if declared is not None and content[position + declared :].lstrip().startswith(
            b"endstream"
        ):
            end = position + declared
        if end is None:  # as readers do with a wrong length: up to "endstream"
            found = content.find(b"endstream", position)
            end = len(content) if found == -1 else found
        if b"ObjStm" in names:
            inner = self._inflate(content[position:end], names & PDF_STREAM_FILTERS)
            self.run(inner, streams=False)
        return end

    def _inflate(self, body: bytes, filters: set[bytes]) -> bytes:
        if filters - {b"FlateDecode", b"Fl"}:
            raise _unsafe_pdf()  # an object stream that cannot be looked into here
        if filters:
            try:
                body = zlib.decompressobj().decompress(
                    body, MAX_PDF_INFLATED_BYTES - self.inflated + 1
                )
            except zlib.error:
                raise _unsafe_pdf() from None  # encrypted or damaged: cannot be checked
        self.inflated += len(body)
        if self.inflated > MAX_PDF_INFLATED_BYTES:
            raise ValidationError(_("The PDF is too large once unpacked."), code="too_large")
        return body


def _pdf(content: bytes) -> CheckedFile:
    if not content.startswith(PDF_MAGIC):
        raise ValidationError(_("Upload a PDF document."), code="not_a_pdf")
    scanned = _PdfScan(content)
    scanned.run(content)
    if scanned.names & PDF_FORBIDDEN_NAMES:
        raise _unsafe_pdf()
    return CheckedFile(content, "application/pdf", "pdf")


def check_pdf(upload: IO[bytes]) -> CheckedFile:
    """A PDF without scripts, launch or additional actions, embedded files, rich media or
    XFA forms (also inside compressed object streams), then scanned for malware."""
    checked = _pdf(_read(upload, MAX_PDF_BYTES))
    scan(checked.content)
    return checked


def check_document(upload: IO[bytes]) -> CheckedFile:
    """A scanned or photographed document: a PDF (as ``check_pdf``), a PNG or a JPEG,
    recognised by its content, at most 10 MB, then scanned for malware. No SVG: a document
    is never drawn by code."""
    content = _read(upload, MAX_PDF_BYTES)
    if content.startswith(PDF_MAGIC):
        checked = _pdf(content)
    elif content.startswith(PNG_MAGIC):
        checked = _check_png(content)
    elif content.startswith(JPEG_MAGIC):
        checked = _check_jpeg(content)
    else:
        raise ValidationError(
            _("Upload a PDF document or a PNG or JPEG image."), code="not_a_document"
        )
    scan(checked.content)
    return checked


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
        checked = CheckedFile(content, XLSX_TYPE, "xlsx")
    elif BINARY_BYTES.search(content) or decode_text(content) is None:
        raise ValidationError(_("Upload a CSV or XLSX file."), code="not_a_spreadsheet")
    else:
        checked = CheckedFile(content, "text/csv", "csv")
    scan(checked.content)
    return checked


def decode_text(content: bytes) -> str | None:
    """The text of an uploaded CSV: UTF-8 (a BOM is dropped), else Windows-1252; None when
    neither decodes it."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None

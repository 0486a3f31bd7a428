"""Upload checks by content: real malicious SVG and PDF samples, decompression bombs, and
the malware scan at the end of every check."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, PngImagePlugin
from pypdf import PdfWriter

from programmes.core import uploads
from programmes.core.scanning import EICAR
from programmes.core.uploads import (
    CheckedFile,
    check_document,
    check_image,
    check_pdf,
    check_spreadsheet,
    safe_name,
)

PIXEL_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def png(size: tuple[int, int] = (8, 8), text: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    if text is not None:
        info.add_text("Comment", text.decode("latin-1"))
    Image.new("1", size).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming ``width`` x ``height`` pixels: a few bytes that would decode to
    gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack("!L", len(data)) + kind + data + struct.pack("!L", crc)

    header = struct.pack("!LLBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        uploads.PNG_MAGIC
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg(size: tuple[int, int] = (8, 8), comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    Image.new("L", size).save(buffer, format="JPEG", comment=comment)
    return buffer.getvalue()


def svg(body: str, attributes: str = "") -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 10 10"{attributes}>{body}</svg>'
    ).encode()


def refused(check, content: bytes) -> ValidationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        check(io.BytesIO(content))
    return error.value


# --- SVG ----------------------------------------------------------------------------------

MALICIOUS_SVGS = {
    "script element": svg("<script>alert(document.cookie)</script>"),
    "script in another namespace": svg(
        '<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>'
    ),
    "event handler": svg('<rect width="5" height="5"/>', ' onload="alert(1)"'),
    "event handler in upper case": svg('<rect width="5" height="5" ONCLICK="alert(1)"/>'),
    "event handler on animation": svg('<animate onbegin="alert(1)" attributeName="x"/>'),
    "javascript href": svg('<a href="javascript:alert(1)"><rect width="5" height="5"/></a>'),
    "javascript xlink:href": svg('<a xlink:href="javascript:alert(1)"><text>x</text></a>'),
    "javascript hidden by a tab entity": svg(
        '<a href="java&#x09;script:alert(1)"><text>x</text></a>'
    ),
    "javascript in upper case with spaces": svg('<a href="  JAVASCRIPT:alert(1)"><text/></a>'),
    "data html href": svg(
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="><text/></a>'
    ),
    "nested svg as data uri": svg(
        '<image href="data:image/svg+xml;base64,PHN2Zy8+" width="5" height="5"/>'
    ),
    "external image": svg('<image href="https://evil.example/track.png" width="5" height="5"/>'),
    "external image through xlink": svg(
        '<image xlink:href="http://evil.example/track.png" width="5" height="5"/>'
    ),
    "external use": svg('<use xlink:href="https://evil.example/sprite.svg#icon"/>'),
    "relative use": svg('<use href="other.svg#icon"/>'),
    "file link": svg('<image href="file:///etc/passwd"/>'),
    "css url in style attribute": svg(
        '<rect width="5" height="5" style="fill: url(https://evil.example/x)"/>'
    ),
    "css url in presentation attribute": svg(
        '<rect width="5" height="5" fill="url(http://evil.example/p.svg#g)"/>'
    ),
    "css import in style element": svg(
        "<style>@import url(https://evil.example/x.css);</style><rect/>"
    ),
    "css import without url": svg("<style>@import 'https://evil.example/x.css';</style>"),
    "css url in style element": svg(
        "<style>rect { background-image: url('//evil.example/x') }</style><rect/>"
    ),
    "css url in cdata": svg(
        "<style><![CDATA[rect { fill: url(https://evil.example/x) }]]></style>"
    ),
    "foreign object with html": svg(
        '<foreignObject width="5" height="5"><body xmlns="http://www.w3.org/1999/xhtml">'
        "<iframe src='https://evil.example'/></body></foreignObject>"
    ),
    "iframe": svg('<iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example"/>'),
    "animation swapping a link in": svg(
        '<a href="#x"><set attributeName="href" to="https://evil.example"/><text/></a>'
    ),
    "animation swapping in javascript": svg(
        '<a><animate attributeName="xlink:href" values="javascript:alert(1)"/><text/></a>'
    ),
    "stylesheet processing instruction": b'<?xml version="1.0"?>'
    b'<?xml-stylesheet href="https://evil.example/x.css" type="text/css"?>' + svg("<rect/>"),
    "external entity (XXE)": b'<?xml version="1.0"?>'
    b'<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + svg("<text>&xxe;</text>"),
    "billion laughs": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + svg("<text>&b;</text>"),
    "external dtd": b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">' + svg("<rect/>"),
    "xinclude": svg(
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>'
    ),
}


@pytest.mark.parametrize("content", MALICIOUS_SVGS.values(), ids=MALICIOUS_SVGS.keys())
def test_an_svg_that_could_run_code_or_fetch_anything_is_refused(content: bytes) -> None:
    error = refused(check_image, content)
    assert error.code in {"unsafe_svg", "bad_svg"}
    assert error.messages[0] in {
        "The SVG image contains scripts, links to other files or embedded content, which is "
        "not allowed. Export it again as a plain SVG or upload a PNG.",
        "The file is not a valid SVG image.",
    }


def test_a_plain_svg_with_gradients_local_references_and_an_inlined_png_is_accepted() -> None:
    content = svg(
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#0a0"/></linearGradient>'
        '<path id="leaf" d="M0 0L5 5"/></defs>'
        "<style>.leaf { fill: url(#g); stroke: #063 }</style>"
        '<rect width="10" height="10" fill="url(#g)" style="stroke: url( \'#g\' )"/>'
        '<use href="#leaf"/><use xlink:href="#leaf" class="leaf"/>'
        f'<image width="1" height="1" href="data:image/png;base64,{PIXEL_PNG}"/>'
        '<a href="#leaf"><text font-family="sans-serif">Klimapartner</text></a>'
    )
    checked = check_image(io.BytesIO(content))
    assert (checked.content_type, checked.extension) == ("image/svg+xml", "svg")


def test_an_svg_is_never_taken_as_a_certificate_document() -> None:
    assert refused(check_document, svg("<rect/>")).code == "not_a_document"


# --- Images: type, size and pixel count ---------------------------------------------------


def test_a_png_with_more_pixels_than_allowed_is_refused_before_it_is_decoded() -> None:
    for width, height in [(6000, 5000), (10_000, 10_000), (20_000, 20_000)]:
        # 30 Mpx (ours), 100 Mpx (Pillow's warning), 400 Mpx (Pillow's error)
        error = refused(check_image, png_header_only(width, height))
        assert error.code == "too_many_pixels"
        assert error.messages == ["The image has too many pixels: at most 25 megapixels."]
    assert Image.MAX_IMAGE_PIXELS == 89_478_485  # the global guard is left as it is


def test_a_real_png_over_the_pixel_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_PIXELS", 63)
    assert check_image(io.BytesIO(png((7, 9)))).extension == "png"
    assert refused(check_image, png((8, 8))).code == "too_many_pixels"
    assert refused(check_document, jpeg((8, 8))).code == "too_many_pixels"


def test_a_jpeg_is_a_document_but_not_a_logo() -> None:
    assert check_document(io.BytesIO(jpeg())).content_type == "image/jpeg"
    assert refused(check_image, jpeg()).code == "not_an_image"


@pytest.mark.parametrize(
    ("check", "content", "code"),
    [
        (check_image, b"GIF89a\x01\x00\x01\x00", "not_an_image"),
        (check_image, b"<html><script>alert(1)</script></html>", "not_an_image"),
        (check_image, uploads.PNG_MAGIC + b"\x00" * 40, "bad_png"),
        (check_document, uploads.JPEG_MAGIC + b"\x00" * 40, "bad_jpeg"),
        (check_document, b"MZ\x90\x00 a windows program", "not_a_document"),
        (check_pdf, b"<html>not a pdf</html>", "not_a_pdf"),
        (check_image, b"", "empty"),
        (check_image, b"\x89PNG\r\n\x1a\n" + b"\x00" * uploads.MAX_IMAGE_BYTES, "too_large"),
        (check_pdf, b"%PDF-1.7\n" + b"%" * uploads.MAX_PDF_BYTES, "too_large"),
        (check_spreadsheet, b"a;b\n" * (uploads.MAX_SPREADSHEET_BYTES // 4 + 1), "too_large"),
        (check_spreadsheet, b"\x7fELF\x02\x01\x01\x00binary", "not_a_spreadsheet"),
    ],
)
def test_files_are_recognised_by_content_and_size(check, content: bytes, code: str) -> None:  # type: ignore[no-untyped-def]
    assert refused(check, content).code == code


def test_stored_names_are_made_here_never_taken_from_the_upload() -> None:
    checked = CheckedFile(b"x", "image/png", "png")
    first, second = safe_name("logo", checked), safe_name("logo", checked)
    assert first != second
    assert first.startswith("logo-") and first.endswith(".png") and "/" not in first


# --- PDF ----------------------------------------------------------------------------------


def pdf(*objects: bytes) -> bytes:
    body = b"%PDF-1.7\n"
    for number, content in enumerate(objects, start=1):
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    return body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def object_stream(inner: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    data = zlib.compress(inner) if filters == b"/FlateDecode" else inner
    return (
        b"<< /Type /ObjStm /N 1 /First 4 /Filter %s /Length %d >>\nstream\n" % (filters, len(data))
        + data
        + b"\nendstream"
    )


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"
MALICIOUS_PDFS = {
    "open action with javascript": pdf(
        b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"
    ),
    "javascript name tree": pdf(b"<< /Type /Catalog /Names << /JavaScript 2 0 R >> >>", PAGES),
    "js as a stream reference": pdf(b"<< /Type /Action /S /JavaScript /JS 2 0 R >>"),
    "name hidden by #xx escapes": pdf(b"<< /OpenAction << /S /J#61va#53cript /J#53 (x) >> >>"),
    "launch action": pdf(b"<< /Type /Action /S /Launch /F (C:\\\\Windows\\\\calc.exe) >>"),
    "additional actions on a page": pdf(CATALOG, b"<< /Type /Page /AA << /O 3 0 R >> >>"),
    "embedded file": pdf(b"<< /Type /EmbeddedFile /Length 3 >>\nstream\nMZ!\nendstream"),
    "embedded files name tree": pdf(b"<< /Type /Catalog /Names << /EmbeddedFiles 2 0 R >> >>"),
    "rich media (flash)": pdf(b"<< /Type /Annot /Subtype /RichMedia >>"),
    "xfa form": pdf(b"<< /Type /Catalog /AcroForm << /XFA 2 0 R >> >>"),
    "submit form": pdf(b"<< /S /SubmitForm /F (https://evil.example) >>"),
    "javascript in a compressed object stream": pdf(
        CATALOG, object_stream(b"3 0 << /Type /Action /S /JavaScript /JS (app.alert(1)) >>")
    ),
    "launch in a compressed object stream": pdf(
        CATALOG, object_stream(b"3 0 << /OpenAction << /S /Launch /F (cmd.exe) >> >>")
    ),
    "escaped name in a compressed object stream": pdf(
        CATALOG, object_stream(b"3 0 << /S /#4A#61vaScript /JS (x) >>")
    ),
    "object stream in a filter not looked into": pdf(
        CATALOG, object_stream(b"3 0 << /S /JavaScript >>".hex().encode(), b"/ASCIIHexDecode")
    ),
    "name after a fake stream keyword in a string": pdf(
        b"<< /Length 52 /T (x stream\n) /OpenAction << /S /JavaScript /JS (x) >> /U (endstream) >>"
    ),
    "name after a parenthesis in a comment": pdf(
        b"<< /T 1 % (\n /OpenAction << /S /JavaScript /JS (x) >> /U (y) >>"
    ),
    "name after a string with nested and escaped parentheses": pdf(
        b"<< /T (a (b) \\) c) /OpenAction << /S /Launch >> >>"
    ),
    "name after a stream with an indirect length": pdf(
        b"<< /Length 2 0 R >>\nstream\n\xff\x00binary\nendstream",
        b"7",
        b"<< /Type /Action /S /JavaScript /JS (x) >>",
    ),
    "object stream that cannot be inflated": pdf(
        CATALOG, b"<< /Type /ObjStm /Filter /Fl >>\nstream\n\x00not zlib\nendstream"
    ),
}


@pytest.mark.parametrize("content", MALICIOUS_PDFS.values(), ids=MALICIOUS_PDFS.keys())
def test_a_pdf_with_scripts_actions_or_embedded_content_is_refused(content: bytes) -> None:
    for check in (check_pdf, check_document):
        error = refused(check, content)
        assert error.code == "unsafe_pdf"
        assert error.messages == [
            "The PDF contains scripts, actions or embedded files, which is not allowed."
        ]


def test_an_object_stream_that_inflates_too_far_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(uploads, "MAX_PDF_INFLATED_BYTES", 100_000)
    bomb = pdf(CATALOG, object_stream(b"3 0 << >>" + b" " * 200_000))
    assert len(bomb) < 2_000
    assert refused(check_pdf, bomb).code == "too_large"


def test_a_pdf_with_too_many_objects_to_check_in_time_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(uploads, "MAX_PDF_MARKS", 10)
    assert refused(check_pdf, pdf(*[b"<< /T (x) >>"] * 10)).code == "too_complex"


def test_forbidden_words_in_strings_and_stream_data_are_only_text() -> None:
    binary = b"\xff/JS /AA /Launch\x00 endstream? no"
    content = pdf(
        b"<< /Type /Catalog /Title (/JavaScript /Launch \\(/AA\\)) >>",
        b"<< /Length 2 0 R >>\nstream\n" + binary + b"\nendstream",
        b"%d" % len(binary),
        b"[(/EmbeddedFile) <2F4A53>] % /XFA in a comment",
    )
    assert check_pdf(io.BytesIO(content)).extension == "pdf"


def test_ordinary_pdfs_are_accepted() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "ALPHA-MARKER guidelines"})
    buffer = io.BytesIO()
    writer.write(buffer)
    assert check_pdf(io.BytesIO(buffer.getvalue())).extension == "pdf"
    # Compressed page contents and images may hold any bytes, also ones that look like a
    # forbidden name: only dictionaries (outside streams and in object streams) count.
    binary = b"BT /JS 12 Tf (x) Tj ET /AA /Launch \x00\xff"
    content_stream = b"<< /Length %d >>\nstream\n" % len(binary) + binary + b"\nendstream"
    image = zlib.compress(b"/JavaScript /EmbeddedFile" * 10)
    image_stream = (
        b"<< /Type /XObject /Subtype /Image /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(image)
        + image
        + b"\nendstream"
    )
    plain = pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>",
        PAGES,
        content_stream,
        image_stream,
        object_stream(b"5 0 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
    )
    assert check_pdf(io.BytesIO(plain)).content_type == "application/pdf"
    assert check_document(io.BytesIO(plain)).content_type == "application/pdf"


# --- The malware scan ends every check ----------------------------------------------------

INFECTED = {
    "png logo": (check_image, png(text=EICAR)),
    "svg logo": (check_image, svg(f"<!-- {EICAR.decode()} --><rect/>")),
    "pdf guidelines": (check_pdf, pdf(b"<< /Type /Catalog >>\n% " + EICAR)),
    "pdf certificate": (check_document, pdf(b"<< /Type /Catalog >>\n% " + EICAR)),
    "png certificate": (check_document, png(text=EICAR)),
    "jpeg certificate": (check_document, jpeg(comment=EICAR)),
    "csv import": (check_spreadsheet, b"name;note\nAcme;" + EICAR + b"\n"),
}


@pytest.mark.parametrize(("check", "content"), INFECTED.values(), ids=INFECTED.keys())
def test_every_check_ends_with_the_malware_scan(check, content: bytes, settings) -> None:  # type: ignore[no-untyped-def]
    error = refused(check, content)
    assert error.code == "infected"
    assert error.messages == ["The file was refused by the virus scanner."]
    settings.UPLOAD_SCANNER = "none"  # the same file passes every content check
    assert check(io.BytesIO(content)).content == content

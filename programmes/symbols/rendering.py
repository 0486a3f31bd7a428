"""The personal partner symbol, drawn as an SVG and rendered to PNG.

``symbol_svg`` composes the programme's own symbol (embedded as a ``data:`` URI, SVG or PNG
as the admin uploaded it; a generated emblem with the programme's name when there is none),
the partner's name (wrapped and shrunk to fit), "Climate partner <year>" and the programme's
name. Every text is XML-escaped here; nothing else builds the SVG.

Text is measured with the metrics of DejaVu Sans (the font files matplotlib ships, so every
machine has the same ones) and ``symbol_png`` renders with exactly those files and no system
fonts: the PNG of a symbol is the same everywhere. The SVG names DejaVu Sans first and
Verdana (nearly the same widths) after it, and every line keeps a margin, so it also fits
where another font stands in.
"""

import base64
import hashlib
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import matplotlib
import resvg_py
from django.core.cache import cache as django_cache
from PIL import ImageFont

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
FONT_FAMILY = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', sans-serif"

WIDTH = 600
HEIGHT = 760
MARGIN = 40
BRAND = "#0b5d3b"  # the site's brand green: AA contrast on white
INK = "#1b1f23"
MUTED = "#4a5560"

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PNG_CACHE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class PngSize:
    """A PNG rendering: its pixel width (the height follows the symbol's proportions) and
    the resolution written into the file (pHYs), so print software sizes it right."""

    slug: str
    width: int
    dpi: int

    @property
    def height(self) -> int:
        return round(self.width * HEIGHT / WIDTH)


PNG_SIZES = {
    "web": PngSize("web", 600, 72),
    "print": PngSize("print", 2400, 300),
}


@dataclass(frozen=True)
class EmbeddedImage:
    """The programme's own symbol as uploaded (checked on upload: a PNG or a safe SVG)."""

    content: bytes
    content_type: str  # image/png or image/svg+xml

    @classmethod
    def from_bytes(cls, content: bytes) -> "EmbeddedImage":
        kind = "image/png" if content.startswith(PNG_MAGIC) else "image/svg+xml"
        return cls(content=content, content_type=kind)

    def data_uri(self) -> str:
        return f"data:{self.content_type};base64,{base64.b64encode(self.content).decode()}"


@dataclass(frozen=True)
class SymbolContent:
    """Everything a symbol shows, already in the partner's language."""

    partner_name: str
    caption: str  # "Climate partner 2025", translated
    programme_name: str
    language: str
    programme_symbol: EmbeddedImage | None = None


# --- Text ----------------------------------------------------------------------------------

# Characters XML 1.0 does not allow (control characters); a name never needs them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(text: str) -> str:
    """One line of text as it may appear in the SVG: composed (NFC, so "å" is one letter),
    without control characters, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text or "")
    text = _NOT_XML.sub("", text)
    return " ".join(text.split())


@cache
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT_REGULAR), 100)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The advance width of ``text`` at ``size`` pixels in DejaVu Sans."""
    return _font(bold).getlength(text) * size / 100


def _break_word(word: str, size: float, max_width: float, bold: bool) -> list[str]:
    """A word wider than a line, cut into pieces that fit (no hyphen is invented)."""
    pieces, current = [], ""
    for letter in word:
        if current and text_width(current + letter, size, bold=bold) > max_width:
            pieces.append(current)
            current = letter
        else:
            current += letter
    return [*pieces, current] if current else pieces


def _greedy_lines(
    text: str, size: float, max_width: float, bold: bool, *, break_words: bool
) -> list[str] | None:
    """``text`` in lines no wider than ``max_width``, broken at spaces; a word wider than a
    line is cut into pieces when ``break_words``, else there is no fit (None)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold=bold) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if text_width(word, size, bold=bold) <= max_width:
            current = word
        elif break_words:
            *full, current = _break_word(word, size, max_width, bold)
            lines.extend(full)
        else:
            return None
    if current:
        lines.append(current)
    return lines


@dataclass(frozen=True)
class TextBlock:
    lines: list[str]
    size: int

    @property
    def line_height(self) -> float:
        return self.size * 1.2


def fit_text(
    text: str,
    *,
    max_width: float,
    max_height: float,
    largest: int,
    smallest: int,
    max_lines: int,
    bold: bool = False,
) -> TextBlock:
    """``text`` in as few lines and as large as it fits: the largest size (down to
    ``smallest``) at which its lines fit ``max_width`` and their height ``max_height``. Text
    that does not fit even at the smallest size is cut at the end with an ellipsis."""
    text = clean_text(text)
    if not text:
        return TextBlock([], largest)
    # Shrink before cutting a word: only at the smallest size are long words cut.
    for break_words in (False, True):
        for size in range(largest, smallest - 1, -1):
            lines = _greedy_lines(text, size, max_width, bold, break_words=break_words)
            if (
                lines is not None
                and len(lines) <= max_lines
                and len(lines) * size * 1.2 <= max_height
            ):
                return TextBlock(lines, size)
    size = smallest
    room = max(1, min(max_lines, int(max_height // (size * 1.2))))
    lines = (_greedy_lines(text, size, max_width, bold, break_words=True) or [""])[:room]
    last = lines[-1].rstrip()
    while last and text_width(f"{last}…", size, bold=bold) > max_width:
        last = last[:-1].rstrip()
    lines[-1] = f"{last}…"
    return TextBlock(lines, size)


def _text_lines(
    block: TextBlock, *, top: float, height: float, fill: str, bold: bool = False
) -> list[str]:
    """``<text>`` elements of a block, centred horizontally and vertically in its area
    (``top`` to ``top + height``)."""
    total = len(block.lines) * block.line_height
    first_baseline = top + (height - total) / 2 + block.size * 0.95
    weight = ' font-weight="bold"' if bold else ""
    return [
        f'<text x="{WIDTH / 2:g}" y="{first_baseline + index * block.line_height:.1f}" '
        f'font-size="{block.size}"{weight} fill="{fill}" text-anchor="middle">'
        f"{escape(line)}</text>"
        for index, line in enumerate(block.lines)
    ]


# --- The symbol ----------------------------------------------------------------------------

# The programme's symbol (or the emblem) stands in this box.
SYMBOL_BOX = (120, 36, 360, 300)  # x, y, width, height
NAME_AREA = (366, 210)  # top, height
RULE_Y = 598
CAPTION_AREA = (612, 52)
PROGRAMME_AREA = (672, 62)
LEAF = (
    "M300 76 C354 100 370 162 300 204 C230 162 246 100 300 76 Z "
    "M300 94 L300 196"  # the vein
)


def _emblem(programme_name: str) -> list[str]:
    """A clean emblem for a programme without a symbol of its own: a green disc with a
    white leaf and the programme's name."""
    name = fit_text(
        programme_name,
        max_width=190,
        max_height=70,
        largest=24,
        smallest=11,
        max_lines=2,
        bold=True,
    )
    parts = [
        f'<circle cx="300" cy="186" r="150" fill="{BRAND}"/>',
        '<circle cx="300" cy="186" r="138" fill="none" stroke="#ffffff" stroke-width="3"/>',
        f'<path d="{LEAF}" fill="#ffffff" stroke="{BRAND}" stroke-width="4" '
        'stroke-linecap="round"/>',
    ]
    return parts + _text_lines(name, top=214, height=70, fill="#ffffff", bold=True)


def symbol_svg(content: SymbolContent) -> str:
    """The partner symbol as a self-contained SVG document (no external references)."""
    partner_name = clean_text(content.partner_name)
    programme_name = clean_text(content.programme_name)
    caption = clean_text(content.caption)
    title = " – ".join(part for part in (partner_name, caption, programme_name) if part)

    x, y, box_width, box_height = SYMBOL_BOX
    if content.programme_symbol is not None:
        image = (
            f'<image x="{x}" y="{y}" width="{box_width}" height="{box_height}" '
            f'preserveAspectRatio="xMidYMid meet" '
            f"xlink:href={quoteattr(content.programme_symbol.data_uri())}/>"
        )
        top_parts = [image]
    else:
        top_parts = _emblem(programme_name)

    name_top, name_height = NAME_AREA
    name = fit_text(
        partner_name,
        max_width=WIDTH - 2 * MARGIN - 20,
        max_height=name_height,
        largest=44,
        smallest=18,
        max_lines=4,
        bold=True,
    )
    caption_block = fit_text(
        caption,
        max_width=WIDTH - 2 * MARGIN,
        max_height=CAPTION_AREA[1],
        largest=34,
        smallest=18,
        max_lines=1,
        bold=True,
    )
    programme_block = fit_text(
        programme_name,
        max_width=WIDTH - 2 * MARGIN,
        max_height=PROGRAMME_AREA[1],
        largest=22,
        smallest=13,
        max_lines=2,
    )
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'version="1.1" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="symbol-title" xml:lang={quoteattr(content.language)} '
        f"font-family={quoteattr(FONT_FAMILY)}>",
        f'<title id="symbol-title">{escape(title)}</title>',
        f'<rect x="3" y="3" width="{WIDTH - 6}" height="{HEIGHT - 6}" rx="28" '
        f'fill="#ffffff" stroke="{BRAND}" stroke-width="6"/>',
        *top_parts,
        *_text_lines(name, top=name_top, height=name_height, fill=INK, bold=True),
        f'<line x1="200" y1="{RULE_Y}" x2="400" y2="{RULE_Y}" stroke="{BRAND}" '
        'stroke-width="3" stroke-linecap="round"/>',
        *_text_lines(
            caption_block, top=CAPTION_AREA[0], height=CAPTION_AREA[1], fill=BRAND, bold=True
        ),
        *_text_lines(programme_block, top=PROGRAMME_AREA[0], height=PROGRAMME_AREA[1], fill=MUTED),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


# --- PNG -----------------------------------------------------------------------------------


def _with_resolution(png: bytes, dpi: int) -> bytes:
    """``png`` with a pHYs chunk saying ``dpi`` (written right after the header chunk)."""
    per_metre = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    header_end = 8 + 4 + 4 + 13 + 4  # signature, IHDR length, type, data, CRC
    return png[:header_end] + chunk + png[header_end:]


def render_png(svg: str, size: PngSize) -> bytes:
    """Render ``svg`` at ``size`` with the bundled fonts only (no system fonts)."""
    png = resvg_py.svg_to_bytes(
        svg_string=svg,
        width=size.width,
        font_files=[str(FONT_REGULAR), str(FONT_BOLD)],
        skip_system_fonts=True,
        font_family="DejaVu Sans",
        sans_serif_family="DejaVu Sans",
        languages=[],
    )
    return _with_resolution(bytes(png), size.dpi)


def png_cache_key(svg: str, size: PngSize) -> str:
    """The SVG decides everything a PNG shows (the name, year, language, programme and its
    symbol), so its hash is the key: a renamed partner or a new programme symbol misses.
    Django's cache puts the tenant's schema in front of every key."""
    digest = hashlib.sha256(svg.encode()).hexdigest()
    return f"symbols:png:{size.slug}:{digest}"


def symbol_png(svg: str, size: PngSize) -> bytes:
    """The PNG of ``svg``, from the tenant's cache when it was rendered before."""
    key = png_cache_key(svg, size)
    png = django_cache.get(key)
    if png is None:
        png = render_png(svg, size)
        django_cache.set(key, png, PNG_CACHE_SECONDS)
    return png

"""The symbol as SVG and PNG: the partner's name (Nordic letters, 120 characters, markup),
the year in the partner's language, the programme's symbol as uploaded (SVG, PNG, none),
pixel sizes and resolution, and the PNG cache."""

import base64
import re
import time

import pytest
from django.core.cache import cache
from django_tenants.utils import tenant_context
from PIL import ImageChops

from programmes.configuration.selectors import programme_current
from programmes.symbols import rendering, selectors
from programmes.symbols.rendering import (
    BRAND,
    MUTED,
    PNG_SIZES,
    WIDTH,
    EmbeddedImage,
    SymbolContent,
    fit_text,
    symbol_png,
    symbol_svg,
    text_width,
)
from tests.conftest import World
from tests.symbols.conftest import (
    PROGRAMME_SVG,
    name_lines,
    own_partner,
    png_image,
    programme_png,
    svg_texts,
    svg_title,
    upload_programme_symbol,
)

NORDIC = "Ærøskøbing Økologiske Åbyhøj Bageri – Hämeenlinnan Äänekosken Öljy"
LONG = (
    "Andelsselskabet Østjyllands Ærlige Håndværkere og Økologiske Gartnerier i Århus, "
    "Ålborg, Næstved samt Sønderborg"
)


def content(name: str = NORDIC, **kw: object) -> SymbolContent:
    values: dict[str, object] = {
        "partner_name": name,
        "caption": "Klimapartner 2031",
        "programme_name": "Hjørrings Klimapartnerskab",
        "language": "da",
    }
    values.update(kw)
    return SymbolContent(**values)  # type: ignore[arg-type]


def test_the_svg_parses_and_carries_the_name_year_and_programme() -> None:
    svg = symbol_svg(content())
    assert " ".join(name_lines(svg)) == NORDIC
    assert svg_texts(svg, BRAND) == ["Klimapartner 2031"]
    assert svg_texts(svg, MUTED) == ["Hjørrings Klimapartnerskab"]
    assert svg_title(svg) == f"{NORDIC} – Klimapartner 2031 – Hjørrings Klimapartnerskab"
    assert 'xml:lang="da"' in svg
    # Self-contained: nothing is fetched from elsewhere.
    assert not re.search(r'href="(?!data:)', svg) and "url(" not in svg


def test_markup_in_a_name_comes_out_as_text() -> None:
    name = '<script>alert("x")</script> & Co "Ltd" \x00\x07'
    svg = symbol_svg(content(name, programme_name="<b>P&amp;</b>", caption='2031 "<i>"'))
    assert "<script" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;" in svg and "&amp;" in svg
    # It parses (the control characters are gone) and reads back as the text it was.
    assert " ".join(name_lines(svg)) == '<script>alert("x")</script> & Co "Ltd"'
    assert svg_title(svg).startswith('<script>alert("x")</script> & Co "Ltd"')
    assert svg_texts(svg, MUTED) == ["<b>P&amp;</b>"]
    assert svg_texts(svg, BRAND) == ['2031 "<i>"']


@pytest.mark.parametrize("name", [LONG, "X" * 120, "Ø" * 200])
def test_a_long_name_wraps_and_shrinks_to_fit_the_symbol(name: str) -> None:
    svg = symbol_svg(content(name))
    root_texts = name_lines(svg)
    assert 1 < len(root_texts) <= 4
    name_size = r'font-size="(\d+)" font-weight="bold" fill="#1b1f23"'
    sizes = {int(size) for size in re.findall(name_size, svg)}
    assert len(sizes) == 1 and min(sizes) >= 18
    size = sizes.pop()
    for line in root_texts:
        assert text_width(line, size, bold=True) <= WIDTH - 100
    if len(name) <= 120:
        assert "".join(root_texts).replace(" ", "") == name.replace(" ", "")
    else:
        assert root_texts[-1].endswith("…")  # did not fit even at the smallest size
    assert svg_title(svg).startswith(name)


def test_a_short_name_is_set_large_on_one_line() -> None:
    block = fit_text("Bo & Co", max_width=520, max_height=210, largest=44, smallest=18, max_lines=4)
    assert block.lines == ["Bo & Co"] and block.size == 44


def test_a_long_word_shrinks_before_it_is_cut() -> None:
    block = fit_text(
        "Klimapartnerskabet", max_width=200, max_height=70, largest=24, smallest=8, max_lines=2
    )
    assert block.lines == ["Klimapartnerskabet"]


def test_without_a_programme_symbol_an_emblem_carries_the_programmes_name() -> None:
    svg = symbol_svg(content(programme_name="Porvoon ilmastokumppanuus"))
    assert "<image" not in svg and "<circle" in svg
    assert " ".join(svg_texts(svg, "#ffffff")) == "Porvoon ilmastokumppanuus"
    assert svg_texts(svg, MUTED) == ["Porvoon ilmastokumppanuus"]  # and in the footer


def test_an_svg_programme_symbol_is_embedded_as_a_data_uri() -> None:
    svg = symbol_svg(content(programme_symbol=EmbeddedImage.from_bytes(PROGRAMME_SVG)))
    found = re.search(r'xlink:href="data:image/svg\+xml;base64,([^"]+)"', svg)
    assert found and base64.b64decode(found.group(1)) == PROGRAMME_SVG
    assert "<circle" not in svg
    # The embedded red symbol shows in the PNG where the symbol stands.
    image = png_image(symbol_png(svg, PNG_SIZES["web"])).convert("RGB")
    assert image.getpixel((300, 186))[:3] == (208, 32, 32)


def test_a_png_programme_symbol_is_embedded_as_a_data_uri() -> None:
    png = programme_png((32, 32, 208))
    svg = symbol_svg(content(programme_symbol=EmbeddedImage.from_bytes(png)))
    assert 'xlink:href="data:image/png;base64,' in svg
    image = png_image(symbol_png(svg, PNG_SIZES["web"])).convert("RGB")
    assert image.getpixel((300, 186))[:3] == (32, 32, 208)


@pytest.mark.parametrize("size", ["web", "print"])
def test_the_png_has_the_size_and_resolution_of_its_use(size: str) -> None:
    wanted = PNG_SIZES[size]
    image = png_image(symbol_png(symbol_svg(content()), wanted))
    assert image.size == (wanted.width, wanted.height)
    assert image.size[0] == {"web": 600, "print": 2400}[size]
    assert [round(d) for d in image.info["dpi"]] == [wanted.dpi, wanted.dpi]


def test_the_png_shows_the_name_two_names_differ_and_the_same_name_is_the_same() -> None:
    first = rendering.render_png(symbol_svg(content("Æbeltoft Ørsted A/S")), PNG_SIZES["web"])
    again = rendering.render_png(symbol_svg(content("Æbeltoft Ørsted A/S")), PNG_SIZES["web"])
    other = rendering.render_png(symbol_svg(content("Åbo Öljy Oy")), PNG_SIZES["web"])
    assert first == again  # bundled fonts only: the same bytes on every machine
    difference = ImageChops.difference(
        png_image(first).convert("RGB"), png_image(other).convert("RGB")
    )
    box = difference.getbbox()
    # Only the name differs: the box lies within the name's area.
    assert box is not None and box[1] >= 360 and box[3] <= 600


def test_a_rendered_png_comes_from_the_cache_the_second_time() -> None:
    svg = symbol_svg(content())
    key = rendering.png_cache_key(svg, PNG_SIZES["print"])
    assert cache.get(key) is None
    started = time.perf_counter()
    first = symbol_png(svg, PNG_SIZES["print"])
    rendered = time.perf_counter() - started
    assert cache.get(key) == first
    started = time.perf_counter()
    assert symbol_png(svg, PNG_SIZES["print"]) == first
    assert time.perf_counter() - started < rendered
    # Anything on the symbol changes its key (a renamed partner misses the cache).
    assert rendering.png_cache_key(symbol_svg(content("Other")), PNG_SIZES["print"]) != key


def test_the_content_is_in_the_partners_language_with_the_programmes_symbol(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        upload_programme_symbol(PROGRAMME_SVG, "symbol.svg")
        partner = own_partner(alpha)
        programme = programme_current()
        danish = selectors.symbol_content(partner, programme, language="da")
        english = selectors.symbol_content(partner, programme, language="en")
        year = selectors.symbol_year()
        assert selectors.symbol_language(partner) == "da"
        assert selectors.symbol_language(partner, "en") == "en"
        assert selectors.symbol_language(partner, "fi") == "da"  # not offered by alpha
    assert english.caption == f"Climate partner {year}"
    assert danish.caption.endswith(str(year))
    assert danish.partner_name == f"{alpha.marker} partner"
    assert danish.programme_name == f"{alpha.marker} programme"
    assert danish.programme_symbol is not None
    assert danish.programme_symbol.content_type == "image/svg+xml"

"""Charts drawn by the platform itself: matplotlib's object-oriented API to inline SVG.

No pyplot (global state, GUI backends) and no external service. Every chart is:

- readable without colour: each series has its own hatch pattern (shown in the legend too)
  and the values are written on the bars;
- in colours with at least 3:1 contrast against the white background (WCAG 1.4.11 for
  graphics), hatched in white, value labels in dark text or on a box of the bar's colour;
- text, not paths (``svg.fonttype = "none"``), so it is searchable, translatable and
  scales with the page; numbers go through ``format_number`` in the tenant's locale;
- announced to screen readers: ``role="img"``, and ``<title>``/``<desc>`` referenced by
  ``aria-labelledby``; the ``<desc>`` is a text summary of every value;
- deterministic: the same input gives the same bytes (fixed hash salt, no date, ids
  prefixed from a hash of the input), so the string can be cached and compared;
- safe to inline several times in one page: every id is unique to the chart.

The title is not drawn inside the chart: the page's heading and the table's caption
already name it, and it is the SVG's ``<title>``.
"""

import hashlib
import io
import os
import re
import tempfile
from collections.abc import Sequence
from html import escape

# matplotlib writes a font cache to $MPLCONFIGDIR (default ~/.config/matplotlib) on first
# use; in production HOME may be read-only, so use a folder of our own in the temp dir.
os.environ.setdefault(
    "MPLCONFIGDIR",
    os.path.join(tempfile.gettempdir(), f"klimapartner-matplotlib-{os.getuid()}"),
)

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from programmes.core.i18n import format_number

# Set once, at import: only SVG output reads them, and the values never change afterwards,
# so threads rendering at the same time cannot see each other's settings.
matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["svg.hashsalt"] = "klimapartner"
matplotlib.rcParams["font.family"] = "sans-serif"
# Labels are names typed by people (tiers): a "$" must stay a "$", never start mathtext.
matplotlib.rcParams["text.parse_math"] = False

# Fills with >= 4.5:1 contrast against white, so white hatching and white text on them
# stay readable; neighbours differ in lightness as well as hue.
COLOURS = ("#0b5394", "#a34d00", "#2e6b1f", "#6a1b4d", "#4d4d4d", "#8a1c1c", "#005f73")
# No dotted hatches: matplotlib draws every dot as a path (tens of kB per chart).
HATCHES = ("", "//", "xx", "\\\\", "||", "--", "++")
TEXT = "#1a1a1a"
GRID = "#767676"  # 4.5:1 against white

_XML_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_ID = re.compile(r'\bid="([^"]+)"')


def bar_chart_svg(
    *,
    title: str,
    categories: list[str],
    series: list[tuple[str, list[float]]],
    unit: str,
    stacked: bool = True,
    horizontal: bool = False,
    decimals: int = 0,
) -> str:
    """An inline SVG bar chart: one bar (or stack) per category, one hatch per series.

    ``series`` is ``[(name, values)]`` with one value per category. ``stacked`` piles the
    series (a total is written above each stack); otherwise they stand side by side.
    ``horizontal`` lays the bars out sideways, better for long category names.
    ``decimals`` is how value labels are rounded (axis ticks follow the same rule).
    """
    for name, values in series:
        if len(values) != len(categories):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(categories)}")

    def label(value: float) -> str:
        return format_number(value, decimals=decimals)

    count = max(len(categories), 1)
    many = len(series) > 1
    if horizontal:
        bars_per_row = 1 if stacked or not many else len(series)
        size = (7.2, 1.0 + 0.32 * count * bars_per_row + (0.4 if many else 0))
    else:
        size = (7.2, 3.8)
    figure = Figure(figsize=size, dpi=72, layout="constrained")
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()

    positions = list(range(len(categories)))
    width = 0.7 if stacked or not many else 0.8 / len(series)
    bottoms = [0.0] * len(categories)
    heights = (
        [sum(column) for column in zip(*(v for _, v in series), strict=True)]
        if stacked
        else [value for _, values in series for value in values]
    )
    largest = max([0, *heights])
    smallest = min([0, *heights])  # a negative value (an increase shown as a reduction)
    span = (largest - smallest) or 1
    for index, (name, values) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        offset = 0.0 if stacked or not many else (index - (len(series) - 1) / 2) * width
        where = [position + offset for position in positions]
        style = {
            "color": colour,
            "edgecolor": "white" if stacked else colour,
            "linewidth": 0.8,
            "hatch": HATCHES[index % len(HATCHES)],
            "hatchcolor": "white",
            "label": name,
        }
        if horizontal:
            bars = axes.barh(where, values, height=width, left=bottoms, **style)
        else:
            bars = axes.bar(where, values, width=width, bottom=bottoms, **style)
        if stacked and many:
            # Inside the segment, on a box of its colour (hides the hatch behind the text);
            # left out where the segment is too thin to hold it.
            labels = [label(v) if abs(v) >= span * 0.08 else "" for v in values]
            axes.bar_label(
                bars,
                labels=labels,
                label_type="center",
                color="white",
                fontsize=9,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": colour, "edgecolor": "none"},
            )
        else:
            axes.bar_label(
                bars, labels=[label(v) for v in values], padding=3, color=TEXT, fontsize=9
            )
        if stacked:
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]

    if stacked and many:
        for position, total in zip(positions, bottoms, strict=True):
            xy, align = ((total, position), "left") if horizontal else ((position, total), "center")
            axes.annotate(
                label(total),
                xy=xy,
                xytext=(4, 0) if horizontal else (0, 4),
                textcoords="offset points",
                ha=align,
                va="center" if horizontal else "bottom",
                fontsize=9,
                fontweight="bold",
                color=TEXT,
            )

    value_axis, category_axis = (axes.xaxis, axes.yaxis) if horizontal else (axes.yaxis, axes.xaxis)
    value_axis.set_major_locator(MaxNLocator(nbins=5, integer=decimals == 0))
    value_axis.set_major_formatter(FuncFormatter(lambda value, _pos: format_number(value)))
    value_axis.set_label_text(unit, color=TEXT)
    category_axis.set_ticks(positions, labels=categories)
    if horizontal:
        axes.invert_yaxis()  # the first category on top, as in the table
        axes.set_xlim(smallest - span * 0.18 if smallest else 0, largest + span * 0.18)
        axes.grid(axis="x", color=GRID, linewidth=0.5, linestyle=":")
    else:
        axes.set_ylim(smallest - span * 0.15 if smallest else 0, largest + span * 0.15)
        axes.grid(axis="y", color=GRID, linewidth=0.5, linestyle=":")
        if max((len(c) for c in categories), default=0) * count > 60:
            for tick in axes.get_xticklabels():
                tick.set_rotation(20)
                tick.set_horizontalalignment("right")
    if smallest < 0:
        (axes.axvline if horizontal else axes.axhline)(0, color=TEXT, linewidth=0.8)
    axes.set_axisbelow(True)
    axes.tick_params(colors=TEXT, labelsize=9)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if many:
        figure.legend(
            loc="outside upper center",
            ncols=min(len(series), 4),
            frameon=False,
            fontsize=9,
            handlelength=2.4,
            handleheight=1.4,
            labelcolor=TEXT,
        )

    summary = chart_summary(categories=categories, series=series, unit=unit, label=label)
    return _accessible_svg(figure, title=title, description=summary)


def chart_summary(
    *,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    unit: str,
    label: object = None,
) -> str:
    """Every value in words, for the SVG's ``<desc>``: "2024: Scope 1 12 t, Scope 2 3 t."."""
    show = label if callable(label) else format_number
    parts = []
    for index, category in enumerate(categories):
        values = ", ".join(f"{name} {show(values[index])} {unit}" for name, values in series)
        parts.append(f"{category}: {values}.")
    return " ".join(parts)


def _accessible_svg(figure: Figure, *, title: str, description: str) -> str:
    buffer = io.StringIO()
    figure.savefig(
        buffer,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    svg = _METADATA.sub("", _XML_PROLOGUE.sub("", buffer.getvalue(), count=1))
    # Ids unique to this chart, so several charts can share a page; from the content,
    # so the output stays deterministic.
    prefix = "c" + hashlib.sha256(f"{title}\n{description}\n{svg}".encode()).hexdigest()[:10]
    for name in sorted(set(_ID.findall(svg)), key=len, reverse=True):
        svg = (
            svg.replace(f'id="{name}"', f'id="{prefix}-{name}"')
            .replace(f"url(#{name})", f"url(#{prefix}-{name})")
            .replace(f'href="#{name}"', f'href="#{prefix}-{name}"')
        )
    svg = re.sub(r'<svg\b[^>]*?\bwidth="([\d.]+)pt"\s+height="([\d.]+)pt"', _sized, svg, count=1)
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="{prefix}-title {prefix}-desc" class="chart" ',
        1,
    )
    head_end = svg.index(">", svg.index("<svg")) + 1
    accessible = (
        f'\n <title id="{prefix}-title">{escape(title)}</title>'
        f'\n <desc id="{prefix}-desc">{escape(description)}</desc>'
    )
    return svg[:head_end] + accessible + svg[head_end:].rstrip() + "\n"


def _sized(match: re.Match[str]) -> str:
    """Scale with the page up to the drawn size, keeping the aspect ratio (viewBox)."""
    opening = match.group(0)
    width = match.group(1)
    return re.sub(
        r'\bwidth="[\d.]+pt"\s+height="[\d.]+pt"',
        f'width="100%" style="max-width: {width}pt; height: auto"',
        opening,
    )

"""Charts as inline SVG, drawn on the server: the same code for the web pages and the report.

`line_chart` draws one or more series over years (shares of women, say); `bar_chart` draws
labelled horizontal bars with an optional reference line (a league of forces against England
and Wales). Both return `markupsafe.Markup` ready to place in a template, with every text
escaped, and are accessible: ``role="img"``, a ``<title>`` and a ``<desc>`` that states the
figures in words, referenced by ``aria-labelledby``. Colours and fonts are SVG presentation
attributes (no ``style`` attributes), so the charts pass a strict Content-Security-Policy and
look the same in a browser and in the PDF. No JavaScript, nothing fetched.

Values are plain numbers; ``fmt`` turns them into the words on the axis and labels (shares by
default, as percentages). ``None`` is a missing figure: a gap in a line, "no data" on a bar.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from parity.present.format import pct

FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
INK = "#1b1f3b"
MUTED = "#5f6470"
GRID = "#dfe2e8"
# A colour-blind-safe sequence (dark blue, orange, teal, purple, grey).
PALETTE = ("#1f4e99", "#c0580c", "#0f7f7a", "#6a3d9a", "#6b7280", "#a6192e")
ACCENT = "#c0580c"
BASE = "#1f4e99"


@dataclass(frozen=True)
class Series:
    """A line: a label and (x, value) points, x ascending; value None leaves a gap."""

    label: str
    points: Sequence[tuple[float, float | None]]
    colour: str | None = None
    dashed: bool = False


@dataclass(frozen=True)
class Bar:
    """A bar: a label, its value (None: no data), whether to highlight it, and a link."""

    label: str
    value: float | None
    highlight: bool = False
    href: str | None = None


# While `recording()` is active, every chart drawn leaves its numbers here, by chart id: the
# report writes them to its accompanying tables ({id: (title, header, rows of shown text)}).
_RECORDER: contextvars.ContextVar[dict | None] = contextvars.ContextVar("charts", default=None)


@contextlib.contextmanager
def recording() -> Iterator[dict[str, tuple[str, list[str], list[list[str]]]]]:
    """Collect the figures of every chart drawn inside the block, by chart id."""
    found: dict = {}
    token = _RECORDER.set(found)
    try:
        yield found
    finally:
        _RECORDER.reset(token)


def _record(cid: str, title: str, header: list[str], rows: list[list[str]]) -> None:
    found = _RECORDER.get()
    if found is not None:
        found[cid] = (title, header, rows)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _t(text: object) -> Markup:
    """Text escaped for SVG, without the control characters XML forbids."""
    return escape(_NOT_XML.sub("", str(text)))


def _chart_id(*parts: object) -> str:
    digest = hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:10]
    return f"chart-{digest}"


def nice_step(span: float, *, target: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about `target` ticks."""
    if not math.isfinite(span) or span < 1e-9:  # nothing to divide: a unit step
        return 1.0
    raw = span / target
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def _ticks(low: float, high: float, step: float) -> list[float]:
    ticks, value = [], low
    while value <= high + step / 1000:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open_svg(cid: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-family="{FONT}" font-size="12" '
        f'fill="{INK}">',
        f'<title id="{cid}-title">{_t(title)}</title>',
        f'<desc id="{cid}-desc">{_t(desc)}</desc>',
    ]


def boxed(lines: Sequence[str], title: str) -> Markup:
    """The chart in its own box, which scrolls sideways where the screen is narrower than the
    chart: charts are drawn at their own size and never shrink, so their text (12 user units)
    is never under 12 px on any screen. The box takes the keyboard focus so that it can be
    scrolled without a mouse, and is named for assistive technology."""
    return Markup(f'<div class="chart-box" role="region" tabindex="0" '
                  f'aria-label="Chart: {_t(title)}">' + "\n".join(lines) + "</div>")


def describe_series(series: Sequence[Series], fmt: Callable[[float | None], str]) -> str:
    """Each series' first and last figures in words (the chart's text alternative)."""
    sentences = []
    for s in series:
        known = [(x, y) for x, y in s.points if y is not None]
        if not known:
            sentences.append(f"{s.label}: no data.")
            continue
        (x0, y0), (x1, y1) = known[0], known[-1]
        if x0 == x1:
            sentences.append(f"{s.label}: {fmt(y1)} in {_num(x1)}.")
        else:
            sentences.append(f"{s.label}: {fmt(y0)} in {_num(x0)}, {fmt(y1)} in {_num(x1)}.")
    return " ".join(sentences)


def line_chart(
    series: Sequence[Series], *, title: str, description: str | None = None,
    width: int = 640, height: int = 300, fmt: Callable[[float | None], str] = pct,
    y_min: float | None = 0.0, y_max: float | None = None,
) -> Markup:
    """Lines over x (years), with a legend on top, gridlines and round ticks.

    The y axis starts at `y_min` (0 by default, so that shares are not exaggerated; None fits
    the data) and ends at `y_max` (None: a round value above the highest point).
    """
    description = description or describe_series(series, fmt)
    cid = _chart_id("line", title, description, tuple((s.label, tuple(s.points)) for s in series))
    values = [y for s in series for _, y in s.points if y is not None]
    xs = sorted({x for s in series for x, _ in s.points})
    by_x = [dict(s.points) for s in series]
    _record(cid, title, ["Year", *(s.label for s in series)],
            [[_num(x), *(fmt(p.get(x)) for p in by_x)] for x in xs])
    out = _open_svg(cid, width, height, title, description)
    if not values or not xs:
        out.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
                   f'fill="{MUTED}">No data</text></svg>')
        return boxed(out, title)

    lo = min(values) if y_min is None else min(y_min, min(values))
    hi = max(values) if y_max is None else y_max
    step = nice_step(hi - lo or abs(hi) or 1.0)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step
    if hi <= lo:
        hi = lo + step

    left, right, bottom = 52, 16, 30
    # legend: items flow left to right and wrap, each as wide as its label needs
    places, lx, row = [], float(left), 0
    for s in series:
        item_w = 28 + 6.6 * len(s.label) + 18
        if lx > left and lx + item_w > width - right:
            lx, row = float(left), row + 1
        places.append((lx, 12 + 18 * row))
        lx += item_w
    top = 14 + 18 * (row + 1)
    plot_w, plot_h = width - left - right, height - top - bottom
    x0, x1 = xs[0], xs[-1]

    def px(x: float) -> float:
        return left + (plot_w / 2 if x1 == x0 else (x - x0) / (x1 - x0) * plot_w)

    def py(y: float) -> float:
        return top + plot_h - (y - lo) / (hi - lo) * plot_h

    for i, (s, (lx, ly)) in enumerate(zip(series, places, strict=True)):
        colour = s.colour or PALETTE[i % len(PALETTE)]
        dash = _dash(s, i)
        out.append(f'<line x1="{lx:.1f}" y1="{ly - 4}" x2="{lx + 22:.1f}" y2="{ly - 4}" '
                   f'stroke="{colour}" stroke-width="3"{dash}/>')
        out.append(f'<text x="{lx + 28:.1f}" y="{ly}">{_t(s.label)}</text>')

    # grid and y axis
    for tick in _ticks(lo, hi, step):
        y = py(tick)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
                   f'{_t(fmt(tick) if fmt is not pct else pct(tick, 0))}</text>')
    # x axis
    every = max(1, math.ceil(len(xs) / 9))
    shown = [x for i, x in enumerate(xs) if (len(xs) - 1 - i) % every == 0]
    base_y = top + plot_h
    out.append(f'<line x1="{left}" y1="{base_y}" x2="{left + plot_w}" y2="{base_y}" '
               f'stroke="{MUTED}" stroke-width="1"/>')
    for x in shown:
        out.append(f'<text x="{px(x):.1f}" y="{base_y + 18}" text-anchor="middle" '
                   f'fill="{MUTED}">{_t(_num(x))}</text>')

    # lines
    for i, s in enumerate(series):
        colour = s.colour or PALETTE[i % len(PALETTE)]
        dash = _dash(s, i)
        path, pen_down = [], False
        for xv, yv in s.points:
            if yv is None:
                pen_down = False
                continue
            path.append(f'{"L" if pen_down else "M"}{px(xv):.1f} {py(yv):.1f}')
            pen_down = True
        if path:
            out.append(f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" '
                       f'stroke-width="2.5" stroke-linejoin="round"{dash}/>')
        known = [(xv, yv) for xv, yv in s.points if yv is not None]
        if known:
            last_x, last_y = known[-1]
            out.append(f'<circle cx="{px(last_x):.1f}" cy="{py(last_y):.1f}" r="3.5" '
                       f'fill="{colour}"><title>{_t(s.label)}, {_t(_num(last_x))}: '
                       f'{_t(fmt(last_y))}</title></circle>')
    out.append("</svg>")
    return boxed(out, title)


# Lines differ by more than colour (WCAG 1.4.1): each series after the first has its own dash
# pattern; "6 4" stays the reference lines' (England and Wales, a target).
PATTERNS = ("", "1 3", "10 3 2 3", "14 4", "3 3 8 3")


def _dash(series: object, index: int) -> str:
    if getattr(series, "dashed", False):
        return ' stroke-dasharray="6 4"'
    pattern = PATTERNS[index % len(PATTERNS)]
    return f' stroke-dasharray="{pattern}"' if pattern else ""


def bar_chart(
    bars: Sequence[Bar], *, title: str, description: str | None = None, width: int = 640,
    fmt: Callable[[float | None], str] = pct, reference: tuple[str, float | None] | None = None,
    bar_height: int = 16,
) -> Markup:
    """Horizontal bars from zero, labels on the left, values at the bar ends, and a dashed
    reference line (e.g. ("England and Wales", 0.352)). A bar's ``href`` is not drawn as a
    link: the chart is one image to assistive technology; its table carries the links."""
    if description is None:
        named = "; ".join(f"{b.label} {fmt(b.value)}" for b in bars)
        ref = f" {reference[0]}: {fmt(reference[1])}." if reference else ""
        description = f"{named}.{ref}"
    cid = _chart_id("bar", title, description)
    _record(cid, title, ["", "Value"], [[b.label, fmt(b.value)] for b in bars]
            + ([[reference[0], fmt(reference[1])]] if reference else []))
    longest = max((len(b.label) for b in bars), default=4)
    label_w = int(min(width * 0.4, max(60, 6.6 * longest + 4)))
    fits = int(label_w / 6.6)  # characters that fit; longer labels are shortened with "…"
    # type no taller than the bar plus its gap; white values inside a bar only when the bar
    # is at least two points taller than the type
    size = min(12, bar_height + 2)
    small = f' font-size="{size}"' if size != 12 else ""
    inside = bar_height >= size + 2
    value_w = 24 if inside else int(0.6 * size * 6) + 8
    top = 26 if reference else 8
    gap = 5
    height = top + len(bars) * (bar_height + gap) + 26
    left = label_w + 8
    plot_w = width - left - value_w
    values = [b.value for b in bars if b.value is not None]
    if reference and reference[1] is not None:
        values.append(reference[1])
    hi = max(values, default=0.0) or 1.0
    step = nice_step(hi, target=5)
    hi = math.ceil(hi / step) * step

    def px(v: float) -> float:
        return left + v / hi * plot_w

    out = _open_svg(cid, width, height, title, description)
    bottom = top + len(bars) * (bar_height + gap)
    for tick in _ticks(0.0, hi, step):
        x = px(tick)
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="{MUTED}">'
                   f'{_t(pct(tick, 0) if fmt is pct else fmt(tick))}</text>')
    if reference and reference[1] is not None:
        # drawn first, so that the bars cover it and it shows in the gaps between them
        x = px(reference[1])
        out.append(f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{bottom}" '
                   f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="4 3"/>')
        anchor = "end" if x > left + plot_w * 0.6 else "start"
        dx = -4 if anchor == "end" else 4
        out.append(f'<text x="{x + dx:.1f}" y="{top - 12}" text-anchor="{anchor}" '
                   f'font-weight="bold">{_t(reference[0])} {_t(fmt(reference[1]))}'
                   f'</text>')
    for i, b in enumerate(bars):
        y = top + i * (bar_height + gap)
        colour = ACCENT if b.highlight else BASE
        weight = ' font-weight="bold"' if b.highlight else ""
        # the text is centred on the bar: its baseline sits a third of the font size below
        # the middle, so that bars thinner than the type do not leave it hanging above them
        baseline = round(y + bar_height / 2 + size * 0.35, 1)
        shown = b.label if len(b.label) <= fits else b.label[: fits - 1].rstrip() + "…"
        label = (f'<text x="{label_w}" y="{baseline}" text-anchor="end"{weight}{small}>'
                 f'{_t(shown)}</text>')
        if b.value is None:
            shape = (f'<text x="{left + 4}" y="{baseline}" fill="{MUTED}"{small}>no data'
                     f'</text>')
        else:
            w = max(1.0, px(b.value) - left)
            text = _t(fmt(b.value))
            # the value sits inside the end of the bar (white) when the bar is tall and long
            # enough to hold it, else after the bar's end in ink: never white on the page
            if inside and w > 0.62 * size * len(str(text)) + 10:
                value = (f'<text x="{left + w - 5:.1f}" y="{baseline}" text-anchor="end" '
                         f'fill="#ffffff"{weight}{small}>{text}</text>')
            else:
                # a white ground under the value hides the reference line where they cross
                room = min(0.6 * size * len(str(text)) + 4, width - (left + w + 2))
                ground = (f'<rect x="{left + w + 2:.1f}" y="{y}" width="{max(room, 0):.1f}" '
                          f'height="{bar_height}" fill="#ffffff"/>')
                value = (f'{ground}<text x="{left + w + 4:.1f}" y="{baseline}"{weight}{small}>'
                         f'{text}</text>')
            shape = (f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_height}" '
                     f'fill="{colour}"><title>{_t(b.label)}: {text}</title></rect>{value}')
        # No links inside a chart drawn as one image (role="img"): assistive technology
        # cannot reach them; the table beside every such chart links each force.
        out.append(label + shape)
    out.append("</svg>")
    return boxed(out, title)

"""Charts of projections, drawn on the server as inline SVG (for the pages and the report).

`band_chart` draws one scenario: the median projected share of women in a rank group, the
shaded 5–95% band of the simulated runs, the reference it is measured against (the
all-officer share, or a target) dashed, and a marker at the parity year. It follows
`parity.present.charts` (the same fonts, colours, ticks, accessible ``<title>``/``<desc>``,
presentation attributes only, so that it passes the site's Content-Security-Policy and prints
the same in the PDF); that module has no band chart, so it lives here.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from parity.present.charts import FONT, GRID, INK, MUTED, PALETTE, Series, boxed, line_chart, nice_step
from parity.present.format import pct


def _id(*parts: object) -> str:
    return "chart-" + hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:10]


def parity_words(parity_year: int | None, years_ahead: int) -> str:
    """"2031" or "not within 20 years"."""
    return str(parity_year) if parity_year is not None else f"not within {years_ahead} years"


def band_chart(x: Sequence[int], values: Sequence[float | None], low: Sequence[float | None],
               high: Sequence[float | None], reference: Sequence[float | None], *,
               title: str, reference_label: str, parity_year: int | None,
               colour: str = PALETTE[0], width: int = 360, height: int = 220,
               heading: str | None = None) -> Markup:
    """One scenario's projected share: median line, 5–95% band, reference, parity marker;
    `heading` (optional) is written in bold above the plot."""
    pts = [(xv, v, lo, hi) for xv, v, lo, hi in zip(x, values, low, high, strict=True)]
    known = [p for p in pts if p[1] is not None]
    refs = [r for r in reference if r is not None]
    horizon = (x[-1] - x[0]) if x else 0
    desc = (f"Median {pct(known[0][1])} in {known[0][0]}, {pct(known[-1][1])} in {known[-1][0]} "
            f"(5–95% of runs {pct(known[-1][2])} to {pct(known[-1][3])}); "
            f"{reference_label} {pct(refs[-1]) if refs else '—'} in {x[-1]}. Parity year: "
            f"{parity_words(parity_year, horizon)}." if known else "No data.")
    cid = _id("band", title, desc)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="{cid}-title '
        f'{cid}-desc" font-family="{FONT}" font-size="12" fill="{INK}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]
    if not known:
        out.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
                   f'fill="{MUTED}">No data</text></svg>')
        return boxed(out, title)
    every = [v for p in known for v in p[1:] if v is not None] + refs
    hi_v = max(every)
    step = nice_step(hi_v or 1.0, target=4)
    top_v = math.ceil(hi_v / step) * step or step
    left, right, top, bottom = 40, 22, (40 if heading else 10), 24
    if heading:
        out.append(f'<text x="4" y="13" font-weight="bold" font-size="12">{escape(heading)}'
                   f'</text>')
        out.append(f'<text x="4" y="28">parity year: '
                   f'{escape(parity_words(parity_year, horizon))}</text>')
    plot_w, plot_h = width - left - right, height - top - bottom
    x0, x1 = x[0], x[-1]

    def px(v: float) -> float:
        return left + (plot_w / 2 if x1 == x0 else (v - x0) / (x1 - x0) * plot_w)

    def py(v: float | None) -> float:
        assert v is not None  # callers pass only points whose value is known
        return top + plot_h - v / top_v * plot_h

    tick = 0.0
    while tick <= top_v + step / 1000:
        y = py(tick)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
                   f'{escape(pct(tick, 0))}</text>')
        tick = round(tick + step, 10)
    base = top + plot_h
    out.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" '
               f'stroke="{MUTED}" stroke-width="1"/>')
    span = max(1, x1 - x0)
    gap = max(1, math.ceil(span / 4 / 5) * 5) if span > 8 else max(1, math.ceil(span / 4))
    for xv in range(x0, x1 + 1):
        if (xv - x0) % gap == 0 or xv == x1 and (x1 - x0) % gap > gap / 2:
            out.append(f'<text x="{px(xv):.1f}" y="{base + 16}" text-anchor="middle" '
                       f'fill="{MUTED}">{xv}</text>')
    band = [p for p in known if p[2] is not None and p[3] is not None]
    if band:
        upper = " ".join(f"{px(p[0]):.1f},{py(p[3]):.1f}" for p in band)
        lower = " ".join(f"{px(p[0]):.1f},{py(p[2]):.1f}" for p in reversed(band))
        out.append(f'<polygon points="{upper} {lower}" fill="{colour}" fill-opacity="0.18" '
                   f'stroke="none"><title>5–95% of runs</title></polygon>')
    ref_path = " ".join(f'{"M" if i == 0 else "L"}{px(xv):.1f} {py(r):.1f}'
                        for i, (xv, r) in enumerate((xv, r) for xv, r in zip(x, reference,
                                                                             strict=True)
                                                    if r is not None))
    if ref_path:
        out.append(f'<path d="{ref_path}" fill="none" stroke="{INK}" stroke-width="1.5" '
                   f'stroke-dasharray="5 3"><title>{escape(reference_label)}</title></path>')
    line = " ".join(f'{"M" if i == 0 else "L"}{px(p[0]):.1f} {py(p[1]):.1f}'
                    for i, p in enumerate(known))
    out.append(f'<path d="{line}" fill="none" stroke="{colour}" stroke-width="2.5" '
               f'stroke-linejoin="round"/>')
    if parity_year is not None and x0 <= parity_year <= x1:
        xp = px(parity_year)
        anchor = "end" if xp > left + plot_w * 0.7 else "start"
        dx = -4 if anchor == "end" else 4
        out.append(f'<line x1="{xp:.1f}" y1="{top}" x2="{xp:.1f}" y2="{base}" stroke="{INK}" '
                   f'stroke-width="1"/>')
        out.append(f'<text x="{xp + dx:.1f}" y="{top + 11}" text-anchor="{anchor}" '
                   f'font-weight="bold">parity {parity_year}</text>')
    out.append("</svg>")
    return boxed(out, title)


def scenario_charts(chart: dict, *, width: int = 360, height: int = 220,
                    headings: bool = False) -> list[dict]:
    """For `service.chart_data`: per scenario ``{"scenario", "label", "parity_year",
    "parity", "chart"}`` (a `band_chart`; with `headings`, the scenario and its parity year
    written above the plot)."""
    out = []
    horizon = chart["x"][-1] - chart["x"][0] if chart["x"] else 0
    for i, s in enumerate(chart["series"]):
        out.append({
            "scenario": s["scenario"], "label": s["label"], "parity_year": s["parity_year"],
            "parity": parity_words(s["parity_year"], horizon),
            "chart": band_chart(chart["x"], s["values"], s["low"], s["high"],
                                chart["reference"]["values"],
                                title=f"{s['label']}: projected {chart['group']} share of women",
                                reference_label=chart["reference"]["label"],
                                parity_year=s["parity_year"],
                                colour=PALETTE[i % len(PALETTE)], width=width, height=height,
                                heading=s["label"] if headings else None),
        })
    return out


def medians_chart(chart: dict, *, title: str, width: int = 720, height: int = 320) -> Markup:
    """Every scenario's median line on one chart, with the reference dashed."""
    series = [Series(s["label"], list(zip(chart["x"], s["values"], strict=True)))
              for s in chart["series"]]
    series.append(Series(chart["reference"]["label"],
                         list(zip(chart["x"], chart["reference"]["values"], strict=True)),
                         colour=INK, dashed=True))
    return line_chart(series, title=title, width=width, height=height)

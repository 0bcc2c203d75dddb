"""Charts of commitments, as inline SVG for the web pages and the annual report alike.

- `indicator_chart(indicator, area=...)`: an indicator's yearly values, the least-squares
  trend since the baseline, the projection of that trend to the target date, and the target.
- `status_bars(summary)`: for each national commitment, how many forces are on track, at
  risk, off track or without data (one stacked bar each).
- `status_dot(status)`: the small coloured mark shown beside a status word in tables.

Like `parity.present.charts` (whose `line_chart` draws the indicator chart): ``role="img"``,
a ``<title>`` and a ``<desc>`` stating the figures in words, presentation attributes only (a
strict Content-Security-Policy allows them), every text escaped. Status is never told by
colour alone: each mark also carries a symbol and the tables the status in words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

from markupsafe import Markup, escape

from parity.commitments import metrics
from parity.forces import registry
from parity.present.charts import FONT, GRID, INK, MUTED, Series, boxed, line_chart

STATUS_LABELS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track",
                 "no_data": "No data"}
# Colour-blind-safe enough beside the symbols: green, amber, red, grey.
STATUS_COLOURS = {"on_track": "#0f7a4a", "at_risk": "#b45309", "off_track": "#a6192e",
                  "no_data": "#8a8f99"}
STATUS_SYMBOLS = {"on_track": "✓", "at_risk": "!", "off_track": "✗", "no_data": "?"}
CONTEXT_COLOUR = "#c7cbd3"


def status_label(status: str | None) -> str:
    """"On track" ... ; None (a context indicator, never judged) is "Context"."""
    return STATUS_LABELS.get(status or "", "Context")


def fmt_change(change: float | None, unit: str | None = None) -> str:
    """A change of an indicator in its unit, signed (shares in percentage points)."""
    if change is None:
        return "—"
    return metrics.fmt_rate(change, unit or "value").removesuffix(" a year")


def force_name(force_id: str | None) -> str:
    """A force's name from its registry id ("England and Wales" for None)."""
    if force_id is None:
        return "England and Wales"
    try:
        return registry().get(force_id).name
    except KeyError:
        return force_id


def unit_formatter(unit: str | None) -> Callable[[float | None], str]:
    """How values of an indicator's unit are written (shares as percentages)."""
    return lambda value: metrics.fmt_value(value, unit or "value")


def _cid(*parts: object) -> str:
    return "chart-" + hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:10]


def status_dot(status: str | None, *, size: int = 16) -> Markup:
    """A coloured disc with the status's symbol (decorative: the word goes beside it)."""
    colour = STATUS_COLOURS.get(status or "", CONTEXT_COLOUR)
    symbol = STATUS_SYMBOLS.get(status or "", "·")
    r = size / 2
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" aria-hidden="true" focusable="false" '
        f'font-family="{FONT}"><circle cx="{r}" cy="{r}" r="{r}" fill="{colour}"/>'
        f'<text x="{r}" y="{r + size * 0.32:.1f}" text-anchor="middle" fill="#ffffff" '
        f'font-size="{size * 0.8:.0f}" font-weight="bold">{escape(symbol)}</text></svg>')


def indicator_chart(indicator: dict, *, area: str, width: int = 560, height: int = 280,
                    since: int | None = None) -> Markup:
    """One indicator (an item of ``status(...)["indicators"]``) over the years.

    Lines: the yearly values (from `since`, default four years before the baseline), the
    trend fitted since the baseline (dashed), its projection to the target date (dotted, when
    there is a target date) and the target (a level line from the baseline to the target
    date). Shares are drawn from 0 so that they are not exaggerated.
    """
    unit = indicator.get("unit") or "value"
    fmt = unit_formatter(unit)
    values = {int(y): v for y, v in (indicator.get("values") or {}).items()}
    fitted = {int(y): v for y, v in (indicator.get("fitted") or {}).items()}
    baseline_year = indicator.get("baseline_year")
    start = since if since is not None else (baseline_year - 4 if baseline_year else None)
    shown = {y: v for y, v in values.items() if start is None or y >= start}
    series = [Series(area, sorted(shown.items()))]
    if fitted:
        series.append(Series("Trend since the baseline", sorted(fitted.items()),
                             colour=MUTED, dashed=True))
    target, target_date = indicator.get("target"), indicator.get("target_date")
    target_x = metrics.year_of(date.fromisoformat(target_date)) if target_date else None
    projected = indicator.get("projected")
    if fitted and target_x is not None and projected is not None:
        last = max(fitted)
        series.append(Series("Projection to the target date",
                             [(last, fitted[last]), (round(target_x, 2), projected)],
                             colour="#0f7f7a", dashed=True))
    if target is not None:
        first = baseline_year or (min(shown) if shown else None)
        end = round(target_x, 2) if target_x is not None else (max(shown) if shown else first)
        if first is not None and end is not None:
            series.append(Series(f"Target {fmt(target)}", [(first, target), (end, target)],
                                 colour="#c0580c"))
    words = [f"{area}: {fmt(v)} in {y}" for y, v in
             ((min(shown), shown[min(shown)]), (max(shown), shown[max(shown)]))] \
        if shown else [f"{area}: no figures held"]
    if indicator.get("trend_per_year") is not None:
        words.append(f"trend since {baseline_year}: "
                     f"{metrics.fmt_rate(indicator['trend_per_year'], unit)}")
    if target is not None:
        words.append(f"target {fmt(target)}" + (f" by {target_date}" if target_date else ""))
    if projected is not None:
        words.append(f"projected {fmt(projected)} at the target date")
    return line_chart(series, title=f"{area}: {indicator['label']}",
                      description="; ".join(words) + ".", width=width, height=height,
                      fmt=fmt, y_min=0.0 if all(v >= 0 for v in shown.values()) else None)


def status_bars(summary: dict, *, width: int = 680, bar_height: int = 22) -> Markup:
    """One stacked bar per national commitment: the forces in each status (a
    `service.status_summary` result)."""
    rows = summary["national"]
    forces = len(summary["forces"])
    title = f"Status of the national commitments across {forces} forces"
    desc = " ".join(
        f"{r['theme']} ({r['made'][:4]}): "
        + ", ".join(f"{r['counts'][s]} {STATUS_LABELS[s].lower()}" for s in STATUS_LABELS)
        + "." for r in rows)
    cid = _cid("status-bars", title, desc)
    label_w, gap, top = 200, 8, 30
    left = label_w + 10
    plot_w = width - left - 10
    height = top + len(rows) * (bar_height + gap) + 24
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-family="{FONT}" font-size="12" '
        f'fill="{INK}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]
    for i, status in enumerate(STATUS_LABELS):
        x = left + i * (plot_w / 4)
        out.append(f'<rect x="{x:.1f}" y="6" width="12" height="12" '
                   f'fill="{STATUS_COLOURS[status]}"/>')
        out.append(f'<text x="{x + 17:.1f}" y="16">{escape(STATUS_SYMBOLS[status])} '
                   f'{escape(STATUS_LABELS[status])}</text>')
    for i, r in enumerate(rows):
        y = top + i * (bar_height + gap)
        out.append(f'<text x="{label_w}" y="{y + bar_height / 2 + 4:.1f}" text-anchor="end">'
                   f'{escape(r["theme"].capitalize())} ({escape(r["made"][:4])})</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{plot_w}" height="{bar_height}" '
                   f'fill="{GRID}"/>')
        x = float(left)
        for status in STATUS_LABELS:
            n = r["counts"][status]
            if not n or not forces:
                continue
            w = n / forces * plot_w
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" '
                       f'fill="{STATUS_COLOURS[status]}"><title>{escape(r["ref"])}: {n} '
                       f'{escape(STATUS_LABELS[status].lower())}</title></rect>')
            if w > 22:
                out.append(f'<text x="{x + w / 2:.1f}" y="{y + bar_height / 2 + 4:.1f}" '
                           f'text-anchor="middle" fill="#ffffff" font-weight="bold">{n}'
                           f'</text>')
            x += w
    base = top + len(rows) * (bar_height + gap)
    out.append(f'<text x="{left}" y="{base + 12}" fill="{MUTED}">0</text>')
    out.append(f'<text x="{left + plot_w}" y="{base + 12}" text-anchor="end" fill="{MUTED}">'
               f'{forces} forces</text>')
    out.append("</svg>")
    return boxed(out, title)

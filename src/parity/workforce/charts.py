"""The standard charts of Parity's figures, used by the web pages and the report alike.

Each takes the plain data of `parity.workforce.report` (or a workforce service result) and
returns inline SVG from `parity.present.charts`.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from parity.present.charts import Bar, Series, bar_chart, line_chart
from parity.present.format import pct

NATIONAL_COLOUR = "#6b7280"


def _points(years: list[dict]) -> list[tuple[int, float | None]]:
    return [(y["year"], y["share_female"]) for y in years]


def force_trend_chart(group: dict, force_name: str, *, width: int = 560) -> Markup:
    """A force's share of women in one officer group over time, against England and Wales."""
    return line_chart(
        [Series(force_name, _points(group["trend"])),
         Series("England and Wales", _points(group["national_trend"]),
                colour=NATIONAL_COLOUR, dashed=True)],
        title=f"{force_name}: women among {group['title'].lower()}, share by year",
        width=width, height=260,
    )


def trend_chart(trend: dict, *, comparison: dict | None = None, width: int = 720,
                height: int = 300) -> Markup:
    """One area's trend (a `workforce.service.trend` result), optionally against another."""
    series = [Series(trend["area"], _points(trend["years"]))]
    if comparison:
        series.append(Series(comparison["area"], _points(comparison["years"]),
                             colour=NATIONAL_COLOUR, dashed=True))
    return line_chart(series, title=f"Share of women by year: {trend['area']}", width=width,
                      height=height)


def groups_trend_chart(groups: list[dict], *, area: str = "England and Wales",
                       width: int = 720) -> Markup:
    """Women among all officers, middle management and senior leadership, by year."""
    return line_chart(
        [Series(g["title"], _points(g["trend"])) for g in groups],
        title=f"{area}: share of women among police officers by rank group", width=width,
    )


def league_chart(table: dict, *, highlight: str | None = None,
                 href: Callable[[str], str] | None = None, width: int = 720,
                 bar_height: int = 16) -> Markup:
    """Every force's share in a `workforce.service.league` result, highest first, with the
    England and Wales figure as a reference line."""
    bars = [Bar(r["force"], r["share_female"], highlight=r["force_id"] == highlight,
                href=href(r["force_id"]) if href else None) for r in table["forces"]]
    national = table["england_and_wales"]["share_female"]
    who = table["worker_type"]
    label = {"officer": "police officers", "staff": "police staff", "pcso": "PCSOs",
             "special": "special constables", "designated": "designated officers",
             "volunteer": "police support volunteers"}.get(who, who)
    group = "" if table["group"] == "all" else f", {table['group']}"
    return bar_chart(
        bars, width=width, reference=("England and Wales", national), bar_height=bar_height,
        title=(f"Share of women among {label}{group} by force, 31 March {table['year']} "
               f"({table['measure'].upper() if table['measure'] == 'fte' else 'headcount'})"),
    )


def overview_chart(overview: dict, *, width: int = 640) -> Markup:
    """The national overview lines as bars (women's share in each part of the workforce)."""
    bars = [Bar(line["label"], line["share_female"]) for line in overview["lines"]]
    return bar_chart(bars, width=width, fmt=pct,
                     title=f"Share of women in the police workforce, England and Wales, "
                           f"31 March {overview['year']}")

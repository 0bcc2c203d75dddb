"""How the context pages and report section write and draw their figures: pay gap figures
as published in percent, rates per 1,000, changes with their sign, and the charts (inline
SVG from `parity.present.charts`). `install(env)` puts them on a Jinja environment.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from parity.present.charts import Bar, Series, bar_chart, line_chart

NATIONAL_COLOUR = "#6b7280"
PUBLIC_COLOUR = "#0f7f7a"
FIELD_LABELS = {
    "DiffMeanHourlyPercent": "Mean hourly pay gap",
    "DiffMedianHourlyPercent": "Median hourly pay gap",
    "DiffMeanBonusPercent": "Mean bonus gap",
    "DiffMedianBonusPercent": "Median bonus gap",
    "MaleBonusPercent": "Men paid a bonus",
    "FemaleBonusPercent": "Women paid a bonus",
    "MaleLowerQuartile": "Men in the lower quarter",
    "FemaleLowerQuartile": "Women in the lower quarter",
    "MaleLowerMiddleQuartile": "Men in the lower middle quarter",
    "FemaleLowerMiddleQuartile": "Women in the lower middle quarter",
    "MaleUpperMiddleQuartile": "Men in the upper middle quarter",
    "FemaleUpperMiddleQuartile": "Women in the upper middle quarter",
    "MaleTopQuartile": "Men in the top quarter",
    "FemaleTopQuartile": "Women in the top quarter",
}
QUARTERS = (("FemaleLowerQuartile", "Lower"), ("FemaleLowerMiddleQuartile", "Lower middle"),
            ("FemaleUpperMiddleQuartile", "Upper middle"), ("FemaleTopQuartile", "Top"))


# --- formatting (figures published in percent, rates per 1,000) ---------------------------

def percent(value: float | None, digits: int | None = None) -> str:
    """A figure published in percent, in the site's one style: one decimal place (or
    `digits`) and a real minus sign ("21.5%", "−3.2%"); "—" when missing."""
    if value is None:
        return "—"
    places = 1 if digits is None else digits
    text = f"{abs(value):.{places}f}%"
    return f"\u2212{text}" if round(value, places) < 0 else text


def signed_percent(value: float | None, digits: int = 1) -> str:
    """A percentage change with its sign ("+1.8%", "−8.8%"); "—" when missing."""
    if value is None:
        return "—"
    if round(value, digits) == 0:
        return f"{0:.{digits}f}%"
    sign = "+" if value > 0 else "−"
    return f"{sign}{abs(value):.{digits}f}%"


def signed_number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    if round(value, digits) == 0:
        return f"{0:.{digits}f}"
    sign = "+" if value > 0 else "−"
    return f"{sign}{abs(value):,.{digits}f}"


def rate(value: float | None) -> str:
    """Offences per 1,000 population, two places; "—" when missing."""
    return "—" if value is None else f"{value:.2f}"


def percentile(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}th"




# --- charts --------------------------------------------------------------------------------

def gap_league_chart(league: dict, *, highlight: str | None = None, width: int = 720,
                     bar_height: int = 16) -> Markup:
    """Police forces' published figure for a year, lowest first, with the police median."""
    bars = [Bar(r["force"], r["value"], highlight=r["force_id"] == highlight,
                href=f"/context/paygap/{r['force_id']}") for r in league["forces"]]
    label = FIELD_LABELS.get(league["field"], league["field"])
    median = league["police_forces"]["median"]
    return bar_chart(bars, title=f"{label} by police force, {league['reporting_year']} "
                                 "(snapshot 31 March)",
                     fmt=lambda v: percent(v, 1), width=width, bar_height=bar_height,
                     reference=("Police median", median))


def gap_history_chart(positions: list[dict], force: str, *, width: int = 560) -> Markup:
    """The force's figure year by year against the police and public-sector medians."""
    field = positions[0]["field"] if positions else "DiffMedianHourlyPercent"
    label = FIELD_LABELS.get(field, field)
    series = [
        Series(force, [(p["snapshot_year"], p["value"]) for p in positions]),
        Series("Police forces (median)", [(p["snapshot_year"], p["police_forces"]["median"])
                                          for p in positions],
               colour=NATIONAL_COLOUR, dashed=True),
        Series("Public administration (median)",
               [(p["snapshot_year"], p["public_administration"]["median"]) for p in positions],
               colour=PUBLIC_COLOUR, dashed=True),
    ]
    low = min((v for s in series for _, v in s.points if v is not None), default=0.0)
    return line_chart(series, title=f"{force}: {label.lower()} by snapshot year",
                      fmt=lambda v: percent(v, 0) if v is not None else "—", width=width,
                      height=260, y_min=min(0.0, low))


def quarters_chart(history: list[dict], force: str, *, width: int = 560) -> Markup:
    """Share of women in each pay quarter, year by year."""
    series = [Series(name, [(h["snapshot_year"], None if h[key] is None else h[key] / 100)
                            for h in history if h["reported"]])
              for key, name in QUARTERS]
    return line_chart(series, title=f"{force}: women in each pay quarter (lowest to top "
                                    "paid), by snapshot year", width=width, height=280,
                      y_max=1.0)


def crime_league_chart(league: dict, *, highlight: str | None = None,
                       width: int = 720, bar_height: int = 16) -> Markup:
    bars = [Bar(r["force"], r["rate"], highlight=r["force_id"] == highlight,
                href=f"/context/crime/{r['force_id']}") for r in league["forces"]]
    national = (league["england_and_wales"] or {}).get("rate")
    return bar_chart(bars, width=width, bar_height=bar_height, fmt=rate,
                     reference=("England and Wales", national),
                     title=f"{league['label']} per 1,000 population by force area, 12 months "
                           f"ending {league['period_end']:%B %Y}")


def crime_periods_chart(history: list[dict], offence: str, force: str,
                        national: float | None, *, width: int = 420) -> Markup:
    """One offence's rate in each edition held, with the latest England and Wales rate."""
    label = history[0]["offences"][offence]["label"] if history else offence
    bars = [Bar(f"{item['period_end']:%b %Y}", item["offences"][offence]["rate"],
                highlight=i == len(history) - 1) for i, item in enumerate(history)]
    return bar_chart(bars, width=width, fmt=rate, bar_height=14,
                     reference=("England and Wales, latest", national),
                     title=f"{force}: {label.lower()} per 1,000 population, 12 months ending")


def shares_timeline_chart(timeline: list[dict], force: str, *, width: int = 560) -> Markup:
    def points(key: str) -> list[tuple[int, float | None]]:
        return [(t["year"], (t["workforce"] or {}).get(key)) for t in timeline]

    return line_chart(
        [Series("Women among officers", points("share_female_officers_all")),
         Series("Women among senior officers", points("share_female_officers_senior")),
         Series("Women in the top pay quarter",
                [(t["year"], t["paygap"]["FemaleTopQuartile"] / 100
                  if t["paygap"] and t["paygap"]["FemaleTopQuartile"] is not None else None)
                 for t in timeline])],
        title=f"{force}: women among officers (FTE) and in the top pay quarter, 31 March",
        width=width, height=280)


def median_trend_chart(trend: list[dict], *, width: int = 560) -> Markup:
    """The median police force's and public administration employer's median hourly pay
    gap, year by year (items with ``snapshot_year``, ``police_forces`` and
    ``public_administration`` distributions)."""
    series = [
        Series("Police forces (median)", [(t["snapshot_year"], t["police_forces"]["median"])
                                          for t in trend]),
        Series("Public administration (median)",
               [(t["snapshot_year"], t["public_administration"]["median"]) for t in trend],
               colour=PUBLIC_COLOUR, dashed=True),
    ]
    return line_chart(series, title="Median hourly gender pay gap, police forces and public "
                                    "administration, by snapshot year",
                      fmt=lambda v: percent(v, 0) if v is not None else "—", width=width,
                      height=240)


def top_quarter_chart(national: dict, *, width: int = 720, bar_height: int = 16) -> Markup:
    """Women's share of each police force's top paid quarter (a `national_context` result),
    highest first, with the median force as the reference line."""
    import statistics

    rows = sorted((r for r in national["forces"] if r["female_top_quartile_pct"] is not None),
                  key=lambda r: -r["female_top_quartile_pct"])
    bars = [Bar(r["force"], r["female_top_quartile_pct"] / 100,
                href=f"/context/forces/{r['force_id']}") for r in rows]
    median = (statistics.median(r["female_top_quartile_pct"] for r in rows) / 100
              if rows else None)
    year = national["years"]["paygap_snapshot"]
    return bar_chart(bars, width=width, reference=("Median force", median), bar_height=bar_height,
                     title=f"Women in the top paid quarter by police force, "
                           f"{year}/{(year + 1) % 100:02d}")


FILTERS = {"percent": percent, "signed_percent": signed_percent,
           "signed_number": signed_number, "rate": rate, "percentile": percentile}
CHARTS = {"gap_league_chart": gap_league_chart, "gap_history_chart": gap_history_chart,
          "quarters_chart": quarters_chart, "crime_league_chart": crime_league_chart,
          "crime_periods_chart": crime_periods_chart,
          "shares_timeline_chart": shares_timeline_chart,
          "median_trend_chart": median_trend_chart, "top_quarter_chart": top_quarter_chart}


def install(env: Any) -> None:
    """The filters, charts and labels on a Jinja environment (pages and report alike)."""
    env.filters.update(FILTERS)
    env.globals.update(CHARTS)
    env.globals["field_labels"] = FIELD_LABELS
    env.globals["quarters"] = QUARTERS

"""Progress and status of an indicator: pure functions from yearly values to a judgement.

Offers:

- `fit_line(points)`: the least-squares line through (year, value) points.
- `year_of(day)`: a date on the 31 March snapshot axis (31 March 2025 is 2025.0).
- `assess(values, ...)`: baseline, latest, progress, trend, projection at the target date and
  a status (``on_track``, ``at_risk``, ``off_track``, ``no_data``) with a one-sentence reason.
- `change_over(values, years=...)`: the change of the latest value on `years` earlier.
- `combine(statuses)`: the status of a commitment from its indicators' (the worst wins).
- `fmt_value`, `fmt_rate`: figures in their unit, for reasons and tables.

Inputs are ``{year: value}`` mappings keyed by the 31 March snapshot year. Units: ``share``
(a fraction in [0, 1], changes shown in percentage points), ``pct`` (a percentage, e.g. a pay
gap), ``per_1000`` (a rate per 1,000 people), ``rate`` (a fraction of a flow) or ``value``
(anything entered by hand). The rules are set out in docs/decisions/0501 and 0502.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from parity import calendar

STATUSES = ("on_track", "at_risk", "off_track", "no_data")
# Worst first: a commitment takes the worst status of its measured indicators, and missing
# data ranks above on_track so that a commitment with a hole in it is never shown green.
SEVERITY = {"off_track": 0, "at_risk": 1, "no_data": 2, "on_track": 3}
DIRECTIONS = ("up", "down")
UNITS = ("share", "pct", "per_1000", "rate", "value")
# A trend moving less than this fraction of the indicator's scale a year counts as flat.
FLAT_FRACTION = 0.005
# "At risk" rather than "off track": the trend closes at least this much of the remaining gap.
AT_RISK_FRACTION = 0.5


@dataclass(frozen=True)
class Line:
    """value = intercept + slope * year (slope in units a year)."""

    slope: float
    intercept: float

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x


@dataclass
class Assessment:
    status: str
    reason: str
    baseline: float | None = None
    baseline_year: int | None = None
    latest: float | None = None
    latest_year: int | None = None
    progress: float | None = None
    slope: float | None = None
    projected: float | None = None
    missing_years: list[int] = field(default_factory=list)
    values: dict[int, float] = field(default_factory=dict)
    fitted: dict[int, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "status": self.status, "reason": self.reason, "baseline": self.baseline,
            "baseline_year": self.baseline_year, "latest": self.latest,
            "latest_year": self.latest_year, "progress": self.progress,
            "trend_per_year": self.slope, "projected": self.projected,
            "missing_years": list(self.missing_years),
            "values": {int(y): v for y, v in sorted(self.values.items())},
            "fitted": {int(y): v for y, v in sorted(self.fitted.items())},
        }


def fit_line(points: Mapping[int, float] | Iterable[tuple[float, float]]) -> Line | None:
    """Ordinary least squares through the points; None for fewer than two distinct years.

    Least squares uses every year's figure, so one unusual year moves the line a little rather
    than deciding it (as an endpoint-to-endpoint rate would); it is the line a spreadsheet's
    TREND/FORECAST gives, so forces can check it (docs/decisions/0501).
    """
    pairs = list(points.items()) if isinstance(points, Mapping) else list(points)
    if len({x for x, _ in pairs}) < 2:
        return None
    n = len(pairs)
    mean_x = sum(x for x, _ in pairs) / n
    mean_y = sum(y for _, y in pairs) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in pairs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    slope = sxy / sxx
    return Line(slope=slope, intercept=mean_y - slope * mean_x)


def year_of(day: date) -> float:
    """A date on the snapshot axis: 31 March of year Y is Y.0; a year later is Y + 1."""
    anchor = calendar.snapshot_date(day.year)
    return day.year + (day - anchor).days / 365.25


snapshot_year = calendar.snapshot_year


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("share", "rate"):
        return f"{value * 100:.1f}%"
    if unit == "pct":
        return f"{value:.1f}%"
    if unit == "per_1000":
        return f"{value:.2f} per 1,000"
    return f"{value:g}"


def fmt_rate(slope: float, unit: str) -> str:
    """A trend per year in the unit's terms (shares in percentage points)."""
    if unit in ("share", "rate"):
        return f"{slope * 100:+.2f} pts a year"
    if unit == "pct":
        return f"{slope:+.2f} percentage points a year"
    if unit == "per_1000":
        return f"{slope:+.3f} per 1,000 a year"
    return f"{slope:+.3g} a year"


def _fmt_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def change_over(values: Mapping[int, float], *, years: int) -> float | None:
    """Latest value minus the value `years` before the latest year (None if either missing)."""
    if not values:
        return None
    latest = max(values)
    if latest - years not in values:
        return None
    return values[latest] - values[latest - years]


def combine(statuses: Iterable[str]) -> str:
    """The worst of the statuses (off_track, at_risk, no_data, on_track); no_data for none."""
    found = list(statuses)
    if not found:
        return "no_data"
    return min(found, key=lambda s: SEVERITY[s])


def assess(
    values: Mapping[int, float], *, baseline_year: int | None, baseline_value: float | None = None,
    target_value: float | None = None, target_date: date | None = None, direction: str = "up",
    unit: str = "share", expected_years: Iterable[int] | None = None,
    flat_tolerance: float | None = None, as_of: date | None = None,
) -> Assessment:
    """Judge an indicator from its yearly values.

    `values`: {31 March snapshot year: value}. The baseline is `baseline_value` if entered,
    else the value for `baseline_year` (the first year held when that is None). The trend is
    the least-squares line through the values from the baseline year to the latest, with an
    entered baseline standing for the baseline year. `expected_years`: the years the source
    holds (so a year missing for this indicator is noticed); by default only gaps between
    held years count. `flat_tolerance` (units a year): below it a trend is flat; by default
    0.5% of the indicator's scale (the larger of baseline and target). `as_of`: the day the
    report is made; once the first 31 March snapshot on or after the target date has passed,
    the figure for it is expected too (a target date passed with no figure for it is never
    judged green on a projection made from older figures).

    Status: ``no_data`` without a baseline or a figure after it; ``on_track`` when the latest
    figure meets the target, or the trend reaches it by the target date; ``at_risk`` when the
    trend moves the right way and closes at least half the remaining gap; ``off_track``
    otherwise, and when the target date has passed unmet. Without a target the direction of
    the trend decides. A missing year or two flat years at the end never leave ``on_track``
    standing (it becomes ``at_risk``, and the reason says why).
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be up or down, not {direction!r}")
    sign = 1.0 if direction == "up" else -1.0
    series = {int(y): float(v) for y, v in values.items() if v is not None}
    start = baseline_year if baseline_year is not None else (min(series) if series else None)
    result = Assessment(status="no_data", reason="", baseline_year=start, values=dict(series))
    if start is None:
        result.reason = "No figures are held for this indicator and no baseline was entered."
        return result
    baseline = baseline_value if baseline_value is not None else series.get(start)
    result.baseline = baseline
    later = {y: v for y, v in series.items() if y > start}
    held = {y: v for y, v in series.items() if y >= start}
    if held:
        result.latest_year = max(held)
        result.latest = held[result.latest_year]
    if baseline is None or not later:
        # Without a trend, a target already met is still a fact (a report published, say);
        # anything else cannot be judged.
        if result.latest is not None and target_value is not None \
                and sign * (result.latest - target_value) >= 0:
            return _met_without_trend(result, held, target_value, unit,
                                      _expected(expected_years, target_date, as_of))
        result.reason = (f"No baseline: there is no figure for 31 March {start} and none was "
                         "entered." if baseline is None
                         else f"No figure is held after the baseline year ({start}).")
        return result

    latest_year: int = max(later)
    latest: float = later[latest_year]
    points = {y: v for y, v in series.items() if y >= start}
    points[start] = baseline
    expected = _expected(expected_years, target_date if target_value is not None else None,
                         as_of)
    expected |= set(range(start, latest_year + 1))
    result.missing_years = sorted(y for y in expected if y >= start and y not in points)
    line = fit_line(points)
    assert line is not None  # two distinct years at least: the baseline and a later one
    result.slope = line.slope
    result.fitted = {y: line.at(y) for y in range(start, latest_year + 1)}
    scale = max(abs(baseline), abs(target_value) if target_value is not None else 0.0)
    tol = flat_tolerance if flat_tolerance is not None else FLAT_FRACTION * (scale or 1.0)
    rate = fmt_rate(line.slope, unit)
    since = f"since {start}" + ("" if len(points) > 2 else ", from two figures only")
    v = lambda x: fmt_value(x, unit)  # noqa: E731
    moving = sign * line.slope
    two_back = points.get(latest_year - 2)
    stalled = two_back is not None and sign * (latest - two_back) <= 2 * tol
    projected: float | None = None

    if target_value is not None and target_value != baseline:
        result.progress = (latest - baseline) / (target_value - baseline)
    if target_value is not None and target_date is not None:
        deadline = year_of(target_date)
        projected = result.projected = _clamp(line.at(deadline), unit)
    if target_value is None:
        if moving > tol:
            status, reason = "on_track", (f"No numeric target is set, so the direction decides: "
                                          f"the trend moves the right way ({rate} {since})")
        elif moving >= -tol:
            status, reason = "at_risk", (f"No numeric target is set, so the direction decides: "
                                         f"the trend is flat ({rate} {since})")
        else:
            status, reason = "off_track", (f"No numeric target is set, so the direction decides: "
                                           f"the trend moves the wrong way ({rate} {since})")
    elif sign * (latest - target_value) >= 0:
        early = target_date is not None and latest_year < year_of(target_date)
        status = "on_track"
        reason = (f"The target of {v(target_value)} is met: the latest figure is {v(latest)} "
                  f"(31 March {latest_year})" + (", ahead of the target date" if early else ""))
    elif target_date is None:
        if moving > tol:
            status, reason = "at_risk", (f"The trend moves towards the target of "
                                         f"{v(target_value)} ({rate} {since}) but no target date "
                                         "is set to judge it against")
        else:
            status, reason = "off_track", (f"The latest figure, {v(latest)}, is short of the "
                                           f"target of {v(target_value)} and the trend does not "
                                           f"move towards it ({rate} {since})")
    elif latest_year >= year_of(target_date):
        status, reason = "off_track", (f"The target date ({_fmt_date(target_date)}) has passed "
                                       f"and the latest figure, {v(latest)}, is short of the "
                                       f"target of {v(target_value)}")
    else:
        assert projected is not None
        by = _fmt_date(target_date)
        remaining = sign * (target_value - latest)
        if sign * (projected - target_value) >= 0:
            status, reason = "on_track", (f"The trend ({rate} {since}) reaches the target of "
                                          f"{v(target_value)} by {by} (projected "
                                          f"{v(projected)})")
            if stalled:
                status = "at_risk"
                reason += (f", but there has been no progress since {latest_year - 2} "
                           f"({v(two_back)} then, {v(latest)} now)")
        elif moving > tol and sign * (projected - latest) >= AT_RISK_FRACTION * remaining:
            status, reason = "at_risk", (f"The trend moves the right way ({rate} {since}) but "
                                         f"projects {v(projected)} by {by}, short of the target "
                                         f"of {v(target_value)}")
        elif moving < -tol:
            status, reason = "off_track", (f"The trend moves the wrong way ({rate} {since}): "
                                           f"{v(latest)} now against a target of "
                                           f"{v(target_value)} by {by}")
        elif moving <= tol or stalled:
            status, reason = "off_track", (f"Progress has stalled ({rate} {since}) at "
                                           f"{v(latest)}, short of the target of "
                                           f"{v(target_value)} by {by}")
        else:
            status, reason = "off_track", (f"The trend is too slow ({rate} {since}): it projects "
                                           f"{v(projected)} by {by} against a target of "
                                           f"{v(target_value)}")
    result.status, result.reason = _with_missing(status, reason, result.missing_years)
    return result


# The first snapshot on or after a target date: its figure says whether the target was met.
target_snapshot_year = calendar.next_snapshot_year


def _expected(expected_years: Iterable[int] | None, target_date: date | None,
              as_of: date | None) -> set[int]:
    """The years a figure is expected for: those the source holds, and the target date's
    snapshot year once it has passed on the day of the report."""
    expected = set(expected_years) if expected_years is not None else set()
    if target_date is not None and as_of is not None:
        due = target_snapshot_year(target_date)
        if calendar.snapshot_date(due) <= as_of:
            expected.add(due)
    return expected


def _with_missing(status: str, reason: str, missing_years: list[int]) -> tuple[str, str]:
    """A missing year never leaves on_track standing, and every reason names it."""
    if missing_years:
        missing = _years_text(missing_years)
        if status == "on_track":
            status = "at_risk"
            reason += f", but there is no figure for {missing}, so it cannot be confirmed"
        else:
            reason += f" (no figure for {missing})"
    return status, reason + "."


def _met_without_trend(result: Assessment, held: dict[int, float], target: float, unit: str,
                       expected: set[int]) -> Assessment:
    start, latest_year = result.baseline_year, result.latest_year
    assert start is not None and latest_year is not None
    expected = expected | set(range(start, latest_year + 1))
    result.missing_years = sorted(y for y in expected if y >= start and y not in held)
    reason = (f"The target of {fmt_value(target, unit)} is met: the latest figure is "
              f"{fmt_value(result.latest, unit)} (31 March {latest_year})")
    result.status, result.reason = _with_missing("on_track", reason, result.missing_years)
    return result


def _clamp(value: float, unit: str) -> float:
    if unit in ("share", "rate"):
        return min(1.0, max(0.0, value))
    return value


def _years_text(years: list[int]) -> str:
    labels = [str(y) for y in years]
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1]

"""Representation metrics: pure functions from counts by sex to shares, intervals and changes.

Inputs are plain mappings (``{sex: value}``, or ``{year: {sex: value}}``) produced by
`parity.workforce.service`; nothing here touches the database, so the CLI, the API, the
dashboard and the report all compute the same figures from the same counts.

Units: counts are people (headcount) or full-time equivalents (FTE); shares are fractions in
[0, 1]; changes are differences of shares (0.012 is 1.2 percentage points).
Denominator: every recorded sex category (women over all recorded, DESIGN.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from parity.vocabulary import OTHER_SEXES

Z_95 = 1.959963984540054


def share(part: float | None, total: float | None) -> float | None:
    """part / total, or None when the total is zero or missing."""
    if part is None or not total:
        return None
    return part / total


def wilson_interval(successes: float, trials: float, *, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion (95% by default), or None for no trials.

    Chosen over the normal ("Wald") interval because it stays inside [0, 1] and behaves for the
    small counts of senior ranks in small forces (a force may have 2 chief officers).
    """
    if not trials:
        return None
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    # Rounding can put a bound a hair past p when p is 0 or 1; the interval always contains p.
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def summarise(by_sex: Mapping[str, float], headcount_by_sex: Mapping[str, float] | None = None) -> dict:
    """Counts of women, men and other recorded categories, the total and the share of women.

    `by_sex` holds the chosen measure; `headcount_by_sex` (if given) the headcounts used for the
    Wilson interval, which is defined on whole people.
    """
    female = float(by_sex.get("female", 0.0))
    male = float(by_sex.get("male", 0.0))
    other = {s: float(by_sex.get(s, 0.0)) for s in OTHER_SEXES if s in by_sex}
    total = female + male + sum(other.values())
    result = {
        "female": female,
        "male": male,
        "other": other,
        "total": total,
        "share_female": share(female, total),
        "share_female_ci_low": None,
        "share_female_ci_high": None,
    }
    if headcount_by_sex is not None:
        k = round(float(headcount_by_sex.get("female", 0.0)))
        n = round(sum(float(x) for x in headcount_by_sex.values()))
        interval = wilson_interval(k, n)
        if interval:
            result["share_female_ci_low"], result["share_female_ci_high"] = interval
    return result


def change(current: float | None, earlier: float | None) -> float | None:
    if current is None or earlier is None:
        return None
    return current - earlier


def series(by_year: Mapping[int, Mapping[str, float]],
           headcount_by_year: Mapping[int, Mapping[str, float]] | None = None) -> list[dict]:
    """One summary per year, oldest first, each with its change on the year before."""
    out: list[dict] = []
    previous: dict | None = None
    for year in sorted(by_year):
        item = {"year": year, **summarise(by_year[year],
                                           (headcount_by_year or {}).get(year))}
        item["share_female_change_1y"] = (
            change(item["share_female"], previous["share_female"])
            if previous and previous["year"] == year - 1 else None
        )
        item["share_female_change_1y_from_year"] = year - 1  # the year the change compares
        out.append(item)
        previous = item
    return out


def rank_table(shares: Mapping[str, float | None]) -> list[tuple[int, str, float | None]]:
    """(position, key, share) highest share first; equal shares share a position; None last."""
    ordered = sorted(shares.items(), key=lambda kv: (kv[1] is None, -(kv[1] or 0.0), kv[0]))
    out, position, last = [], 0, object()
    for index, (key, value) in enumerate(ordered, start=1):
        if value != last:
            position, last = index, value
        out.append((position, key, value))
    return out

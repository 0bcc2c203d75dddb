"""Pure figures for the context views: distributions, positions and changes.

Plain values in, plain values out (no database, no I/O), so that every front end gets the
same numbers.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping


def distribution(values: Iterable[float | None]) -> dict:
    """Count, median, lower and upper quartiles, minimum and maximum of the values given
    (None left out). Quartiles use the 'inclusive' method (the one spreadsheets call
    QUARTILE.INC), so that the median and quartiles of a handful of forces are actual or
    interpolated forces' figures, not extrapolations. All None for no values; for one value,
    every statistic is that value."""
    data = sorted(v for v in values if v is not None)
    if not data:
        return {"n": 0, "median": None, "q1": None, "q3": None, "min": None, "max": None}
    if len(data) == 1:
        q1 = q3 = data[0]
    else:
        q1, _, q3 = statistics.quantiles(data, n=4, method="inclusive")
    return {"n": len(data), "median": statistics.median(data), "q1": q1, "q3": q3,
            "min": data[0], "max": data[-1]}


def position(value: float | None, values: Iterable[float | None]) -> dict:
    """Where `value` stands among `values` (None left out; `value` should be among them):
    ``position`` 1 for the lowest, ties sharing the best place; ``of`` how many;
    ``percentile`` the share of the others strictly below it plus half of those equal to
    it (0 lowest, 1 highest). All None when `value` is None or there are no values."""
    data = [v for v in values if v is not None]
    if value is None or not data:
        return {"position": None, "of": len(data), "percentile": None}
    below = sum(1 for v in data if v < value)
    equal = sum(1 for v in data if v == value)
    others = len(data) - 1 if equal else len(data)
    percentile = ((below + 0.5 * max(equal - 1, 0)) / others) if others else 0.5
    return {"position": below + 1, "of": len(data), "percentile": percentile}


def compare(value: float | None, values: Iterable[float | None]) -> dict:
    """`distribution` of the values with the `position` of `value` among them, and the
    value's difference from their median."""
    data = list(values)
    dist = distribution(data)
    out = {**dist, **position(value, data)}
    out["difference_from_median"] = (
        value - dist["median"] if value is not None and dist["median"] is not None else None
    )
    return out


def change(current: float | None, earlier: float | None) -> tuple[float | None, float | None]:
    """(difference, percentage change) from `earlier` to `current`; None where either is
    missing, and no percentage from zero."""
    if current is None or earlier is None:
        return None, None
    diff = current - earlier
    return diff, (100.0 * diff / earlier if earlier else None)


def year_on_year(by_period: Mapping, *, step: int = 1) -> dict:
    """{period: (difference, percentage change)} against the period `step` years before, for
    periods that are dates (same day and month, year before) or whole years."""
    out = {}
    for period, value in by_period.items():
        if isinstance(period, int):
            earlier = by_period.get(period - step)
        else:
            try:
                earlier = by_period.get(period.replace(year=period.year - step))
            except ValueError:  # 29 February
                earlier = None
        out[period] = change(value, earlier)
    return out

"""Parity's calendar: the date taken as today, the 31 March snapshot, reporting years, the
dates reports are made up to. The one home of these rules.

Every figure Parity holds is "as at 31 March" of a year (the Home Office workforce table, and
the public-sector gender pay gap snapshot date): a *snapshot year* Y is 31 March Y
(`snapshot_date`). A *flows year* Y runs from 1 April Y-1 to 31 March Y (`flows_year`). The
pay gap's *reporting year* for snapshot Y is written "Y/Y+1" (`reporting_year`). A report for
year Y shows what stood on the eve of the next snapshot, 30 March Y+1 (`report_date`).

The date Parity takes as today:

What is due, late or overdue depends on the date: a commitment whose target date has passed
without its figure is at risk, a report names the day it was made, an event dated after today
is refused. ``PARITY_TODAY`` (an ISO date, ``2026-11-28``) fixes that date, so that a report can
be rebuilt exactly as it was on a given day and the tests give the same answers whenever they
run; unset, it is the real date. Record-keeping times (when a change was made, when a file was
imported) always use the real clock.
"""

from __future__ import annotations

import os
from datetime import date

from parity.errors import InputError


def today() -> date:
    """``PARITY_TODAY`` if set, else the real date."""
    fixed = os.environ.get("PARITY_TODAY", "").strip()
    if not fixed:
        return date.today()
    try:
        return date.fromisoformat(fixed)
    except ValueError:
        raise InputError(f"PARITY_TODAY: expected a date as YYYY-MM-DD, found {fixed!r}") \
            from None


def flows_year(day: date) -> int:
    """The flows year a date falls in: the year of the 31 March that ends its April–March."""
    return day.year + 1 if day.month >= 4 else day.year


def flows_years(ordinals):  # noqa: ANN001, ANN201
    """`flows_year` for a numpy array of proleptic ordinals (``date.toordinal()``) at once."""
    import numpy as np  # deferred: numpy costs ~0.2 s at start-up

    days = (np.asarray(ordinals, dtype=np.int64) - _EPOCH_ORDINAL).astype("datetime64[D]")
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    months = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    return years + (months >= 4)


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def year_end(year: int) -> date:
    """The 31 March that ends flows year `year` (the snapshot date of the Home Office table)."""
    return date(year, 3, 31)


def snapshot_date(year: int) -> date:
    """31 March `year`: the snapshot date of the figures of `year`."""
    return date(year, 3, 31)


def snapshot_year(day: date) -> int:
    """The year of the latest 31 March on or before `day`."""
    return day.year if (day.month, day.day) >= (3, 31) else day.year - 1


def next_snapshot_year(day: date) -> int:
    """The year of the first 31 March on or after `day` (a target date's figure, or a pay
    snapshot that an extract's newest start date precedes)."""
    return day.year if (day.month, day.day) <= (3, 31) else day.year + 1


def report_date(year: int) -> date:
    """The date a report for 31 March `year` is made up to: the eve of the next snapshot,
    30 March of `year` + 1 (docs/decisions/0505)."""
    return date(year + 1, 3, 30)


def latest_reported_year(day: date) -> int:
    """The latest snapshot year whose report date (`report_date`) is on or before `day`."""
    return day.year - 1 if (day.month, day.day) >= (3, 30) else day.year - 2


def reporting_year(year: int) -> str:
    """The pay gap reporting year of snapshot `year`, as written: 2022 -> "2022/23"."""
    return f"{year}/{(year + 1) % 100:02d}"

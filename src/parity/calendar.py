"""The date Parity takes as today.

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

"""The flows vocabulary: HR event kinds, leaving reasons, the extract's columns, the year.

A *flows year* runs from 1 April to 31 March and is named by the year of the 31 March that
ends it (the year 2023 is 1 April 2022 to 31 March 2023), so that it lines up with the Home
Office snapshots "as at 31 March". An event dated 31 March belongs to the year it ends and
counts in that day's stock (the event date is the date from which the new state holds).
"""

from __future__ import annotations

from datetime import date

# Event kinds, as written in the extract's `event` column.
JOINING = "joining"
PROMOTION = "promotion"
WORKER_TYPE_CHANGE = "worker_type_change"
HOURS_CHANGE = "hours_change"
LEAVING = "leaving"
EVENTS: tuple[str, ...] = (JOINING, PROMOTION, WORKER_TYPE_CHANGE, HOURS_CHANGE, LEAVING)
EVENT_ALIASES: dict[str, str] = {
    "join": JOINING, "joiner": JOINING, "joined": JOINING, "start": JOINING,
    "promoted": PROMOTION,
    "worker type change": WORKER_TYPE_CHANGE, "change of worker type": WORKER_TYPE_CHANGE,
    "hours change": HOURS_CHANGE, "change of hours": HOURS_CHANGE,
    "leave": LEAVING, "leaver": LEAVING, "left": LEAVING,
}

# Leaving reasons.
LEAVING_REASONS: tuple[str, ...] = (
    "retirement", "resignation", "dismissal", "transfer_out", "other",
)
REASON_ALIASES: dict[str, str] = {
    "retired": "retirement", "resigned": "resignation", "dismissed": "dismissal",
    "transfer out": "transfer_out", "transfer": "transfer_out", "transferred": "transfer_out",
}

# The extract's columns, in the order the generator writes them. `from_rank` is filled for
# promotions only, `leaving_reason` for leavings only.
COLUMNS: tuple[str, ...] = (
    "person_id", "sex", "event", "date", "worker_type", "rank", "from_rank", "fte",
    "leaving_reason",
)
REQUIRED_COLUMNS = frozenset({"person_id", "sex", "event", "date", "worker_type", "rank", "fte"})

# Rate names accepted by `service.rate_series`.
RATES: tuple[str, ...] = ("promotion", "leaving", "joining")

# Figures derived from HR records are suppressed for groups with fewer people than this.
MIN_GROUP = 10


def flows_year(day: date) -> int:
    """The flows year a date falls in: the year of the 31 March that ends its April–March."""
    return day.year + 1 if day.month >= 4 else day.year


def flows_years(ordinals):  # noqa: ANN001, ANN201
    """`flows_year` for a numpy array of proleptic ordinals (``date.toordinal()``) at once."""
    import numpy as np

    days = (np.asarray(ordinals, dtype=np.int64) - _EPOCH_ORDINAL).astype("datetime64[D]")
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    months = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    return years + (months >= 4)


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def year_end(year: int) -> date:
    """The 31 March that ends flows year `year` (the snapshot date of the Home Office table)."""
    return date(year, 3, 31)


def normalise_word(text: str) -> str:
    return " ".join(str(text).replace("_", " ").replace("-", " ").split()).casefold()


def lookup_event(text: str) -> str | None:
    key = normalise_word(text)
    for event in EVENTS:
        if key == event.replace("_", " "):
            return event
    return EVENT_ALIASES.get(key)


def lookup_reason(text: str) -> str | None:
    key = normalise_word(text)
    for reason in LEAVING_REASONS:
        if key == reason.replace("_", " "):
            return reason
    return REASON_ALIASES.get(key)

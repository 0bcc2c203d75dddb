"""How figures are written for people, the same on the web pages and in the report.

Shares are fractions in [0, 1] and are shown as percentages; changes of a share are shown in
percentage points with their sign; counts of people and full-time equivalents with thousands
separators. ``None`` (no figure) is shown as an em dash everywhere; the ``suppressed`` filter
is `parity.disclosure.suppressed`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from parity.disclosure import suppressed
from parity.present.words import for_programmers, words

DASH = "—"
MINUS = "\u2212"


def pct(share: float | None, digits: int = 1) -> str:
    """A share (0.244) as a percentage ("24.4%")."""
    if share is None:
        return DASH
    return f"{share * 100:.{digits}f}%"


def points(change: float | None, digits: int = 1) -> str:
    """A change of share (0.012) in percentage points with its sign ("+1.2 pts")."""
    if change is None:
        return DASH
    value = change * 100
    if round(value, digits) == 0:
        return f"{0:.{digits}f} pts"
    sign = "+" if value > 0 else "−"
    return f"{sign}{abs(value):.{digits}f} pts"


def number(value: float | None, digits: int = 0) -> str:
    """A count or FTE with thousands separators ("31,245" or "165.8")."""
    if value is None:
        return DASH
    return f"{value:,.{digits}f}"


def signed(value: float | None, digits: int = 1) -> str:
    """A published percentage with one decimal and a real minus sign ("−3.2%", "12.0%")."""
    if value is None:
        return DASH
    text = f"{abs(value):.{digits}f}%"
    return f"{MINUS}{text}" if round(value, digits) < 0 else text


def ordinal(n: int | None) -> str:
    """1 -> "1st", 22 -> "22nd", 13 -> "13th"."""
    if n is None:
        return DASH
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def direction(change: float | None) -> str:
    """"up", "down" or "level" for a change of share (level within 0.05 points)."""
    if change is None or abs(change) < 0.0005:
        return "level"
    return "up" if change > 0 else "down"


def sentence(text: str | None) -> str:
    """The text with its first letter in capitals, the rest untouched ("senior leadership
    (Chief Inspector and above)" -> "Senior leadership (Chief Inspector and above)")."""
    if not text:
        return ""
    return text[:1].upper() + text[1:]


FILTERS: dict[str, Callable[..., Any]] = {
    "pct": pct, "points": points, "number": number, "ordinal": ordinal, "signed": signed,
    "direction": direction, "sentence": sentence, "suppressed": suppressed, "words": words,
    "for_readers": for_programmers,
}


def install(env: Any) -> None:
    """Register the formatting filters on a Jinja environment."""
    env.filters.update(FILTERS)

"""Verdicts: whether a claim agrees with the official figures (docs/decisions/0602).

Pure: a `Claim` and the official figures it may refer to in, a verdict out.

- **matches**: some reasonable reading — FTE or headcount, any snapshot the claim's date may
  mean (for a date between two snapshots, any value between them) — lies within the claim's
  band;
- **does not match**: none does, every attribute is certain and every snapshot needed is held;
- **cannot tell**: with the reason (what is ambiguous, or what the table does not hold);
- **not checked**: targets, flows and other characteristics, each named.

Bands: a percentage matches within half a unit of its last digit plus `TOLERANCE_POINTS`; a
fraction in words within `FRACTION_TOLERANCE_POINTS`; "over", "more than" widen the band
`QUALIFIED_SHARE_POINTS` upwards, "nearly", "under", "less than" downwards, "about" both ways
by half that. A count matches within `COUNT_TOLERANCE_SHARE` (at least one person), plus half
the unit a round number was rounded to (at most `ROUNDED_COUNT_SHARE`), widened by
`QUALIFIED_COUNT_SHARE` for its qualifier.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parity.library.claims.attribution import Attribute, DateRef
from parity.library.claims.parsing import Figure

TOLERANCE_POINTS = 0.5
FRACTION_TOLERANCE_POINTS = 2.5
QUALIFIED_SHARE_POINTS = 10.0
COUNT_TOLERANCE_SHARE = 0.02
ROUNDED_COUNT_SHARE = 0.05
QUALIFIED_COUNT_SHARE = 0.10
NOT_CHECKED = {"target": "a target or aspiration, not a level reached",
               "flow": "a flow (recruits, joiners, leavers or promotions), not the workforce "
                       "at 31 March",
               "other characteristic": "about another characteristic (ethnicity, part-time "
                                       "working, pay, what people said, a share among women), "
                                       "not the share of women"}
TABLE_GROUPS = {"all", "middle", "senior", "superintending", "chief_officer", "constable",
                "sergeant", "inspector", "chief_inspector", "superintendent",
                "chief_superintendent"}


@dataclass
class Claim:
    """A figure and what it is taken to be about."""

    figure: Figure
    area: Attribute
    worker_type: Attribute
    group: Attribute
    sex: Attribute
    measure: Attribute
    date: Attribute
    dates: DateRef | None
    notes: list[str] = field(default_factory=list)

    # shortcuts for callers and tests
    @property
    def text(self) -> str:
        return self.figure.sentence

    @property
    def quoted(self) -> str:
        return self.figure.quoted

    @property
    def value(self) -> float:
        return self.figure.value

    @property
    def kind(self) -> str:
        return self.figure.kind

    def attributes(self) -> dict[str, Attribute]:
        return {"area": self.area, "group": self.group, "worker_type": self.worker_type,
                "sex": self.sex, "measure": self.measure, "date": self.date}

    def blocking(self) -> str | None:
        """Why the claim cannot be compared at all, or None."""
        kind = self.figure.kind
        if kind in NOT_CHECKED:
            words = f" ('{self.figure.kind_words}')" if self.figure.kind_words else ""
            return f"not checked: {NOT_CHECKED[kind]}{words}"
        if kind == "change":
            return ("a change, not a level: the check compares levels at the dates they name"
                    + (f" ('{self.figure.kind_words}')" if self.figure.kind_words else ""))
        area = self.area.value
        if area is None:
            return f"the area cannot be told ({self.area.note or 'no area is named'})"
        if str(area).startswith("outside:"):
            return (f"{str(area)[8:]} is outside the official table, which covers England "
                    "and Wales")
        worker = self.worker_type.value
        if worker == "both":
            return "the figure is about officers and staff together, which the table counts " \
                   "apart"
        if worker == "whole":
            return "the whole workforce is not one official figure (officers, staff, PCSOs " \
                   "and specials are counted apart)"
        if worker is None:
            return self.worker_type.note or "no workforce group is named"
        if self.group.value not in TABLE_GROUPS:
            return {"chief_constable": "the table counts chief constables together with the "
                                       "other chief officers",
                    "promoted": "the table has no single figure for promoted officers "
                                "(sergeant and above)"}.get(str(self.group.value),
                                                            "the rank group cannot be told")
        if self.sex.value is None:
            return "the figure names neither women nor men"
        if self.dates is None:
            return self.date.note or "the date cannot be told"
        return None


def tolerance(claim: Claim) -> float:
    """How far (as a fraction) the official share may be from a share claim."""
    figure = claim.figure
    if figure.in_words:
        return FRACTION_TOLERANCE_POINTS / 100
    return 0.5 * 10 ** (-figure.decimals) / 100 + TOLERANCE_POINTS / 100


def count_tolerance(value: float) -> float:
    """How many people an official count may be from a claimed count: 2% (at least one
    person), plus half the unit a round number of 100 or more was rounded to, at most 5%."""
    whole = int(value)
    slack = max(1.0, COUNT_TOLERANCE_SHARE * whole)
    if whole >= 100:
        digits = str(whole)
        zeros = len(digits) - len(digits.rstrip("0"))
        if zeros:
            slack += min(0.5 * 10 ** zeros, ROUNDED_COUNT_SHARE * whole)
    return slack


def band(claim: Claim) -> tuple[float, float]:
    """(lowest, highest) official value that matches: a share (fraction) or people."""
    figure = claim.figure
    if figure.figure == "count":
        slack = count_tolerance(figure.value)
        extra = QUALIFIED_COUNT_SHARE * figure.value
        low, high = figure.value - slack, figure.value + slack
    else:
        slack = tolerance(claim)
        extra = QUALIFIED_SHARE_POINTS / 100
        low, high = figure.value - slack, figure.value + slack
    if figure.qualifier == "over":
        high += extra
    elif figure.qualifier == "under":
        low -= extra
    elif figure.qualifier == "about":
        low, high = low - extra / 2, high + extra / 2
    if figure.figure == "share":
        return max(0.0, low), min(1.0, high)
    return max(0.0, low), high


def rule(claim: Claim) -> str:
    low, high = band(claim)
    if claim.figure.figure == "count":
        return (f"a count of people: an official count between {low:,.0f} and {high:,.0f} (2% "
                "either side, at least one person, plus half the unit a round number was "
                "rounded to" + {"over": ", and 10% above for 'over'",
                                "under": ", and 10% below for 'nearly' or 'under'",
                                "about": ", and 5% either side for 'about'"}.get(
                    claim.figure.qualifier or "", "") + ")")
    why = ("a fraction in words is a round figure" if claim.figure.in_words else
           f"half a unit of the figure as written plus {TOLERANCE_POINTS} points")
    return (f"a share between {low * 100:.2f}% and {high * 100:.2f}% ({why}"
            + {"over": "; 'more than' allows 10 points more",
               "under": "; 'nearly' or 'less than' allows 10 points less",
               "about": "; 'about' allows 5 points either side"}.get(
                   claim.figure.qualifier or "", "") + ")")


def measures(claim: Claim) -> tuple[str, ...]:
    if claim.worker_type.value in {"special", "volunteer"}:
        return ("headcount",)
    if claim.measure.value in {"fte", "headcount"}:
        return (str(claim.measure.value),)
    if claim.figure.figure == "count":
        return ("headcount", "fte")
    return ("fte", "headcount")


@dataclass
class Reading:
    measure: str
    years: list[int]
    low: float
    high: float
    closest: float
    closest_year: int
    missing: list[int]


def readings(claim: Claim, values: dict[tuple[str, int], float | None],
             days_after_snapshot: int | None = None) -> list[Reading]:
    """For each measure, the range of official values over the snapshots the claim's date may
    mean. A current figure (dated by its publication) whose next snapshot is not held yet is
    given the trend of the last year, for the part of a year since the last snapshot."""
    out = []
    dates = claim.dates
    assert dates is not None
    target = claim.figure.value
    for measure in measures(claim):
        years = list(range(dates.low, dates.high + 1))
        held = [(y, values.get((measure, y))) for y in years]
        got = [(y, v) for y, v in held if v is not None]
        missing = [y for y, v in held if v is None]
        if not got:
            continue
        vals = [v for _, v in got]
        if dates.current and missing == [dates.high] and len(got) >= 2 and days_after_snapshot:
            (_, previous), (_, latest) = got[-2], got[-1]
            vals.append(latest + (latest - previous) * min(1.0, days_after_snapshot / 365))
            missing = []
        if dates.current and dates.low + 1 in missing:
            continue  # the snapshot of the publication year is not held: no reading
        if dates.current and missing == [dates.low]:
            missing = []  # the year before is only a possibility, not needed
        closest_year, closest = min(got, key=lambda t: abs(t[1] - target))
        out.append(Reading(measure, [y for y, _ in got], min(vals), max(vals), closest,
                           closest_year, missing))
    return out


def judge(claim: Claim, values: dict[tuple[str, int], float | None], *,
          days_after_snapshot: int | None = None) -> tuple[str, str | None, Reading | None]:
    """(verdict, reason, reading that matched or is shown)."""
    blocked = claim.blocking()
    if blocked:
        return ("not checked" if blocked.startswith("not checked") else "cannot tell",
                blocked, None)
    found = readings(claim, values, days_after_snapshot)
    if not found:
        assert claim.dates is not None
        return "cannot tell", f"the table holds no figures {claim.dates.label()}", None
    low, high = band(claim)
    for reading in found:
        if reading.high >= low - 1e-9 and reading.low <= high + 1e-9:
            return "matches", None, reading
    shown = min(found, key=lambda r: min(abs(r.low - claim.value), abs(r.high - claim.value)))
    uncertain = [f"{name.replace('_', ' ')} ({a.source}{': ' + a.words if a.words else ''}"
                 f"{'; ' + a.note if a.note else ''})"
                 for name, a in claim.attributes().items() if not a.certain]
    if uncertain:
        return "cannot tell", ("the figure lies outside the official band, but what it is about "
                               "is not certain: " + "; ".join(uncertain)), shown
    missing = sorted({y for r in found for y in r.missing})
    if missing:
        return "cannot tell", ("the figure lies outside the band of the snapshots held, but "
                               f"31 March {', '.join(map(str, missing))} is not held"), shown
    if len(found) < len(measures(claim)):
        return "cannot tell", "only one of FTE and headcount is held", shown
    return "does not match", None, shown

"""Checks of published gender pay gap returns, named like sentences.

Two tiers, as the government service validates a submission: single-field rules (each figure
on its own, or the two halves of one pay quarter), then cross-figure rules that test whether
the figures of one return can all be true together. Every rule allows for the rounding of the
published figures: a figure published to one decimal place may be up to 0.05 away from the
true value (0.005 for two places).

Rules (see docs/decisions/0701-published-return-checks.md for each rule's source):

- ``required_figures_present``: the hourly gaps, both bonus proportions and all eight quarter
  shares are given.
- ``percentages_between_0_and_100``: bonus proportions and quarter shares lie in [0, 100].
- ``gaps_at_most_100``: no pay or bonus gap above 100% (that would need a negative pay).
- ``figures_have_one_decimal_place``: figures are given to (at most) one decimal place.
- ``quarters_sum_to_100``: the male and female shares of each quarter add up to 100.
- ``no_bonus_gaps_without_bonuses``: no man was paid a bonus, yet a non-zero bonus gap is
  given (a gap relative to men's bonus pay cannot be computed).
- ``bonus_gaps_given_when_both_sexes_paid_bonuses``: men and women were paid bonuses, yet a
  bonus gap is blank.
- ``median_gap_not_positive_when_women_hold_upper_half``: more than half of the women are in
  the upper two quarters and more than half of the men in the lower two, yet the median gap
  is positive (men's median above women's). Impossible: women's median is then at or above
  the overall median and men's at or below it.
- ``median_gap_not_negative_when_men_hold_upper_half``: the mirror case.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from parity.context.returns_importer import FIGURES

COLUMN = FIGURES  # service field name -> column
QUARTERS = (("lower", "LowerQuartile"), ("lower_middle", "LowerMiddleQuartile"),
            ("upper_middle", "UpperMiddleQuartile"), ("upper", "TopQuartile"))
GAPS = ("DiffMeanHourlyPercent", "DiffMedianHourlyPercent", "DiffMeanBonusPercent",
        "DiffMedianBonusPercent")
BONUS_GAPS = ("DiffMeanBonusPercent", "DiffMedianBonusPercent")
SHARES = ("MaleBonusPercent", "FemaleBonusPercent",
          *(f"{sex}{q}" for _, q in QUARTERS for sex in ("Male", "Female")))
REQUIRED = ("DiffMeanHourlyPercent", "DiffMedianHourlyPercent", "MaleBonusPercent",
            "FemaleBonusPercent", *SHARES[2:])
_EPS = 1e-9
# What the checks read of a return (the ``paygap_returns`` columns), its figures and the
# fields a failure names.
COLUMNS_READ = (*COLUMN.values(), "size_min", "size_max", "snapshot_year", "employer_name",
                "employer_id", "source_row", "force_id")


@dataclass(frozen=True)
class Rule:
    name: str
    tier: str  # field | cross
    description: str


RULES: dict[str, Rule] = {r.name: r for r in (
    Rule("required_figures_present", "field",
         "the hourly gaps, bonus proportions and quarter shares are all given"),
    Rule("percentages_between_0_and_100", "field",
         "bonus proportions and quarter shares lie between 0 and 100"),
    Rule("gaps_at_most_100", "field", "no pay or bonus gap is above 100%"),
    Rule("figures_have_one_decimal_place", "field",
         "figures are given to at most one decimal place"),
    Rule("quarters_sum_to_100", "field",
         "the male and female shares of each pay quarter add up to 100"),
    Rule("no_bonus_gaps_without_bonuses", "field",
         "no bonus gap is given when no man was paid a bonus"),
    Rule("bonus_gaps_given_when_both_sexes_paid_bonuses", "cross",
         "bonus gaps are given when men and women were paid bonuses"),
    Rule("median_gap_not_positive_when_women_hold_upper_half", "cross",
         "a positive median gap is impossible when most women are in the upper half and "
         "most men in the lower half"),
    Rule("median_gap_not_negative_when_men_hold_upper_half", "cross",
         "a negative median gap is impossible when most men are in the upper half and most "
         "women in the lower half"),
)}


@dataclass(frozen=True)
class Failure:
    """One rule a return breaks, with the numbers that break it."""

    rule: str
    snapshot_year: int | None
    employer_name: str
    employer_id: int | None
    source_row: int | None
    force_id: str | None
    message: str
    numbers: dict = field(default_factory=dict)


@lru_cache(maxsize=1 << 16)
def decimals(value: float) -> int:
    """The decimal places a published figure needs (trailing zeros do not count)."""
    for places in range(6):
        if abs(round(value, places) - value) < _EPS:
            return places
    return 6


@lru_cache(maxsize=1 << 16)
def half_unit(value: float | None) -> float:
    """How far the true value may be from a published figure: half a unit in its last
    decimal place (at least one place: figures are meant to be given to one decimal)."""
    if value is None:
        return 0.05
    return 0.5 * 10 ** -max(1, decimals(value))


def _get(record: dict, name: str) -> float | None:
    return record.get(COLUMN[name])


Found = list[tuple[str, str, dict]]  # (rule, message, numbers) of one return


def _required_figures_present(v: dict, record: dict) -> Found:
    missing = [n for n in REQUIRED if v[n] is None]
    if missing:
        return [("required_figures_present", "blank: " + ", ".join(missing),
                 {n: None for n in missing})]
    return []


def _percentages_between_0_and_100(v: dict, record: dict) -> Found:
    bad = {n: x for n in SHARES if (x := v[n]) is not None and not (-_EPS <= x <= 100 + _EPS)}
    if bad:
        return [("percentages_between_0_and_100",
                 ", ".join(f"{n} = {x:g}" for n, x in bad.items()) + " (expected 0 to 100)",
                 bad)]
    return []


def _gaps_at_most_100(v: dict, record: dict) -> Found:
    over = {n: x for n in GAPS if (x := v[n]) is not None and x > 100 + _EPS}
    if over:
        return [("gaps_at_most_100",
                 ", ".join(f"{n} = {x:g}" for n, x in over.items()) + " (above 100%)", over)]
    return []


def _figures_have_one_decimal_place(v: dict, record: dict) -> Found:
    fine = {n: x for n, x in v.items() if x is not None and decimals(x) > 1}
    if fine:
        return [("figures_have_one_decimal_place",
                 f"{len(fine)} figure(s) with more than one decimal place, e.g. "
                 + ", ".join(f"{n} = {x:g}" for n, x in list(fine.items())[:3]), fine)]
    return []


def _quarters_sum_to_100(v: dict, record: dict) -> Found:
    out: Found = []
    for label, q in QUARTERS:
        male, female = v[f"Male{q}"], v[f"Female{q}"]
        if male is None or female is None:
            continue
        tolerance = half_unit(male) + half_unit(female) + _EPS
        if abs(male + female - 100) > tolerance:
            out.append(("quarters_sum_to_100",
                        f"{label} quarter: Male{q} {male:g} + Female{q} {female:g} = "
                        f"{male + female:g}, not 100",
                        {f"Male{q}": male, f"Female{q}": female}))
    return out


def _no_bonus_gaps_without_bonuses(v: dict, record: dict) -> Found:
    male_bonus = v["MaleBonusPercent"]
    given = {n: v[n] for n in BONUS_GAPS if v[n] is not None}
    # A published 0.0 may be a rounded 0.04: one man in more than 2,000 paid a bonus, and
    # then the gap is defined. Only when one man would show (the size band's largest head
    # count is small enough) does 0 mean no man was paid.
    size_max = record.get("size_max")
    one_man_shows = (male_bonus is not None and size_max is not None and size_max > 0
                     and 100 / size_max > half_unit(male_bonus) + _EPS)
    if male_bonus == 0 and one_man_shows and any(x != 0 for x in given.values()):
        return [("no_bonus_gaps_without_bonuses",
                 "MaleBonusPercent is 0, yet "
                 + ", ".join(f"{n} = {x:g}" for n, x in given.items() if x != 0),
                 {"MaleBonusPercent": male_bonus, **given})]
    return []


def _bonus_gaps_given_when_both_sexes_paid_bonuses(v: dict, record: dict) -> Found:
    male_bonus, female_bonus = v["MaleBonusPercent"], v["FemaleBonusPercent"]
    given = [n for n in BONUS_GAPS if v[n] is not None]
    if (male_bonus or 0) > 0 and (female_bonus or 0) > 0 and len(given) < len(BONUS_GAPS):
        blank = [n for n in BONUS_GAPS if v[n] is None]
        return [("bonus_gaps_given_when_both_sexes_paid_bonuses",
                 f"MaleBonusPercent {male_bonus:g} and FemaleBonusPercent {female_bonus:g}, "
                 f"yet {', '.join(blank)} blank",
                 {"MaleBonusPercent": male_bonus, "FemaleBonusPercent": female_bonus})]
    return []


def _failures(record: dict, rules: Iterable[int] | None = None) -> Found:
    """What `record` breaks, rule by rule in the order of `IN_ORDER` (only the rules at the
    positions `rules` when given)."""
    v: dict[str, float | None] = {name: _get(record, name) for name in COLUMN}
    out: Found = []
    for i in range(len(IN_ORDER)) if rules is None else rules:
        out.extend(IN_ORDER[i](v, record))
    return out


# Full-pay relevant employees (the people ranked into pay quarters) are the relevant employees
# less those on reduced pay for leave on the snapshot date; at least this share of them, far
# below any real employer's (docs/decisions/0701).
FULL_PAY_SHARE = 0.5


def smallest_quarter(record: dict) -> int:
    """The fewest people a pay quarter of this return can hold: a quarter of the fewest
    full-pay relevant employees its size band allows (`FULL_PAY_SHARE` of the band's
    lower bound), rounded down; 1 when the band is not given or starts at 0.

    Nothing is read from the published shares: with ties shared in proportion
    (regulation 13, guidance "distribute evenly") a quarter's women are not a whole number,
    so the shares cannot tell how big a quarter is."""
    size_min = record.get("size_min")
    if not size_min:
        return 1
    return max(1, math.ceil(size_min * FULL_PAY_SHARE) // 4)


def upper_half_shares(v: dict, *, quarter: int | None = None
                      ) -> tuple[float, float, float, float] | None:
    """(lowest, highest) possible share of women in the upper two quarters, and the same for
    men in the lower two, given the rounding of the eight published quarter shares; None
    when a share is missing or a sex has no one in any quarter.

    The published within-quarter percentages are proportional to head counts when quarters
    hold equal numbers of people; they may differ by one (a head count not divisible by
    four). With `quarter`, the fewest people a quarter may hold, each quarter may hold
    `quarter` or `quarter` + 1 people, whichever is against the claim; without it, quarters
    are taken as equal."""
    female = [v[f"Female{q}"] for _, q in QUARTERS]
    male = [v[f"Male{q}"] for _, q in QUARTERS]
    if any(x is None for x in female + male):
        return None
    hf = [half_unit(x) for x in female]
    hm = [half_unit(x) for x in male]
    ratio = 1.0 if quarter is None else (quarter + 1) / quarter

    def bounds(upper: list[float], lower: list[float], hu: list[float], hl: list[float]):
        lo_up = sum(max(0.0, x - h) for x, h in zip(upper, hu, strict=True))
        hi_up = sum(x + h for x, h in zip(upper, hu, strict=True))
        lo_low = sum(max(0.0, x - h) for x, h in zip(lower, hl, strict=True))
        hi_low = sum(x + h for x, h in zip(lower, hl, strict=True))
        if lo_up + hi_low <= 0 or hi_up + lo_low <= 0:
            return None
        return lo_up / (lo_up + ratio * hi_low), ratio * hi_up / (ratio * hi_up + lo_low)

    women_upper = bounds(female[2:], female[:2], hf[2:], hf[:2])
    men_lower = bounds(male[:2], male[2:], hm[:2], hm[2:])
    if women_upper is None or men_lower is None:
        return None
    return women_upper[0], women_upper[1], men_lower[0], men_lower[1]


def _impossible_median(v: dict, record: dict) -> list[tuple[str, str, dict]]:
    gap = v["DiffMedianHourlyPercent"]
    if gap is None:
        return []
    return _impossible_median_with(v, gap, upper_half_shares(
        v, quarter=smallest_quarter(record)))


def _impossible_median_with(v: dict, gap: float, shares: tuple | None
                            ) -> list[tuple[str, str, dict]]:
    if shares is None:
        return []
    women_upper_lo, women_upper_hi, men_lower_lo, men_lower_hi = shares
    numbers = {"DiffMedianHourlyPercent": gap,
               **{f"{sex}{q}": v[f"{sex}{q}"] for _, q in QUARTERS for sex in ("Male", "Female")}}
    margin = half_unit(gap)
    out = []
    if women_upper_lo > 0.5 and men_lower_lo > 0.5 and gap - margin > 0:
        out.append(("median_gap_not_positive_when_women_hold_upper_half",
                    f"{women_upper_lo:.1%} or more of women in the upper two quarters and "
                    f"{men_lower_lo:.1%} or more of men in the lower two, yet a median gap of "
                    f"{gap:g}% in men's favour", numbers))
    # mirror: most men in the upper half (men's lower share below a half) and most women in
    # the lower half, yet women's median above men's.
    if women_upper_hi < 0.5 and men_lower_hi < 0.5 and gap + margin < 0:
        out.append(("median_gap_not_negative_when_men_hold_upper_half",
                    f"{1 - men_lower_hi:.1%} or more of men in the upper two quarters and "
                    f"{1 - women_upper_hi:.1%} or more of women in the lower two, yet a median "
                    f"gap of {gap:g}% in women's favour", numbers))
    return out


# The rules as each return is checked, in the order its failures are listed.
IN_ORDER = (_required_figures_present, _percentages_between_0_and_100, _gaps_at_most_100,
            _figures_have_one_decimal_place, _quarters_sum_to_100,
            _no_bonus_gaps_without_bonuses, _bonus_gaps_given_when_both_sexes_paid_bonuses,
            _impossible_median)


def check_return(record: dict, rules: Iterable[int] | None = None) -> list[Failure]:
    """Every rule one return (a dict with the ``paygap_returns`` columns) breaks (of the rules
    at the positions `rules` in `IN_ORDER`, when given)."""
    return [
        Failure(rule=rule, snapshot_year=record.get("snapshot_year"),
                employer_name=record.get("employer_name", ""),
                employer_id=record.get("employer_id"), source_row=record.get("source_row"),
                force_id=record.get("force_id"), message=message, numbers=numbers)
        for rule, message, numbers in _failures(record, rules)
    ]


def check_returns(records: Iterable[dict]) -> list[Failure]:
    """Every rule each return breaks, return by return: the failures `check_return` finds.

    The returns are first screened all at once (`_may_break`), and only the rules a return
    may break are run on it: the same failures, a year of ten thousand returns checked in a
    fraction of the time."""
    records = list(records)
    screened = _may_break(records)
    if screened is None:
        return [f for record in records for f in check_return(record)]
    rows, rules = np.nonzero(screened)
    out: list[Failure] = []
    start = 0
    for end in [*np.flatnonzero(np.diff(rows)) + 1, len(rows)]:
        if end > start:
            out.extend(check_return(records[rows[start]], rules[start:end].tolist()))
        start = end
    return out


# Screening: every test below holds for any return that breaks the rule (it is implied by
# the rule's own test, with room for rounding), so a return it passes cannot break the rule.
_SLACK = 1e-7
_NAMES = tuple(COLUMN)
_AT = {name: i for i, name in enumerate(_NAMES)}


def _cols(values: np.ndarray, names: Iterable[str]) -> np.ndarray:
    return values[:, [_AT[n] for n in names]]


def _may_break(records: list[dict]) -> np.ndarray | None:
    """(returns x rules in `IN_ORDER`) True where the return may break the rule; None when a
    figure is not a plain number or blank (the rules then run on every return)."""
    raw = [[record.get(COLUMN[name]) for name in _NAMES] for record in records]
    for row in raw:
        for x in row:
            if x is not None and (type(x) not in (float, int) or x != x or abs(x) > 1e6):
                return None  # NaN, infinities, huge or odd values: each rule decides
    x = np.array(raw, dtype=float).reshape(len(records), len(_NAMES))
    given = ~np.isnan(x)
    with np.errstate(invalid="ignore"):
        shares, gaps = _cols(x, SHARES), _cols(x, GAPS)
        required = ~_cols(given, REQUIRED).all(axis=1)
        # the rules' own comparisons, on the same floating-point numbers
        percentages = ((shares < -_EPS) | (shares > 100 + _EPS)).any(axis=1)
        over_100 = (gaps > 100 + _EPS).any(axis=1)
        # a figure with more than one decimal place is at least _EPS from the nearest tenth
        places = (np.abs(np.round(x, 1) - x) > _EPS / 10).any(axis=1)
        male = _cols(x, [f"Male{q}" for _, q in QUARTERS])
        female = _cols(x, [f"Female{q}" for _, q in QUARTERS])
        # the tolerance is at least two half units of the sixth place
        quarters = (np.abs(male + female - 100) > 1e-6 - _SLACK).any(axis=1)
        bonus = _cols(x, BONUS_GAPS)
        male_bonus, female_bonus = x[:, _AT["MaleBonusPercent"]], x[:, _AT["FemaleBonusPercent"]]
        no_bonus = (male_bonus == 0) & (_cols(given, BONUS_GAPS) & (bonus != 0)).any(axis=1)
        blank_gaps = (male_bonus > 0) & (female_bonus > 0) & ~_cols(given, BONUS_GAPS).all(axis=1)
        # Most women in the upper half (at their fewest) needs their upper shares to add up
        # to more than their lower ones, most men in the lower half the mirror; a negative
        # share leaves it to the rule.
        gap = x[:, _AT["DiffMedianHourlyPercent"]]
        women_up = female[:, 2:].sum(axis=1) - female[:, :2].sum(axis=1)
        men_up = male[:, 2:].sum(axis=1) - male[:, :2].sum(axis=1)
        negative = ((male < 0) | (female < 0)).any(axis=1)
        impossible = (given[:, _AT["DiffMedianHourlyPercent"]]
                      & (negative | ((gap > 0) & (women_up > -_SLACK) & (men_up < _SLACK))
                         | ((gap < 0) & (women_up < _SLACK) & (men_up > -_SLACK))))
    return np.stack([required, percentages, over_100, places, quarters, no_bonus, blank_gaps,
                     impossible], axis=1)


def summarise(records: list[dict], failures: list[Failure]) -> dict:
    """Totals: returns checked and failing, per rule and per snapshot year.

    ``by_rule[rule]`` counts the returns that break the rule; ``by_year[year]`` has the
    returns checked, the returns failing any rule and each rule's count for that year."""
    checked = Counter(r["snapshot_year"] for r in records)
    failing_rows: dict[int | None, set] = defaultdict(set)
    per_year_rule: dict[int | None, Counter] = defaultdict(Counter)
    per_rule: Counter = Counter()
    for f in failures:
        failing_rows[f.snapshot_year].add(f.source_row)
        per_year_rule[f.snapshot_year][f.rule] += 1
        per_rule[f.rule] += 1
    by_year = {
        year: {"returns": checked[year], "failing_returns": len(failing_rows[year]),
               "share_failing": len(failing_rows[year]) / checked[year] if checked[year] else None,
               "by_rule": {rule: per_year_rule[year][rule] for rule in RULES}}
        for year in sorted(checked)
    }
    total_failing = sum(len(s) for s in failing_rows.values())
    return {
        "returns": sum(checked.values()),
        "failing_returns": total_failing,
        "share_failing": total_failing / sum(checked.values()) if checked else None,
        "by_rule": {rule: per_rule[rule] for rule in RULES},
        "by_year": by_year,
    }

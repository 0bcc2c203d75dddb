"""The statutory gender pay gap figures, computed from a checked `Payroll` (pure: no I/O).

Offers:

- `hourly_rate` — pounds per hour for each employee (Schedule 1 paragraph 6);
- `assign_quarters` — each full-pay man's and woman's pay quarter, with people on the same
  hourly rate across a boundary shared so that each quarter gets the same male/female mix;
- `six_figures` — the six published figures plus "pence per pound" and the gaps within each
  quarter, as a plain dict;
- `figures_by` — the same per worker type or grade, suppressed where fewer than 10 men or
  fewer than 10 women;
- `audit_table` — for every employee, whether and why they are in each figure;
- `service_fields` — the figures under the gender pay gap service's own field names, rounded
  to one decimal place.

Who counts (docs/decisions/0300-statutory-figures.md): hourly figures and quarters use
*full-pay relevant employees* (``full_pay`` true) who are male or female; bonus figures use
every relevant employee who is male or female. Employees of another sex category are kept,
counted and reported, and left out of every figure. Percentages are numbers such as 12.5
(not 0.125): the law defines these figures as percentages.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal

import numpy as np
import pyarrow as pa

from parity.paygap.validation import FEMALE, MALE, OTHER, Payroll, encoded

QUARTERS = ("lower", "lower_middle", "upper_middle", "upper")
SUPPRESS_BELOW = 10
RATE_BITS = 40  # significant bits kept in an hourly rate (see `hourly_rate`)


def hourly_rate(payroll: Payroll) -> np.ndarray:
    """Hourly rate of pay in pounds: (ordinary pay + bonus pay in the pay period) x 7 / days in
    the pay period / weekly working hours (Schedule 1 paragraph 6). Defined for everyone; the
    figures use it only for full-pay relevant employees.

    Rounded to 40 significant bits (about 12 significant digits): the same rate reached by
    different sums (£1,600 for 10 hours, £6,000 for 37.5 hours) can differ in the last bit of
    a float, and people on the same hourly rate must be found equal for the tie rule of the
    pay quarters (paragraph 13(2)). Relative, so scaling all pay changes nothing; the
    rounding (under a millionth of a penny in £100) moves no published figure."""
    rate = (payroll.ordinary_pay + payroll.bonus_pay_in_period) * 7.0 \
        / payroll.pay_period_days / payroll.weekly_hours
    mantissa, exponent = np.frexp(rate)
    return np.ldexp(np.round(np.ldexp(mantissa, RATE_BITS)), exponent - RATE_BITS)


def gap_pct(men: float | None, women: float | None) -> float | None:
    """(men - women) / men x 100; None when men's figure is missing or zero, or so close to
    zero that the gap is too large to be a number (a man paid 1e-300 pounds an hour)."""
    if men is None or women is None or not np.isfinite(men) or men == 0:
        return None
    with np.errstate(over="ignore"):
        gap = float((np.float64(men) - women) / men * 100.0)
    return gap if np.isfinite(gap) else None


def _mean(values: np.ndarray) -> float | None:
    # Shifted by the first value: identical pay gives exactly that pay back (so equal pay is
    # a gap of exactly 0, not -1e-14), and large sums lose less precision.
    if not len(values):
        return None
    shift = values[0]
    return float(shift + (values - shift).mean())


def _sorted_median(values: np.ndarray) -> float | None:
    """Median of values already in ascending order (the mean of the middle two when even)."""
    n = len(values)
    if n == 0:
        return None
    mid = n // 2
    return float(values[mid]) if n % 2 else float((values[mid - 1] + values[mid]) / 2.0)


def quarter_bounds(n: int) -> np.ndarray:
    """Positions where each quarter starts, and the end: [0, n/4, n/2, 3n/4, n] rounded down,
    so the four quarters differ in size by at most one (decision 0302)."""
    return np.array([(k * n) // 4 for k in range(5)], dtype=np.int64)


def assign_quarters(rate: np.ndarray, is_male: np.ndarray, *, presorted: bool = False
                    ) -> np.ndarray:
    """Quarter (0 lower ... 3 upper) for each person, given hourly rates and male flags.

    Ranks people by rate (stable, so the input order decides nothing but who among identical
    people is named in the audit trail), cuts at `quarter_bounds`, then, for each group of
    people on one rate that straddles a cut, shares the group's men and women between the
    quarters it spans in proportion to each quarter's share of the group (largest remainder,
    ties to the lower quarter) — Schedule 1 paragraph 13(2); decision 0302.
    `presorted` says `rate` is already in ascending order (saves a sort).
    """
    n = len(rate)
    quarter = np.empty(n, dtype=np.int8)
    if n == 0:
        return quarter
    order = np.arange(n) if presorted else np.argsort(rate, kind="stable")
    ranked = rate if presorted else rate[order]
    bounds = quarter_bounds(n)
    by_position = np.repeat(np.arange(4, dtype=np.int8), np.diff(bounds))
    if presorted:
        quarter[:] = by_position
    else:
        quarter[order] = by_position
    done: set[int] = set()
    for cut in bounds[1:4]:
        if cut <= 0 or cut >= n or ranked[cut - 1] != ranked[cut]:
            continue
        start = int(np.searchsorted(ranked, ranked[cut], side="left"))
        if start in done:
            continue
        done.add(start)
        end = int(np.searchsorted(ranked, ranked[cut], side="right"))
        members = order[start:end]
        _share_tied_group(members, is_male[members], start, end, bounds, quarter)
    return quarter


def share_tied_men(start: int, end: int, men: int, bounds: np.ndarray) -> dict[int, int]:
    """Men of a group of people on one rate at positions [start, end) per quarter it spans.

    Quarter q holds `seats` of the group; it should get seats x men / size men. Each gets the
    whole part, and the men left over go one each to the quarters with the largest remainders
    (compared as integers; the lower quarter first on equal remainders). Decision 0302.
    """
    size = end - start
    seats = {q: max(0, min(end, int(bounds[q + 1])) - max(start, int(bounds[q])))
             for q in range(4)}
    seats = {q: k for q, k in seats.items() if k}
    men_in = {q: (k * men) // size for q, k in seats.items()}
    left = men - sum(men_in.values())
    for q in sorted(seats, key=lambda q: (-((seats[q] * men) % size), q))[:left]:
        men_in[q] += 1
    return men_in


def _share_tied_group(members: np.ndarray, male: np.ndarray, start: int, end: int,
                      bounds: np.ndarray, quarter: np.ndarray) -> None:
    men_in = share_tied_men(start, end, int(male.sum()), bounds)
    male_members, female_members = members[male], members[~male]
    m_at = f_at = 0
    for q in sorted(men_in):
        k, seats = men_in[q], min(end, int(bounds[q + 1])) - max(start, int(bounds[q]))
        quarter[male_members[m_at:m_at + k]] = q
        quarter[female_members[f_at:f_at + seats - k]] = q
        m_at += k
        f_at += seats - k


def men_below_cuts(men: np.ndarray, women: np.ndarray) -> np.ndarray:
    """Men below each quarter cut, [0, c1, c2, c3, all], from each sex's sorted rates.

    The same answer as `assign_quarters` (the sharing of tied groups depends on counts only),
    without ranking everyone together: the quarters are then slices of `men` and `women`.
    """
    n = len(men) + len(women)
    bounds = quarter_bounds(n)
    below = np.zeros(5, dtype=np.int64)
    below[4] = len(men)
    if n == 0:
        return below
    cuts = [int(c) for c in bounds[1:4] if 0 < c < n]
    kth = sorted({c - 1 for c in cuts} | set(cuts))
    values = np.partition(np.concatenate([men, women]), kth) if kth else np.empty(0)
    for k in range(1, 4):
        cut = int(bounds[k])
        if cut <= 0:
            continue
        if cut >= n:
            below[k] = len(men)
            continue
        low, high = values[cut - 1], values[cut]
        if low != high:
            below[k] = np.searchsorted(men, high, side="left")
            continue
        men_under = int(np.searchsorted(men, high, side="left"))
        men_at = int(np.searchsorted(men, high, side="right")) - men_under
        women_under = int(np.searchsorted(women, high, side="left"))
        women_at = int(np.searchsorted(women, high, side="right")) - women_under
        start = men_under + women_under
        shared = share_tied_men(start, start + men_at + women_at, men_at, bounds)
        below[k] = men_under + sum(m for q, m in shared.items() if q < k)
    return below


def _pay_block(men: np.ndarray, women: np.ndarray, *, pay: str = "hourly",
               gap: Callable[[float | None, float | None], float | None] | None = None) -> dict:
    """Mean and median `pay` (``hourly`` or ``bonus``) of men and women (each sorted ascending)
    and the gaps between them, by `gap` (`gap_pct` unless given)."""
    gap = gap_pct if gap is None else gap
    out = {
        f"male_mean_{pay}_gbp": _mean(men), f"female_mean_{pay}_gbp": _mean(women),
        f"male_median_{pay}_gbp": _sorted_median(men),
        f"female_median_{pay}_gbp": _sorted_median(women),
    }
    out[f"mean_{pay}_gap_pct"] = gap(out[f"male_mean_{pay}_gbp"], out[f"female_mean_{pay}_gbp"])
    out[f"median_{pay}_gap_pct"] = gap(out[f"male_median_{pay}_gbp"],
                                       out[f"female_median_{pay}_gbp"])
    return out


def _bonus_gap(men_mean: float | None, women_mean: float | None) -> float | None:
    # Men paid bonuses and no women: women's bonus pay is nil, so the gap is 100%
    # (decision 0300: the regulations leave the empty mean undefined; this is how employers
    # file it with the service). No men paid: undefined (division by zero), so None.
    if men_mean is not None and women_mean is None:
        return 100.0
    return gap_pct(men_mean, women_mean)


def six_figures(payroll: Payroll, *, rate: np.ndarray | None = None) -> dict:
    """The six statutory figures for `payroll`, unrounded, plus the supporting numbers.

    Keys: ``mean_hourly_gap_pct``, ``median_hourly_gap_pct`` (full-pay men and women),
    ``mean_bonus_gap_pct``, ``median_bonus_gap_pct`` (men and women paid a bonus in the 12
    months to the snapshot date), ``male_bonus_pct``, ``female_bonus_pct`` (share of all male /
    female relevant employees paid a bonus, as a percentage), ``quarters`` (four dicts, lowest
    first, with ``male_pct``, ``female_pct``, counts, the rate range and the gaps within the
    quarter), ``pence_per_pound`` (women's median hourly pay per pound of men's),
    ``pence_per_pound_mean``, and ``counts``. A figure with no one to compute it from is None.
    Pass `rate` (from `hourly_rate`) to reuse it.
    """
    rate = hourly_rate(payroll) if rate is None else rate
    sex = payroll.sex
    binary = sex != OTHER
    in_pay = binary & payroll.full_pay
    men_rates = np.sort(rate[in_pay & (sex == MALE)])
    women_rates = np.sort(rate[in_pay & (sex == FEMALE)])
    out = _pay_block(men_rates, women_rates)

    bonus = payroll.bonus_pay_12m
    is_male, is_female = sex == MALE, sex == FEMALE
    paid = bonus > 0
    male_bonus, female_bonus = np.sort(bonus[is_male & paid]), np.sort(bonus[is_female & paid])
    n_male, n_female = int(is_male.sum()), int(is_female.sum())
    out.update(_pay_block(male_bonus, female_bonus, pay="bonus", gap=_bonus_gap))
    out["male_bonus_pct"] = len(male_bonus) / n_male * 100.0 if n_male else None
    out["female_bonus_pct"] = len(female_bonus) / n_female * 100.0 if n_female else None

    out["quarters"] = _quarter_rows(men_rates, women_rates)
    median_m, median_f = out["male_median_hourly_gbp"], out["female_median_hourly_gbp"]
    mean_m, mean_f = out["male_mean_hourly_gbp"], out["female_mean_hourly_gbp"]
    out["pence_per_pound"] = median_f / median_m * 100.0 if median_m and median_f is not None \
        else None
    out["pence_per_pound_mean"] = mean_f / mean_m * 100.0 if mean_m and mean_f is not None \
        else None
    out["counts"] = {
        "employees": len(payroll), "male": n_male, "female": n_female,
        "other_sex": int((sex == OTHER).sum()),
        "full_pay_male": len(men_rates), "full_pay_female": len(women_rates),
        "not_full_pay": int((binary & ~payroll.full_pay).sum()),
        "male_paid_bonus": len(male_bonus), "female_paid_bonus": len(female_bonus),
    }
    out["other_sex_values"] = dict(payroll.other_sex_counts)
    return out


def _quarter_rows(men: np.ndarray, women: np.ndarray) -> list[dict]:
    """The four quarters from each sex's sorted rates: counts, shares, range, gaps within."""
    men_below = men_below_cuts(men, women)
    bounds = quarter_bounds(len(men) + len(women))
    rows = []
    for q, name in enumerate(QUARTERS):
        m_slice = men[men_below[q]:men_below[q + 1]]
        f_slice = women[bounds[q] - men_below[q]:bounds[q + 1] - men_below[q + 1]]
        m, n = len(m_slice), len(m_slice) + len(f_slice)
        block = _pay_block(m_slice, f_slice)
        ends = [a[i] for a in (m_slice, f_slice) for i in (0, -1) if len(a)]
        rows.append({
            "quarter": name, "employees": n, "male": m, "female": n - m,
            "male_pct": m / n * 100.0 if n else None,
            "female_pct": (n - m) / n * 100.0 if n else None,
            "min_hourly_gbp": float(min(ends)) if n else None,
            "max_hourly_gbp": float(max(ends)) if n else None,
            "mean_hourly_gap_pct": block["mean_hourly_gap_pct"],
            "median_hourly_gap_pct": block["median_hourly_gap_pct"],
        })
    return rows


def figures_by(payroll: Payroll, *, by: str) -> list[dict]:
    """The six figures for each value of ``worker_type`` or ``grade`` (largest group first).

    A group with fewer than 10 men or fewer than 10 women is suppressed: only its name and
    ``suppressed: true`` are given (payroll data are private; DESIGN.md). The whole payroll's
    figures are published too, so a suppressed group's mean pay could be worked out from them
    and the other groups' (totals minus the rest): while the suppressed groups together hold
    fewer than 10 men or 10 women, the smallest shown group is suppressed as well
    (``reason`` says which rule), until they hold 10 of each or every group is suppressed.
    """
    values = payroll.worker_type if by == "worker_type" else payroll.grade
    if values is None:
        return []
    codes, words = encoded(values)
    # One group per distinct text (two codes may share a text after trimming); blank is "".
    labels = sorted({w for w in words} | ({""} if (codes < 0).any() else set()))
    index = {w: i for i, w in enumerate(labels)}
    group_of = np.array([index[w] for w in words] + [index.get("", 0)])[
        np.where(codes < 0, len(words), codes)]
    sizes = np.bincount(group_of, minlength=len(labels))
    order = [int(c) for c in np.argsort(-sizes, kind="stable") if sizes[c]]
    men = np.bincount(group_of[payroll.sex == MALE], minlength=len(labels))
    women = np.bincount(group_of[payroll.sex == FEMALE], minlength=len(labels))
    small = {c for c in order if men[c] < SUPPRESS_BELOW or women[c] < SUPPRESS_BELOW}
    covering: set[int] = set()
    while small and (sum(men[c] for c in small | covering) < SUPPRESS_BELOW
                     or sum(women[c] for c in small | covering) < SUPPRESS_BELOW):
        shown = [c for c in order if c not in small | covering]
        if not shown:
            break
        covering.add(min(shown, key=lambda c: (min(men[c], women[c]), sizes[c])))
    rows = []
    for code in order:
        label = labels[code] or "(blank)"
        if code in small:
            rows.append({by: label, "suppressed": True,
                         "reason": f"fewer than {SUPPRESS_BELOW} men or fewer than "
                                   f"{SUPPRESS_BELOW} women"})
            continue
        if code in covering:
            rows.append({by: label, "suppressed": True,
                         "reason": "suppressed too, so that the figures of a smaller "
                                   "suppressed group cannot be worked out from the totals"})
            continue
        figures = six_figures(payroll.subset(group_of == code))
        figures.pop("other_sex_values", None)
        rows.append({by: label, "suppressed": False, **figures})
    return rows


def audit_table(payroll: Payroll, *, rate: np.ndarray | None = None,
                quarter_of: np.ndarray | None = None) -> pa.Table:
    """One row per employee: their hourly rate, their quarter, and for each figure whether
    they are in it and, if not, why (not full pay; not male or female; no bonus)."""
    rate = hourly_rate(payroll) if rate is None else rate
    if quarter_of is None:
        quarter_of = employee_quarters(payroll, rate)
    sex = payroll.sex
    binary = sex != OTHER
    in_pay = binary & payroll.full_pay
    paid = payroll.bonus_pay_12m > 0
    category = np.array(["male", "female", "other"])[sex]
    pay_reason = np.where(~binary, "not male or female",
                          np.where(~payroll.full_pay, "not full pay (reduced pay for leave)", ""))
    bonus_reason = np.where(~binary, "not male or female", np.where(~paid, "no bonus paid", ""))
    quarter_names = np.array([*QUARTERS, ""])
    columns = {
        "employee_id": payroll.employee_id, "sex": payroll.sex_label,
        "sex_category": category, "full_pay": payroll.full_pay,
        "ordinary_pay_gbp": payroll.ordinary_pay,
        "bonus_pay_in_period_gbp": payroll.bonus_pay_in_period,
        "pay_period_days": payroll.pay_period_days, "weekly_hours": payroll.weekly_hours,
        "hourly_rate_gbp": np.round(rate, 6),
        "in_hourly_pay_figures": in_pay, "hourly_pay_exclusion": pay_reason,
        "pay_quarter": quarter_names[np.where(in_pay, quarter_of, 4)],
        "bonus_pay_12m_gbp": payroll.bonus_pay_12m,
        "in_bonus_gap_figures": binary & paid, "bonus_gap_exclusion": bonus_reason,
        "in_bonus_proportion": binary,
        "bonus_proportion_exclusion": np.where(binary, "", "not male or female"),
    }
    if payroll.worker_type is not None:
        columns["worker_type"] = payroll.worker_type
    if payroll.grade is not None:
        columns["grade"] = payroll.grade
    return pa.table(columns)


def employee_quarters(payroll: Payroll, rate: np.ndarray) -> np.ndarray:
    """Quarter (0-3) for every employee in the quarter figures, 4 for everyone else."""
    in_pay = (payroll.sex != OTHER) & payroll.full_pay
    out = np.full(len(payroll), 4, dtype=np.int8)
    out[in_pay] = assign_quarters(rate[in_pay], payroll.sex[in_pay] == MALE)
    return out


SERVICE_FIELDS = (
    ("DiffMeanHourlyPercent", "mean_hourly_gap_pct"),
    ("DiffMedianHourlyPercent", "median_hourly_gap_pct"),
    ("DiffMeanBonusPercent", "mean_bonus_gap_pct"),
    ("DiffMedianBonusPercent", "median_bonus_gap_pct"),
    ("MaleBonusPercent", "male_bonus_pct"),
    ("FemaleBonusPercent", "female_bonus_pct"),
)
SERVICE_QUARTERS = ("Lower", "LowerMiddle", "UpperMiddle", "Top")


# Enough digits for any finite float (up to about 1e308) to keep its first decimal place.
_WIDE = Context(prec=400)


def round_1dp(value: float | None) -> float | None:
    """One decimal place, halves away from zero (12.25 -> 12.3), as a person would round."""
    if value is None:
        return None
    return float(Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP,
                                                      context=_WIDE))


def service_fields(figures: dict) -> dict[str, float | None]:
    """The figures under the gender pay gap service's field names, rounded to one decimal place.

    In each quarter the female share is 100 minus the rounded male share, so each pair adds to
    exactly 100.0 as the service requires (decision 0300).
    """
    out = {name: round_1dp(figures[key]) for name, key in SERVICE_FIELDS}
    for name, row in zip(SERVICE_QUARTERS, figures["quarters"], strict=True):
        male = round_1dp(row["male_pct"])
        out[f"Male{name}Quartile"] = male
        out[f"Female{name}Quartile"] = None if male is None else round_1dp(100.0 - male)
    return out

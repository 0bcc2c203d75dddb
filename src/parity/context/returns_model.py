"""Published gender pay gap returns computed from hourly rates, every way the regulations allow.

The reference the checker of published returns (`returns_checks`) is tested against: a return
computed here is correct by construction, so no impossible-return rule may flag it
(docs/decisions/0701). What the regulations (SI 2017/172 regs 8 to 13; SI 2017/353 Sch. 2)
and the government's guidance leave open, `compute_return` takes as a choice:

- ``ties``: people on one hourly rate who straddle a quarter boundary are either placed as
  whole people in any order (``"whole"``) or shared between the quarters in the rate's
  male/female mix (``"proportional"``, the guidance's "distribute evenly");
- ``extra``: when the number of full-pay relevant employees is not divisible by four, which
  quarters hold the extra people (each quarter holds s or s + 1 people);
- ``rounding``: half away from zero (``"half_up"``) or to even (``"half_even"``), to one
  decimal place.

Figures are percentages (`_pct` in the service's field names: ``DiffMedianHourlyPercent``
...). Employees on reduced pay for leave (``on_leave``) count among the relevant employees
(the size band and the bonus proportions) but not in the hourly pay figures.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import numpy as np

from parity.context.returns_importer import FIGURES

QUARTER_NAMES = ("LowerQuartile", "LowerMiddleQuartile", "UpperMiddleQuartile", "TopQuartile")
SIZE_BANDS = ((0, 249, "Less than 250"), (250, 499, "250 to 499"), (500, 999, "500 to 999"),
              (1000, 4999, "1000 to 4999"), (5000, 19999, "5000 to 19,999"),
              (20000, None, "20,000 or more"))


def size_band(relevant: int) -> tuple[str, int, int | None]:
    """(band as published, smallest, largest) for a number of relevant employees."""
    for low, high, label in SIZE_BANDS:
        if high is None or relevant <= high:
            return label, low, high
    raise AssertionError("unreachable")


def _round(value: float, rounding: str) -> float:
    mode = ROUND_HALF_UP if rounding == "half_up" else ROUND_HALF_EVEN
    return float(Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=mode))


def quarter_sizes(n: int, extra: tuple[int, ...] = ()) -> list[int]:
    """Four quarter sizes adding up to `n`, equal so far as possible: the ``n % 4`` extra
    people go to the quarters listed in `extra` (0 = lower), then to the lowest others."""
    s, r = divmod(n, 4)
    chosen = [q for q in dict.fromkeys(extra) if 0 <= q < 4][:r]
    chosen += [q for q in range(4) if q not in chosen][: r - len(chosen)]
    return [s + (1 if q in chosen else 0) for q in range(4)]


def women_per_quarter(rates: np.ndarray, female: np.ndarray, sizes: list[int], *,
                      ties: str, rng: np.random.Generator | None = None) -> list[float]:
    """Women in each quarter (fractional with proportional tie sharing). Everyone is ranked
    by hourly rate; with ``ties="whole"`` people on one rate are ordered at random (`rng`)."""
    order_key = rng.random(len(rates)) if rng is not None else np.arange(len(rates))
    order = np.lexsort((order_key, rates))
    r, f = rates[order], female[order].astype(float)
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    if ties == "whole":
        return [float(f[bounds[q]:bounds[q + 1]].sum()) for q in range(4)]
    # proportional: every person counts in the quarter(s) their rate's group overlaps, with
    # the group's share of women
    values, starts, counts = np.unique(r, return_index=True, return_counts=True)
    women_in_group = np.add.reduceat(f, starts)
    out = [0.0, 0.0, 0.0, 0.0]
    for start, count, women in zip(starts, counts, women_in_group, strict=True):
        end = start + count
        for q in range(4):
            overlap = min(end, bounds[q + 1]) - max(start, bounds[q])
            if overlap > 0:
                out[q] += overlap * women / count
    del values
    return out


def _gap(men: np.ndarray, women: np.ndarray, stat) -> float | None:  # noqa: ANN001
    if len(men) == 0 or len(women) == 0:
        return None
    m = float(stat(men))
    if m == 0:
        return None
    return 100 * (m - float(stat(women))) / m


def compute_return(rates: np.ndarray, female: np.ndarray, *, ties: str = "whole",
                   extra: tuple[int, ...] = (), rounding: str = "half_even",
                   bonus: np.ndarray | None = None, on_leave: int = 0,
                   rng: np.random.Generator | None = None) -> dict:
    """A return (a dict with the ``paygap_returns`` columns, as `returns_checks` reads them)
    for full-pay relevant employees with hourly `rates` (pounds) and sex `female`; `bonus`
    is each one's bonus pay in the year (0 for none); `on_leave` more relevant employees
    on reduced pay, none of them paid a bonus."""
    rates = np.asarray(rates, dtype=float)
    female = np.asarray(female, dtype=bool)
    n = len(rates)
    sizes = quarter_sizes(n, extra)
    women = women_per_quarter(rates, female, sizes, ties=ties, rng=rng)
    figures: dict[str, float | None] = {}
    for q, name in enumerate(QUARTER_NAMES):
        share = 100 * women[q] / sizes[q] if sizes[q] else 0.0
        figures[f"Female{name}"] = _round(share, rounding)
        figures[f"Male{name}"] = _round(100 - share, rounding)
    men_rates, women_rates = rates[~female], rates[female]
    for key, stat in (("DiffMeanHourlyPercent", np.mean),
                      ("DiffMedianHourlyPercent", np.median)):
        value = _gap(men_rates, women_rates, stat)
        figures[key] = None if value is None else _round(value, rounding)
    bonus = np.zeros(n) if bonus is None else np.asarray(bonus, dtype=float)
    relevant = n + on_leave
    paid = bonus > 0
    men_total = int((~female).sum()) + on_leave // 2
    women_total = int(female.sum()) + on_leave - on_leave // 2
    figures["MaleBonusPercent"] = _round(100 * (paid & ~female).sum() / men_total, rounding) \
        if men_total else 0.0
    figures["FemaleBonusPercent"] = _round(100 * (paid & female).sum() / women_total,
                                           rounding) if women_total else 0.0
    men_bonus, women_bonus = bonus[paid & ~female], bonus[paid & female]
    for key, stat in (("DiffMeanBonusPercent", np.mean), ("DiffMedianBonusPercent", np.median)):
        if len(men_bonus) and len(women_bonus):
            value = _gap(men_bonus, women_bonus, stat)
            figures[key] = None if value is None else _round(value, rounding)
        elif len(men_bonus):  # no woman paid a bonus: women's bonus pay is 0, a gap of 100
            figures[key] = 100.0
        else:  # no man paid a bonus: not defined, blank as the service records it
            figures[key] = None
    label, low, high = size_band(relevant)
    record: dict[str, object] = {FIGURES[k]: v for k, v in figures.items()}
    record.update(snapshot_year=2023, employer_name="Computed employer", employer_id=None,
                  source_row=None, force_id=None, employer_size=label, size_min=low,
                  size_max=high, quarter_sizes=sizes, quarter_women=women)
    return record


def random_return(rng: np.random.Generator) -> dict:
    """One correctly computed return from a random workforce: a head count from 4 to about
    3,000 (small ones often, where one person matters most), continuous rates or a pay
    scale of a few points (ties across boundaries), women's pay shifted either way, every
    allowed choice of tie sharing, extra people and rounding."""
    n = int(rng.choice([rng.integers(4, 60), rng.integers(60, 400), rng.integers(400, 3000)]))
    share_women = rng.uniform(0.05, 0.95)
    female = rng.random(n) < share_women
    if female.all() or not female.any():
        female[0] = not female[0]
    shift = rng.uniform(-0.4, 0.4)
    rates: np.ndarray
    if rng.random() < 0.5:  # a pay scale: many people on one rate
        points = np.sort(np.round(rng.uniform(9, 45, int(rng.integers(2, 9))), 2))
        tilt = rng.uniform(-0.5, 0.5)
        rank = rng.integers(0, len(points), n)
        # women more often on the lower (tilt > 0) or upper points
        move = rng.random(n) < abs(tilt)
        rank = np.where(move & female, rank // 2 if tilt > 0 else (rank + len(points)) // 2,
                        rank)
        rates = points[np.clip(rank, 0, len(points) - 1)]
    else:
        rates = np.round(np.exp(rng.normal(2.7, 0.4, n) + np.where(female, shift, 0.0)), 2)
    bonus = np.where(rng.random(n) < rng.uniform(0, 0.3),
                     np.round(rng.lognormal(6, 1, n), 2), 0.0)
    extra = tuple(int(q) for q in rng.permutation(4)[: int(rng.integers(0, 4))])
    on_leave = int(rng.integers(0, max(1, n // 20) + 1))
    return compute_return(rates, female, ties=str(rng.choice(["whole", "proportional"])),
                          extra=extra, rounding=str(rng.choice(["half_up", "half_even"])),
                          bonus=bonus, on_leave=on_leave, rng=rng)


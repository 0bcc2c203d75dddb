"""The stock-flow projection: officers by rank and sex, year by year, with simulation.

Pure numpy; nothing here touches the database (`parity.flows.service.project` gathers the
starting stock and the rates). Each year, in every simulated run:

1. leavers are drawn at each rank and sex: Binomial(stock, leaving rate);
2. promotions from each rank to the next are drawn among those who stay:
   Binomial(stock − leavers, promotion rate) (the top rank promotes no one);
3. recruits join as Constables: the intake is the run's leavers times ``intake`` (1.0 keeps
   the strength steady), split by sex with the recruits' shares (multinomial).

All runs move together as arrays of shape (runs, ranks, sexes), so 1,000 runs over 20 years
take milliseconds. `expected_path` is the same model without chance (each draw replaced by
its mean), for checks and for the property tests. Sexes are female, male and other (the
other recorded categories together, which count in the denominator of every share).
Shares are on headcount: people move between ranks, FTE does not (docs/decisions/0401).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from parity import vocabulary as wv

RANKS = wv.RANK_ORDER
SEXES = ("female", "male", "other")
FEMALE, MALE = 0, 1
GROUPS: dict[str, tuple[int, ...]] = {
    name: tuple(RANKS.index(r) for r in ranks) for name, ranks in wv.RANK_GROUPS.items()
}

# National defaults, used when an area has no HR extract of its own (docs/decisions/0402).
# Assumptions of this project, by rank (a yearly fraction), not official figures; the
# recruits' share of women is the Home Office's: "since April 2020, ... (42.5%) were female"
# (Police officer uplift, England and Wales, quarterly update to 30 September 2022).
DEFAULT_LEAVING = {
    "constable": 0.06, "sergeant": 0.045, "inspector": 0.05, "chief_inspector": 0.07,
    "superintendent": 0.10, "chief_superintendent": 0.13, "chief_officer": 0.15,
}
DEFAULT_PROMOTION = {
    "constable": 0.035, "sergeant": 0.06, "inspector": 0.08, "chief_inspector": 0.10,
    "superintendent": 0.12, "chief_superintendent": 0.10, "chief_officer": 0.0,
}
DEFAULT_RECRUIT_SHARE_FEMALE = 0.425


@dataclass(frozen=True)
class Scenario:
    """A policy to project. ``recruit_share_female`` None keeps the rates' own share;
    ``equal_promotion``/``equal_leaving`` give women men's rates; ``intake`` multiplies the
    yearly intake (1.0 replaces the leavers)."""

    name: str = "baseline"
    label: str = "Current rates"
    recruit_share_female: float | None = None
    equal_promotion: bool = False
    equal_leaving: bool = False
    intake: float = 1.0

    def settings(self) -> dict:
        return {"recruit_share_female": self.recruit_share_female,
                "equal_promotion": self.equal_promotion, "equal_leaving": self.equal_leaving,
                "intake": self.intake}


@dataclass(frozen=True)
class Rates:
    """Yearly rates: ``leaving`` and ``promotion`` [rank, sex]; ``recruits`` [sex] (shares
    of the intake, summing to 1); ``source`` says where they came from."""

    leaving: np.ndarray
    promotion: np.ndarray
    recruits: np.ndarray
    source: str = "defaults"
    notes: list[str] = field(default_factory=list)

    @classmethod
    def defaults(cls) -> Rates:
        leaving = np.repeat(np.array([DEFAULT_LEAVING[r] for r in RANKS])[:, None], 3, axis=1)
        promotion = np.repeat(np.array([DEFAULT_PROMOTION[r] for r in RANKS])[:, None], 3, axis=1)
        f = DEFAULT_RECRUIT_SHARE_FEMALE
        return cls(leaving, promotion, np.array([f, 1 - f, 0.0]), "national defaults")

    def under(self, scenario: Scenario) -> Rates:
        """The rates a scenario implies."""
        leaving, promotion, recruits = self.leaving.copy(), self.promotion.copy(), \
            self.recruits.astype(float).copy()
        if scenario.equal_leaving:
            leaving[:, FEMALE] = leaving[:, MALE]
        if scenario.equal_promotion:
            promotion[:, FEMALE] = promotion[:, MALE]
        if scenario.recruit_share_female is not None:
            f = float(scenario.recruit_share_female)
            rest = recruits[1:].sum()
            recruits[1:] = (1 - f) * (recruits[1:] / rest if rest else np.array([1.0, 0.0]))
            recruits[0] = f
        promotion[-1, :] = 0.0
        return replace(self, leaving=leaving, promotion=promotion, recruits=recruits)


def validate_stock(stock: np.ndarray) -> np.ndarray:
    stock = np.asarray(stock)
    if stock.shape != (len(RANKS), len(SEXES)):
        raise ValueError(f"stock must be (ranks, sexes) = ({len(RANKS)}, {len(SEXES)})")
    return np.rint(stock).astype(np.int64)


def simulate(stock: np.ndarray, rates: Rates, scenario: Scenario, *, years: int, runs: int,
             seed: int) -> np.ndarray:
    """Simulated stocks, shape (years + 1, runs, ranks, sexes); index 0 is the start."""
    rng = np.random.default_rng(seed)
    r = rates.under(scenario)
    start = validate_stock(stock)
    pvals = r.recruits / r.recruits.sum() if r.recruits.sum() else np.array([0.5, 0.5, 0.0])
    # Only the sexes that are present or recruited are drawn (usually not "other").
    active = np.flatnonzero((start.sum(axis=0) > 0) | (pvals > 0))
    leaving, promotion = r.leaving[:, active], r.promotion[:, active]
    state = np.broadcast_to(start[:, active], (runs, len(RANKS), len(active))).copy()
    out = np.zeros((years + 1, runs, len(RANKS), len(SEXES)), dtype=np.int64)
    out[0][..., active] = state
    for t in range(1, years + 1):
        leavers = rng.binomial(state, leaving)
        stay = state - leavers
        promoted = rng.binomial(stay, promotion)
        state = stay - promoted
        state[:, 1:, :] += promoted[:, :-1, :]
        intake = np.rint(leavers.sum(axis=(1, 2)) * scenario.intake).astype(np.int64)
        state[:, 0, :] += rng.multinomial(intake, pvals[active] / pvals[active].sum())
        out[t][..., active] = state
    return out


def expected_path(stock: np.ndarray, rates: Rates, scenario: Scenario, *, years: int
                  ) -> np.ndarray:
    """The model's mean path without chance, shape (years + 1, ranks, sexes), as floats."""
    r = rates.under(scenario)
    state = np.asarray(stock, dtype=float).copy()
    out = np.empty((years + 1, *state.shape))
    out[0] = state
    pvals = r.recruits / r.recruits.sum() if r.recruits.sum() else np.array([0.5, 0.5, 0.0])
    for t in range(1, years + 1):
        leavers = state * r.leaving
        stay = state - leavers
        promoted = stay * r.promotion
        state = stay - promoted
        state[1:, :] += promoted[:-1, :]
        state[0, :] += leavers.sum() * scenario.intake * pvals
        out[t] = state
    return out


def group_shares(stocks: np.ndarray) -> dict[str, np.ndarray]:
    """{group: share of women} over the last two axes (ranks, sexes) of `stocks`; NaN where a
    group is empty."""
    stacked = _group_shares(stocks)
    return {name: stacked[i] for i, name in enumerate(GROUPS)}


# which ranks each group sums (ranks x groups, in `GROUPS` order)
_MEMBERS = np.array([[1.0 if rank in ranks else 0.0 for ranks in GROUPS.values()]
                     for rank in range(len(RANKS))])


def _group_shares(stocks: np.ndarray) -> np.ndarray:
    """The shares of `group_shares`, stacked: (groups, *the leading axes of `stocks`)."""
    # women and everyone per rank, then every group's sums in one product with the groups'
    # membership (whole numbers well under 2**53: exact in any order of summing)
    female = stocks[..., FEMALE].astype(float) @ _MEMBERS
    everyone = stocks[..., 0].astype(float)
    for sex in range(1, stocks.shape[-1]):  # quicker than a sum over a short last axis
        everyone += stocks[..., sex]
    total = everyone @ _MEMBERS
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total > 0, female / np.where(total > 0, total, 1), np.nan)
    return np.moveaxis(shares, -1, 0)


def parity_years(senior: np.ndarray, reference: np.ndarray, first_year: int) -> np.ndarray:
    """Per run, the first year whose senior share reaches the reference (a share per year and
    run, or a fixed target broadcast); NaN where it never does. Arrays are (years, runs)."""
    reached = senior >= reference - 1e-12
    any_ = reached.any(axis=0)
    first = reached.argmax(axis=0).astype(float) + first_year
    first[~any_] = np.nan
    return first


def summarise(stocks: np.ndarray, *, from_year: int, target: float | None = None,
              low: float = 5, high: float = 95) -> dict:
    """Yearly shares of women per rank group (median over runs, and the `low`–`high`
    percentile band), and the parity year: the first year in which the median senior share
    reaches the median all-officer share of that year (or `target`), or None.

    Also ``parity_probability``: the fraction of runs that reach parity within the horizon,
    and ``parity_year_by_runs`` (the 25th, 50th and 75th percentile of the runs' parity
    years, None where fewer runs than that reach it).
    """
    stacked = np.ascontiguousarray(_group_shares(stocks))  # (groups, years, runs)
    names = list(GROUPS)
    shares = {g: stacked[i] for i, g in enumerate(names)}
    missing = np.isnan(stacked)
    empty = missing.all(axis=2)
    # every group's percentiles in one call; where some runs emptied a group, those years
    # again without them
    q = np.percentile(np.where(missing, 0.0, stacked), [low, 50, high], axis=2)
    for g, t in zip(*np.nonzero(missing.any(axis=2) & ~empty), strict=True):
        q[:, g, t] = np.nanpercentile(stacked[g, t], [low, 50, high])
    q[:, empty] = np.nan
    bands = {g: (q[0, i], q[1, i], q[2, i]) for i, g in enumerate(names)}
    # as Python floats, None for NaN (x != x only for NaN), (band, year, group)
    by_year = [[[None if x != x else x for x in row] for row in band]
               for band in np.moveaxis(q, 1, 2).tolist()]
    low_, mid_, high_ = by_year
    years = [{"year": from_year + t,
              "share_female": dict(zip(names, mid_[t], strict=True)),
              "share_female_low": dict(zip(names, low_[t], strict=True)),
              "share_female_high": dict(zip(names, high_[t], strict=True))}
             for t in range(stocks.shape[0])]
    senior, everyone = shares["senior"], shares["all"]
    reference = everyone if target is None else np.full_like(senior, target)
    med_senior = bands["senior"][1]
    med_ref = bands["all"][1] if target is None else np.full(len(years), target)
    hit = np.flatnonzero(med_senior >= med_ref - 1e-12)
    per_run = parity_years(np.nan_to_num(senior, nan=-1.0), reference, from_year)
    reached = per_run[~np.isnan(per_run)]
    quartiles: dict[str, int | None] = {}
    for q in (25, 50, 75):
        # The q-th percentile over all runs, counting runs that never reach it as "later".
        k = int(np.ceil(q / 100 * len(per_run))) - 1
        ordered = np.sort(np.where(np.isnan(per_run), np.inf, per_run))
        quartiles[f"p{q}"] = None if not np.isfinite(ordered[k]) else int(ordered[k])
    return {
        "years": years,
        "parity_year": int(from_year + hit[0]) if len(hit) else None,
        "parity_probability": float(len(reached) / len(per_run)) if len(per_run) else None,
        "parity_year_by_runs": quartiles,
    }

"""Flows metrics: pure functions from events and counts to stocks, flows, rates and ratios.

Nothing here touches the database. Units: counts are people (headcount); FTE where named;
rates are events in a flows year over the headcount of the group at the start of the year
(31 March before), as fractions; ratios are women's rate over men's rate.

- `implied_stocks`: headcount and FTE by worker type, rank and sex on each 31 March, from a
  validated extract (numpy, one pass).
- `flow_table`: per officer rank and sex, the stock at the start and end of a year and every
  flow between them (joiners, worker-type changes in and out, promotions in and out, leavers
  by reason), with rates; `stock_identity_holds` checks they add up.
- `rate_ratio_interval`: women's rate over men's with an exact conditional interval
  (docs/decisions/0400).
- `pipeline`: the share of women rank by rank, the change from the rank below, and where the
  largest drop is.
- `reconcile`: implied stocks against the official table, cell by cell.
- `suppress_small`: hides figures for groups of fewer than `MIN_GROUP` people.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from parity import calendar, disclosure
from parity import vocabulary as wv

Z_95 = 1.959963984540054
RANKS = wv.RANK_ORDER
FLOW_SEXES = ("female", "male", "other")  # "other": the three other recorded categories


def sex_group(sex: str) -> str:
    return sex if sex in ("female", "male") else "other"


# --- stocks implied by events -----------------------------------------------------------------

def implied_stocks(
    *, person_id: list[str], event: list[str], event_date: list, worker_type: list[str],
    rank: list[str], sex: list[str], fte: list[float], order: list[int],
    person_code: Any = None, ordinal: Any = None, combo: Any = None,
) -> list[dict]:
    """Headcount and FTE by (year, worker type, rank, sex) on each 31 March from the first
    to the last flows year of the events.

    `order` sorts the rows by person, then date, then row. The state after each event (other
    than a leaving) holds from its date until the person's next event; it counts on every
    31 March in between (an event dated 31 March counts in that day's stock).
    `person_code` and `ordinal` (numpy arrays in row order: a number per person, the date's
    ordinal), when given, save working them out again (`validation.check_sequences` makes
    them). So does `combo`: a number per row (numpy, in row order) and, for each number, the
    row's (sex, event, worker_type, rank, from_rank, fte, leaving_reason): then `event`,
    `worker_type`, `rank`, `sex` and `fte` are not read.
    """
    if not order:
        return []
    idx = np.asarray(order)
    if ordinal is None:
        ordinal = np.fromiter((d.toordinal() for d in event_date), dtype=np.int64,
                              count=len(event_date))
    fyear = calendar.flows_years(ordinal)[idx]
    if person_code is None:
        codes: dict[str, int] = {}
        person_code = np.fromiter((codes.setdefault(p, len(codes)) for p in person_id),
                                  dtype=np.int64, count=len(person_id))
    sorted_people = np.asarray(person_code)[idx]
    same_next = np.append(sorted_people[1:] == sorted_people[:-1], False)
    ymin, ymax = int(fyear.min()), int(fyear.max())
    # The last 31 March strictly before the next event: flows_year(next date) - 1.
    next_year = np.append(fyear[1:], ymax + 1)
    y_end = np.where(same_next, next_year - 1, ymax)
    y_start = fyear
    n = len(order)
    # a number per (worker type, rank, sex), in order of first appearance in `order`
    posts: dict[tuple, int] = {}
    if combo is not None:
        row_combo, combos = combo
        row_combo = np.asarray(row_combo)[idx]
        post_of = np.array([posts.setdefault((c[2], c[3], c[0]), len(posts)) for c in combos],
                           dtype=np.int64)
        leaving = np.array([c[1] == wv.LEAVING for c in combos], dtype=bool)[row_combo]
        in_file = post_of[row_combo]
        weights = np.array([c[5] for c in combos], dtype=float)[row_combo]
    else:
        events = np.empty(n, dtype=object)
        events[:] = event
        leaving = events[idx] == wv.LEAVING
        keys = list(zip(worker_type, rank, sex, strict=True))
        posts = {key: i for i, key in enumerate(dict.fromkeys(keys))}
        in_file = np.fromiter(map(posts.__getitem__, keys), dtype=np.int64, count=n)[idx]
        weights = np.asarray(fte, dtype=float)[idx]
    keep = (~leaving) & (y_end >= y_start)
    present, first_at = np.unique(in_file, return_index=True)
    renumber = np.full(len(posts), -1, dtype=np.int64)
    renumber[present[np.argsort(first_at)]] = np.arange(len(present))
    cell = renumber[in_file]
    cells = {key: int(renumber[i]) for key, i in posts.items() if renumber[i] >= 0}
    y_start, y_end, cell, weights = y_start[keep], y_end[keep], cell[keep], weights[keep]
    lengths = y_end - y_start + 1
    total = int(lengths.sum())
    rep = np.repeat(np.arange(len(lengths)), lengths)
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    years = y_start[rep] + (np.arange(total) - offsets)
    ncell = len(cells)
    key = (years - ymin) * ncell + cell[rep]
    size = (ymax - ymin + 1) * ncell
    heads = np.bincount(key, minlength=size)
    ftes = np.bincount(key, weights=weights[rep], minlength=size)
    out = []
    names = {v: k for k, v in cells.items()}
    for k in np.flatnonzero(heads):
        year, c = divmod(int(k), ncell)
        wt, rk, sx = names[c]
        out.append({"year": ymin + year, "worker_type": wt, "rank": rk, "sex": sx,
                    "headcount": int(heads[k]), "fte": round(float(ftes[k]), 6)})
    return out


# --- flows and rates --------------------------------------------------------------------------

FLOW_FIELDS = ("start", "joiners", "changed_in", "promotions_in", "promotions_out", "leavers",
               "changed_out", "end")


@dataclass(frozen=True)
class EventCount:
    """A count of events of one kind with the same before and after states (one query row)."""

    event: str
    sex: str
    worker_type_before: str | None
    rank_before: str | None
    worker_type: str
    rank: str
    leaving_reason: str | None
    count: int


def _empty_cell() -> dict:
    cell: dict[str, Any] = {f: 0 for f in FLOW_FIELDS}
    cell["leavers_by_reason"] = {r: 0 for r in wv.LEAVING_REASONS}
    return cell


def flow_table(
    counts: Iterable[EventCount], start: Mapping[str, Mapping[str, float]],
    end: Mapping[str, Mapping[str, float]],
) -> dict[str, dict[str, dict]]:
    """{rank: {sex group: cell}} for officers, where a cell holds the headcount at the start and
    end of the year, each flow, and the promotion, leaving and joining rates.

    `start` and `end` are {rank: {sex: headcount}} of officers. Sex groups: female, male and
    other (the other recorded categories together). Rates are None when the start headcount
    is zero.
    """
    table = {r: {s: _empty_cell() for s in FLOW_SEXES} for r in RANKS}
    for which, stock in (("start", start), ("end", end)):
        for rank, by_sex in stock.items():
            if rank in table:
                for sex, value in by_sex.items():
                    table[rank][sex_group(sex)][which] += int(round(value))
    for c in counts:
        s = sex_group(c.sex)
        before = c.rank_before or ""
        was_officer = c.worker_type_before == "officer" and before in table
        is_officer = c.worker_type == "officer" and c.rank in table
        if c.event == wv.JOINING and is_officer:
            table[c.rank][s]["joiners"] += c.count
        elif c.event == wv.PROMOTION and was_officer and is_officer:
            table[before][s]["promotions_out"] += c.count
            table[c.rank][s]["promotions_in"] += c.count
        elif c.event == wv.LEAVING and was_officer:
            table[before][s]["leavers"] += c.count
            table[before][s]["leavers_by_reason"][c.leaving_reason or "other"] += c.count
        elif c.event == wv.WORKER_TYPE_CHANGE:
            if was_officer:
                table[before][s]["changed_out"] += c.count
            if is_officer:
                table[c.rank][s]["changed_in"] += c.count
    for rank in RANKS:
        for s in FLOW_SEXES:
            cell = table[rank][s]
            n = cell["start"]
            cell["promotion_rate"] = cell["promotions_out"] / n if n else None
            cell["leaving_rate"] = cell["leavers"] / n if n else None
            cell["joining_rate"] = cell["joiners"] / n if n else None
    return table


def stock_identity_holds(cell: Mapping) -> bool:
    """end = start + joiners + changed in + promotions in - promotions out - leavers - changed
    out (every flow of officers between two 31 March snapshots)."""
    return cell["end"] == (cell["start"] + cell["joiners"] + cell["changed_in"]
                           + cell["promotions_in"] - cell["promotions_out"] - cell["leavers"]
                           - cell["changed_out"])


def rate_ratio_interval(
    events_f: float, exposure_f: float, events_m: float, exposure_m: float, *,
    level: float = 0.95,
) -> dict:
    """Women's rate over men's, with an exact conditional interval (docs/decisions/0400).

    Given the total number of events k = events_f + events_m, the women's count is binomial
    with p = θ·n_f / (θ·n_f + n_m), θ the rate ratio; the Clopper–Pearson interval for p maps
    to an interval for θ. It is defined with zero counts (lower bound 0 when women have no
    events, upper bound None, meaning unbounded, when men have none). Returns ``ratio``,
    ``ci_low``, ``ci_high`` (None where undefined) and ``method``.
    """
    from scipy.special import betaincinv  # deferred: scipy costs ~1.5 s at start-up

    out = {"ratio": None, "ci_low": None, "ci_high": None, "level": level,
           "method": "exact_conditional"}
    if exposure_f <= 0 or exposure_m <= 0:
        return out
    kf, km = int(round(events_f)), int(round(events_m))
    if kf + km == 0:
        return out
    scale = exposure_m / exposure_f
    if km > 0:
        out["ratio"] = (kf / exposure_f) / (km / exposure_m)
    alpha = 1 - level
    p_low = 0.0 if kf == 0 else float(betaincinv(kf, km + 1, alpha / 2))
    p_high = 1.0 if km == 0 else float(betaincinv(kf + 1, km, 1 - alpha / 2))
    out["ci_low"] = p_low / (1 - p_low) * scale
    out["ci_high"] = None if p_high >= 1.0 else p_high / (1 - p_high) * scale
    return out


# --- pipeline ---------------------------------------------------------------------------------

def pipeline(stock: Mapping[str, Mapping[str, float]], ratios: Mapping[str, Mapping] | None = None
             ) -> dict:
    """The share of women at each officer rank, lowest first, with the change from the rank
    below and the rank where the share falls most (``largest_drop_rank``, None if it never
    falls). `stock` is {rank: {sex: value}}; `ratios` (optional) {rank: {"promotion": ...,
    "leaving": ...}} is carried into each row."""
    rows: list[dict[str, Any]] = []
    previous: float | None = None
    for rank in RANKS:
        by_sex = stock.get(rank, {})
        total = float(sum(by_sex.values()))
        share = by_sex.get("female", 0.0) / total if total else None
        drop = share - previous if share is not None and previous is not None else None
        row = {"rank": rank, "label": wv.OFFICER_RANKS[rank], "female": by_sex.get("female", 0.0),
               "total": total, "share_female": share, "share_female_change_from_below": drop}
        if ratios is not None:
            below = _below(rank)
            row["promotion_into_ratio"] = (ratios.get(below, {}) if below else {}).get(
                "promotion")
            row["leaving_ratio"] = (ratios.get(rank, {}) or {}).get("leaving")
        rows.append(row)
        previous = share if share is not None else previous
    drops: list[tuple[float, str]] = [
        (r["share_female_change_from_below"], r["rank"]) for r in rows
        if r["share_female_change_from_below"] is not None
        and r["share_female_change_from_below"] < 0]
    return {"ranks": rows, "largest_drop_rank": min(drops)[1] if drops else None}


def _below(rank: str) -> str | None:
    i = RANKS.index(rank)
    return RANKS[i - 1] if i else None


# --- reconciliation ---------------------------------------------------------------------------

def reconcile(implied: Mapping[str, Mapping[str, float]],
              official: Mapping[str, Mapping[str, float]], *, min_group: int = disclosure.MINIMUM
              ) -> dict:
    """Implied against official headcount of officers, by rank and sex, and in total.

    Each row has ``implied``, ``official``, ``difference`` (implied − official) and
    ``difference_share`` (difference over official, a fraction). Implied figures for groups of
    fewer than `min_group` people are suppressed (None), with ``suppressed`` set.
    """
    rows = []
    sexes = sorted({s for m in (implied, official) for by in m.values() for s in by},
                   key=lambda s: (list(wv.SEXES).index(s) if s in wv.SEXES else 99, s))
    for sex in sexes:
        present = [r for r in RANKS if implied.get(r, {}).get(sex) is not None
                   or official.get(r, {}).get(sex) is not None]
        sizes = [implied.get(r, {}).get(sex) or 0.0 for r in present]
        hidden = suppression_flags(sizes, min_group=min_group)
        for rank, size, hide in zip(present, sizes, hidden, strict=True):
            rows.append(_reconcile_row(rank, sex, size, official.get(rank, {}).get(sex), hide))
    rows.sort(key=lambda r: RANKS.index(r["rank"]))
    tot_imp = {s: sum(implied.get(r, {}).get(s, 0.0) for r in RANKS) for s in sexes}
    tot_off = {s: sum(official.get(r, {}).get(s, 0.0) for r in RANKS) for s in sexes}
    totals = [_reconcile_row("all", s, tot_imp[s], tot_off[s] if official else None,
                             tot_imp[s] < min_group) for s in sexes]
    # The total over sexes would reveal the suppressed sexes' sum: hide it when that is 1-9.
    hidden_people = sum(tot_imp[s] for s in sexes if tot_imp[s] < min_group)
    everyone = _reconcile_row("all", "all", sum(tot_imp.values()),
                              sum(tot_off.values()) if official else None,
                              sum(tot_imp.values()) < min_group or 0 < hidden_people < min_group)
    shown = [r for r in rows if r["difference_share"] is not None]
    worst = max(shown, key=lambda r: abs(r["difference_share"]), default=None)
    return {"rows": rows, "totals": totals + [everyone],
            "largest_difference_share": abs(worst["difference_share"]) if worst else None}


def _reconcile_row(rank: str, sex: str, imp: float, off: float | None, suppressed: bool
                   ) -> dict:
    shown = None if suppressed else imp
    diff = None if suppressed or off is None else imp - off
    return {"rank": rank, "sex": sex, "implied": shown, "official": off, "difference": diff,
            "difference_share": diff / off if diff is not None and off else None,
            "suppressed": suppressed}


# --- suppression ------------------------------------------------------------------------------

SUPPRESSIBLE = FLOW_FIELDS + ("promotion_rate", "leaving_rate", "joining_rate")


def group_size(cell: Mapping) -> int:
    """The people a flows cell describes: those in the group at the start or joining it."""
    return int(cell["start"] + cell["joiners"] + cell["changed_in"] + cell["promotions_in"])


def suppression_flags(sizes: list[float], *, min_group: int = disclosure.MINIMUM) -> list[bool]:
    """Which of a set of cells that add up to a shown total to suppress.

    Primary: every cell of fewer than `min_group` people. Secondary: while the people in the
    suppressed cells number 1 to `min_group` − 1 (the total minus the shown cells would reveal
    them), the smallest shown cell is suppressed too.
    """
    hidden = [size < min_group for size in sizes]
    while 0 < sum(s for s, h in zip(sizes, hidden, strict=True) if h) < min_group:
        shown = [i for i, h in enumerate(hidden) if not h]
        if not shown:
            break
        hidden[min(shown, key=lambda i: sizes[i])] = True
    return hidden


def suppress_small(table: dict[str, dict[str, dict]], *, min_group: int = disclosure.MINIMUM
                   ) -> dict[str, dict[str, dict]]:
    """A copy of a `flow_table` in which every cell describing fewer than `min_group` people,
    and for each sex enough further cells that the all-ranks total cannot reveal them
    (`suppression_flags`), has its figures set to None and ``suppressed`` True."""
    ranks = list(table)
    hide: dict[tuple[str, str], bool] = {}
    for sex in {s for by_sex in table.values() for s in by_sex}:
        present = [r for r in ranks if sex in table[r]]
        flags = suppression_flags([group_size(table[r][sex]) for r in present],
                                  min_group=min_group)
        hide.update({(r, sex): f for r, f in zip(present, flags, strict=True)})
    out: dict[str, dict[str, dict]] = {}
    for rank, by_sex in table.items():
        out[rank] = {}
        for sex, cell in by_sex.items():
            small = hide[rank, sex]
            copy = dict(cell, suppressed=small)
            if small:
                for f in SUPPRESSIBLE:
                    copy[f] = None
                copy["leavers_by_reason"] = {r: None for r in wv.LEAVING_REASONS}
            out[rank][sex] = copy
    return out


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value))

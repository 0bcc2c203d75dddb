"""A synthetic HR history for a force, made to match the official table.

`generate` builds people and events whose implied headcount by officer rank and sex on every
31 March from `from_year` to `to_year` matches the Home Office open data table for the force
(exactly, except where a year's change cannot be reached by promotions from the rank below;
then by a few people), with leaving and promotion rates that differ by sex as configured.
Deterministic for a seed. Every rate, share and length of service here is a labelled
assumption of the generator (`SynthConfig`), not an official figure.

How a year is made (1 April to 31 March):
1. leavers are drawn at each rank and sex with the configured rate (women's rate times
   ``female_leaving_ratio``), then promotions from the people who stay (women's rate times
   ``female_promotion_ratio``);
2. working from the top rank down, the gap between that and the official stock of the next
   31 March is closed, half through the leavers at the rank and half through promotions
   into it: a shortfall by fewer leavers and more promotions from the rank below (or, when
   the rank below has too few, by joiners at that rank: transfers in), a surplus by fewer
   promotions in and more leavers; at Constable by recruits (some of whom were PCSOs first).
   Because the official stocks must be met, the realised rates differ from the configured
   ones; the configured differences between women and men still show in them;
3. some people change hours, so that FTE per rank and sex follows the official FTE.

People at the first snapshot get a back history (joining as Constable and promotions at
plausible earlier dates). Only women and men are generated: the table's other sex categories
(from 2021, a handful of people in most forces) show up as differences in the reconciliation;
where a year records many (Lincolnshire 2021: 221), women and men leave that year and join
the next to meet the table.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from parity import calendar
from parity import vocabulary as wv
from parity.errors import InputError
from parity.forces import registry
from parity.workforce import service as workforce

RANKS = wv.RANK_ORDER
SEXES = ("female", "male")
_EVENT_CODES = (wv.JOINING, wv.PROMOTION, wv.WORKER_TYPE_CHANGE, wv.HOURS_CHANGE, wv.LEAVING)


@dataclass(frozen=True)
class SynthConfig:
    """The generator's assumptions (none of them official figures).

    Rates are yearly fractions for men, by rank; women's are these times the ``female_*``
    ratios. ``service_years`` gives, per rank, the range of years of service drawn for the
    people of the first snapshot.
    """

    leaving_rate: dict[str, float] = field(default_factory=lambda: {
        "constable": 0.055, "sergeant": 0.045, "inspector": 0.05, "chief_inspector": 0.07,
        "superintendent": 0.10, "chief_superintendent": 0.13, "chief_officer": 0.15,
    })
    promotion_rate: dict[str, float] = field(default_factory=lambda: {
        "constable": 0.035, "sergeant": 0.06, "inspector": 0.08, "chief_inspector": 0.10,
        "superintendent": 0.12, "chief_superintendent": 0.10, "chief_officer": 0.0,
    })
    female_leaving_ratio: float = 1.15
    female_promotion_ratio: float = 0.9
    pcso_route_share: float = 0.12
    part_time_fte: float = 0.6
    # The yearly share of officers who change their hours for a spell and return to them
    # before 31 March (two hours changes, no change in any 31 March stock). HR systems record
    # many such spells; none by default, the benchmark uses it to reach their volume of events.
    temporary_hours_share: float = 0.0
    service_years: dict[str, tuple[float, float]] = field(default_factory=lambda: {
        "constable": (0.2, 22), "sergeant": (5, 26), "inspector": (8, 27),
        "chief_inspector": (11, 28), "superintendent": (14, 29),
        "chief_superintendent": (17, 30), "chief_officer": (19, 32),
    })
    retirement_share: dict[str, float] = field(default_factory=lambda: {
        "constable": 0.3, "sergeant": 0.5, "inspector": 0.55, "chief_inspector": 0.65,
        "superintendent": 0.7, "chief_superintendent": 0.75, "chief_officer": 0.75,
    })


@dataclass
class SynthResult:
    force_id: str
    from_year: int
    to_year: int
    seed: int
    people: int
    events: int
    path: str | None = None


class _Log:
    """Events collected in numpy batches."""

    def __init__(self) -> None:
        self.person_sex = np.zeros(0, dtype=np.int64)
        self.cols: dict[str, list[np.ndarray]] = {k: [] for k in (
            "person", "event", "day", "wt", "rank", "from_rank", "fte", "reason")}

    def add(self, *, person, event: int, day, wt: int, rank, fte, from_rank=None,  # noqa: ANN001
            reason=None) -> None:  # noqa: ANN001
        n = len(person)
        if n == 0:
            return
        full = lambda v, fill: np.full(n, fill) if v is None else np.broadcast_to(v, (n,))  # noqa: E731
        self.cols["person"].append(np.asarray(person, dtype=np.int64))
        self.cols["event"].append(np.full(n, event, dtype=np.int8))
        self.cols["day"].append(np.asarray(day, dtype=np.int64))
        self.cols["wt"].append(np.full(n, wt, dtype=np.int8))
        self.cols["rank"].append(np.asarray(full(rank, -1), dtype=np.int8))
        self.cols["from_rank"].append(np.asarray(full(from_rank, -1), dtype=np.int8))
        self.cols["fte"].append(np.asarray(full(fte, 1.0), dtype=float))
        self.cols["reason"].append(np.asarray(full(reason, -1), dtype=np.int8))

    def arrays(self) -> dict[str, np.ndarray]:
        out = {k: np.concatenate(v) if v else np.array([]) for k, v in self.cols.items()}
        out["person_sex"] = self.person_sex
        return out


def official_targets(session, *, force_id: str, from_year: int, to_year: int  # noqa: ANN001
                     ) -> tuple[np.ndarray, np.ndarray]:
    """(headcount, FTE) of officers as arrays [year, rank, sex] from the official table."""
    years = range(from_year, to_year + 1)
    head = np.zeros((len(years), len(RANKS), len(SEXES)))
    fte = np.zeros_like(head)
    for k, year in enumerate(years):
        h = workforce.stock_by_rank_and_sex(session, force_ids=[force_id], year=year)
        f = workforce.stock_by_rank_and_sex(session, force_ids=[force_id], year=year,
                                            measure="fte")
        if not h:
            raise InputError(f"no official workforce figures for {registry().get(force_id).name} "
                             f"on 31 March {year} "
                             f"({workforce.years_held(session, [force_id])})")
        for r, rank in enumerate(RANKS):
            for s, sex in enumerate(SEXES):
                head[k, r, s] = round(h.get(rank, {}).get(sex, 0.0))
                fte[k, r, s] = f.get(rank, {}).get(sex, 0.0)
    return head, fte


def generate(session, *, force: str, from_year: int, to_year: int, seed: int = 0,  # noqa: ANN001
             config: SynthConfig | None = None, out: Path | str | None = None) -> SynthResult:
    """Make a synthetic extract for `force` and write it to `out` (CSV, or XLSX by suffix).

    The first snapshot is 31 March `from_year`; events run from then to 31 March `to_year`.
    Needs the official table (the caller runs `parity.workforce.service.ensure_loaded`).
    """
    if to_year <= from_year:
        raise InputError(f"--to ({to_year}) must be after --from ({from_year})")
    found = registry().force(force)
    head, fte_target = official_targets(session, force_id=found.id, from_year=from_year,
                                        to_year=to_year)
    log = simulate(head, fte_target, from_year=from_year, seed=seed,
                   config=config or SynthConfig())
    arrays = log.arrays()
    result = SynthResult(found.id, from_year, to_year, seed,
                         people=int(len(np.unique(arrays["person"]))),
                         events=int(len(arrays["person"])))
    if out is not None:
        write_extract(arrays, Path(out))
        result.path = str(out)
    return result


def _fte_for(rng: np.random.Generator, n: int, mean: float, part: float) -> np.ndarray:
    """FTEs (1.0 or the part-time FTE) whose expected mean is `mean`."""
    if n == 0:
        return np.zeros(0)
    mean = min(max(mean, 0.05), 1.0)
    if mean <= part:
        return np.full(n, round(mean, 2))
    q = (1 - mean) / (1 - part)
    return np.where(rng.random(n) < q, part, 1.0)


def _days_in_year(rng: np.random.Generator, year: int, n: int) -> np.ndarray:
    start = date(year - 1, 4, 1).toordinal()
    end = calendar.snapshot_date(year).toordinal()
    return rng.integers(start, end + 1, size=n)


def simulate(head: np.ndarray, fte_target: np.ndarray, *, from_year: int, seed: int,
             config: SynthConfig) -> _Log:
    """The events of a history matching `head` [year, rank, sex] from 31 March `from_year`."""
    rng = np.random.default_rng(seed)
    log = _Log()
    officer, pcso = _wt_code("officer"), _wt_code("pcso")
    part = config.part_time_fte
    nr = len(RANKS)
    female_mult = np.array([1.0, 0.0])  # index 0 is female
    leave = np.array([config.leaving_rate[r] for r in RANKS])[:, None] * (
        1 + female_mult[None, :] * (config.female_leaving_ratio - 1))
    promo = np.array([config.promotion_rate[r] for r in RANKS])[:, None] * (
        1 + female_mult[None, :] * (config.female_promotion_ratio - 1))
    promo[-1, :] = 0.0
    retire = np.array([config.retirement_share[r] for r in RANKS])

    # The first snapshot, with back histories.
    ranks, sexes, ftes = [], [], []
    for r in range(nr):
        for s in range(len(SEXES)):
            n = int(head[0, r, s])
            mean = fte_target[0, r, s] / n if n else 1.0
            ranks.append(np.full(n, r))
            sexes.append(np.full(n, s))
            ftes.append(_fte_for(rng, n, mean, part))
    rank = np.concatenate(ranks).astype(np.int64)
    sex = np.concatenate(sexes).astype(np.int64)
    fte = np.concatenate(ftes)
    alive = np.ones(len(rank), dtype=bool)
    snapshot = calendar.snapshot_date(from_year).toordinal()
    lo = np.array([config.service_years[RANKS[r]][0] for r in rank])
    hi = np.array([config.service_years[RANKS[r]][1] for r in rank])
    service_days = (lo + rng.random(len(rank)) * (hi - lo)) * 365.25
    joined = (snapshot - service_days).astype(np.int64)
    people = np.arange(len(rank))
    log.add(person=people, event=0, day=joined, wt=officer, rank=0, fte=fte)
    for k in range(1, nr):
        who = people[rank >= k]
        if len(who) == 0:
            continue
        # The k-th promotion falls at a fraction of the way from joining to the snapshot.
        span = snapshot - 30 - joined[who]
        frac = (k - 0.5 + 0.8 * (rng.random(len(who)) - 0.5)) / rank[who]
        day = joined[who] + (np.clip(frac, 0.02, 0.98) * span).astype(np.int64)
        log.add(person=who, event=1, day=day, wt=officer, rank=k, from_rank=k - 1, fte=fte[who])

    for t in range(1, head.shape[0]):
        year = from_year + t
        n_now = np.zeros((nr, 2), dtype=np.int64)
        members: dict[tuple[int, int], np.ndarray] = {}
        alive_idx = np.flatnonzero(alive)
        cell_of = rank[alive_idx] * 2 + sex[alive_idx]
        order = np.argsort(cell_of, kind="stable")
        bounds = np.searchsorted(cell_of[order], np.arange(nr * 2 + 1))
        for r in range(nr):
            for s in range(2):
                c = r * 2 + s
                members[r, s] = rng.permutation(alive_idx[order[bounds[c]:bounds[c + 1]]])
                n_now[r, s] = len(members[r, s])
        leavers = rng.binomial(n_now, leave)
        p_out = rng.binomial(n_now - leavers, promo)
        transfers_in = np.zeros_like(n_now)
        target = head[t].astype(np.int64)
        for r in range(nr - 1, 0, -1):
            for s in range(2):
                expected = n_now[r, s] - leavers[r, s] - p_out[r, s] + p_out[r - 1, s]
                gap = target[r, s] - expected
                # Half of a gap is closed through leavers at this rank, half through
                # promotions into it, so that both configured rates leave their mark.
                if gap > 0:
                    kept = min(gap // 2, leavers[r, s])
                    leavers[r, s] -= kept
                    gap -= kept
                    room = n_now[r - 1, s] - leavers[r - 1, s] - p_out[r - 1, s]
                    more = min(gap, max(room, 0))
                    p_out[r - 1, s] += more
                    transfers_in[r, s] += gap - more
                elif gap < 0:
                    cut = min(-gap - (-gap) // 2, p_out[r - 1, s])
                    p_out[r - 1, s] -= cut
                    leavers[r, s] += -gap - cut
        recruits = np.zeros(2, dtype=np.int64)
        for s in range(2):
            expected = n_now[0, s] - leavers[0, s] - p_out[0, s]
            gap = target[0, s] - expected
            if gap >= 0:
                recruits[s] = gap
            else:
                leavers[0, s] += -gap
        busy: list[np.ndarray] = []
        for r in range(nr):
            for s in range(2):
                pool = members[r, s]
                n_leave = min(int(leavers[r, s]), len(pool))
                gone, rest = pool[:n_leave], pool[n_leave:]
                up = rest[:min(int(p_out[r, s]), len(rest))]
                if n_leave:
                    alive[gone] = False
                    reason = _leaving_reasons(rng, n_leave, retire[r])
                    log.add(person=gone, event=4, day=_days_in_year(rng, year, n_leave),
                            wt=officer, rank=r, fte=fte[gone], reason=reason)
                if len(up):
                    log.add(person=up, event=1, day=_days_in_year(rng, year, len(up)),
                            wt=officer, rank=r + 1, from_rank=r, fte=fte[up])
                busy.extend((gone, up))
        for r in range(nr):
            for s in range(2):
                moved = members[r, s][int(leavers[r, s]):][:int(p_out[r, s])]
                rank[moved] = r + 1
        # New people: recruits (some via PCSO) and transfers in at higher ranks.
        new_rank, new_sex = [], []
        for s in range(2):
            new_rank.append(np.zeros(recruits[s], dtype=np.int64))
            new_sex.append(np.full(recruits[s], s))
            for r in range(1, nr):
                new_rank.append(np.full(transfers_in[r, s], r))
                new_sex.append(np.full(transfers_in[r, s], s))
        new_rank_a = np.concatenate(new_rank)
        new_sex_a = np.concatenate(new_sex)
        m = len(new_rank_a)
        if m:
            first = len(rank)
            ids = np.arange(first, first + m)
            new_fte = np.empty(m)
            for r in range(nr):
                for s in range(2):
                    sel = (new_rank_a == r) & (new_sex_a == s)
                    k = int(sel.sum())
                    if k:
                        mean = fte_target[t, r, s] / target[r, s] if target[r, s] else 1.0
                        new_fte[sel] = _fte_for(rng, k, mean, part)
            day = _days_in_year(rng, year, m)
            via_pcso = (new_rank_a == 0) & (rng.random(m) < config.pcso_route_share)
            direct = ~via_pcso
            log.add(person=ids[direct], event=0, day=day[direct], wt=officer,
                    rank=new_rank_a[direct], fte=new_fte[direct])
            k = int(via_pcso.sum())
            if k:
                earlier = day[via_pcso] - rng.integers(300, 1100, size=k)
                log.add(person=ids[via_pcso], event=0, day=earlier, wt=pcso, rank=None,
                        fte=1.0)
                log.add(person=ids[via_pcso], event=2, day=day[via_pcso], wt=officer, rank=0,
                        fte=new_fte[via_pcso])
            rank = np.concatenate([rank, new_rank_a])
            sex = np.concatenate([sex, new_sex_a])
            fte = np.concatenate([fte, new_fte])
            alive = np.concatenate([alive, np.ones(m, dtype=bool)])
        _change_hours(rng, log, year=year, rank=rank, sex=sex, fte=fte, alive=alive,
                      busy=np.concatenate(busy) if busy else np.zeros(0, dtype=np.int64),
                      first_new=len(rank) - m, target=fte_target[t], part=part,
                      temporary=config.temporary_hours_share)
    log.person_sex = sex
    return log


def _change_hours(rng, log: _Log, *, year: int, rank, sex, fte, alive, busy,  # noqa: ANN001
                  first_new: int, target: np.ndarray, part: float, temporary: float = 0.0
                  ) -> None:
    """Hours changes that bring each rank and sex's FTE towards the official FTE; then, for
    a `temporary` share of the officers with no other event this year, a spell of other
    hours and the return to their own (`SynthConfig.temporary_hours_share`)."""
    free = alive.copy()
    free[busy] = False
    free[first_new:] = False
    for r in range(len(RANKS)):
        for s in range(2):
            cell = np.flatnonzero(alive & (rank == r) & (sex == s))
            if len(cell) == 0:
                continue
            gap = target[r, s] - fte[cell].sum()
            candidates = cell[free[cell]]
            if gap < -0.5:  # too many hours: full-timers go part-time
                pool = candidates[fte[candidates] > part]
                k = min(len(pool), int(round(-gap / (1 - part))))
                chosen, new = rng.permutation(pool)[:k], part
            elif gap > 0.5:
                pool = candidates[fte[candidates] < 1.0]
                k = min(len(pool), int(round(gap / (1 - part))))
                chosen, new = rng.permutation(pool)[:k], 1.0
            else:
                continue
            if len(chosen):
                fte[chosen] = new
                free[chosen] = False
                log.add(person=chosen, event=3, day=_days_in_year(rng, year, len(chosen)),
                        wt=_wt_code("officer"), rank=r, fte=new)
    if temporary <= 0:
        return
    pool = np.flatnonzero(free)
    spell = np.sort(rng.permutation(pool)[:int(round(temporary * len(pool)))])
    if len(spell) == 0:
        return
    begin = _days_in_year(rng, year, len(spell))
    last = calendar.snapshot_date(year).toordinal()
    begin = np.minimum(begin, last - 1)
    end = begin + 1 + (rng.random(len(spell)) * (last - begin)).astype(np.int64)
    other = np.where(fte[spell] < 1.0, 1.0, part)
    officer = _wt_code("officer")
    log.add(person=spell, event=3, day=begin, wt=officer, rank=rank[spell], fte=other)
    log.add(person=spell, event=3, day=np.minimum(end, last), wt=officer, rank=rank[spell],
            fte=fte[spell])


def _leaving_reasons(rng: np.random.Generator, n: int, retire: float) -> np.ndarray:
    rest = 1 - retire
    p = np.array([retire, rest * 0.62, rest * 0.05, rest * 0.23, rest * 0.10])
    return rng.choice(len(wv.LEAVING_REASONS), size=n, p=p / p.sum())


_WORKER_TYPES = tuple(wv.WORKER_TYPES)


def _wt_code(key: str) -> int:
    return _WORKER_TYPES.index(key)


def write_extract(arrays: dict[str, np.ndarray], path: Path) -> None:
    """Write events as an extract (CSV, or XLSX when `path` ends in .xlsx), in date order."""
    order = np.lexsort((arrays["event"], arrays["person"], arrays["day"]))
    person, event, day = arrays["person"][order], arrays["event"][order], arrays["day"][order]
    wt, rank, from_rank = arrays["wt"][order], arrays["rank"][order], arrays["from_rank"][order]
    fte, reason = arrays["fte"][order], arrays["reason"][order]
    sex_of = np.array([wv.SEXES[x] for x in SEXES])[arrays["person_sex"]]
    epoch = date(1970, 1, 1).toordinal()
    days = (day - epoch).astype("datetime64[D]").astype(str)
    rank_names = {i: wv.OFFICER_RANKS[r] for i, r in enumerate(RANKS)}
    wt_names = {i: wv.WORKER_TYPES[k] for i, k in enumerate(_WORKER_TYPES)}
    default_role = {i: next(iter(wv.ROLES[k].values())) if k != "officer" and k != "designated"
                    else "" for i, k in enumerate(_WORKER_TYPES)}
    rows = []
    for k in range(len(person)):
        w = int(wt[k])
        rows.append((
            f"P{person[k]:07d}", sex_of[person[k]], _EVENT_CODES[event[k]], days[k],
            wt_names[w], rank_names[int(rank[k])] if rank[k] >= 0 else default_role[w],
            rank_names[int(from_rank[k])] if from_rank[k] >= 0 else "",
            f"{fte[k]:g}", wv.LEAVING_REASONS[reason[k]] if reason[k] >= 0 else "",
        ))
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook  # deferred: openpyxl costs ~0.3 s at start-up

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Events")
        sheet.append(list(wv.COLUMNS))
        for row in rows:  # real date cells, as an HR system would export them
            sheet.append([*row[:3], date.fromisoformat(row[3]), *row[4:7], float(row[7]),
                          row[8]])
        book.save(path)
        return
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(wv.COLUMNS)
        writer.writerows(rows)

"""Reads of HR events and the figures built on them: flows, rates, reconciliation, projection.

Every front end and every other domain asks here; none reads ``hr_events`` or ``hr_stocks``
directly. Functions take the session first and keyword-only arguments; `force_id` accepts a
force id or any name the forces registry knows.

Years are flows years: the year 2023 is 1 April 2022 to 31 March 2023, named by the 31 March
that ends it, so that a year's start and end stocks are the Home Office snapshots of 31 March
2022 and 2023. HR records are private: figures for groups of fewer than 10 people are
suppressed (None) in everything returned here unless a function says otherwise.

Offered to other domains:

- ``flows(session, *, force_id, year) -> dict``
- ``rate_series(session, *, force_id, rate, sex, rank) -> dict[int, float]``
- ``reconciliation(session, *, force_id, years=None) -> dict``
- ``project(session, *, area, from_year, years, scenario=None, runs=1000, seed=0,
  target=None) -> dict`` and ``projection_chart(...) -> dict`` (the data for a chart)
- ``public_projection(session, *, area, from_year, years, scenario=None, runs=1000, seed=0,
  target=None, side_by_side=True) -> dict``: the same from public inputs only (official
  stock, national default rates), for public pages and the report
- ``years_held(session, *, force_id) -> list[int]``, ``forces_with_events(session)``
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from parity import disclosure
from parity import vocabulary as wv
from parity.errors import InputError
from parity.flows import metrics, simulations
from parity.flows import projection as pj
from parity.flows.defaults import RUNS
from parity.flows.models import HrEvent, HrStock
from parity.flows.projection import RANKS, SEXES, Rates, Scenario
from parity.forces import Force, registry
from parity.workforce import service as workforce
from parity.workforce.service import resolve_area

INTERVAL_NOTE = ("women's rate over men's; 95% exact conditional interval (Clopper–Pearson on "
                 "the women's share of the events, given the exposures): docs/decisions/0400")


def _force(force_id: str) -> Force:
    return registry().force(force_id)


def forces_with_events(session: Session) -> list[str]:
    """Ids of the forces whose HR events are held."""
    return list(session.scalars(select(HrStock.force_id).distinct().order_by(HrStock.force_id)))


def years_held(session: Session, *, force_id: str) -> list[int]:
    """The 31 March years for which the force's events imply a stock."""
    force = _force(force_id)
    return list(session.scalars(select(HrStock.year).where(HrStock.force_id == force.id)
                                .distinct().order_by(HrStock.year)))


def flow_years(session: Session, *, force_id: str) -> list[int]:
    """The flows years the extract covers: both 31 March stocks held, from the year of its
    first leaving on (before that, the people who had left are missing from the extract, so
    its stocks and rates would be wrong; docs/decisions/0403)."""
    force = _force(force_id)
    held = years_held(session, force_id=force.id)
    first_leaving = session.scalar(select(func.min(HrEvent.year)).where(
        HrEvent.force_id == force.id, HrEvent.event == wv.LEAVING))
    start = first_leaving if first_leaving is not None else (held[1] if len(held) > 1 else None)
    if start is None:
        return []
    have = set(held)
    return [y for y in held if y >= start and y - 1 in have]


def implied_stocks(session: Session, *, force_id: str, worker_type: str = "officer"
                   ) -> dict[int, dict[str, dict[str, float]]]:
    """{year: {rank: {sex: headcount}}} implied by the events (not suppressed: internal)."""
    force = _force(force_id)
    query = (select(HrStock.year, HrStock.rank, HrStock.sex, HrStock.headcount)
             .where(HrStock.force_id == force.id, HrStock.worker_type == worker_type))
    out: dict[int, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for year, rank, sex, head in session.execute(query):
        out[year][rank][sex] = float(head)
    return {y: dict(v) for y, v in out.items()}


def _event_counts(session: Session, force_id: str, years: list[int]
                  ) -> dict[int, list[metrics.EventCount]]:
    e = HrEvent
    query = (
        select(e.year, e.event, e.sex, e.worker_type_before, e.rank_before, e.worker_type,
               e.rank, e.leaving_reason, func.count())
        .where(e.force_id == force_id, e.year.in_(years))
        .group_by(e.year, e.event, e.sex, e.worker_type_before, e.rank_before, e.worker_type,
                  e.rank, e.leaving_reason)
    )
    out: dict[int, list[metrics.EventCount]] = defaultdict(list)
    for year, event, sex, wt_before, rank_before, wt, rank, reason, count in \
            session.execute(query):
        out[year].append(metrics.EventCount(event, sex, wt_before, rank_before, wt, rank, reason,
                                            int(count)))
    return out


def _require_events(session: Session, force: Force) -> list[int]:
    years = flow_years(session, force_id=force.id)
    if not years:
        raise InputError(f"no HR events held for {force.name}: run `parity import hr PATH "
                         f"--force {force.id!r}` first")
    return years


def flow_tables(session: Session, *, force_id: str, years: list[int]
                ) -> dict[int, dict[str, dict[str, dict]]]:
    """{year: flow table} (see `metrics.flow_table`), not suppressed: for internal use."""
    force = _force(force_id)
    stocks = implied_stocks(session, force_id=force.id)
    counts = _event_counts(session, force.id, years)
    return {y: metrics.flow_table(counts.get(y, []), stocks.get(y - 1, {}), stocks.get(y, {}))
            for y in years}


def _all_ranks(table: dict[str, dict[str, dict]]) -> dict[str, dict]:
    out = {}
    for sex in metrics.FLOW_SEXES:
        cell = {f: sum(table[r][sex][f] for r in metrics.RANKS) for f in metrics.FLOW_FIELDS}
        cell["leavers_by_reason"] = {
            reason: sum(table[r][sex]["leavers_by_reason"][reason] for r in metrics.RANKS)
            for reason in wv.LEAVING_REASONS}
        # Promotions within the officer ranks cancel out of the all-ranks stock.
        cell["promotions_in"] = cell["promotions_out"] = sum(
            table[r][sex]["promotions_out"] for r in metrics.RANKS)
        n = cell["start"]
        cell["promotion_rate"] = cell["promotions_out"] / n if n else None
        cell["leaving_rate"] = cell["leavers"] / n if n else None
        cell["joining_rate"] = cell["joiners"] / n if n else None
        out[sex] = cell
    return out


def _ratios(raw: dict[str, dict], shown: dict[str, dict]) -> dict[str, dict]:
    out = {}
    for rate, events in (("promotion", "promotions_out"), ("leaving", "leavers")):
        f, m = raw["female"], raw["male"]
        result = metrics.rate_ratio_interval(f[events], f["start"], m[events], m["start"])
        if shown["female"].get("suppressed") or shown["male"].get("suppressed"):
            result = dict(result, ratio=None, ci_low=None, ci_high=None, suppressed=True)
        else:
            result["suppressed"] = False
        out[rate] = result
    return out


def flows(session: Session, *, force_id: str, year: int, suppress: bool = True) -> dict:
    """Joiners, leavers by reason and promotions by officer rank and sex for one flows year,
    with the promotion, leaving and joining rates (events over the group's headcount on the
    31 March before), women's rate over men's with a 95% interval, the pipeline and the
    reconciliation of the year's 31 March stock with the official table.

    Cells for groups of fewer than 10 people are suppressed (figures None, ``suppressed``
    True); ``suppress=False`` is for the force's own private use and tests. Raises
    `InputError` when the force has no events or the year is not covered.
    """
    force = _force(force_id)
    years = _require_events(session, force)
    if year not in years:
        raise InputError(f"no flows for {force.name} in {year} (April {year - 1} to March "
                         f"{year}); the events cover {years[0]} to {years[-1]}")
    table = flow_tables(session, force_id=force.id, years=[year])[year]
    total = _all_ranks(table)
    identity = all(metrics.stock_identity_holds(table[r][s]) for r in metrics.RANKS
                   for s in metrics.FLOW_SEXES)
    shown = metrics.suppress_small(table) if suppress else {
        r: {s: dict(c, suppressed=False) for s, c in by.items()} for r, by in table.items()}
    shown_total = (metrics.suppress_small({"all": total})["all"] if suppress
                   else {s: dict(c, suppressed=False) for s, c in total.items()})
    ranks, ratios = [], {}
    for rank in metrics.RANKS:
        ratios[rank] = _ratios(table[rank], shown[rank])
        ranks.append({"rank": rank, "label": wv.OFFICER_RANKS[rank], **shown[rank],
                      "ratios": ratios[rank]})
    official = workforce.stock_by_rank_and_sex(session, force_ids=[force.id], year=year)
    implied = implied_stocks(session, force_id=force.id).get(year, {})
    basis = official or implied
    pipe = metrics.pipeline(basis, ratios)
    pipe["basis"] = "official" if official else "implied"
    if not official and suppress:
        for row in pipe["ranks"]:
            if row["total"] < disclosure.MINIMUM:
                row.update(female=None, total=None, share_female=None,
                           share_female_change_from_below=None)
    return {
        "force_id": force.id, "force": force.name, "year": year,
        "period_start": f"{year - 1}-04-01", "period_end": f"{year}-03-31",
        "ranks": ranks,
        "all_ranks": {**shown_total, "ratios": _ratios(total, shown_total)},
        "identity_holds": identity,
        "pipeline": pipe,
        "reconciliation": metrics.reconcile(implied, official,
                                            min_group=disclosure.MINIMUM if suppress else 0),
        "min_group": disclosure.MINIMUM, "suppressed": suppress, "interval": INTERVAL_NOTE,
    }


def rate_series(session: Session, *, force_id: str, rate: str, sex: str, rank: str
                ) -> dict[int, float]:
    """{year: rate} for one officer rank (or ``"all"``) and sex, every flows year held.

    `rate` is ``promotion`` (promotions out of the rank over its headcount on the 31 March
    before: the rate of promotion into the next rank), ``leaving`` or ``joining`` (joiners at
    the rank over that headcount). `sex` is female, male or other. Keys are the year of the
    31 March ending the April–March year. Years whose group has fewer than 10 people are left
    out (suppressed), as are years with no one at the start; a force without an extract gives
    an empty mapping.
    """
    if rate not in wv.RATES:
        raise InputError(f"unknown rate {rate!r}; expected one of {', '.join(wv.RATES)}")
    if sex not in metrics.FLOW_SEXES:
        raise InputError(f"unknown sex {sex!r}; expected one of {', '.join(metrics.FLOW_SEXES)}")
    if rank != "all" and rank not in metrics.RANKS:
        raise InputError(f"unknown rank {rank!r}; expected all or one of "
                         f"{', '.join(metrics.RANKS)}")
    force = _force(force_id)
    years = flow_years(session, force_id=force.id)
    out = {}
    for year, table in flow_tables(session, force_id=force.id, years=years).items():
        cell = _all_ranks(table)[sex] if rank == "all" else table[rank][sex]
        value = cell[f"{rate}_rate"]
        if value is not None and metrics.group_size(cell) >= disclosure.MINIMUM:
            out[year] = value
    return out


def reconciliation(session: Session, *, force_id: str, years: list[int] | None = None) -> dict:
    """The officer headcount the events imply on each 31 March against the official table, by
    rank and sex (implied figures under 10 suppressed), for every year both hold (or
    `years`). ``covered`` is False for years before the extract's history begins (its first
    leaving; docs/decisions/0403), whose stocks lack the people who had left."""
    force = _force(force_id)
    implied = implied_stocks(session, force_id=force.id)
    if not implied:
        raise InputError(f"no HR events held for {force.name}: run `parity import hr` first")
    covered = flow_years(session, force_id=force.id)
    first = covered[0] - 1 if covered else None
    out = []
    wanted = sorted(years or implied)
    held = workforce.stocks_by_rank_and_sex(session, force_ids=[force.id], years=wanted)
    for year in wanted:
        official = held.get(year)
        if not official:
            continue
        out.append({"year": year, "covered": first is not None and year >= first,
                    **metrics.reconcile(implied.get(year, {}), official)})
    return {"force_id": force.id, "force": force.name, "years": out}


# --- projection --------------------------------------------------------------------------------

def _start_stock(session: Session, force_ids, year: int):  # noqa: ANN001, ANN202
    import numpy as np  # deferred: numpy costs ~0.2 s at start-up


    raw = workforce.stock_by_rank_and_sex(session, force_ids=list(force_ids), year=year)
    stock = np.zeros((len(RANKS), len(SEXES)))
    for r, rank in enumerate(RANKS):
        for sex, value in raw.get(rank, {}).items():
            stock[r, SEXES.index(metrics.sex_group(sex))] += value
    return stock, bool(raw)


def projection_rates(session: Session, *, area, from_year: int, span: int = 3):  # noqa: ANN001, ANN201
    """The `projection.Rates` for an area: a single force's own extract (pooled over up to
    `span` flows years ending at `from_year`) where held, else the national defaults.

    A rank and sex with fewer than 10 people at risk over those years takes the rank's rate
    for both sexes together; a rank with fewer, the default.
    """
    import numpy as np  # deferred: numpy costs ~0.2 s at start-up

    defaults = Rates.defaults()
    if area.kind != "force":
        return _default_rates()
    force_id = area.force_ids[0]
    held = flow_years(session, force_id=force_id)
    if not held:
        return _default_rates()
    chosen = [y for y in held if y <= from_year][-span:] or held[:span]
    tables = flow_tables(session, force_id=force_id, years=chosen)
    start = np.zeros((len(RANKS), len(SEXES)))
    leavers, promoted = np.zeros_like(start), np.zeros_like(start)
    recruits = np.zeros(len(SEXES))
    for table in tables.values():
        for r, rank in enumerate(RANKS):
            for s, sex in enumerate(SEXES):
                cell = table[rank][sex]
                start[r, s] += cell["start"]
                leavers[r, s] += cell["leavers"]
                promoted[r, s] += cell["promotions_out"]
                if r == 0:
                    recruits[s] += cell["joiners"] + cell["changed_in"]
    leaving, promotion = defaults.leaving.copy(), defaults.promotion.copy()
    for r in range(len(RANKS)):
        pooled_n = start[r].sum()
        for s in range(len(SEXES)):
            if start[r, s] >= disclosure.MINIMUM:
                leaving[r, s] = leavers[r, s] / start[r, s]
                promotion[r, s] = promoted[r, s] / start[r, s]
            elif pooled_n >= disclosure.MINIMUM:
                leaving[r, s] = leavers[r].sum() / pooled_n
                promotion[r, s] = promoted[r].sum() / pooled_n
    shares = recruits / recruits.sum() if recruits.sum() >= disclosure.MINIMUM else defaults.recruits
    notes = [] if chosen[-1] <= from_year else [
        f"the extract starts after {from_year}: rates from {chosen[0]}–{chosen[-1]}"]
    return Rates(leaving, promotion, shares,
                 f"{area.name} HR extract, flows years {chosen[0]}–{chosen[-1]}", notes)


def standard_scenarios(chosen=None) -> list:  # noqa: ANN001
    """The scenarios shown side by side: current rates, equal promotion, equal leaving, half
    of recruits women, all three together, and `chosen` when it is none of these."""
    out = [
        Scenario(),
        Scenario("equal_promotion", "Women promoted at men's rates", equal_promotion=True),
        Scenario("equal_leaving", "Women leave at men's rates", equal_leaving=True),
        Scenario("recruits_half_women", "Half of recruits women", recruit_share_female=0.5),
        Scenario("all_three", "All three together", recruit_share_female=0.5,
                 equal_promotion=True, equal_leaving=True),
    ]
    if chosen is not None and all(chosen.settings() != s.settings() for s in out):
        out.insert(1, chosen)
    return out


def _check_projection(years: int, runs: int, target: float | None, chosen) -> None:  # noqa: ANN001
    if years < 1 or years > 100:
        raise InputError(f"--years must be between 1 and 100, not {years}")
    if runs < 1 or runs > 100_000:
        raise InputError(f"runs must be between 1 and 100,000, not {runs}")
    if target is not None and not 0 < target <= 1:
        raise InputError(f"the target is a share of women in (0, 1], not {target}")
    if chosen.recruit_share_female is not None and not 0 <= chosen.recruit_share_female <= 1:
        raise InputError("the recruits' share of women must be between 0 and 1, not "
                         f"{chosen.recruit_share_female}")
    if chosen.intake < 0:
        raise InputError(f"the intake multiplier cannot be negative ({chosen.intake})")


def _default_rates():  # noqa: ANN202

    d = Rates.defaults()
    return Rates(d.leaving, d.promotion, d.recruits, d.source,
                 ["national defaults are the same for women and men: the equal promotion and "
                  "equal leaving scenarios match current rates"])


def _project(session: Session, *, area: str, from_year: int, years: int, scenario,  # noqa: ANN001
             runs: int, seed: int, target: float | None, own_rates: bool,
             side_by_side: bool, extra: list | None = None, rates=None,  # noqa: ANN001
             keep: bool = False) -> dict:

    chosen = scenario or pj.Scenario()
    _check_projection(years, runs, target, chosen)
    resolved = resolve_area(area)
    stock, found = _start_stock(session, resolved.force_ids, from_year)
    if not found:
        raise InputError(f"no official workforce figures for {resolved.name} on 31 March "
                         f"{from_year} ({workforce.years_held(session, resolved.force_ids)})")
    if rates is None:
        rates = (projection_rates(session, area=resolved, from_year=from_year) if own_rates
                 else _default_rates())
    chosen_all = (standard_scenarios(chosen) if side_by_side else [chosen]) + (extra or [])
    job = simulations.key(resolved.name, stock, rates, chosen_all, from_year=from_year,
                          years=years, runs=runs, seed=seed, target=target)
    # worked out ahead (`outlooks.start`), or kept by an earlier process, else here
    results = simulations.answer(job, keep=keep, stock=stock, rates=rates, scenarios=chosen_all,
                                 from_year=from_year, years=years, runs=runs, seed=seed,
                                 target=target)
    main = next(r for r in results if r["settings"] == chosen.settings())
    effective = rates.under(chosen)
    return {
        "area": resolved.name, "area_kind": resolved.kind, "from_year": from_year,
        "to_year": from_year + years, "years_ahead": years, "runs": runs, "seed": seed,
        "measure": "headcount", "target": target,
        "parity_definition": ("senior (Chief Inspector and above) share of women reaches "
                              + ("the all-officer share" if target is None
                                 else f"{target:.3f}")),
        "scenario": {"name": main["name"], "label": main["label"], **chosen.settings()},
        "rates": _rates_dict(effective), "rates_source": rates.source, "notes": rates.notes,
        "years": main["years"], "parity_year": main["parity_year"],
        "parity_probability": main["parity_probability"],
        "parity_year_by_runs": main["parity_year_by_runs"],
        "scenarios": results,
    }


def project(session: Session, *, area: str, from_year: int, years: int, scenario=None,  # noqa: ANN001
            runs: int = RUNS, seed: int = 0, target: float | None = None,
            rates=None) -> dict:  # noqa: ANN001
    """Project the officer stock of `area` by rank and sex from 31 March `from_year` for
    `years` years, under `scenario` (a `projection.Scenario`; default: current rates), with
    `runs` simulated runs, and side by side the standard scenarios.

    Returns ``years`` (per year, ``share_female`` per rank group: median over runs, with
    ``share_female_low``/``_high``, the 5th and 95th percentiles) and ``parity_year``: the
    first year in which the senior share (Chief Inspector and above) reaches the all-officer
    share of that year, or `target` when given; None if it never does within the horizon.
    Shares are on headcount. ``scenarios`` holds the same for each scenario.

    Rates come from the force's own HR extract where one is held (`projection_rates`): the
    answer is then private to that force. `public_projection` never reads an extract.
    `rates` (a `projection.Rates`, e.g. from `importer.read_rates`) replaces them: rates the
    user chose.
    """
    return _project(session, area=area, from_year=from_year, years=years, scenario=scenario,
                    runs=runs, seed=seed, target=target, own_rates=True, side_by_side=True,
                    rates=rates)


def public_projection(session: Session, *, area: str, from_year: int, years: int,
                      scenario=None, runs: int = RUNS, seed: int = 0,  # noqa: ANN001
                      target: float | None = None, side_by_side: bool = True,
                      keep: bool = False) -> dict:
    """`project` built only from public inputs: the official Home Office stock and the
    national default rates, whether or not an HR extract is held for the area, so that it may
    be shown on public pages and in the report. The same document as `project` (for an area
    without an extract, equal to it). ``side_by_side=False`` runs the chosen scenario alone
    (``scenarios`` then holds just that one). With `keep`, the runs are kept on disk for the
    next process asking (`simulations.answer`)."""
    return _project(session, area=area, from_year=from_year, years=years, scenario=scenario,
                    runs=runs, seed=seed, target=target, own_rates=False,
                    side_by_side=side_by_side, keep=keep)


def _rates_dict(rates) -> dict:  # noqa: ANN001

    return {
        "leaving": {r: {s: float(rates.leaving[i, j]) for j, s in enumerate(SEXES)}
                    for i, r in enumerate(RANKS)},
        "promotion": {r: {s: float(rates.promotion[i, j]) for j, s in enumerate(SEXES)}
                      for i, r in enumerate(RANKS)},
        "share_female_recruits": float(rates.recruits[0] / rates.recruits.sum())
        if rates.recruits.sum() else None,
    }


def chart_data(result: dict, *, group: str = "senior") -> dict:
    """The series a chart of a projection needs: per scenario, the median share of women in
    `group` per year with its 5–95% band and the parity year, plus the reference line (the
    all-officer share under current rates, or the target)."""
    first = result["scenarios"][0]
    reference = ([result["target"]] * len(first["years"]) if result["target"] is not None
                 else [y["share_female"]["all"] for y in first["years"]])
    return {
        "area": result["area"], "group": group, "measure": result["measure"],
        "x": [y["year"] for y in first["years"]],
        "reference": {"label": "target" if result["target"] is not None
                      else "all officers (current rates)", "values": reference},
        "series": [{
            "scenario": sc["name"], "label": sc["label"],
            "values": [y["share_female"][group] for y in sc["years"]],
            "low": [y["share_female_low"][group] for y in sc["years"]],
            "high": [y["share_female_high"][group] for y in sc["years"]],
            "parity_year": sc["parity_year"],
        } for sc in result["scenarios"]],
    }


def projection_chart(session: Session, *, area: str, from_year: int, years: int,
                     group: str = "senior", runs: int = RUNS, seed: int = 0,
                     target: float | None = None) -> dict:
    """`chart_data` for a projection of `area` (for the web page and the report)."""
    return chart_data(project(session, area=area, from_year=from_year, years=years, runs=runs,
                              seed=seed, target=target), group=group)


def rate_choices() -> dict[str, tuple[str, ...]]:
    """What `rate_series` accepts for each of its parameters (rate, sex, rank)."""
    return {"rate": tuple(wv.RATES), "sex": tuple(metrics.FLOW_SEXES),
            "rank": ("all", *metrics.RANKS)}

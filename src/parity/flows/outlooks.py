"""Outlooks: projections to parity from public inputs, for every force at once, kept.

An outlook is `service.public_projection` under three scenarios only (current rates; women
promoted and leaving at men's rates; that with half of recruits women), from the official
Home Office stock and the national default rates: public, so shown on the force pages, the
forces' table and API, and in the report. They depend only on the official table held and
the arguments, so each process keeps the answers until the workforce sources change; the
national report, which wants 44 of them, starts them all at once in worker processes
(`start`, `parity.flows.simulations`). Their simulated runs are also kept on disk for the
next process that asks (`simulations.answer`): the next report build or web worker reads them.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from parity.errors import InputError
from parity.flows import projection as pj
from parity.flows import service, simulations
from parity.flows.defaults import RUNS
from parity.forces import registry
from parity.store.models import Source
from parity.workforce import service as workforce
from parity.workforce.service import resolve_area


def equal_rates_scenario():  # noqa: ANN201
    """Women promoted and leaving at men's rates (recruits as now)."""
    return pj.Scenario("equal_rates", "Women promoted and leaving at men's rates",
                    equal_promotion=True, equal_leaving=True)


OUTLOOK_SCENARIOS = ("baseline", "equal_rates", "all_three")
YEARS = 30  # how far ahead: the report, the force pages and the warm-up (`parity.flows.warm`)


_OUTLOOKS: dict[tuple, dict] = {}


def _official_fingerprint(session: Session) -> tuple:
    """What identifies the official table held, whatever the database: the SHA-256 of each
    workforce file imported (the same files give the same stocks)."""

    return tuple(session.scalars(select(Source.sha256).where(Source.kind == workforce.KIND)
                                 .order_by(Source.sha256)))


def public_outlook(session: Session, *, area: str, from_year: int, years: int = YEARS,
                   runs: int = RUNS, seed: int = 0) -> dict:
    """`public_projection` of `area` under three scenarios only: current rates
    (``baseline``), women promoted and leaving at men's rates (``equal_rates``) and that with
    half of recruits women (``all_three``), from public inputs (official stock, national
    default rates). The same document as `project`; ``scenarios`` holds those three.

    Kept in memory (per process) until the official table held changes: the report and the
    force pages ask for the same outlooks again."""
    key = _kept_as(_official_fingerprint(session), area, from_year, years, runs, seed)
    return _remembered(key, lambda: _public_outlook(session, area=area, from_year=from_year,
                                                    years=years, runs=runs, seed=seed))


def _kept_as(fingerprint: tuple, area: str, from_year: int, years: int, runs: int,
             seed: int) -> tuple:
    """The key an area's outlook is kept under."""
    return ("outlook", fingerprint, area, from_year, years, runs, seed)


def _remembered(key: tuple, compute: Callable[[], dict]) -> dict:
    """A copy of the answer kept under `key`, computing and keeping it first if need be (the
    oldest of 128 answers kept makes way)."""
    if key not in _OUTLOOKS:
        if len(_OUTLOOKS) >= 128:
            _OUTLOOKS.pop(next(iter(_OUTLOOKS)))
        _OUTLOOKS[key] = compute()
    # a copy, so that no caller can change the answer kept (a pickle round trip: plain data,
    # several times faster than copy.deepcopy)
    return pickle.loads(pickle.dumps(_OUTLOOKS[key], protocol=pickle.HIGHEST_PROTOCOL))


def _public_outlook(session: Session, *, area: str, from_year: int, years: int, runs: int,
                    seed: int) -> dict:
    first, *extra = _scenarios()
    return service._project(session, area=area, from_year=from_year, years=years,
                            scenario=first, runs=runs, seed=seed, target=None, own_rates=False,
                            side_by_side=False, extra=extra, keep=True)


def panel(session: Session, *, area: str, from_year: int) -> dict:
    """The projection a force's page shows (`views.force_panel`): `service.public_projection`
    under current rates alone, over `YEARS`, its runs kept on disk so that every web worker
    and the warm-up (`parity.flows.warm`) share them."""
    return service.public_projection(session, area=area, from_year=from_year, years=YEARS,
                                     runs=RUNS, side_by_side=False, keep=True)


def outlook_row(result: dict) -> dict:
    """The figures of a `public_outlook` for a table: the senior and all-officer shares of
    women at the start and (median) at the end, and per scenario the parity year and the
    share of runs reaching parity."""
    first, last = result["years"][0], result["years"][-1]
    return {
        "area": result["area"], "from_year": result["from_year"], "to_year": result["to_year"],
        "share_female_senior_start": first["share_female"]["senior"],
        "share_female_all_start": first["share_female"]["all"],
        "share_female_senior_end": last["share_female"]["senior"],
        "share_female_senior_end_low": last["share_female_low"]["senior"],
        "share_female_senior_end_high": last["share_female_high"]["senior"],
        "share_female_all_end": last["share_female"]["all"],
        "parity_year": {sc["name"]: sc["parity_year"] for sc in result["scenarios"]},
        "parity_probability": {sc["name"]: sc["parity_probability"]
                               for sc in result["scenarios"]},
    }


def forces_outlook(session: Session, *, from_year: int, years: int = YEARS, runs: int = RUNS,
                   seed: int = 0, force_ids: list[str] | None = None) -> dict:
    """`outlook_row` for England and Wales and for each territorial force (or `force_ids`),
    from public inputs only: the official stock on 31 March `from_year` and the national
    default rates. Forces without figures that year are left out.

    The answer depends only on the official table and the arguments, so it is kept in memory
    (a few answers per process) until the workforce sources held change."""
    key = (_official_fingerprint(session), from_year, years, runs, seed,
           tuple(force_ids) if force_ids is not None else None)
    return _remembered(key, lambda: _forces_outlook(session, from_year=from_year, years=years,
                                                    runs=runs, seed=seed, force_ids=force_ids))


def _forces_outlook(session: Session, *, from_year: int, years: int, runs: int, seed: int,
                    force_ids: list[str] | None) -> dict:
    reg = registry()
    ids = force_ids if force_ids is not None else [f.id for f in reg.territorial()]
    whole = public_outlook(session, area="England and Wales", from_year=from_year,
                           years=years, runs=runs, seed=seed)
    national = outlook_row(whole)
    rows = []
    for force_id in ids:
        force = reg.force(force_id)
        try:
            result = public_outlook(session, area=force.id, from_year=from_year, years=years,
                                    runs=runs, seed=seed)
        except InputError:
            continue
        rows.append({"force_id": force.id, "force": force.name, **outlook_row(result)})
    return {"from_year": from_year, "to_year": from_year + years, "years_ahead": years,
            "runs": runs, "seed": seed, "measure": "headcount",
            "rates_source": "national defaults",
            "parity_definition": whole["parity_definition"],
            "scenarios": [{"name": sc["name"], "label": sc["label"]}
                          for sc in whole["scenarios"]],
            "national": national, "forces": rows}


def start(session: Session, *, areas: list[str], from_year: int, years: int = YEARS,
          runs: int = RUNS, seed: int = 0) -> None:
    """Start working out the outlooks of `areas` (England and Wales, forces ...; in the
    order they will be asked for) in worker processes, for `public_outlook` to take; areas
    without official figures that year are skipped. `simulations.stop` ends the workers."""
    jobs = []
    fingerprint = _official_fingerprint(session)
    for area in areas:
        if _kept_as(fingerprint, area, from_year, years, runs, seed) in _OUTLOOKS:
            continue
        resolved = resolve_area(area)
        stock, found = service._start_stock(session, resolved.force_ids, from_year)
        if not found:
            continue
        scenarios = _scenarios()
        rates = service._default_rates()
        kwargs = {"stock": stock, "rates": rates, "scenarios": scenarios,
                  "from_year": from_year, "years": years, "runs": runs, "seed": seed,
                  "target": None}
        jobs.append((simulations.key(resolved.name, stock, rates, scenarios,
                                     from_year=from_year, years=years, runs=runs, seed=seed,
                                     target=None), kwargs))
    simulations.start(jobs)


def _scenarios() -> list[pj.Scenario]:
    """The outlook's scenarios, in the order `service._project` runs them."""
    all_three = next(s for s in service.standard_scenarios() if s.name == "all_three")
    return [pj.Scenario(), equal_rates_scenario(), all_three]

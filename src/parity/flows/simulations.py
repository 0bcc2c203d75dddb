"""The projections' simulated runs, worked out ahead in other processes when many are wanted.

`run` simulates and summarises one area's scenarios: pure numpy, the same answer wherever it
runs (each scenario's runs come from the seed). The national report wants 44 areas' outlooks
(England and Wales and every force, three scenarios each, 500 runs over 30 years: about 6 s
of one core), so `start` hands them to worker processes, one per core, while the report
builds its other sections; `take` returns a job's answer when the projection asks for it
(waiting if need be), `stop` ends the workers. A job is keyed by everything its answer
depends on (the area, the starting stock, the rates, the scenarios, the horizon, the runs
and the seed), so an answer can never be taken for other inputs.

Workers are forked (Linux): they inherit the loaded modules and start in milliseconds; they
only compute, never touching the database. Where fork is not available, nothing is started
and every projection is worked out in the process that asks.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

import numpy as np

from parity.flows import projection as pj

FEW = 4  # fewer jobs than this are not worth the workers' start (a force's own report)
_PENDING: dict[tuple, Future] = {}
_POOL: list[ProcessPoolExecutor] = []


def key(area: str, stock: np.ndarray, rates: pj.Rates, scenarios: list[pj.Scenario], *,
        from_year: int, years: int, runs: int, seed: int, target: float | None) -> tuple:
    """What identifies a job: its inputs (the arrays by a digest of their bytes)."""
    digest = hashlib.sha256()
    for array in (np.asarray(stock, dtype=float), rates.leaving, rates.promotion,
                  rates.recruits):
        digest.update(np.ascontiguousarray(array, dtype=float).tobytes())
    return (area, digest.hexdigest(), tuple((s.name, s.label, tuple(s.settings().items()))
                                            for s in scenarios),
            from_year, years, runs, seed, target)


def run(stock: np.ndarray, rates: pj.Rates, scenarios: list[pj.Scenario], *, from_year: int,
        years: int, runs: int, seed: int, target: float | None) -> list[dict]:
    """Each scenario simulated and summarised (`projection.summarise`), with its name, label
    and settings."""
    out = []
    for sc in scenarios:
        sims = pj.simulate(stock, rates, sc, years=years, runs=runs, seed=seed)
        out.append({"name": sc.name, "label": sc.label, "settings": sc.settings(),
                    **pj.summarise(sims, from_year=from_year, target=target)})
    return out


def start(jobs: list[tuple[tuple, dict]]) -> None:
    """Start `jobs` ((key, keyword arguments of `run`), in the order they will be wanted) in
    worker processes, one per core; jobs already started are not started again."""
    wanted = [(k, kwargs) for k, kwargs in jobs if k not in _PENDING]
    if len(wanted) < FEW or "fork" not in multiprocessing.get_all_start_methods():
        return
    if not _POOL:
        workers = max(1, min(len(os.sched_getaffinity(0)), len(wanted)))
        _POOL.append(ProcessPoolExecutor(max_workers=workers,
                                         mp_context=multiprocessing.get_context("fork")))
    for k, kwargs in wanted:
        _PENDING[k] = _POOL[0].submit(_run, kwargs)


def _run(kwargs: dict) -> list[dict]:
    return run(**kwargs)


def take(k: tuple) -> list[dict] | None:
    """The answer of the job keyed `k` if one was started (waiting for it), else None."""
    future = _PENDING.pop(k, None)
    return future.result() if future is not None else None


def stop() -> None:
    """Forget the jobs not taken and end the workers."""
    for future in _PENDING.values():
        future.cancel()
    _PENDING.clear()
    while _POOL:
        _POOL.pop().shutdown(wait=True, cancel_futures=True)

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

After the official table changes, a process of its own works the public outlooks out ahead
and keeps them (`parity.flows.warm`), holding a lock meanwhile (`warming`): a process wanting
many answers not kept yet (the national report) waits for it to end (`wait_for_warming`), then
reads what was kept; a single answer (a page, a force's report) is worked out at once.

Answers asked to be kept (`answer` with ``keep``: the public outlooks, a bounded set) are also
written to a folder of kept answers (`kept_folder`), so that the next process asking the same
question (the next report build, a web worker) reads them instead of simulating again: a JSON
file per job, named by a digest of the job's key and of the code that works answers out
(`projection`, this module, numpy's version), holding the key itself, which must match. A file
unreadable, damaged or for another key is ignored and written again; a folder that cannot be
written is simply not used. At most `KEPT_FILES` files are kept, the oldest going first.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import multiprocessing
import os
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np

from parity.flows import projection as pj

FEW = 4  # fewer jobs than this are not worth the workers' start (a force's own report)
WAIT = 120.0  # the longest a process waits for a warm-up (`parity.flows.warm`) to finish
LOCK = "warming.lock"
KEPT_FILES = 2000  # some 40 MB of kept answers: every force's outlooks for many years
OFF = "none"  # PARITY_CACHE_DIR=none: no answer is kept on disk
_PENDING: dict[tuple, Future] = {}
_POOL: list[ProcessPoolExecutor] = []
_WARMER = [False]  # True in the warm-up's own process, which waits for no one


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
    worker processes, one per core; jobs already started, or whose answers are kept
    (`kept`), are not started again."""
    wanted = [(k, kwargs) for k, kwargs in jobs if k not in _PENDING and kept(k) is None]
    if len(wanted) >= FEW and wait_for_warming():
        # a warm-up was working these very answers out (a national report started right
        # after an import): what it kept is read, not worked out a second time
        wanted = [(k, kwargs) for k, kwargs in wanted if kept(k) is None]
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


def answer(k: tuple, *, keep: bool = False, **kwargs) -> list[dict]:  # noqa: ANN003
    """The answer of the job keyed `k` (`run`'s keyword arguments `kwargs`): taken from a
    worker (`take`), else with `keep` from the kept answers (`kept`), else worked out here;
    with `keep`, kept for the next process that asks."""
    results = take(k)
    if results is None and keep:
        results = kept(k)
        if results is not None:
            return results
    if results is None:
        results = run(**kwargs)
    if keep:
        _keep(k, results)
    return results


@contextmanager
def warming() -> Iterator[None]:
    """Hold the kept answers' warm-up lock (waiting for another warm-up to end first): a
    process wanting many answers not kept yet waits for it to be released (`start`,
    `wait_for_warming`) rather than work the same answers out. No lock where answers are not
    kept, or where the folder cannot be written."""
    folder = kept_folder()
    try:
        if folder is None:
            raise OSError("answers are not kept")
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK, "a", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _WARMER[0] = True
        try:
            yield
        finally:
            _WARMER[0] = False
            fcntl.flock(handle, fcntl.LOCK_UN)


def wait_for_warming(timeout: float = WAIT) -> bool:
    """Wait (at most `timeout` seconds) while a warm-up holds the lock (`warming`); whether one
    was waited for. Immediate when none runs: a lock tried, not a process asked."""
    folder = kept_folder()
    if folder is None or _WARMER[0]:
        return False
    try:
        handle = open(folder / LOCK, encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError:
        return False  # never warmed here
    with handle:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return True
                waited = True
                time.sleep(0.05)
                continue
            fcntl.flock(handle, fcntl.LOCK_UN)
            return waited


def kept_folder() -> Path | None:
    """Where answers are kept: ``PARITY_CACHE_DIR`` (``none``: nowhere), else the user's cache
    folder (``$XDG_CACHE_HOME`` or ``~/.cache``), in a ``parity/projections`` folder."""
    chosen = os.environ.get("PARITY_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", OFF) else Path(chosen) / "projections"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "parity" / "projections"


@cache
def _code() -> str:
    """A digest of what works the answers out: this module, `projection` and numpy's version
    (another version may draw other random numbers)."""
    digest = hashlib.sha256(np.__version__.encode())
    for path in (Path(__file__), Path(pj.__file__)):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _file(k: tuple) -> Path | None:
    folder = kept_folder()
    if folder is None:
        return None
    name = hashlib.sha256(f"{_code()}\n{k!r}".encode()).hexdigest()[:40]
    return folder / f"{name}.json"


def kept(k: tuple) -> list[dict] | None:
    """The kept answer of the job keyed `k`, or None (none kept, or the file is unreadable,
    damaged, or not this job's)."""
    path = _file(k)
    if path is None:
        return None
    try:
        held = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(held, dict) or held.get("key") != repr(k) \
            or not isinstance(held.get("results"), list):
        return None
    return held["results"]


def _keep(k: tuple, results: list[dict]) -> None:
    """Write the answer of `k` for the next process (atomically: a reader sees the whole file
    or none); the oldest files go past `KEPT_FILES`. Nothing when it cannot be written."""
    path = _file(k)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # `json.dumps`, not `json.dump`: dump encodes in Python (about 20 ms an area on a
        # first national build, 45 areas), dumps in C
        text = json.dumps({"key": repr(k), "results": results})
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent,
                                         suffix=".part", delete=False) as fh:
            fh.write(text)
        os.replace(fh.name, path)
        files = list(path.parent.glob("*.json"))
        if len(files) > KEPT_FILES:
            by_age = sorted(files, key=lambda f: f.stat().st_mtime)
            for old in by_age[:len(files) - KEPT_FILES]:
                old.unlink(missing_ok=True)
    except OSError:
        return

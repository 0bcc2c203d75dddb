"""Projections kept between processes (`parity.flows.simulations.answer` with ``keep``): the
public outlooks are simulated once and read back by the next process that asks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from parity.flows import outlooks, projection, simulations
from parity.store import make_engine, open_session

STOCK = np.array([[900, 400, 0], [200, 60, 0], [60, 15, 0], [20, 5, 0], [8, 2, 0], [3, 1, 0],
                  [1, 0, 0]])
ARGS = {"from_year": 2023, "years": 6, "runs": 20, "seed": 0, "target": None}


def _job(stock: np.ndarray = STOCK) -> tuple[tuple, dict]:
    rates = projection.Rates.defaults()
    scenarios = [projection.Scenario(), outlooks.equal_rates_scenario()]
    kwargs = {"stock": stock, "rates": rates, "scenarios": scenarios, **ARGS}
    return simulations.key("Kent", stock, rates, scenarios, **ARGS), kwargs


@pytest.fixture
def folder(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("PARITY_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "projections"


def _no_simulation(monkeypatch) -> None:  # noqa: ANN001
    def refuse(**_kwargs):  # noqa: ANN003, ANN202
        raise AssertionError("simulated again")

    monkeypatch.setattr(simulations, "run", refuse)


def test_an_answer_kept_is_read_back_the_same_without_simulating(folder, monkeypatch):
    k, kwargs = _job()
    worked_out = simulations.run(**kwargs)
    assert simulations.answer(k, keep=True, **kwargs) == worked_out
    assert len(list(folder.glob("*.json"))) == 1
    _no_simulation(monkeypatch)
    again = simulations.answer(k, keep=True, **kwargs)
    assert again == worked_out  # floats, None and the settings survive the file exactly
    assert [r["settings"] for r in again] == [s.settings() for s in kwargs["scenarios"]]


def test_an_answer_not_asked_to_be_kept_is_not_written(folder):
    k, kwargs = _job()
    simulations.answer(k, **kwargs)
    assert not folder.exists()


def test_other_inputs_are_not_answered_from_a_kept_answer(folder):
    k, kwargs = _job()
    simulations.answer(k, keep=True, **kwargs)
    other, other_kwargs = _job(STOCK * 2)
    assert simulations.kept(other) is None
    assert simulations.answer(other, keep=True, **other_kwargs) == simulations.run(**other_kwargs)
    assert len(list(folder.glob("*.json"))) == 2


def test_a_damaged_or_foreign_file_is_ignored_and_written_again(folder):
    k, kwargs = _job()
    simulations.answer(k, keep=True, **kwargs)
    (path,) = folder.glob("*.json")
    for damaged in (b"{\"key\": ", json.dumps({"key": "another job", "results": []}).encode(),
                    json.dumps([1, 2]).encode(), b"\xff\xfe"):
        path.write_bytes(damaged)
        assert simulations.kept(k) is None
        assert simulations.answer(k, keep=True, **kwargs) == simulations.run(**kwargs)
        assert simulations.kept(k) == simulations.run(**kwargs)  # the file made whole again


def test_changed_code_does_not_read_answers_kept_by_the_old(folder, monkeypatch):
    k, kwargs = _job()
    simulations.answer(k, keep=True, **kwargs)
    monkeypatch.setattr(simulations, "_code", lambda: "another version of the simulation")
    assert simulations.kept(k) is None


def test_none_keeps_nothing_and_an_unwritable_folder_is_not_an_error(tmp_path, monkeypatch):
    k, kwargs = _job()
    monkeypatch.setenv("PARITY_CACHE_DIR", "none")
    assert simulations.kept_folder() is None
    assert simulations.answer(k, keep=True, **kwargs) == simulations.run(**kwargs)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("PARITY_CACHE_DIR", str(blocked))
    assert simulations.answer(k, keep=True, **kwargs) == simulations.run(**kwargs)
    assert simulations.kept(k) is None


def test_the_default_folder_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("PARITY_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert simulations.kept_folder() == tmp_path / "parity" / "projections"


def test_the_oldest_answers_go_past_the_limit(folder, monkeypatch):
    monkeypatch.setattr(simulations, "KEPT_FILES", 3)
    jobs = [_job(STOCK + i) for i in range(5)]
    for k, kwargs in jobs:
        simulations.answer(k, keep=True, **kwargs)
        for path in folder.glob("*.json"):  # distinct ages, whatever the clock's resolution
            if simulations._file(k) != path:
                os.utime(path, (path.stat().st_mtime - 10, path.stat().st_mtime - 10))
    assert len(list(folder.glob("*.json"))) == 3
    assert [simulations.kept(k) is not None for k, _ in jobs] == [False, False, True, True, True]


def test_jobs_kept_are_not_handed_to_workers(folder):
    jobs = [_job(STOCK + i) for i in range(5)]
    k, kwargs = jobs[0]
    simulations.answer(k, keep=True, **kwargs)
    simulations.start(jobs)
    try:
        assert k not in simulations._PENDING
        assert set(simulations._PENDING) == {j for j, _ in jobs[1:]}
    finally:
        simulations.stop()


def test_an_outlook_worked_out_by_another_process_is_read_here(sqlite_url, folder,
                                                               monkeypatch):
    """The next process asking (the next report build, another web worker) reads the runs an
    earlier one kept, and gives the same outlook as working it out."""
    code = ("from parity.store import make_engine, open_session\n"
            "from parity.flows import outlooks\n"
            f"with open_session(make_engine({sqlite_url!r})) as s:\n"
            "    outlooks.public_outlook(s, area='kent', from_year=2023, years=8, runs=30)\n")
    subprocess.run([sys.executable, "-c", code], check=True, env=os.environ.copy())
    assert len(list(folder.glob("*.json"))) == 1
    engine = make_engine(sqlite_url)
    outlooks._OUTLOOKS.clear()
    try:
        with open_session(engine) as session:
            monkeypatch.setenv("PARITY_CACHE_DIR", "none")
            worked_out = outlooks.public_outlook(session, area="kent", from_year=2023, years=8,
                                                 runs=30)
            outlooks._OUTLOOKS.clear()
            monkeypatch.setenv("PARITY_CACHE_DIR", str(folder.parent))
            _no_simulation(monkeypatch)
            read = outlooks.public_outlook(session, area="kent", from_year=2023, years=8, runs=30)
    finally:
        outlooks._OUTLOOKS.clear()
        engine.dispose()
    assert read == worked_out

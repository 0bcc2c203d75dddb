"""The public outlooks worked out ahead once the official table changes (`parity.flows.warm`),
and the processes asking meanwhile waiting for them rather than working them out again
(`simulations.warming`, `simulations.wait_for_warming`)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from parity.flows import outlooks, simulations, warm
from parity.present import commands
from parity.store import make_engine, open_session
from tests.flows.test_kept import _job, _no_simulation

HOLD = 1.5  # seconds another process holds the warm-up lock in these tests


@pytest.fixture
def folder(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("PARITY_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "projections"


def _hold_lock(folder) -> subprocess.Popen:  # noqa: ANN001
    """Another process holding the warm-up lock for `HOLD` seconds (as `warming` does)."""
    folder.mkdir(parents=True, exist_ok=True)
    code = ("import fcntl, sys, time\n"
            f"handle = open({str(folder / simulations.LOCK)!r}, 'a')\n"
            "fcntl.flock(handle, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            f"time.sleep({HOLD})\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_the_warm_up_keeps_the_outlooks_the_report_and_pages_then_read(sqlite_url, folder,
                                                                       monkeypatch):
    engine = make_engine(sqlite_url)
    outlooks._OUTLOOKS.clear()
    try:
        with open_session(engine) as session:
            done = warm.warm(session, only=["England and Wales", "kent", "dyfed-powys"])
            assert done == ["England and Wales", "kent", "dyfed-powys"]
            worked_out = outlooks.public_outlook(session, area="kent", from_year=2023)
            page = outlooks.panel(session, area="kent", from_year=2023)
            # three areas: each its outlook (three scenarios) and its page's projection
            assert len(list(folder.glob("*.json"))) == 6
            outlooks._OUTLOOKS.clear()  # a new process: nothing in memory
            _no_simulation(monkeypatch)
            read = outlooks.public_outlook(session, area="kent", from_year=2023)
            assert outlooks.panel(session, area="kent", from_year=2023) == page
    finally:
        outlooks._OUTLOOKS.clear()
        engine.dispose()
    assert read == worked_out
    assert [s["name"] for s in read["scenarios"]] == list(outlooks.OUTLOOK_SCENARIOS)
    assert read["from_year"] == 2023  # the latest year held


def test_the_areas_are_every_force_the_report_shows():
    areas = warm.areas()
    assert areas[0] == "England and Wales" and len(areas) == 1 + 43 + 1
    assert areas[-1] == "british-transport-police" and "kent" in areas


def test_with_no_warm_up_running_nothing_waits(folder):
    start = time.monotonic()
    assert simulations.wait_for_warming() is False  # never warmed here: no lock file
    with simulations.warming():
        pass
    assert simulations.wait_for_warming() is False  # a lock file, held by no one
    assert time.monotonic() - start < 0.5


def test_a_single_answer_wanted_during_a_warm_up_is_worked_out_at_once(folder):
    """A page (or a force's report) asking for one area while a warm-up runs does not wait
    for the warm-up: it works its answer out (tens of milliseconds) and keeps it."""
    k, kwargs = _job()
    holder = _hold_lock(folder)
    start = time.monotonic()
    try:
        assert simulations.answer(k, keep=True, **kwargs) == simulations.run(**kwargs)
        waited = time.monotonic() - start
    finally:
        holder.wait()
    assert waited < HOLD / 2
    assert simulations.kept(k) is not None


def test_jobs_kept_by_a_warm_up_waited_for_are_not_handed_to_workers(folder):
    """Many answers wanted (the national report) while a warm-up runs: the report waits for
    the warm-up to end and reads what it kept; only the rest go to the workers."""
    jobs = [_job(_job()[1]["stock"] + i) for i in range(5)]
    holder = _hold_lock(folder)
    k, kwargs = jobs[0]
    keeper = threading.Timer(HOLD / 3, simulations._keep, args=(k, simulations.run(**kwargs)))
    keeper.start()
    start = time.monotonic()
    try:
        simulations.start(jobs)
        assert time.monotonic() - start >= HOLD / 2  # waited for the warm-up to end
        assert k not in simulations._PENDING
        assert set(simulations._PENDING) == {j for j, _ in jobs[1:]}
    finally:
        simulations.stop()
        keeper.join()
        holder.wait()


def test_a_waiter_gives_up_after_its_timeout(folder):
    holder = _hold_lock(folder)
    try:
        start = time.monotonic()
        assert simulations.wait_for_warming(timeout=0.1) is True
        assert time.monotonic() - start < HOLD
    finally:
        holder.wait()


def test_work_ahead_starts_a_detached_process_unless_told_off(tmp_path, monkeypatch):
    (tmp_path / "probe_ahead.py").write_text(
        "import os, pathlib\n"
        "pathlib.Path(os.environ['PROBE']).write_text(str(os.getsid(0) == os.getpid()))\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    mark = tmp_path / "ran"
    monkeypatch.setenv("PROBE", str(mark))
    monkeypatch.setenv("PARITY_WARM", "off")
    commands.work_ahead("probe_ahead")
    time.sleep(1.0)
    assert not mark.exists()
    monkeypatch.setenv("PARITY_WARM", "on")
    commands.work_ahead("probe_ahead")
    deadline = time.monotonic() + 20
    while not mark.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mark.read_text() == "True"  # in a session of its own: not stopped with the command


def test_the_module_runs_as_a_command_and_does_nothing_where_nothing_is_kept(sqlite_url):
    env = {**os.environ, "PARITY_DATABASE_URL": sqlite_url, "PARITY_CACHE_DIR": "none"}
    done = subprocess.run([sys.executable, "-m", "parity.flows.warm"], env=env, timeout=60,
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == ""


def test_the_warm_up_runs_below_everything_else_in_its_own_session():
    """In a session of its own (as `work_ahead` starts it), nice alone would not yield to the
    web server where the kernel schedules sessions as groups: the group's niceness is set too."""
    code = ("import os\n"
            "from parity.flows import warm\n"
            "os.setsid()\n"
            "warm._lowest_priority()\n"
            "group = open('/proc/self/autogroup').read().split()[-1] "
            "if os.path.exists('/proc/self/autogroup') else '19'\n"
            "print(os.nice(0), group)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.split() == ["19", "19"]


def test_a_folder_that_cannot_be_written_warms_without_a_lock(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PARITY_CACHE_DIR", str(blocker))
    with simulations.warming():
        assert simulations.wait_for_warming(timeout=0.1) is False

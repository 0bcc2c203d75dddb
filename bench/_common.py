"""Pieces the bench scripts share (they run as ``.venv/bin/python bench/<script>.py``, so this
folder is on the import path): timing whole commands as a user runs them (`Contest`), a SQLite
database with the workforce table, a PostgreSQL database of the script's own, and timing a list
of pages in-process.

A figure a user feels is a whole process, from start to exit, imports included: `Contest` runs
each contender (Parity's command and the peer a user would otherwise pick) in a new process,
alternately, several times, and prints medians, the ratio to the peer and each one's peak
memory, with the machine's load (it is shared: other engineers' tests run on its 2 cores).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

# The database helpers below import SQLAlchemy and Parity when called: the peers' scripts
# import this module too, and must not pay for them in their timed start-up.


# Each timed command alone: no public outlooks worked out in the background after a workforce
# import (`parity.flows.warm`), which would take the cores from the runs that follow it.
os.environ.setdefault("PARITY_WARM", "off")

BIN = Path(sys.executable).parent
PARITY = str(BIN / "parity")
PEERS = Path(__file__).with_name("_peers.py")


def compiled() -> None:
    """Parity's modules compiled to bytecode, as an installed package is (pip compiles what it
    installs; `scripts/setup.sh` compiles the editable checkout): a checkout edited since, on
    a machine that sets PYTHONDONTWRITEBYTECODE, would otherwise compile them in every run."""
    # deferred: the peers' scripts import this module and do not pay for these
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("parity")
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1, workers=0)


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes) and its cores, as `uptime` reports them."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def run_process(argv: Sequence[str], *, env: dict | None = None, cwd: str | None = None,
                stdout: int | None = subprocess.DEVNULL) -> tuple[float, float, bytes, float]:
    """Run `argv` to its end: (wall seconds, peak resident MB, its stdout if asked, its CPU
    seconds). A failure stops the benchmark: a figure for a command that failed would be a
    lie."""
    t = time.perf_counter()
    proc = subprocess.Popen(list(argv), stdout=stdout, stderr=subprocess.PIPE, cwd=cwd,
                            env={**os.environ, **(env or {})})
    out = proc.stdout.read() if proc.stdout else b""
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err.decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, out, usage.ru_utime + usage.ru_stime


@dataclass
class Contender:
    """One way of doing the job: a command line, and what to do before each run (untimed)."""

    name: str
    argv: Sequence[str]
    env: dict = field(default_factory=dict)
    before: Callable[[], None] | None = None
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


class Contest:
    """Whole commands timed alternately (A, B, C, A, B, C ...), medians compared."""

    def __init__(self, title: str, contenders: Sequence[Contender]) -> None:
        self.title = title
        self.contenders = list(contenders)

    def run(self, runs: int) -> Contest:
        compiled()
        for _ in range(runs):
            for c in self.contenders:
                if c.before:
                    c.before()
                wall, peak, _, cpu = run_process(c.argv, env=c.env)
                c.seconds.append(wall)
                c.peak_mb.append(peak)
                c.cpu.append(cpu)
        return self

    def print(self, *, floor: float | None = None, floor_text: str = "") -> None:
        """The table: each contender's median, range, CPU time (its own process and threads,
        not a database server's: steadier than wall time on a busy machine), peak memory and
        its ratio to the first (Parity's command); then the floor, met or not."""
        first = self.contenders[0]
        print(f"\n{self.title} — whole processes, {len(first.seconds)} runs each, alternating; "
              f"{load()}")
        # Linux carries a parent's peak memory over to the children it forks (the exec keeps
        # the larger of the two), so a child's peak at or under this script's own says "small".
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  {'':34} {'median s':>9} {'min–max s':>13} {'cpu s':>6} {'peak MB':>8} "
              f"{'Parity/this':>12}")
        for c in self.contenders:
            ratio = "" if c is first else f"{first.median / c.median:11.2f}x"
            peak = max(c.peak_mb)
            shown = f"{peak:8.0f}" if peak > own * 1.05 else f"{'≤' + format(own, '.0f'):>8}"
            print(f"  {c.name:34} {c.median:9.2f} {min(c.seconds):6.2f}–{max(c.seconds):<6.2f} "
                  f"{statistics.median(c.cpu):6.2f} {shown} {ratio:>12}")
        if floor is not None:
            verdict = "met" if first.median < floor else "NOT met"
            print(f"  floor: {floor_text or f'under {floor} s'}: {verdict} "
                  f"(median {first.median:.2f} s)")


def sqlite_contest(title: str, folder: Path, parity_args: Sequence[str], peer_name: str,
                   peer_args: Sequence[str]) -> Contest:
    """Parity's command and a peer script (`_peers.py`) each writing a new SQLite database in
    `folder` (``parity.db``, ``peer.db``, deleted before every run); the peer gets its
    database's URL as its last argument."""
    ours, theirs = folder / "parity.db", folder / "peer.db"
    return Contest(title, [
        Contender(f"parity {' '.join(parity_args)}", [PARITY, *parity_args],
                  env={"PARITY_DATABASE_URL": f"sqlite:///{ours}"},
                  before=lambda: ours.unlink(missing_ok=True)),
        Contender(peer_name, [sys.executable, str(PEERS), *peer_args, f"sqlite:///{theirs}"],
                  before=lambda: theirs.unlink(missing_ok=True)),
    ])


def with_workforce(url: str) -> Engine:
    """An engine on the database at `url`, migrated, with the bundled workforce table imported
    (committed)."""
    from sqlalchemy.orm import Session

    from parity.store import make_engine, upgrade
    from parity.workforce.importer import import_workforce

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s:
        import_workforce(s)
        s.commit()
    return engine


def sqlite_with_workforce(prefix: str) -> tuple[Path, str, Engine]:
    """(folder, URL, engine) of a new SQLite file in a temporary folder named from `prefix`,
    migrated, with the bundled workforce table imported."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    url = f"sqlite:///{folder / 'bench.db'}"
    return folder, url, with_workforce(url)


def create_pg_database(admin_url: str, name: str) -> str:
    """Create the PostgreSQL database `name` on the server of `admin_url`; returns its URL."""
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def time_pages(client, pages: Iterable[str], *, repeat: int, width: int) -> None:  # noqa: ANN001
    """Print, for each page, the median and worst of `repeat` requests and its size, after a
    heading; every answer must be 200."""
    print(f"{'page':{width}} {'median ms':>10} {'worst ms':>9} {'KiB':>6}")
    for page in pages:
        times, size = [], 0
        for _ in range(repeat):
            t = time.perf_counter()
            response = client.get(page)
            times.append((time.perf_counter() - t) * 1000)
            size = len(response.content)
            assert response.status_code == 200, page
        print(f"{page:{width}} {statistics.median(times):10.1f} {max(times):9.1f} "
              f"{size / 1024:6.1f}")

"""Pages and the API under load, as readers feel them on publication day, beside Datasette.

Loads the bundled data into a new SQLite file (`parity import bundled`), serves it with
`parity serve` on a free 127.0.0.1 port, and serves the same file with Datasette (its peer for
the API: canned SQL answering the same questions as ``/api/v1/representation`` — one force's
officers by sex on FTE, with the year before and five years before — and ``/api/v1/league`` —
every force's share of women among officers with its senior gap). Then drives each address
with `wrk` (Debian's ``wrk``: 2 threads, 50 connections by default) for a bounded time,
Parity and Datasette alternately, and prints requests a second, the median and 95th
percentile latency, errors, and Parity's ratio to Datasette for the API. Before the load,
each address is asked once and that first answer timed ("cold": Parity computes a page once
per data version, `parity.web.caching`).

Loopback only; every server is stopped at the end. The machine's load is printed: on the
shared two-core machine the figures vary with it, and wrk and the servers share the cores.

    .venv/bin/python bench/bench_web.py [--quick] [--seconds S] [--rounds R]
                                         [--connections C] [--workers W] [--postgres ADMIN]

``--quick``: 3 seconds an address, one round (a smoke run that the script works).
``--postgres ADMIN_URL`` (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test): Parity
serves a scratch PostgreSQL database loaded with the same bundled data (created there and
dropped at the end), as a deployment would; Datasette, which reads SQLite files only, keeps
serving the SQLite copy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from _common import PARITY, create_pg_database, drop_pg_database, load

HOST = "127.0.0.1"
MAX_SECONDS = 60  # per address and round
YEAR = 2023
SENIOR = "('chief_inspector', 'superintendent', 'chief_superintendent', 'chief_officer')"
FEMALE = "SUM(CASE WHEN sex = 'female' THEN fte ELSE 0 END)"
QUERIES = {
    "representation": f"""
        SELECT year, {FEMALE} AS female,
               SUM(CASE WHEN sex = 'male' THEN fte ELSE 0 END) AS male,
               SUM(fte) AS total, {FEMALE} / SUM(fte) AS share_female
        FROM workforce_counts
        WHERE force_id = :force AND worker_type = 'officer'
          AND year IN (CAST(:year AS INTEGER), CAST(:year AS INTEGER) - 1,
                       CAST(:year AS INTEGER) - 5)
        GROUP BY year ORDER BY year DESC""",
    "league": f"""
        SELECT force_id, {FEMALE} AS female,
               SUM(CASE WHEN sex = 'male' THEN fte ELSE 0 END) AS male,
               SUM(fte) AS total, {FEMALE} / SUM(fte) AS share_female,
               SUM(CASE WHEN sex = 'female' AND rank IN {SENIOR} THEN fte ELSE 0 END)
                 / SUM(CASE WHEN rank IN {SENIOR} THEN fte END) - {FEMALE} / SUM(fte)
                 AS senior_gap
        FROM workforce_counts
        WHERE year = CAST(:year AS INTEGER) AND worker_type = 'officer'
          AND force_id != 'british-transport-police'
        GROUP BY force_id ORDER BY share_female DESC""",
}
# (label, Parity's address, Datasette's address for the same question or None)
ADDRESSES = [
    ("force page", "/forces/hertfordshire", None),
    ("overview /", "/", None),
    ("league page", "/league", None),
    ("API representation", f"/api/v1/representation?area=Kent&year={YEAR}",
     f"/bench/representation.json?force=kent&year={YEAR}&_shape=array"),
    ("API league", f"/api/v1/league?year={YEAR}",
     f"/bench/league.json?year={YEAR}&_shape=array"),
]
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Runs:
    """One server's figures for one address: each round's wrk summary."""

    requests: int = 0
    seconds: float = 0.0
    p50_ms: list[float] = field(default_factory=list)
    p95_ms: list[float] = field(default_factory=list)
    errors: int = 0
    cold_ms: float | None = None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 60) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
        return response.status, response.read()


def start(argv: list[str], env: dict, ready_url: str, name: str) -> subprocess.Popen:
    """Start a server in a process group of its own and wait (60 s at most) until it answers."""
    proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} stopped: {proc.stderr.read().decode()[-2000:]}")
        try:
            if get(ready_url, timeout=5)[0] == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise SystemExit(f"{name} did not answer within 60 s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def wrk(url: str, *, seconds: float, connections: int, script: Path) -> tuple[int, float, float,
                                                                          float, int]:
    """(requests, seconds, p50 ms, p95 ms, errors) of one wrk run against `url`."""
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s",
                          "--timeout", "30s", "-s", str(script), url],
                         capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    requests, micros, p50, p95, status, socket_errors = (int(x) for x in line.split()[1:])
    return requests, micros / 1e6, p50 / 1000, p95 / 1000, status + socket_errors


def load_bundled(url: str, what: str) -> None:
    t = time.perf_counter()
    subprocess.run([PARITY, "import", "bundled"], env={**os.environ, "PARITY_DATABASE_URL": url},
                   check=True, stdout=subprocess.DEVNULL, timeout=900)
    print(f"parity import bundled into {what}: {time.perf_counter() - t:.1f} s")


def prepare(folder: Path) -> Path:
    db = folder / "bench.db"
    load_bundled(f"sqlite:///{db}", "a new SQLite file")
    (folder / "metadata.json").write_text(json.dumps(
        {"databases": {"bench": {"queries": {name: {"sql": " ".join(sql.split())}
                                             for name, sql in QUERIES.items()}}}}))
    return db


def same_answers(parity: str, datasette: str) -> None:
    """Check that both servers answer the same question with the same figures (Kent's share,
    the league's first force) before timing them."""
    ours = json.loads(get(parity + ADDRESSES[3][1])[1])
    theirs = json.loads(get(datasette + ADDRESSES[3][2])[1])
    assert abs(ours["share_female"] - theirs[0]["share_female"]) < 1e-9, (ours, theirs[0])
    assert abs(ours["share_female_previous_year"] - theirs[1]["share_female"]) < 1e-9
    ours = json.loads(get(parity + ADDRESSES[4][1])[1])["forces"]
    theirs = json.loads(get(datasette + ADDRESSES[4][2])[1])
    assert [r["force_id"] for r in ours] == [r["force_id"] for r in theirs], "league order"
    assert abs(ours[0]["senior_gap"] - theirs[0]["senior_gap"]) < 1e-9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 s an address, one round")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="parity serve --workers")
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="serve Parity from a scratch "
                        "PostgreSQL database made on this server (Datasette keeps SQLite)")
    args = parser.parse_args()
    seconds = 3 if args.quick else max(1.0, min(args.seconds, MAX_SECONDS))
    rounds = 1 if args.quick else max(1, min(args.rounds, 10))
    connections = max(1, min(args.connections, 500))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    datasette_bin = Path(sys.executable).parent / "datasette"
    if not datasette_bin.exists():
        raise SystemExit("datasette is not installed (pip install 'datasette>=0.65')")

    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"bench_web: {connections} connections, {seconds:g} s an address, {rounds} "
          f"round(s), parity serve --workers {args.workers} on {engine}; {load()}")
    folder = Path(tempfile.mkdtemp(prefix="parity-bench-web-"))
    script = folder / "report.lua"
    script.write_text(WRK_SCRIPT)
    servers: list[subprocess.Popen] = []
    scratch = f"parity_bench_web_{os.getpid()}"
    try:
        db = prepare(folder)
        url = f"sqlite:///{db}"
        if args.postgres:
            url = create_pg_database(args.postgres, scratch)
            load_bundled(url, "a new PostgreSQL database")
        port, peer_port = free_port(), free_port()
        parity = f"http://{HOST}:{port}"
        datasette = f"http://{HOST}:{peer_port}"
        servers.append(start([PARITY, "serve", "--no-load", "--host", HOST, "--port", str(port),
                              "--no-access-log", "--workers", str(args.workers)],
                             {"PARITY_DATABASE_URL": url},
                             parity + "/api/v1/forces", "parity serve"))
        servers.append(start([str(datasette_bin), "serve", str(db), "--host", HOST, "--port",
                              str(peer_port), "--metadata", str(folder / "metadata.json")],
                             {}, datasette + "/-/versions.json", "datasette"))
        results: dict[tuple[str, str], Runs] = {}
        for label, ours, theirs in ADDRESSES:
            for who, base, path in (("parity", parity, ours), ("datasette", datasette, theirs)):
                if path is None:
                    continue
                t = time.perf_counter()
                status, _ = get(base + path)
                assert status == 200, (who, path, status)
                results[(label, who)] = Runs(cold_ms=(time.perf_counter() - t) * 1000)
        same_answers(parity, datasette)
        for _ in range(rounds):
            for label, ours, theirs in ADDRESSES:
                for who, base, path in (("parity", parity, ours),
                                        ("datasette", datasette, theirs)):
                    if path is None:
                        continue
                    n, secs, p50, p95, errors = wrk(base + path, seconds=seconds,
                                                    connections=connections, script=script)
                    runs = results[(label, who)]
                    runs.requests += n
                    runs.seconds += secs
                    runs.p50_ms.append(p50)
                    runs.p95_ms.append(p95)
                    runs.errors += errors
    finally:
        for proc in servers:
            stop(proc)
        shutil.rmtree(folder, ignore_errors=True)
        if args.postgres:
            drop_pg_database(args.postgres, scratch)

    print(f"\nParity on {engine}, Datasette on SQLite")
    print(f"\n{'address':20} {'server':10} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'errors':>6} {'cold ms':>8} {'Parity/Datasette req/s':>23}")
    for label, _, theirs in ADDRESSES:
        for who in ("parity", "datasette"):
            runs = results.get((label, who))
            if runs is None:
                continue
            ratio = ""
            if who == "parity" and theirs is not None:
                ratio = f"{runs.rate / results[(label, 'datasette')].rate:.2f}x"
            print(f"{label:20} {who:10} {runs.rate:8.1f} {statistics.median(runs.p50_ms):8.1f} "
                  f"{statistics.median(runs.p95_ms):8.1f} {runs.errors:6d} "
                  f"{runs.cold_ms:8.0f} {ratio:>23}")
    print("\nmedians of the rounds' p50 and p95; req/s over all rounds; the floor (issue 13): "
          "p95 under 100 ms at 50 connections, the API at least Datasette's req/s")
    print(f"after: {load()}")


if __name__ == "__main__":
    main()

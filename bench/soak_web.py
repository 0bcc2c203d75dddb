"""A soak: the served app driven for minutes at 50 connections — public pages, the API and
signed-in uploads to the private area — counting errors, the 95th percentile latency and the
server's memory growth after the first minute.

Loads the bundled data into a new SQLite file (`parity import bundled`), adds an analyst of
Kent (`parity users add`), serves it with `parity serve` on a free 127.0.0.1 port and signs in
as that analyst. Then 50 clients (asyncio + httpx, one connection each) send, until the time
is up, a fixed mix: every 20 requests, 11 public pages (force pages of every force, several
years, the overview, league, trends, context), 5 API answers, 2 private pages, and 2 uploads
— a payroll extract (its pay gap is computed and shown, never stored), then alternately an HR
extract (imported; the same file again changes nothing) and a payroll file missing its
columns, which must be refused with a 400 (an intended 4xx).

Printed: requests and errors by kind — an error is any answer other than the one expected (a
5xx always), or no answer within 30 s — p50 and p95, and the server's resident memory
(VmRSS, /proc/<pid>/status, summed over its processes) at the end of the warm-up (the first
minute, or the first third of a shorter run) and at the end. The floor (issue 11): 0 errors,
memory growth under 5% after the first minute. Loopback only; bounded (at most 60 minutes);
the server is stopped at the end.

    .venv/bin/python bench/soak_web.py [--minutes M] [--connections C] [--workers W]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx
from _common import PARITY, load

HOST = "127.0.0.1"
EMAIL, PASSWORD = "soak.analyst@example.org", "a soak test password, long enough"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORCES = ["kent", "hertfordshire", "metropolitan-police", "essex", "cumbria", "north-wales",
          "greater-manchester", "west-midlands", "dyfed-powys", "thames-valley"]
PAYROLL_COLUMNS = ("employee_id", "sex", "ordinary_pay", "bonus_pay_in_period",
                   "pay_period_days", "weekly_hours", "full_pay", "bonus_pay_12m")
HR_COLUMNS = ("person_id", "sex", "event", "date", "worker_type", "rank", "from_rank", "fte",
              "leaving_reason")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def write_files(folder: Path) -> dict[str, Path]:
    """A made-up payroll extract (300 people), a made-up HR extract (80 officers joining in
    2019, some promoted or leaving since) and a payroll file without its columns."""
    rng = random.Random(11)
    payroll = folder / "payroll.csv"
    with open(payroll, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(PAYROLL_COLUMNS)
        for k in range(300):
            sex = "Female" if k % 3 == 0 else "Male"
            hourly = rng.uniform(14, 40) * (0.93 if sex == "Female" else 1.0)
            out.writerow([f"E{k:04d}", sex, f"{hourly * 37 * 2:.2f}", "", 14, 37, "true", ""])
    hr = folder / "hr.csv"
    with open(hr, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HR_COLUMNS)
        for k in range(80):
            sex = "Female" if k % 2 else "Male"
            out.writerow([f"P{k:03d}", sex, "joining", "2019-05-01", "Police Officer",
                          "Constable", "", 1, ""])
        for k in range(0, 80, 9):
            out.writerow([f"P{k:03d}", "Female" if k % 2 else "Male", "promotion",
                          "2020-06-01", "Police Officer", "Sergeant", "Constable", 1, ""])
        for k in range(3, 80, 13):
            out.writerow([f"P{k:03d}", "Female" if k % 2 else "Male", "leaving",
                          "2020-10-31", "Police Officer", "Constable", "", 1, "resignation"])
    bad = folder / "bad-payroll.csv"
    bad.write_text("name,amount\nsomeone,12\n", encoding="utf-8")
    return {"payroll": payroll, "hr": hr, "bad": bad}


def prepare(folder: Path) -> Path:
    db = folder / "soak.db"
    env = {**os.environ, "PARITY_DATABASE_URL": f"sqlite:///{db}"}
    subprocess.run([PARITY, "import", "bundled"], env=env, check=True, timeout=900,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([PARITY, "users", "add", "--email", EMAIL, "--role", "analyst", "--force",
                    "Kent", "--password-stdin"], env=env, input=PASSWORD + "\n", text=True,
                   check=True, timeout=120, stdout=subprocess.DEVNULL)
    return db


def server_rss_kb(leader: int) -> int:
    """The resident memory (VmRSS, kB) of every process in the server's process group."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != leader:  # the process group
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total


def plan() -> list[tuple[str, str, str]]:
    """(kind, method, what) for one cycle of 20 requests; `what` is an address or an upload."""
    pages = [f"/forces/{force}" for force in FORCES[:6]] + ["/", "/league?group=senior",
                                                           "/forces", "/trend?area=Wales",
                                                           "/context"]
    api = ["/api/v1/representation?area=Kent&group=senior", "/api/v1/league?year=2022",
           "/api/v1/overview", "/api/v1/trend?area=Essex", "/api/v1/forces"]
    private = ["/private/forces/kent", "/private/forces/kent/flows?year=2021"]
    return ([("page", "GET", p) for p in pages] + [("api", "GET", p) for p in api]
            + [("private", "GET", p) for p in private]
            + [("upload", "POST", "payroll"), ("upload", "POST", "hr-or-bad")])


async def drive(base: str, cookie: str, token: str, files: dict[str, Path], *, seconds: float,
                connections: int) -> tuple[list[tuple[str, float, bool]], Counter]:
    cycle = plan()
    results: list[tuple[str, float, bool]] = []
    errors: Counter = Counter()
    stop_at = time.monotonic() + seconds
    uploads = {name: path.read_bytes() for name, path in files.items()}
    counter = 0

    async def one(client: httpx.AsyncClient, n: int) -> None:
        kind, method, what = cycle[n % len(cycle)]
        headers = {"Cookie": f"parity_session={cookie}"} if kind in ("private", "upload") else {}
        expected = {200}
        if method == "GET":
            if kind == "private" and "flows" in what:
                expected = {200, 400}  # before the first HR extract lands: no flows yet
            request = client.get(what, headers=headers)
        else:
            if what == "payroll":
                name, target = "payroll", "/private/forces/kent/paygap"
            else:
                name = "hr" if (n // len(cycle)) % 2 else "bad"
                target = ("/private/forces/kent/flows" if name == "hr"
                          else "/private/forces/kent/paygap")
                expected = {303} if name == "hr" else {400}
            what = f"{target} ({name})"
            request = client.post(target, headers=headers, data={"csrf_token": token},
                                  files={"extract": (files[name].name, uploads[name],
                                                     "text/csv")})
        started = time.perf_counter()
        try:
            response = await request
            ok = response.status_code in expected
            if not ok:
                errors[f"{response.status_code} {what}"] += 1
        except httpx.HTTPError as exc:
            ok = False
            errors[f"{type(exc).__name__} {what}"] += 1
        results.append((kind, time.perf_counter() - started, ok))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal counter
        while time.monotonic() < stop_at:
            counter += 1
            await one(client, counter)

    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(base_url=base, timeout=30, limits=limits,
                                 follow_redirects=False) for _ in range(connections)]
    try:
        await asyncio.gather(*(worker(c) for c in clients))
    finally:
        for c in clients:
            await c.aclose()
    return results, errors


def sign_in(base: str) -> tuple[str, str]:
    """(session cookie, CSRF token of the private area) of the soak's analyst."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        token = CSRF.search(client.get("/sign-in").text).group(1)
        done = client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD,
                                             "csrf_token": token})
        assert done.status_code == 303, (done.status_code, done.text[:300])
        cookie = done.cookies["parity_session"]
        page = client.get("/private/forces/kent", headers={"Cookie": f"parity_session={cookie}"})
        return cookie, CSRF.search(page.text).group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="parity serve --workers")
    args = parser.parse_args()
    seconds = max(0.25, min(args.minutes, 60)) * 60
    warmup = min(60.0, seconds / 3)
    connections = max(1, min(args.connections, 200))
    print(f"soak_web: {seconds / 60:g} min at {connections} connections, parity serve "
          f"--workers {args.workers}; warm-up {warmup:.0f} s; {load()}")

    folder = Path(tempfile.mkdtemp(prefix="parity-soak-"))
    server = None
    try:
        db = prepare(folder)
        files = write_files(folder)
        port = free_port()
        base = f"http://{HOST}:{port}"
        server = subprocess.Popen(
            [PARITY, "serve", "--no-load", "--host", HOST, "--port", str(port),
             "--no-access-log", "--workers", str(args.workers)],
            env={**os.environ, "PARITY_DATABASE_URL": f"sqlite:///{db}"},
            stdout=subprocess.DEVNULL, stderr=open(folder / "server.log", "w"),  # noqa: SIM115
            start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/v1/forces", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start: "
                                 + (folder / "server.log").read_text()[-2000:])
            time.sleep(0.3)
        cookie, token = sign_in(base)

        samples: list[tuple[float, int]] = []

        async def run() -> tuple[list, Counter]:
            began = time.monotonic()

            async def sample() -> None:
                while True:
                    samples.append((time.monotonic() - began, server_rss_kb(server.pid)))
                    await asyncio.sleep(2)

            sampler = asyncio.create_task(sample())
            try:
                return await drive(base, cookie, token, files, seconds=seconds,
                                   connections=connections)
            finally:
                sampler.cancel()
                samples.append((time.monotonic() - began, server_rss_kb(server.pid)))

        started = time.perf_counter()
        results, errors = asyncio.run(run())
        wall = time.perf_counter() - started
        # what the server logged: the exceptions' last lines ("sqlalchemy.exc.TimeoutError: ...")
        server_errors = Counter(
            ln.strip()[:160] for ln in (folder / "server.log").read_text().splitlines()
            if re.match(r"^\s*[\w.]+(Error|Exception|Timeout)\b.*:", ln))
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)

    by_kind: dict[str, list[float]] = defaultdict(list)
    failed = Counter()
    for kind, elapsed, ok in results:
        by_kind[kind].append(elapsed)
        failed[kind] += not ok
    print(f"\n{len(results)} requests in {wall:.0f} s ({len(results) / wall:.1f} req/s)")
    print(f"{'kind':10} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for kind in ("page", "api", "private", "upload"):
        times = sorted(by_kind.get(kind, []))
        if not times:
            continue
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{kind:10} {len(times):9d} {failed[kind]:7d} {statistics.median(times) * 1000:8.1f} "
              f"{p95 * 1000:8.1f}")
    total_errors = sum(failed.values())
    print(f"errors: {total_errors}" + ("".join(f"\n  {n} x {what}" for what, n in
                                               errors.most_common(10))))
    for line, n in server_errors.most_common(5):
        print(f"server log: {n} x {line}")
    after_warmup = next((kb for t, kb in samples if t >= warmup), samples[-1][1])
    final = samples[-1][1]
    growth = (final - after_warmup) / after_warmup * 100 if after_warmup else 0.0
    print(f"server memory (VmRSS): {samples[0][1] / 1024:.0f} MB at the start, "
          f"{after_warmup / 1024:.0f} MB after the warm-up ({warmup:.0f} s), "
          f"{final / 1024:.0f} MB at the end: growth after the warm-up {growth:+.1f}%")
    verdict = "met" if total_errors == 0 and growth < 5 else "NOT met"
    print(f"floor (0 errors, memory growth under 5% after the first minute): {verdict}")
    print(f"after: {load()}")


if __name__ == "__main__":
    main()

"""A small, bounded load check of the web app over loopback (127.0.0.1 only).

Serves the app with uvicorn on a free loopback port (SQLite with the real Home Office table,
one signed-in analyst), then sends a fixed number of requests from a few client threads —
public pages, the JSON API, and a private page with a session cookie — and prints the
requests per second and the median and 95th-percentile latency, overall and per kind.
Bounded: at most `--requests` requests (default 600, never more than 5,000) and `--seconds`
of sending (default 60, never more than 120). Run:

    .venv/bin/python bench/bench_web_load.py [--requests N] [--threads T] [--seconds S]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy.orm import Session

from parity.store import make_engine, upgrade

HOST = "127.0.0.1"
MAX_REQUESTS, MAX_SECONDS = 5000, 120
PASSWORD = "a bench password, long enough"
PATHS = {
    "page": ["/", "/forces", "/forces/kent", "/league?group=senior", "/trend?area=Kent"],
    "api": ["/api/v1/representation?area=Kent&group=senior", "/api/v1/league?year=2023",
            "/api/v1/overview", "/api/v1/trend?area=Wales"],
    "private": ["/private/forces/kent"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def prepare(folder: Path) -> str:
    from parity.accounts import service as accounts
    from parity.workforce.importer import import_workforce

    url = f"sqlite:///{folder / 'load.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s:
        import_workforce(s)
        accounts.add_user(s, email="bench@example.org", role="analyst", force="Kent",
                          password=PASSWORD)
        s.commit()
    engine.dispose()
    return url


def serve(url: str, port: int):  # noqa: ANN201
    import uvicorn

    from parity.web.app import create_app

    server = uvicorn.Server(uvicorn.Config(create_app(url), host=HOST, port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the server did not start within 30 s")
        time.sleep(0.05)
    return server, thread


def sign_in(base: str) -> str:
    import re

    with httpx.Client(base_url=base, follow_redirects=False) as client:
        form = client.get("/sign-in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        done = client.post("/sign-in", data={"email": "bench@example.org",
                                             "password": PASSWORD, "csrf_token": token})
        assert done.status_code == 303, done.status_code
        return done.cookies["parity_session"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    total = max(1, min(args.requests, MAX_REQUESTS))
    budget = max(1.0, min(args.seconds, MAX_SECONDS))
    threads = max(1, min(args.threads, 16))

    folder = Path(tempfile.mkdtemp(prefix="parity-bench-load-"))
    url = prepare(folder)
    port = free_port()
    server, thread = serve(url, port)
    base = f"http://{HOST}:{port}"
    cookie = sign_in(base)
    plan = [(kind, path) for kind, paths in PATHS.items() for path in paths]
    stop_at = time.monotonic() + budget
    results: list[tuple[str, float, int]] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=30,
                          cookies={"parity_session": cookie}) as client:
            for i in counter:
                if time.monotonic() > stop_at:
                    return
                kind, path = plan[i % len(plan)]
                started = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - started
                with lock:
                    results.append((kind, elapsed, response.status_code))

    # warm up each address once (first-request imports and caches are not load)
    with httpx.Client(base_url=base, cookies={"parity_session": cookie}) as client:
        for _, path in plan:
            client.get(path)
    began = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        for _ in range(threads):
            pool.submit(worker)
    wall = time.perf_counter() - began
    server.should_exit = True
    thread.join(10)

    bad = [r for r in results if r[2] != 200]
    print(f"load over loopback: {len(results)} requests from {threads} threads in "
          f"{wall:.2f} s (SQLite, one uvicorn worker); non-200 answers: {len(bad)}")
    print(f"{'kind':10} {'requests':>8} {'req/s':>8} {'median ms':>10} {'p95 ms':>8}")

    def line(kind: str, times: list[float]) -> None:
        times = sorted(times)
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        print(f"{kind:10} {len(times):8d} {len(times) / wall:8.1f} "
              f"{statistics.median(times) * 1000:10.1f} {p95 * 1000:8.1f}")

    for kind in PATHS:
        line(kind, [t for k, t, _ in results if k == kind])
    line("all", [t for _, t, _ in results])


if __name__ == "__main__":
    main()

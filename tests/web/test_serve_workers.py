"""`parity serve --workers N --no-access-log`: several processes on one port, answering with
the same ETag (one installation, one data version), no line per request in the log."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.cli_runner import parity


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def test_two_workers_answer_alike_without_an_access_log(sqlite_url, tmp_path) -> None:  # noqa: ANN001
    port = _free_port()
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "parity", "serve", "--no-load", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "2", "--no-access-log"],
        env={**os.environ, "PARITY_DATABASE_URL": sqlite_url}, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(base + "/api/v1/forces", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, \
                (tmp_path / "server.log").read_text()[-3000:]
            time.sleep(0.3)
        # the supervisor and its two workers (a multiprocessing helper may sit beside them)
        workers = [pid for pid in _children(server.pid)
                   if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(workers) == 2
        with httpx.Client(base_url=base, timeout=60) as client:
            answers = [client.get("/league") for _ in range(6)]
            assert {a.status_code for a in answers} == {200}
            assert len({a.headers["etag"] for a in answers}) == 1
            assert client.get("/league", headers={"If-None-Match": answers[0].headers["etag"]}
                              ).status_code == 304
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        log.close()
    text = (tmp_path / "server.log").read_text()
    assert "GET /league" not in text, text[-2000:]


def test_workers_out_of_range_are_refused(sqlite_url) -> None:  # noqa: ANN001
    run = parity("serve", "--no-load", "--workers", "0", db_url=sqlite_url)
    assert run.code == 2
    assert "--workers" in run.stderr

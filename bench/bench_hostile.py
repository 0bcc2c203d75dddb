"""Every hostile file on every importer and every upload, as a user would send it.

- The command line: the whole ``parity`` command in a new process, timed, with its peak memory
  (maximum resident set size of the child); every hostile spreadsheet on every spreadsheet
  importer, the YAML alias bombs on ``import articles --strict`` and ``commitments import``.
- The uploads: a real server (uvicorn, loopback only), a signed-in Kent analyst posting every
  hostile XLSX to every upload of the private area (pay gap, HR extract, the return's payroll);
  each answer timed, the server's peak memory (VmHWM) read at the end, and the server must
  still answer.

Floors (issue 11): exit status 2 (a 400 for an upload) within 20 s and under 1 GB for each.
The files are made by tests/hardening/hostile.py. Prints one line per (file, command) and the
worst figures; exits 1 if a floor is missed. Run as ``.venv/bin/python bench/bench_hostile.py``;
``--quick`` runs one hostile file per command and per upload (a check that the bench works).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hardening import hostile  # noqa: E402

FILES = hostile.FILES
# The hostile text files: (file name, its text, the command). A bad file is skipped by a
# folder import of articles; --strict makes it the whole import's refusal (exit 2).
TEXT_FILES = [
    ("bomb.md", hostile.alias_bomb_article, ["import", "articles", "{file}", "--strict"]),
    ("commitments.yaml", lambda: "commitments:\n" + "".join(
        f"  {line}\n" for line in hostile.alias_bomb_yaml().splitlines()),
     ["commitments", "import", "{file}"]),
]
UPLOADS = {"pay gap": ("/private/forces/kent/paygap", "/private/forces/kent"),
           "HR extract": ("/private/forces/kent/flows", "/private/forces/kent"),
           "return's payroll": ("/private/returns/2023/forces/kent/payroll",
                                "/private/returns/2023/forces/kent")}
COMMANDS = {
    "import workforce": (["import", "workforce"], "workforce"),
    "import hr": (["import", "hr", "{file}", "--force", "Kent"], "extract"),
    "import crime": (["import", "crime"], "pfatablesdec19"),
    "import paygap-returns": (["import", "paygap-returns"], "UK Gender Pay Gap Data - 2019 to 2020"),
    "paygap compute": (["paygap", "compute"], "payroll"),
}


def run(args: list[str], env: dict) -> tuple[int, float, float, str]:
    """(exit status, seconds, peak MB of the child, last line of stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "parity", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.read() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    return code, seconds, usage.ru_maxrss / 1024, (stderr.strip().splitlines() or [""])[0]


def command_line(folder: Path, env: dict, quick: bool) -> tuple[int, float, float]:
    failures = 0
    worst_s = worst_mb = 0.0
    cases = []
    for k, (name, make) in enumerate(FILES.items()):
        for j, (label, (args, stem)) in enumerate(COMMANDS.items()):
            if not quick or j == k % len(COMMANDS):
                cases.append((name, make, label, args, stem + Path(name).suffix))
    for name, make, args in TEXT_FILES:
        cases.append((name, lambda m=make: m().encode(), " ".join(args[:2]), args, name))
    for name, make, label, args, saved_as in cases:
        path = folder / saved_as
        path.write_bytes(make())
        full = [a.replace("{file}", str(path)) for a in args]
        if "{file}" not in " ".join(args):
            full = [*args, str(path)]
        code, seconds, mb, line = run(full, env)
        ok = code == 2 and seconds < 20 and mb < 1024
        failures += not ok
        worst_s, worst_mb = max(worst_s, seconds), max(worst_mb, mb)
        print(f"{'ok  ' if ok else 'FAIL'} {name:32} {label:22} exit {code}  {seconds:5.1f} s  "
              f"{mb:6.0f} MB  {line[:70]}")
        path.unlink()
    return failures, worst_s, worst_mb


def _peak_mb(pid: int) -> float:
    """The peak resident set size of process `pid` (Linux: VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def uploads(folder: Path, quick: bool) -> tuple[int, float, float]:
    """Every hostile XLSX to every upload of a real server; (failures, worst s, peak MB)."""
    from datetime import date

    from sqlalchemy.orm import Session
    from tests.hardening.live import csrf_of, running, signed_in

    from parity.returns import service as returns
    from parity.store import make_engine, upgrade

    url = f"sqlite:///{folder / 'uploads.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        returns.open_year(session, year=2023, deadline=date(2100, 12, 31),
                          opens_on=date(2000, 1, 1),
                          actor=returns.Actor("coord@example.org", "coordinator"))
        session.commit()
    engine.dispose()
    names = [n for n in FILES if n.endswith(".xlsx")]
    failures = 0
    worst_s = 0.0
    with running(url) as server:
        client = signed_in(server)
        for k, name in enumerate(names):
            data = FILES[name]()
            for j, (label, (post, page)) in enumerate(UPLOADS.items()):
                if quick and j != k % len(UPLOADS):
                    continue
                token = csrf_of(client.get(page).text)
                start = time.perf_counter()
                response = client.post(post, data={"csrf_token": token},
                                       files={"extract": (name, data)})
                seconds = time.perf_counter() - start
                ok = response.status_code == 400 and seconds < 20 and server.alive()
                failures += not ok
                worst_s = max(worst_s, seconds)
                print(f"{'ok  ' if ok else 'FAIL'} {name:32} upload: {label:14} "
                      f"{response.status_code}  {seconds:5.1f} s")
        alive = server.alive() and client.get("/api/v1/forces").status_code == 200
        peak = _peak_mb(server.process.pid)
        client.close()
    failures += not alive or not peak < 1024
    print(f"{'ok  ' if alive else 'FAIL'} the server still answers; its peak memory "
          f"{peak:.0f} MB (floor 1024 MB)")
    return failures, worst_s, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="one hostile file per command and per upload")
    quick = parser.parse_args().quick
    print(f"load: {os.getloadavg()[0]:.1f} (1-minute average, {os.cpu_count()} cores)")
    folder = Path(tempfile.mkdtemp(prefix="parity-hostile-"))
    env = {**os.environ, "PARITY_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}"}
    failures, worst_s, worst_mb = command_line(folder, env, quick)
    failed_uploads, upload_s, server_mb = uploads(folder, quick)
    failures += failed_uploads
    print(f"worst: {max(worst_s, upload_s):.1f} s (floor 20 s), command line "
          f"{worst_mb:.0f} MB, server {server_mb:.0f} MB (floor 1024 MB); {failures} failures")
    print(f"children's total CPU: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

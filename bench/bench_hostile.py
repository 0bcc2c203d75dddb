"""Every hostile spreadsheet on every importer, as a user would run it: the whole ``parity``
command in a new process, timed, with its peak memory (maximum resident set size of the child).

Floors (issue 11): exit status 2 within 20 s and under 1 GB for each. The files are made by
tests/hardening/hostile.py. Prints one line per (file, command) and the worst figures; exits
1 if a floor is missed. Run as ``.venv/bin/python bench/bench_hostile.py``.
"""

from __future__ import annotations

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


def main() -> int:
    print(f"load: {os.getloadavg()[0]:.1f} (1-minute average, {os.cpu_count()} cores)")
    folder = Path(tempfile.mkdtemp(prefix="parity-hostile-"))
    env = {**os.environ, "PARITY_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}"}
    failures = 0
    worst_s = worst_mb = 0.0
    for name, make in FILES.items():
        data = make()
        suffix = Path(name).suffix
        for label, (args, stem) in COMMANDS.items():
            path = folder / f"{stem}{suffix}"
            path.write_bytes(data)
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
        del data
    print(f"worst: {worst_s:.1f} s (floor 20 s), {worst_mb:.0f} MB (floor 1024 MB); "
          f"{failures} failures")
    print(f"children's total CPU: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

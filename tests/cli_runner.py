"""Running the real ``parity`` command in a subprocess, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self):  # noqa: ANN201
        return json.loads(self.stdout)


def parity(*args: str, db_url: str, cwd: str | None = None, env: dict | None = None) -> Run:
    full_env = {**os.environ, "PARITY_DATABASE_URL": db_url, "COLUMNS": "160", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "parity", *args], capture_output=True, text=True, env=full_env,
        cwd=cwd, timeout=600,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)

"""What ``parity --help`` and ``parity forces --json`` import, as a user starts them (issue 13).

Not a timing test: the floor (under 0.25 s on a quiet machine) is measured by
``bench/bench_cli.py``. This reads ``python -X importtime`` of the whole process, which lists
every module the command imports, and fails if any library that costs tenths of a second at
start-up (or any domain's code) is among them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# Whole libraries that a listing or the force registry has no use for: the database, the
# data frames, the PDF engine, the templates, Rich (Typer's help panels) and PyYAML (the
# registry reads forces.json).
HEAVY = frozenset({"sqlalchemy", "alembic", "pandas", "numpy", "pyarrow", "scipy", "statsmodels",
                   "weasyprint", "jinja2", "rich", "markdown_it", "yaml", "fastapi",
                   "pydantic", "duckdb", "matplotlib"})
# The domains: a listing of commands imports none of them; forces --json its own only.
DOMAINS = frozenset({"workforce", "flows", "paygap", "context", "commitments", "library",
                     "accounts", "returns", "reports", "web", "store", "bundled"})


def imported(*args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "parity", *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "100"})
    modules = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
               if line.startswith("import time:") and "|" in line}
    return proc, modules


@pytest.mark.parametrize("args", [("--help",), ("forces", "--json"), ("import", "--help")])
def test_start_up_imports_no_heavy_library(args):
    proc, modules = imported(*args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "typer" in modules  # the reading works: the command's own library is listed
    heavy = sorted({m.split(".")[0] for m in modules} & HEAVY)
    assert heavy == [], f"parity {' '.join(args)} imports {heavy}"
    allowed = {"forces"} if args[0] == "forces" else set()
    domains = sorted(m for m in modules if m.startswith("parity.")
                     and m.split(".")[1] in DOMAINS - allowed)
    assert domains == [], f"parity {' '.join(args)} imports {domains}"


def test_forces_json_lists_every_force_without_yaml():
    proc, modules = imported("forces", "--json")
    forces = json.loads(proc.stdout)
    assert len(forces) == 48 and forces[0]["id"] == "avon-and-somerset"
    assert "yaml" not in modules and "parity.forces.registry" in modules

"""Project conventions: every command documented, every --json valid, fast start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from parity.cli import COMMAND_LIST, load_commands
from parity.commands import app

ROOT = Path(__file__).resolve().parent.parent


def command_paths() -> list[str]:
    load_commands()
    group = typer.main.get_command(app)
    paths: list[str] = []

    def walk(cmd, prefix):  # noqa: ANN001, ANN202
        for name, sub in getattr(cmd, "commands", {}).items():
            if hasattr(sub, "commands"):
                walk(sub, f"{prefix} {name}")
            else:
                paths.append(f"{prefix} {name}")

    walk(group, "parity")
    return sorted(paths)


def docs_text() -> str:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def test_every_command_is_documented():
    text = docs_text()
    missing = [p for p in command_paths() if p not in text]
    assert not missing, f"commands missing from README.md or docs/: {missing}"


def test_every_setting_is_documented():
    import re

    text = docs_text()
    settings = set()
    for path in (ROOT / "src").rglob("*.py"):
        settings |= set(re.findall(r"PARITY_[A-Z_]+", path.read_text(encoding="utf-8")))
    assert "PARITY_DATABASE_URL" in settings
    missing = sorted(s for s in settings if s not in text)
    assert not missing, f"settings missing from README.md or docs/: {missing}"


def _fresh(code: str) -> str:
    # The order of a shared group's commands (import, synth, paygap) is the order their domains'
    # modules were imported: in a fresh interpreter, by domain name, as `make commands` and the
    # old eager CLI import them; in a test worker, whatever other tests imported first.
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "COLUMNS": "120"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_the_command_list_matches_the_code():
    listed = json.loads(COMMAND_LIST.read_text(encoding="utf-8"))
    code = "import json; from parity.cli import command_tree; print(json.dumps(command_tree()))"
    assert listed == json.loads(_fresh(code)), \
        "src/parity/commands.json is out of date: run `make commands`"


LAZY_AGAINST_EAGER = """
import contextlib, io, json, typer.main
from parity.cli import command_tree, lazy_app
from parity.commands import app

def run(command, args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            command.main(args, prog_name="parity")
        except SystemExit as stop:
            return [stop.code, out.getvalue()]
    return [0, out.getvalue()]

def groups(nodes, prefix=()):
    for node in nodes:
        if "commands" in node:
            yield (*prefix, node["name"])
            yield from groups(node["commands"], (*prefix, node["name"]))

tree = command_tree()
eager, lazy = typer.main.get_command(app), lazy_app()
result = {"differ": [], "usage": [], "typo": run(lazy, ["imprt"])}
for path in [(), *groups(tree), ("forces",), ("import", "workforce")]:
    got = run(lazy, [*path, "--help"])
    if got != run(eager, [*path, "--help"]):
        result["differ"].append(" ".join(path))
    if "Usage: parity" not in got[1]:
        result["usage"].append(" ".join(path))
print(json.dumps(result))
"""


def test_lazy_help_is_the_help_built_from_the_code():
    # Every group's help (its command list) and a command's own help, registered from the list,
    # read exactly as when every domain's module is imported.
    result = json.loads(_fresh(LAZY_AGAINST_EAGER))
    assert result["differ"] == [] and result["usage"] == []
    code, text = result["typo"]
    assert code == 2 and "Did you mean 'import'" in text


HEAVY = ("sqlalchemy", "pandas", "statsmodels", "duckdb", "trafilatura", "scipy", "pyarrow",
         "fastapi", "matplotlib", "weasyprint", "numpy", "pydantic")


@pytest.mark.parametrize("args", [["--help"], ["forces", "--json"], ["import", "--help"],
                                  ["forces", "--help"]])
def test_commands_start_without_heavy_libraries(args):
    code = (
        f"import sys; sys.argv=['parity', *{args!r}]\n"
        "from parity.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert "HEAVY []" in proc.stderr, proc.stderr[-2000:]
    assert proc.stdout.strip()


def test_paygap_compute_reads_a_file_without_the_database(tmp_path):
    # A payroll extract is read, never stored: the command has no use for SQLAlchemy.
    lines = ["employee_id,sex,ordinary_pay,bonus_pay_in_period,pay_period_days,weekly_hours,"
             "full_pay,bonus_pay_12m"]
    lines += [f"E{i},{'MF'[i % 2]},{2000 + 37 * i},0,30.44,37,true,{(i % 3) * 100}"
              for i in range(40)]
    extract = tmp_path / "payroll.csv"
    extract.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = (
        f"import sys; sys.argv=['parity', 'paygap', 'compute', {str(extract)!r}, '--json']\n"
        "from parity.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('SQLALCHEMY', 'sqlalchemy' in sys.modules, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert "SQLALCHEMY False" in proc.stderr, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["counts"]["employees"] == 40


def test_forces_json_through_the_lazy_command():
    proc = subprocess.run([sys.executable, "-m", "parity", "forces", "--json"],
                          capture_output=True, text=True, timeout=120)
    forces = json.loads(proc.stdout)
    assert proc.returncode == 0 and len(forces) >= 44
    assert any(f["name"] == "Hertfordshire Constabulary" or f["id"] == "hertfordshire"
               for f in forces)


def test_the_debian_packages_the_tests_need_are_installed():
    # Browser and PDF tests skip without their tools; this makes a missing install a failure
    # instead (scripts/setup.sh installs scripts/debian-packages.txt).
    listed = [line.strip() for line in (ROOT / "scripts" / "debian-packages.txt").read_text()
              .splitlines() if line.strip() and not line.startswith("#")]
    missing = [pkg for pkg in listed
               if subprocess.run(["dpkg", "-s", pkg], capture_output=True).returncode != 0]
    assert not missing, f"run scripts/setup.sh as root; missing Debian packages: {missing}"

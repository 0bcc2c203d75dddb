"""Project conventions: every command documented, every --json valid, fast start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer.main

from parity.cli import load_commands
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


def test_help_starts_without_heavy_libraries():
    code = (
        "import sys; sys.argv=['parity','--help']\n"
        "from parity.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pandas', 'statsmodels', 'duckdb', 'trafilatura', 'scipy',"
        " 'pyarrow', 'fastapi', 'matplotlib') if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert "HEAVY []" in proc.stderr, proc.stderr[-2000:]


def test_the_debian_packages_the_tests_need_are_installed():
    # Browser and PDF tests skip without their tools; this makes a missing install a failure
    # instead (scripts/setup.sh installs scripts/debian-packages.txt).
    listed = [line.strip() for line in (ROOT / "scripts" / "debian-packages.txt").read_text()
              .splitlines() if line.strip() and not line.startswith("#")]
    missing = [pkg for pkg in listed
               if subprocess.run(["dpkg", "-s", pkg], capture_output=True).returncode != 0]
    assert not missing, f"run scripts/setup.sh as root; missing Debian packages: {missing}"

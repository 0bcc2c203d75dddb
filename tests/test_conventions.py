"""Project conventions: every command documented, fast start-up, and the layers of the code:
every import points down, no cycles, no silent imports inside functions, no long files."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer.main

from parity.cli import COMMAND_LIST, load_commands
from parity.present.commands import ParityGroup, app

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
from parity.present.commands import app, table_options

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
table_options(eager)  # as every command is when it loads: --csv/--xlsx beside --json
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


def test_every_group_lists_whole_first_paragraphs():
    # Click's plain group would cut each command's help at the terminal's width ("...").
    load_commands()
    plain: list[str] = []

    def walk(cmd, prefix):  # noqa: ANN001, ANN202
        if hasattr(cmd, "commands"):
            if not isinstance(cmd, ParityGroup):
                plain.append(prefix)
            for name, sub in cmd.commands.items():
                walk(sub, f"{prefix} {name}")

    walk(typer.main.get_command(app), "parity")
    assert plain == [], f"groups without cls=ParityGroup: {plain}"


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


# The layers (docs/architecture.md) ------------------------------------------------------------
# Every import points down: the floor imports nothing above it; `present` imports the floor
# only; a domain imports the floor, `present`, its own modules and other domains' `service`;
# the front ends (web, reports, the CLI's entry point, the bundled loader) import anything
# below. Imports inside functions count as imports.
SRC = ROOT / "src"
FLOOR = frozenset({"errors", "calendar", "vocabulary", "disclosure", "discovery", "tabular",
                   "forces", "store", "budget", "ranges"})
PRESENT = frozenset({"present"})
DOMAINS = frozenset({"workforce", "flows", "paygap", "context", "commitments", "library",
                     "accounts", "returns"})
FRONT_ENDS = frozenset({"web", "reports", "cli", "bundled", "__main__"})
RANK = {**dict.fromkeys(FLOOR, 1), **dict.fromkeys(PRESENT, 2), **dict.fromkeys(DOMAINS, 3),
        **dict.fromkeys(FRONT_ENDS, 4)}
# A domain's own front end, at home: the modules that draw, serve or print its figures.
DOMAIN_FRONT_MODULES = frozenset({"cli", "views", "api", "report", "charts"})
# One name per kind of file: these are the other names they went by.
OTHER_NAMES = frozenset({"visuals", "pages", "profiles", "plots", "graphs", "routes"})
MAX_LINES = 600
REASON = re.compile(r"#\s*(deferred|cycle):\s*\S")


@dataclass(frozen=True)
class Import:
    source: str  # parity.x.y
    target: str  # parity.a.b (the module imported, or the package if a name in it)
    line: int
    in_function: bool
    reason: bool  # a "# deferred: ..." comment on its line or the line before


def _module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules(src: Path = SRC) -> dict[str, Path]:
    return {_module_name(p, src): p for p in sorted((src / "parity").rglob("*.py"))}


def imports(found: dict[str, Path]) -> list[Import]:
    """Every import of a Parity module by a Parity module, at any depth of the code."""
    out = []
    for name, path in found.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        inner: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                inner |= {id(n) for n in ast.walk(node) if isinstance(n, ast.Import |
                                                                        ast.ImportFrom)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in found else base
                           for a in node.names]
            else:
                continue
            around = " ".join(lines[max(node.lineno - 2, 0):node.lineno])
            for target in targets:
                while target and target not in found:
                    target = target.rpartition(".")[0]
                if target and target != name and target.startswith("parity"):
                    out.append(Import(name, target, node.lineno, id(node) in inner,
                                      bool(REASON.search(around))))
    return out


def _unit(module: str) -> str:
    """The layer unit of a module: ``parity.flows.service`` -> ``flows``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "parity"


def _rank(module: str) -> int:
    """A module's layer; a floor package's own front end (``forces/cli.py``) sits with the
    domains' front ends."""
    parts = module.split(".")
    unit = _unit(module)
    if unit in FLOOR and len(parts) > 2 and parts[2] in DOMAIN_FRONT_MODULES:
        return RANK["workforce"]
    return RANK[unit]


def upward(found_imports: list[Import]) -> list[str]:
    """Every import that points up, or around a domain's service."""
    bad = []
    for imp in found_imports:
        src, dst = _unit(imp.source), _unit(imp.target)
        where = f"{imp.source}:{imp.line} -> {imp.target}"
        if src == "parity" or dst == "parity":
            continue
        if src not in RANK or dst not in RANK:
            bad.append(f"{where} (a package outside the layers: add it to test_conventions)")
        elif src == dst:
            own = imp.source.split(".")
            theirs = imp.target.split(".")
            if (src in DOMAINS and len(own) > 2 and len(theirs) > 2
                    and own[2] not in DOMAIN_FRONT_MODULES and theirs[2] in DOMAIN_FRONT_MODULES):
                bad.append(f"{where} (a domain's core imports its own front end)")
        elif _rank(imp.target) > _rank(imp.source):
            bad.append(f"{where} (up)")
        elif src in DOMAINS and dst in DOMAINS and imp.target != f"parity.{dst}.service":
            bad.append(f"{where} (around {dst}'s service)")
    return bad


def cycles(found_imports: list[Import]) -> list[list[str]]:
    """The import cycles between modules (strongly connected components of two or more)."""
    graph: dict[str, set[str]] = {}
    for imp in found_imports:
        graph.setdefault(imp.source, set()).add(imp.target)
        graph.setdefault(imp.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan, iterative enough for a few hundred modules
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_every_import_points_down():
    bad = upward(imports(modules()))
    assert not bad, "imports pointing up or around a service:\n" + "\n".join(bad)


def test_no_import_cycles():
    found = cycles(imports(modules()))
    assert not found, f"import cycles: {found}"


def test_every_import_inside_a_function_says_why():
    silent = [f"{i.source}:{i.line} -> {i.target}" for i in imports(modules())
              if i.in_function and not i.reason]
    assert not silent, ("imports inside functions without a '# deferred: <measured reason>' "
                        "comment:\n" + "\n".join(silent))


def test_no_file_over_600_lines():
    long = {str(p.relative_to(ROOT)): n for p in sorted((SRC / "parity").rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"files over {MAX_LINES} lines: {long}"


def test_one_name_for_each_kind_of_file():
    odd = [str(p.relative_to(ROOT)) for p in sorted((SRC / "parity").rglob("*.py"))
           if p.stem in OTHER_NAMES]
    assert not odd, (f"{odd}: a domain's files are named importer, models, schemas, service, "
                     "metrics, validation, cli, views, api, report, charts")
    packages = {p.name for p in (SRC / "parity").iterdir() if (p / "__init__.py").exists()}
    assert packages <= set(RANK), f"packages outside the layers: {packages - set(RANK)}"


def test_the_layer_checks_catch_a_bad_import(tmp_path):
    # The checks above on a copy of the code with one import added that points up.
    copy = tmp_path / "src"
    shutil.copytree(SRC / "parity", copy / "parity")
    service = copy / "parity" / "flows" / "service.py"
    service.write_text(service.read_text(encoding="utf-8")
                       + "\n\ndef _bad():\n    from parity.web import app  # noqa\n",
                       encoding="utf-8")
    found = modules(copy)
    got = imports(found)
    assert any("parity.flows.service" in b and "parity.web.app" in b for b in upward(got))
    assert any(i.in_function and not i.reason and i.target == "parity.web.app" for i in got)

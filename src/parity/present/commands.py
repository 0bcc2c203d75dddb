"""The command-line app, its shared groups, and what every command needs.

Domains add their commands in ``parity/<domain>/cli.py`` onto `app` or onto the shared groups
below; `parity.cli` registers them from ``commands.json`` and imports a domain's module only
when one of its commands runs (``make commands`` after adding one). Command modules import
heavy libraries (pandas, statsmodels ...) inside the command functions, so that
``parity import workforce`` does not pay for what ``parity paygap compute`` needs.

Every command with ``--json`` also takes ``--csv FILE`` and ``--xlsx FILE`` (`table_options`,
applied when the command is loaded): the same document written as a table (its longest list
of records, nested keys joined with a dot; `parity.present.downloads.rows_from_json`), cells
neutralised, the XLSX with an "About" sheet naming source, licence and date.

Conventions (DESIGN.md): ``--json`` prints one JSON document on stdout and nothing else there;
exit status 0 success, 2 bad usage or input (one-line reason on stderr, then details), 1 an
internal error.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

import typer
from typer.core import TyperGroup, TyperOption

from parity.errors import InputError
from parity.present.jsonable import to_jsonable


def first_paragraph(text: str | None) -> str:
    """The first paragraph of a command's help: what its group's command list shows."""
    return inspect.cleandoc(text or "").split("\n\n")[0]


class ParityGroup(TyperGroup):
    """A group whose command list shows each command's whole first paragraph, wrapped, as
    Typer's Rich panels did; Click's plain list would cut it at the terminal's width ("...")."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(name, " ".join(first_paragraph(cmd.short_help or cmd.help).split()))
                for name in self.list_commands(ctx)
                if (cmd := self.get_command(ctx, name)) is not None and not cmd.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    cls=ParityGroup,
    name="parity",
    help="Parity: measure, track and report gender equality in UK police forces.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain (Click) help and usage errors: Typer's Rich panels import Rich and Markdown-it
    # (~0.1 s of CPU), more than the rest of ``parity --help`` together (issue 13).
    rich_markup_mode=None,
)
import_app = typer.Typer(help="Import data files (all-or-nothing; the same file twice changes nothing).",
                         no_args_is_help=True, cls=ParityGroup)
synth_app = typer.Typer(help="Generate realistic synthetic extracts (deterministic for a seed).",
                        no_args_is_help=True, cls=ParityGroup)
paygap_app = typer.Typer(help="Gender pay gap: compute, check and look up returns.",
                         no_args_is_help=True, cls=ParityGroup)
app.add_typer(import_app, name="import")
app.add_typer(synth_app, name="synth")
app.add_typer(paygap_app, name="paygap")

JsonOption = typer.Option(False, "--json", help="Print one JSON document on stdout.")
SPARKS = "▁▂▃▄▅▆▇█"


def engine():  # noqa: ANN201
    """The engine for PARITY_DATABASE_URL (default ./parity.db), with the schema up to date."""
    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.store import make_engine, upgrade

    eng = make_engine()
    upgrade(eng)
    return eng


@contextlib.contextmanager
def session(*loaders: Callable[[Any], object]) -> Iterator[Any]:
    """One command's session, opened, committed and closed the same way by every command.

    Each of `loaders` (a domain's ``ensure_loaded``: the bundled data the command needs) runs
    first; a loader that answers {what: imported now?} has what it imported said on stderr.
    The whole, loaders included, is committed when the command's block ends normally and
    rolled back on any error, so bad input writes nothing (all-or-nothing); the session is
    closed either way (`parity.store.session_scope`).
    """
    from parity.store import session_scope  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session_scope(engine()) as s:
        for load in loaders:
            done = load(s)
            if isinstance(done, dict) and any(done.values()):
                what = " and ".join(k.replace("_", " ") for k, v in done.items() if v)
                sys.stderr.write(f"first use: imported the bundled {what}\n")
        yield s


def work_ahead(module: str) -> None:
    """Start ``python -m module`` in a detached process of its own, to work out ahead what the
    next commands and pages will ask for (`parity.flows.warm`: the public outlooks, after the
    official table changes); this command does not wait for it. Not with ``PARITY_WARM=off``
    (the tests; a benchmark timing one command alone)."""
    if os.environ.get("PARITY_WARM", "").strip().lower() in ("off", "0", "no", "false"):
        return
    import subprocess  # deferred: only commands that change the official table start one

    subprocess.Popen([sys.executable, "-m", module], stdin=subprocess.DEVNULL,  # noqa: S603
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True, close_fds=True)


_TABLE_FILES: contextvars.ContextVar[tuple[str | None, str | None] | None] = \
    contextvars.ContextVar("table_files", default=None)


def emit_json(payload: Any) -> None:
    """Print `payload` as one JSON document (NaN and infinities become null); with ``--csv``
    or ``--xlsx``, write it as a table to those files instead."""
    files = _TABLE_FILES.get()
    if files is not None:
        write_tables(to_jsonable(payload), *files)
        return
    sys.stdout.write(json.dumps(to_jsonable(payload), ensure_ascii=False, indent=2) + "\n")


def write_tables(payload: Any, csv_path: str | None, xlsx_path: str | None) -> None:
    """`payload` (a JSON document) as a CSV and/or an XLSX file; a line on stderr for each."""
    from pathlib import Path  # deferred: only --csv/--xlsx write files

    from parity.present import cells  # deferred: loads openpyxl on use; only --csv/--xlsx need it
    from parity.present.downloads import (  # deferred: loads lxml and starlette (~0.2 s)
        DEFAULT_SOURCE,
        about_rows,
        rows_from_json,
    )

    table = rows_from_json(payload)
    if csv_path:
        cells.write_csv(Path(csv_path), table.header, table.rows)
        sys.stderr.write(f"wrote {csv_path}\n")
    if xlsx_path:
        about = about_rows(title=f"parity {' '.join(sys.argv[1:2])}".strip(),
                           address="the parity command", source=DEFAULT_SOURCE)
        Path(xlsx_path).write_bytes(cells.xlsx_bytes([(table.name, table.header, table.rows)],
                                                     about=about))
        sys.stderr.write(f"wrote {xlsx_path}\n")


def table_options(command: Any) -> None:
    """Give every command that has ``--json`` (in `command` and its subcommands) the options
    ``--csv FILE`` and ``--xlsx FILE``: the JSON document written as a table instead."""
    for sub in getattr(command, "commands", {}).values():
        table_options(sub)
    flag = next((p for p in getattr(command, "params", []) if "--json" in p.opts), None)
    if flag is None or getattr(command.callback, "tables", False):
        return
    command.params += [
        TyperOption(param_decls=["--csv", "csv_file"], type=str, default=None, metavar="FILE",
                    help="Write the figures as a CSV file (the JSON document as a table)."),
        TyperOption(param_decls=["--xlsx", "xlsx_file"], type=str, default=None, metavar="FILE",
                    help="Write the figures as an XLSX workbook (About sheet, then the table)."),
    ]
    original = command.callback

    @functools.wraps(original)
    def callback(*args: Any, csv_file: str | None = None, xlsx_file: str | None = None,
                 **kwargs: Any) -> Any:
        if not (csv_file or xlsx_file):
            return original(*args, **kwargs)
        kwargs[flag.name] = True
        token = _TABLE_FILES.set((csv_file, xlsx_file))
        try:
            return original(*args, **kwargs)
        finally:
            _TABLE_FILES.reset(token)

    callback.tables = True  # type: ignore[attr-defined]
    command.callback = callback


def fail(error: InputError) -> None:
    """Report bad input on stderr (reason, then details) and exit with status 2."""
    sys.stderr.write(f"error: {error.reason}\n")
    for line in error.details():
        sys.stderr.write(f"  {line}\n")
    raise typer.Exit(2)


def handles_input_errors(func: Callable) -> Callable:
    """Turn `InputError` into the exit-2 contract."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        try:
            return func(*args, **kwargs)
        except InputError as error:
            fail(error)

    return wrapper


def pct(value: float | None, digits: int = 1) -> str:
    """A share (fraction) shown as a percentage, or an em dash for none."""
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def points(value: float | None) -> str:
    """A change of share shown in percentage points with its sign."""
    return "—" if value is None else f"{value * 100:+.1f} pts"


def bar(value: float | None, width: int = 20) -> str:
    """A horizontal bar for a share in [0, 1]."""
    if value is None:
        return ""
    full = value * width
    blocks = "▏▎▍▌▋▊▉"
    whole = int(full)
    rest = int((full - whole) * 8)
    return "█" * whole + (blocks[rest - 1] if rest else "")


def console():  # noqa: ANN201
    """The standard output console; when it is not a terminal (a pipe or a file) and COLUMNS
    is not set, wide enough for the tables, which would otherwise be cut to 80 columns
    ("2017/…")."""
    from rich.console import Console  # deferred: rich costs ~0.5 s at start-up

    out = Console()
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out = Console(width=200)
    return out


def spark(values: list[float | None]) -> str:
    """A small bar per value, lowest to highest (a blank for none)."""
    data = [v for v in values if v is not None]
    if not data:
        return ""
    low, high = min(data), max(data)
    span = (high - low) or 1.0
    return "".join(" " if v is None else SPARKS[int((v - low) / span * (len(SPARKS) - 1))]
                   for v in values)


def progress_bar(total: int, label: str):  # noqa: ANN201
    """A progress bar of `total` steps on stderr, and its task: (progress, task)."""
    from rich.console import Console  # deferred: rich costs ~0.5 s at start-up

    # deferred: rich costs ~0.5 s at start-up
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    err = Console(stderr=True)
    # Off when stderr is not a terminal: a redrawn bar there is only blank lines before any
    # error message.
    progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.description}"), console=err, transient=True,
                        disable=not err.is_terminal)
    return progress, progress.add_task("", total=total)

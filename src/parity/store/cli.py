"""Commands: backup and restore (the whole database, either engine; `parity.store.backup`)."""

from __future__ import annotations

from pathlib import Path

import typer

from parity.present.commands import JsonOption, app, console, emit_json, handles_input_errors
from parity.store.backup import backup, restore


@app.command("backup")
@handles_input_errors
def backup_cmd(file: Path = typer.Argument(..., help="The backup file to write."),
               as_json: bool = JsonOption) -> None:
    """Back up the whole database (PARITY_DATABASE_URL) to FILE, while the site runs."""

    _report(backup(file), "backed up", as_json)


@app.command("restore")
@handles_input_errors
def restore_cmd(file: Path = typer.Argument(..., help="A file written by 'parity backup'."),
                as_json: bool = JsonOption) -> None:
    """Replace the whole database (PARITY_DATABASE_URL) with the backup in FILE."""

    _report(restore(file), "restored", as_json)


def _report(result: dict, done: str, as_json: bool) -> None:
    if as_json:
        emit_json(result)
        return
    rows = sum(result["tables"].values())
    console().print(f"{result['file']}: {done} ({result['engine']}), "
                    f"{len(result['tables'])} tables, {rows:,} rows.")

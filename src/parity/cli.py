"""The ``parity`` command, registered lazily so that it starts at once.

The command tree (names, the module that defines each command, and the first paragraph of its
help) is data: ``commands.json`` next to this module. `main` builds the groups from it and puts a
`LazyCommand` where each command goes; a domain's ``cli`` module is imported only when one of
its commands runs or its own ``--help`` is asked. ``parity --help`` and ``parity forces`` so
never import SQLAlchemy, pandas or the other domains (issue 13).

`command_tree` builds the same tree the slow way (every domain's ``cli`` module imported) and
`write_command_list` saves it; ``make commands`` runs it after a command is added or its help
changes, and a test fails while ``commands.json`` and the code disagree.
"""

from __future__ import annotations

import gc
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from parity.present.commands import ParityGroup, app, first_paragraph, table_options
from parity.ranges import bound_options

COMMAND_LIST = Path(__file__).with_name("commands.json")


class LazyCommand(TyperCommand):
    """A command known by name and help only; its module is imported when it is run."""

    def __init__(self, *, name: str, help: str, module: str, path: tuple[str, ...]) -> None:
        super().__init__(name=name, help=help, rich_markup_mode=app.rich_markup_mode)
        self.module = module
        self.path = path

    def load(self) -> typer.core.TyperCommand:
        """Import the command's module and return the real command."""
        importlib.import_module(self.module)
        command: Any = typer.main.get_command(app)
        for name in self.path:
            command = command.commands[name]
        bound_options(command)  # every --year, --bootstrap, ... within its range (exit 2)
        table_options(command)  # --csv FILE / --xlsx FILE wherever there is --json
        return command

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None,
                     **extra: Any) -> Any:
        return self.load().make_context(info_name, args, parent=parent, **extra)


def load_commands() -> None:
    """Import ``parity.<domain>.cli`` for every domain package that has one, and `parity.bundled`
    (which registers ``parity import bundled``): the slow way."""
    from parity.discovery import domain_modules  # deferred: pkgutil; `parity --help` needs neither

    importlib.import_module("parity.bundled")
    domain_modules("cli")


def _describe(command: Any, path: tuple[str, ...]) -> dict[str, Any]:
    node: dict[str, Any] = {"name": command.name,
                            "help": first_paragraph(command.short_help or command.help)}
    if isinstance(command, TyperGroup):
        node["no_args_is_help"] = command.no_args_is_help
        node["commands"] = [_describe(sub, (*path, name))
                            for name, sub in command.commands.items()]
    else:
        node["module"] = command.callback.__module__
    return node


def command_tree() -> list[dict[str, Any]]:
    """Every command and group under ``parity``, in the order ``parity --help`` lists them."""
    load_commands()
    root: Any = typer.main.get_command(app)
    return [_describe(sub, (name,)) for name, sub in root.commands.items()]


def write_command_list(path: Path = COMMAND_LIST) -> None:
    """Save `command_tree` as the data `main` registers the commands from."""
    path.write_text(json.dumps(command_tree(), indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8")


def _group(node: dict[str, Any], path: tuple[str, ...]) -> TyperGroup:
    group = typer.main.get_group(typer.Typer(name=node["name"], help=node["help"],
                                             no_args_is_help=node["no_args_is_help"],
                                             rich_markup_mode=app.rich_markup_mode,
                                             cls=ParityGroup))
    _fill(group, node["commands"], path)
    return group


def _fill(group: TyperGroup, nodes: list[dict[str, Any]], path: tuple[str, ...]) -> None:
    group.commands.clear()
    for node in nodes:
        here = (*path, node["name"])
        if "commands" in node:
            group.add_command(_group(node, here))
        else:
            group.add_command(LazyCommand(name=node["name"], help=node["help"],
                                          module=node["module"], path=here))


def lazy_app() -> TyperGroup:
    """The ``parity`` group with every command registered from ``commands.json``."""
    root: Any = typer.main.get_command(app)
    _fill(root, json.loads(COMMAND_LIST.read_text(encoding="utf-8")), ())
    return root


def main() -> None:
    try:
        lazy_app()()
    except Exception as exc:
        message = _database_unavailable(exc)
        if message is None:
            raise
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(1) from None
    finally:
        _leave()


# The drivers' (and SQLAlchemy's) error for a database that cannot be reached or opened.
_DRIVERS = ("sqlalchemy.", "psycopg", "sqlite3")


def _database_unavailable(exc: BaseException) -> str | None:
    """What to tell a user whose database could not be opened (a server not running, a
    folder that does not exist), or None for any other error: a line, not a traceback."""
    kind = type(exc)
    if kind.__name__ != "OperationalError" or not kind.__module__.startswith(_DRIVERS):
        return None
    text = str(exc).split("\n(Background on this error", 1)[0]
    opening = ("connection failed", "could not connect", "unable to open database file",
               "connection refused", "does not exist")
    if not any(word in text.lower() for word in opening):
        return None
    from parity.store.raw import database_url, shown_url  # deferred: only on this error

    reason = " ".join(text.replace("(psycopg.OperationalError) ", "")
                      .replace("(sqlite3.OperationalError) ", "").split())
    return (f"cannot open the database {shown_url(database_url())}: {reason} "
            "(set PARITY_DATABASE_URL; see README)")


def _leave() -> None:
    """Close the command's databases, then leave the objects it made to the end of the
    process (`gc.freeze`): with SQLAlchemy loaded, the collector's last pass over them at the
    interpreter's exit cost 0.13–0.19 s of every command (3 December 2026, issue 13). Files
    and connections are closed by then; `atexit` handlers run as ever."""
    db = sys.modules.get("parity.store.db")  # loaded only by commands that open a database
    if db is not None:
        db.dispose_engines()
    gc.freeze()


if __name__ == "__main__":
    main()

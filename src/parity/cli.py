"""The ``parity`` command: builds the app from every domain's ``cli`` module and runs it."""

from __future__ import annotations

import importlib
import pkgutil

import parity
from parity.commands import app


def load_commands() -> None:
    """Import ``parity.<domain>.cli`` for every domain package that has one."""
    for info in sorted(pkgutil.iter_modules(parity.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        name = f"parity.{info.name}.cli"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def main() -> None:
    load_commands()
    app()


if __name__ == "__main__":
    main()

"""The ``parity`` command: builds the app from every domain's ``cli`` module and runs it."""

from __future__ import annotations

import typer.main

from parity import bundled  # noqa: F401 - its module registers ``parity import bundled``
from parity.discovery import domain_modules
from parity.present.commands import app
from parity.ranges import bound_options


def load_commands() -> None:
    """Import ``parity.<domain>.cli`` for every domain package that has one."""
    domain_modules("cli")


def main() -> None:
    load_commands()
    command = typer.main.get_command(app)
    bound_options(command)  # every --year, --bootstrap, ... within its range (exit 2)
    command()


if __name__ == "__main__":
    main()

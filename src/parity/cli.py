"""The ``parity`` command: builds the app from every domain's ``cli`` module and runs it."""

from __future__ import annotations

from parity import bundled  # noqa: F401 - its module registers ``parity import bundled``
from parity.discovery import domain_modules
from parity.present.commands import app


def load_commands() -> None:
    """Import ``parity.<domain>.cli`` for every domain package that has one."""
    domain_modules("cli")


def main() -> None:
    load_commands()
    app()


if __name__ == "__main__":
    main()

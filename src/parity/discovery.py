"""Finding what each domain package ships: ``parity.<domain>.<name>`` modules.

The CLI (``cli``), the schema (``models``), the website (``views``) and the report (``report``)
each pick up the domains' modules of one name without a list to keep; this is how they find
them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Collection
from types import ModuleType

import parity


def domain_modules(name: str, *, skip: Collection[str] = ()) -> list[ModuleType]:
    """Import ``parity.<domain>.<name>`` for every domain package that has one, by domain name.

    Domains in `skip` are passed over. A domain without such a module is passed over too; any
    other import error (a broken module, or one importing something missing) is raised.
    """
    found = []
    for info in sorted(pkgutil.iter_modules(parity.__path__), key=lambda i: i.name):
        if not info.ispkg or info.name in skip:
            continue
        module_name = f"parity.{info.name}.{name}"
        try:
            found.append(importlib.import_module(module_name))
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
    return found


def domain_of(module: ModuleType) -> str:
    """The domain a ``parity.<domain>.<name>`` module belongs to."""
    return module.__name__.split(".")[1]

"""Pages from other domains, found without editing the web package.

A domain ships ``parity/<domain>/views.py`` with:

- ``router``: a `fastapi.APIRouter` (required) — its paths are mounted as they are, so a
  domain prefixes them itself (``APIRouter(prefix="/paygap")``; JSON under
  ``/api/v1/<domain>/...``);
- ``nav``: optional, a list of ``{"label": ..., "path": ...}`` (or ``(label, path)``) entries
  added to the site's navigation, in the order of the domains' names;
- ``force_panel``: optional, ``force_panel(session, *, force_id: str, year: int) -> dict |
  None`` returning ``{"title": ..., "html": ...}`` (an HTML fragment from the domain's own
  autoescaped template) shown on every force's page after the workforce figures.

Imported once, when the app is built. A views module that fails to import is an error (as
for ``cli.py``), not something to skip silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import APIRouter

from parity.discovery import domain_modules, domain_of

SKIP = frozenset({"web"})


@dataclass(frozen=True)
class NavEntry:
    label: str
    path: str


@dataclass(frozen=True)
class Extension:
    domain: str
    router: APIRouter
    nav: tuple[NavEntry, ...] = field(default_factory=tuple)
    force_panel: Callable[..., dict | None] | None = None


def _nav(entries: object, module: str) -> tuple[NavEntry, ...]:
    out = []
    for entry in entries or ():  # type: ignore[attr-defined]
        if isinstance(entry, dict):
            out.append(NavEntry(str(entry["label"]), str(entry["path"])))
        elif isinstance(entry, tuple | list) and len(entry) == 2:
            out.append(NavEntry(str(entry[0]), str(entry[1])))
        else:
            raise TypeError(f"{module}.nav: expected {{'label', 'path'}} entries, got {entry!r}")
    return tuple(out)


def discover() -> list[Extension]:
    """Every ``parity.<domain>.views`` module with a ``router``, by domain name."""
    found = []
    for module in domain_modules("views", skip=SKIP):
        name = module.__name__
        router = getattr(module, "router", None)
        if not isinstance(router, APIRouter):
            raise TypeError(f"{name}: expected `router`, a fastapi.APIRouter")
        panel = getattr(module, "force_panel", None)
        if panel is not None and not callable(panel):
            raise TypeError(f"{name}.force_panel: expected a function")
        found.append(Extension(domain_of(module), router, _nav(getattr(module, "nav", ()), name),
                               panel))
    return found

"""The plug-in point: every domain's pages and API, found without editing the web package.

A domain ships ``parity/<domain>/views.py`` (and, if it has an open JSON API of its own,
``parity/<domain>/api.py`` with a ``router``) with:

- ``router``: a `fastapi.APIRouter` (required) — its paths are mounted as they are, so a
  domain prefixes them itself (``APIRouter(prefix="/paygap")``; JSON under
  ``/api/v1/<domain>/...``);
- ``nav``: optional, a list of ``{"label": ..., "path": ...}`` (or ``(label, path)``) entries
  added to the site's navigation, in the order of the domains' names;
- ``force_panel``: optional, ``force_panel(session, *, force_id: str, year: int) -> dict |
  None`` returning ``{"title": ..., "html": ...}`` (an HTML fragment from the domain's own
  autoescaped template) shown on every force's page after the workforce figures;
- ``position``: optional, an int (default 100): domains are mounted, and their ``nav`` entries
  listed, lowest first, then by name (workforce, whose pages are the site's home, takes 0).

Imported once, when the app is built. A views module that fails to import is an error (as
for ``cli.py``), not something to skip silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import APIRouter

from parity.discovery import domain_modules, domain_of

SKIP = frozenset({"web"})
DEFAULT_POSITION = 100


@dataclass(frozen=True)
class NavEntry:
    label: str
    path: str


@dataclass(frozen=True)
class Extension:
    domain: str
    router: APIRouter
    api: APIRouter | None = None
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
    """Every ``parity.<domain>.views`` module with a ``router`` (and its domain's ``api``
    router), by position then domain name."""
    apis = {domain_of(m): m.router for m in domain_modules("api", skip=SKIP)}
    found = []
    for module in sorted(domain_modules("views", skip=SKIP),
                         key=lambda m: (getattr(m, "position", DEFAULT_POSITION), m.__name__)):
        name = module.__name__
        router = getattr(module, "router", None)
        if not isinstance(router, APIRouter):
            raise TypeError(f"{name}: expected `router`, a fastapi.APIRouter")
        panel = getattr(module, "force_panel", None)
        if panel is not None and not callable(panel):
            raise TypeError(f"{name}.force_panel: expected a function")
        domain = domain_of(module)
        found.append(Extension(domain, router, apis.get(domain),
                               _nav(getattr(module, "nav", ()), name), panel))
    return found

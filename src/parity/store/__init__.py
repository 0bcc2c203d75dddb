"""The store: engine, sessions, schema migrations and import provenance.

SQLite by default (a file in the working directory), PostgreSQL through
``PARITY_DATABASE_URL=postgresql+psycopg://...``. Domains define their tables on
`parity.store.base.Base` and read and write them through their own ``service.py``. Every
write to the data changes the data version (`parity.store.version`), which the web's caches are keyed by.

The names below are loaded on first use: `parity.store.raw` (a DB-API connection, no
SQLAlchemy) is imported without loading SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parity.store.base import Base
    from parity.store.db import database_url, make_engine, open_session, session_scope
    from parity.store.migrate import upgrade
    from parity.store.version import current as data_version

_WHERE = {"Base": ("parity.store.base", "Base"), "database_url": ("parity.store.raw", "database_url"),
          "make_engine": ("parity.store.db", "make_engine"),
          "open_session": ("parity.store.db", "open_session"),
          "session_scope": ("parity.store.db", "session_scope"),
          "upgrade": ("parity.store.migrate", "upgrade"),
          "data_version": ("parity.store.version", "current")}

__all__ = ["Base", "data_version", "database_url", "make_engine", "open_session", "session_scope",
           "upgrade"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'parity.store' has no attribute {name!r}")
    module, attribute = _WHERE[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value

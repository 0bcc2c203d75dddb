"""The store: engine, sessions, schema migrations and import provenance.

SQLite by default (a file in the working directory), PostgreSQL through
``PARITY_DATABASE_URL=postgresql+psycopg://...``. Domains define their tables on
`parity.store.base.Base` and read and write them through their own ``service.py``. Every
write to the data changes the data version (`parity.store.version`), which the web's caches are keyed by.
"""

from parity.store.base import Base
from parity.store.db import database_url, make_engine, open_session, session_scope
from parity.store.migrate import upgrade
from parity.store.version import current as data_version

__all__ = ["Base", "data_version", "database_url", "make_engine", "open_session", "session_scope",
           "upgrade"]

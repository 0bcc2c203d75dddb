"""The store: engine, sessions, schema migrations and import provenance.

SQLite by default (a file in the working directory), PostgreSQL through
``PARITY_DATABASE_URL=postgresql+psycopg://...``. Domains define their tables on
`parity.store.base.Base` and read and write them through their own ``service.py``.
"""

from parity.store.base import Base
from parity.store.db import database_url, make_engine, open_session, session_scope
from parity.store.migrate import upgrade

__all__ = ["Base", "database_url", "make_engine", "open_session", "session_scope", "upgrade"]

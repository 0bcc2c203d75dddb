"""The full-text index of each engine, as SQL: shared by the library's migration and by
`parity.store.migrate`'s building of a blank database from the models (through `after_create`
events on the articles table, see `parity.library.models`).

SQLite: the FTS5 table ``library_fts`` (external content on ``library_articles``; porter
stemming) and three triggers that keep it in step. PostgreSQL: a trigger filling the
``search_vector`` column (title weight A, description B, text C), kept in the row.

`filled_after`: many articles inserted with the index filled for all of them together.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError

if TYPE_CHECKING:
    from sqlalchemy import Connection

SQLITE_FTS = [
    """CREATE VIRTUAL TABLE library_fts USING fts5(
        title, description, text,
        content='library_articles', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER library_fts_after_insert AFTER INSERT ON library_articles BEGIN
        INSERT INTO library_fts(rowid, title, description, text)
        VALUES (new.id, new.title, new.description, new.text);
    END""",
    """CREATE TRIGGER library_fts_after_delete AFTER DELETE ON library_articles BEGIN
        INSERT INTO library_fts(library_fts, rowid, title, description, text)
        VALUES ('delete', old.id, old.title, old.description, old.text);
    END""",
    """CREATE TRIGGER library_fts_after_update AFTER UPDATE OF title, description, text
        ON library_articles BEGIN
        INSERT INTO library_fts(library_fts, rowid, title, description, text)
        VALUES ('delete', old.id, old.title, old.description, old.text);
        INSERT INTO library_fts(rowid, title, description, text)
        VALUES (new.id, new.title, new.description, new.text);
    END""",
]

POSTGRES_FTS = [
    """CREATE FUNCTION library_articles_search_vector() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(NEW.description, '')), 'B') ||
            setweight(to_tsvector('english', coalesce(NEW.text, '')), 'C');
        RETURN NEW;
    END
    $$""",
    """CREATE TRIGGER library_articles_search_vector
    BEFORE INSERT OR UPDATE OF title, description, text ON library_articles
    FOR EACH ROW EXECUTE FUNCTION library_articles_search_vector()""",
    # Keep the tsvector in the row (compressed) and move the long texts out instead: ranking
    # reads every matching tsvector, and fetching each from the TOAST table doubled the time
    # of a search for a common word (docs/decisions/0600).
    "ALTER TABLE library_articles ALTER COLUMN search_vector SET STORAGE MAIN",
]


SQLITE_INSERT_TRIGGER = "library_fts_after_insert"
POSTGRES_INDEX = "ix_library_articles_search_vector"


@contextmanager
def filled_after(connection: Connection, *, large: bool) -> Iterator[list[int]]:
    """Within: articles inserted (their ids added to the list this yields) without the
    full-text index taking them one by one; on leaving: the index filled for all of them at
    once. In the caller's transaction: readers see the table and its index as they were
    until the commit, and the schema is as it was afterwards. Left by an error, nothing
    more is done (the caller rolls back).

    SQLite: the insert trigger is dropped, and on leaving the FTS5 table is filled from the
    new rows in one INSERT ... SELECT and the trigger made again from its own SQL (10,000
    articles: 0.3 s instead of 1.5 s). PostgreSQL, where the load is `large` (at least as
    many articles as are held): the GIN index is dropped and built again from its own
    definition on leaving (the trigger still fills each row's ``search_vector``; building
    the index once costs about a second less at 10,000 articles). Dropping it locks the
    table until the commit: done only when no one else holds a lock on the table
    (`_locked_now`), else the rows go into the index one by one.
    """
    ids: list[int] = []
    dialect = connection.dialect.name
    if dialect == "sqlite":
        driver = connection.connection.driver_connection
        if not driver.in_transaction:  # type: ignore[union-attr]
            # Python's sqlite3 opens a transaction before a write to rows, not before DDL,
            # which would then be committed at once: open it, or a rollback keeps the drop.
            connection.exec_driver_sql("BEGIN")
        (trigger,) = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (SQLITE_INSERT_TRIGGER,)).one()
        connection.exec_driver_sql(f"DROP TRIGGER {SQLITE_INSERT_TRIGGER}")
        yield ids
        if ids:
            # New rowids follow the largest one: the rows from the first new id are the new rows
            filled = connection.exec_driver_sql(
                "INSERT INTO library_fts(rowid, title, description, text) "
                "SELECT id, title, description, text FROM library_articles WHERE id >= ?",
                (min(ids),)).rowcount
            if filled != len(ids):
                raise RuntimeError(f"the full-text index took {filled} rows for {len(ids)} "
                                   "new articles")
        connection.exec_driver_sql(trigger)
    elif dialect == "postgresql" and large and _locked_now(connection):
        (index,) = connection.exec_driver_sql(
            f"SELECT pg_get_indexdef('{POSTGRES_INDEX}'::regclass)").one()
        connection.exec_driver_sql(f"DROP INDEX {POSTGRES_INDEX}")
        yield ids
        connection.exec_driver_sql(index)
    else:
        yield ids


def _locked_now(connection: Connection) -> bool:
    """Lock the articles table for this transaction if no one else holds a lock on it now
    (a reader, another import); False, waiting for no one, if someone does. Waiting could
    deadlock: another import that read the table may be waiting for this one's rows."""
    try:
        with connection.begin_nested():
            connection.exec_driver_sql(
                "LOCK TABLE library_articles IN ACCESS EXCLUSIVE MODE NOWAIT")
    except OperationalError:  # lock_not_available
        return False
    return True

"""Fast bulk inserts for the context importers: COPY on PostgreSQL, executemany elsewhere.

Both run inside the session's current transaction, so an import stays all-or-nothing.
"""

from __future__ import annotations

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


def bulk_insert(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert `rows` (dicts keyed by column name; missing keys are NULL) into `table`."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        columns = [c.name for c in table.columns if c.name in rows[0] or not c.primary_key]
        columns = [c for c in columns if c != "id"]
        quoted = ", ".join(f'"{c}"' for c in columns)
        driver = connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(
            f'COPY "{table.name}" ({quoted}) FROM STDIN'
        ) as copy:
            for row in rows:
                copy.write_row(tuple(row.get(c) for c in columns))
        return
    # One executemany for the whole list (the ORM would split it by which columns are blank).
    session.execute(insert(table), rows)

"""Fast bulk inserts: plain DB-API executemany, skipping the ORM's per-row work.

Importers validate everything first, then call `insert_rows` once inside their transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Table


def insert_rows(connection: Connection, table: Table, columns: Sequence[str],
                rows: Sequence[Sequence]) -> int:
    """Insert `rows` (tuples in the order of `columns`) into `table`; returns the row count."""
    if not rows:
        return 0
    style = connection.dialect.paramstyle
    marks = ", ".join("?" if style == "qmark" else "%s" for _ in columns)
    quote = connection.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({marks})")
    connection.exec_driver_sql(sql, [tuple(r) for r in rows])
    return len(rows)

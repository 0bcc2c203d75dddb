"""Bulk inserts for the context importers: `parity.store.bulk.insert_dicts` (COPY on
PostgreSQL, executemany elsewhere), under the name the importers call."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.orm import Session

from parity.store.bulk import insert_dicts


def bulk_insert(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert `rows` (dicts keyed by column name; missing keys are NULL) into `table`."""
    insert_dicts(session, table, rows)

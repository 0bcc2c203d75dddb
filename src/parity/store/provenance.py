"""Recording and looking up imported files (`Source` rows)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from parity.store.models import Source
from parity.store.raw import sha256_of as sha256_of


def find_source(session: Session, *, kind: str, sha256: str) -> Source | None:
    return session.scalar(select(Source).where(Source.kind == kind, Source.sha256 == sha256))


def add_source(
    session: Session, *, kind: str, path: Path | str, sha256: str, row_count: int,
    note: str | None = None,
) -> Source:
    """Record an imported file; flushes so that the new id can be used at once."""
    source = Source(
        kind=kind,
        file_name=Path(path).name,
        sha256=sha256,
        imported_at=datetime.now(UTC),
        row_count=row_count,
        note=note,
    )
    session.add(source)
    session.flush()
    return source


def list_sources(session: Session, *, kind: str | None = None) -> list[Source]:
    query = select(Source).order_by(Source.id)
    if kind:
        query = query.where(Source.kind == kind)
    return list(session.scalars(query))

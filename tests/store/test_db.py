"""Engines from PARITY_DATABASE_URL, and the provenance every imported row keeps."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from parity.store import make_engine
from parity.store.db import DEFAULT_URL, database_url
from parity.store.models import Source
from parity.store.provenance import add_source, find_source, list_sources, sha256_of
from parity.workforce.importer import DEFAULT_FILE
from parity.workforce.models import WorkforceCount
from tests.helpers import PG_ADMIN_URL


def test_the_url_comes_from_the_argument_then_the_setting_then_the_default(monkeypatch):
    monkeypatch.delenv("PARITY_DATABASE_URL", raising=False)
    assert database_url() == DEFAULT_URL == "sqlite:///parity.db"
    monkeypatch.setenv("PARITY_DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    assert database_url() == "sqlite:////tmp/elsewhere.db"
    assert database_url("sqlite:///given.db") == "sqlite:///given.db"


@pytest.mark.parametrize("scheme", ["postgres://", "postgresql://", "postgresql+psycopg://"])
def test_postgresql_urls_use_psycopg(scheme):
    url = scheme + PG_ADMIN_URL.split("://", 1)[1]
    engine = make_engine(url)
    try:
        assert engine.dialect.driver == "psycopg"
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_sqlite_engines_enforce_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fk.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_every_imported_row_points_at_its_file(wf_db):
    source = wf_db.scalars(select(Source)).one()
    assert (source.kind, source.file_name) == ("workforce", DEFAULT_FILE.name)
    assert source.sha256 == hashlib.sha256(DEFAULT_FILE.read_bytes()).hexdigest()
    assert source.imported_at is not None
    orphans = wf_db.scalar(select(func.count()).select_from(WorkforceCount)
                           .where(WorkforceCount.source_id != source.id))
    assert orphans == 0
    first = wf_db.scalars(select(WorkforceCount).order_by(WorkforceCount.source_row)).first()
    assert first.source_row == 2  # row 1 of the sheet is the header


def test_a_source_is_recorded_once_per_kind_and_content(db, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("x\n1\n")
    sha = sha256_of(path)
    assert sha == hashlib.sha256(b"x\n1\n").hexdigest()
    before = datetime.now(UTC) - timedelta(seconds=1)
    added = add_source(db, kind="test", path=path, sha256=sha, row_count=1)
    db.commit()
    found = find_source(db, kind="test", sha256=sha)
    assert found is not None and found.id == added.id and found.file_name == "a.csv"
    stamp = found.imported_at if found.imported_at.tzinfo else found.imported_at.replace(tzinfo=UTC)
    assert before <= stamp <= datetime.now(UTC) + timedelta(seconds=1)
    assert find_source(db, kind="other", sha256=sha) is None
    assert [s.id for s in list_sources(db, kind="test")] == [added.id]
    with pytest.raises(IntegrityError):
        add_source(db, kind="test", path=tmp_path / "b.csv", sha256=sha, row_count=1)
    db.rollback()

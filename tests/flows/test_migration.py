"""flows_0002 (hr_events without a foreign key per row) upgrades databases already in use,
including those once built blank and stamped with ``store_0001`` beside its dependants."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import inspect, text

from parity.flows.importer import import_hr
from parity.store import make_engine, open_session, upgrade
from parity.store.migrate import _config, current_revisions, is_current, stamp_revisions
from tests.helpers import create_pg_database, drop_pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> Iterator[str]:  # noqa: ANN001
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = f"parity_test_{uuid.uuid4().hex[:8]}_old"
    yield create_pg_database(name)
    drop_pg_database(name)


def test_an_old_database_with_events_upgrades_to_flows_0002(url, tiny_extract):
    from alembic import command

    engine = make_engine(url)
    upgrade(engine, migrations_only=True)
    with engine.begin() as conn:
        command.downgrade(_config(conn), "flows_0001")
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('store_0001')"))
    with open_session(engine) as s:
        import_hr(s, path=tiny_extract, force="dyfed-powys")
        s.commit()
    assert [f["referred_table"] for f in inspect(engine).get_foreign_keys("hr_events")] == [
        "sources"]
    assert not is_current(engine)

    upgrade(engine)

    assert is_current(engine) and current_revisions(engine) == stamp_revisions()
    assert inspect(engine).get_foreign_keys("hr_events") == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM hr_events")).scalar() == 34
    engine.dispose()


def test_a_blank_database_is_stamped_as_the_migrations_leave_one(tmp_path):
    built, migrated = make_engine(f"sqlite:///{tmp_path / 'a.db'}"), make_engine(
        f"sqlite:///{tmp_path / 'b.db'}")
    upgrade(built)
    upgrade(migrated, migrations_only=True)
    assert current_revisions(built) == current_revisions(migrated) == stamp_revisions()
    assert "store_0001" not in stamp_revisions()
    built.dispose()
    migrated.dispose()

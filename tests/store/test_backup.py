"""`parity backup` and `parity restore` on both engines: every table holds exactly what it held
when the backup was made; a file of the other engine, or no backup at all, is refused before
anything is touched."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import inspect, select, table, text
from sqlalchemy.orm import Session

from parity.accounts import service as accounts
from parity.errors import InputError
from parity.store import make_engine
from parity.store.backup import backup, restore
from tests.cli_runner import parity
from tests.helpers import drop_pg_database, fresh_pg_with_workforce

PASSWORD = "a long enough test password"


def contents(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, as sorted tuples of text."""
    engine = make_engine(url)
    with engine.connect() as conn:
        out = {}
        for name in sorted(inspect(conn).get_table_names()):
            rows = conn.execute(select(text("*")).select_from(table(name))).all()
            out[name] = sorted(tuple(str(v) for v in row) for row in rows)
    engine.dispose()
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, sqlite_templates, tmp_path):  # noqa: ANN001, ANN201
    if request.param == "sqlite":
        path = tmp_path / "live.db"
        shutil.copy(sqlite_templates["workforce"], path)
        yield f"sqlite:///{path}"
        return
    name, pg_url = fresh_pg_with_workforce("parity_test_backup")
    yield pg_url
    drop_pg_database(name)


def _users(url: str, *emails: str, remove: bool = False) -> None:
    engine = make_engine(url)
    with Session(engine) as s:
        for email in emails:
            if remove:
                accounts.remove_user(s, email=email)
            else:
                accounts.add_user(s, email=email, role="coordinator", password=PASSWORD)
        s.commit()
    engine.dispose()


@pytest.mark.slow
def test_every_table_is_equal_after_a_round_trip(url, tmp_path):
    _users(url, "a@example.org", "b@example.org")
    before = contents(url)
    assert sum(len(rows) for rows in before.values()) > 1000  # the workforce table is in it
    file = tmp_path / "parity.backup"
    made = backup(file, url=url)
    assert made["tables"]["users"] == 2 and file.stat().st_size > 0
    _users(url, "a@example.org", remove=True)
    _users(url, "c@example.org")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM workforce_current"))
    engine.dispose()
    assert contents(url) != before
    restore(file, url=url)
    assert contents(url) == before
    # the command line does the same, exit 0
    run = parity("restore", str(file), "--json", db_url=url)
    assert run.code == 0, run.stderr
    assert run.json()["tables"]["users"] == 2
    assert contents(url) == before


def test_a_backup_of_the_other_engine_or_no_backup_is_refused(tmp_path, sqlite_templates):
    target = tmp_path / "t.db"
    shutil.copy(sqlite_templates["empty"], target)
    url = f"sqlite:///{target}"
    before = contents(url)
    fake_pg = tmp_path / "pg.backup"
    fake_pg.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
    with pytest.raises(InputError, match="a postgresql backup cannot be restored into sqlite"):
        restore(fake_pg, url=url)
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    with pytest.raises(InputError, match="not a Parity backup"):
        restore(junk, url=url)
    assert contents(url) == before

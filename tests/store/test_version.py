"""The data version (`parity.store.version`): every write to the data changes it, in the
writer's own transaction; reading, signing in and a rolled-back import do not. Both engines."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from parity.accounts import service as accounts
from parity.commitments import service as commitments
from parity.commitments.changes import withdraw
from parity.context.crime_importer import import_crime
from parity.context.returns_importer import import_paygap_returns
from parity.errors import InputError
from parity.flows.importer import import_hr
from parity.library.importer import import_articles
from parity.library.samples import front_matter_file
from parity.returns import service as returns
from parity.store import data_version
from parity.store.bulk import insert_rows
from parity.store.version import UNTRACKED, is_write
from parity.workforce import service as workforce
from parity.workforce.importer import import_workforce
from tests.flows.conftest import tiny_history, write_extract


def changed(session, action) -> bool:  # noqa: ANN001
    """Whether `action()` followed by a commit changed the data version."""
    before = data_version(session)
    action()
    session.commit()
    after = data_version(session)
    if after.stamp != before.stamp:
        assert after.version == before.version + 1
        assert after.changed_at >= before.changed_at
        return True
    assert after == before
    return False


def test_a_new_database_starts_at_zero(db) -> None:  # noqa: ANN001
    found = data_version(db)
    assert (found.version, found.stamp) == (0, "initial")


def test_the_workforce_import_changes_it_and_reading_does_not(db) -> None:  # noqa: ANN001
    assert changed(db, lambda: import_workforce(db))
    assert not changed(db, lambda: workforce.league(db, year=2023, group="senior",
                                                     measure="fte", worker_type="officer"))
    # the same file again writes nothing: the version stays
    assert not changed(db, lambda: import_workforce(db))


def test_every_importer_changes_it(wf_db, tmp_path) -> None:  # noqa: ANN001
    assert changed(wf_db, lambda: import_paygap_returns(wf_db))
    assert changed(wf_db, lambda: import_crime(wf_db))
    assert changed(wf_db, lambda: commitments.ensure_defaults(wf_db))
    extract = write_extract(tmp_path / "hr.csv", tiny_history())
    assert changed(wf_db, lambda: import_hr(wf_db, path=extract, force="Kent"))
    article = tmp_path / "a.md"
    article.write_text(front_matter_file(
        title="Network for women officers marks its first year",
        url="https://www.kent.police.uk/news/2024/network/", area="Kent",
        published=date(2024, 1, 10), description=None,
        body="The network began a year ago and now has members at every station."))
    assert changed(wf_db, lambda: import_articles(wf_db, path=article))


def test_a_commitment_change_and_a_return_change_it(wf_db) -> None:  # noqa: ANN001
    commitments.ensure_defaults(wf_db)
    wf_db.commit()
    ref = commitments.list_commitments(wf_db)[0]["ref"]
    assert changed(wf_db, lambda: withdraw(wf_db, ref=ref, by="coordinator"))
    coordinator = returns.Actor("coord@example.org", "coordinator")
    assert changed(wf_db, lambda: returns.open_year(
        wf_db, year=2023, deadline=date(2026, 12, 31), opens_on=date(2026, 11, 1),
        actor=coordinator))


def test_accounts_and_sign_ins_do_not_change_it(db) -> None:  # noqa: ANN001
    def sign_in() -> None:
        accounts.add_user(db, email="analyst@example.org", role="analyst", force="Kent",
                          password="a long enough password")
        db.flush()
        user = accounts.authenticate(db, email="analyst@example.org",
                                     password="a long enough password", client="127.0.0.1")
        accounts.start_session(db, user=user)

    assert not changed(db, sign_in)


def test_a_rolled_back_import_changes_nothing(db, tmp_path) -> None:  # noqa: ANN001
    before = data_version(db)
    bad = tmp_path / "bad.ods"
    bad.write_bytes(b"not a spreadsheet")
    with pytest.raises(InputError):
        import_workforce(db, path=bad)
    db.rollback()
    assert data_version(db) == before
    # a write rolled back leaves nothing behind for the next commit to count
    db.execute(text("UPDATE sources SET note = 'x'"))
    db.rollback()
    assert not changed(db, lambda: None)


def test_a_bulk_load_outside_the_orm_changes_it(db) -> None:  # noqa: ANN001
    """COPY on PostgreSQL, one executemany on SQLite: both counted."""
    from parity.store.models import Source

    def load() -> None:
        insert_rows(db.connection(), Source.__table__,
                    ["kind", "file_name", "sha256", "imported_at", "row_count"],
                    [("test", "f.csv", "0" * 64, "2026-01-01 00:00:00+00:00", 1)])

    assert changed(db, load)


@pytest.mark.parametrize(("statement", "table"), [
    ("INSERT INTO workforce_counts (a) VALUES (1)", "workforce_counts"),
    ('INSERT OR REPLACE INTO "sources" VALUES (1)', "sources"),
    ("  update hr_events set x = 1", "hr_events"),
    ("DELETE FROM commitments WHERE id = 1", "commitments"),
    ("COPY workforce_counts (a) FROM STDIN", "workforce_counts"),
    ("SELECT * FROM workforce_counts", None),
    ("INSERT INTO user_sessions VALUES (1)", None),
    ("UPDATE sign_in_counters SET attempts = 2", None),
    ("UPDATE data_version SET version = version + 1", None),
])
def test_which_statements_count_as_writes(statement, table) -> None:  # noqa: ANN001
    assert is_write(statement) == table
    assert "users" in UNTRACKED

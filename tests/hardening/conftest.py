"""Fixtures of the hardening tests: small valid files of every kind, made by code, and the
contract every damaged file must meet (`attempt`).

The hypothesis tests run on SQLite (a copy of the migrated template with the workforce table);
one test per importer also runs on PostgreSQL through the shared ``db`` fixture.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, table
from sqlalchemy.orm import Session

from parity.errors import InputError
from parity.store import make_engine
from tests.hardening.damage import TableDamage

DATA = Path(__file__).resolve().parents[2] / "src" / "parity" / "data"
RETURNS_FILE = DATA / "gender-pay-gap" / "UK Gender Pay Gap Data - 2019 to 2020.csv"
CRIME_FILE = DATA / "ons-crime" / "pfatablesdec19.xlsx"


def row_counts(session: Session) -> dict[str, int]:
    """Rows in every table of the database, by table name."""
    session.flush()
    conn = session.connection()
    names = inspect(conn).get_table_names()
    return {n: conn.execute(select(func.count()).select_from(table(n))).scalar_one()
            for n in names}


def attempt(session: Session, run: Callable[[], object], path: Path,
            damage: TableDamage | None = None) -> str:
    """Run an import of the (damaged) file at `path`; it either succeeds ("imported") or is
    refused with an `InputError` naming the file, and, where only cells in data rows were
    damaged, the row: the database then holds what it held before ("refused"). The session is
    rolled back either way."""
    before = row_counts(session)
    try:
        run()
    except InputError as error:
        problems = error.problems
        named = path.name in error.reason or (problems and all(path.name in p.file
                                                               for p in problems))
        assert named, f"the refusal does not name {path.name}: {error.reason!r} {problems}"
        for p in problems:
            assert path.name in p.file, f"a problem names another file: {p}"
        if damage is not None and damage.in_row and problems:
            assert any(p.row is not None for p in problems), \
                f"damage in a row ({damage.steps}) but no problem names a row: {problems}"
        assert row_counts(session) == before, "a refused import changed the database"
        return "refused"
    finally:
        session.rollback()
    return "imported"


@pytest.fixture
def sqlite_db(tmp_path, sqlite_templates) -> Iterator[Session]:  # noqa: ANN001
    """A SQLite database with the workforce table (for the hypothesis tests)."""
    path = tmp_path / "hardening.db"
    shutil.copy(sqlite_templates["workforce"], path)
    engine = make_engine(f"sqlite:///{path}")
    session = Session(engine, expire_on_commit=False)
    yield session
    session.close()
    engine.dispose()


# --- small valid files, as rows of text (header first) --------------------------------------

@pytest.fixture(scope="session")
def workforce_rows() -> list[list[str]]:
    return _workforce_rows()


@functools.cache
def _workforce_rows() -> list[list[str]]:
    """The bundled workforce table cut to 31 March 2023 for Kent and Essex."""
    from parity.tabular import cell_text, read_sheets
    from parity.workforce.importer import DEFAULT_FILE

    rows = [r for r in read_sheets(DEFAULT_FILE, only=["Data"])[0].rows if any(r)]
    keep = [rows[0]] + [r for r in rows[1:]
                        if cell_text(r[0]) == "2023" and cell_text(r[2]) in {"Kent", "Essex"}]
    return [[cell_text(c) for c in r[:9]] for r in keep]


def payroll_rows() -> list[list[str]]:
    header = ["employee_id", "sex", "ordinary_pay", "bonus_pay_in_period", "pay_period_days",
              "weekly_hours", "full_pay", "bonus_pay_12m"]
    rows = [header]
    for k in range(24):
        sex = "F" if k % 2 else "M"
        rows.append([f"E{k:03d}", sex, f"{150 + 7 * k:.2f}", "", "7", "10", "true",
                     f"{50 * (k % 3)}" if k % 3 else ""])
    return rows


def hr_rows() -> list[list[str]]:
    from parity.vocabulary import COLUMNS
    from tests.flows.conftest import tiny_history

    return [list(COLUMNS)] + [["" if r.get(c) is None else str(r.get(c, "")) for c in COLUMNS]
                              for r in tiny_history()]


@pytest.fixture(scope="session")
def returns_rows() -> list[list[str]]:
    return _returns_rows()


@functools.cache
def _returns_rows() -> list[list[str]]:
    """The 2019/20 download's header and its first 15 returns, plus a police force's."""
    import csv

    with open(RETURNS_FILE, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    police = [r for r in rows[1:] if "CONSTABULARY" in r[0].upper()][:1]
    return rows[:16] + police


@pytest.fixture(scope="session")
def crime_sheets() -> list[tuple[str, list[list]]]:
    return _crime_sheets()


@functools.cache
def _crime_sheets() -> list[tuple[str, list[list]]]:
    """The December 2019 edition's sheets as values (title, notes and tables P1 to P3)."""
    from parity.tabular import read_sheets

    return [(s.name or "Sheet", [list(r) for r in s.rows]) for s in read_sheets(CRIME_FILE)]


def article_text(**fields: object) -> str:
    from parity.library.samples import front_matter_file

    base = dict(title="Women's network marks a year of mentoring",
                url="https://www.kent.police.uk/news/2019/11/network/", area="Kent",
                published=date(2019, 11, 22), description="A year of the network.",
                body="## A year\n\nThe network gives officers a place to find a mentor. "
                     "Women make up 32% of our officers.")
    base.update(fields)
    return front_matter_file(**base)  # type: ignore[arg-type]


def commitments_rows() -> list[list[str]]:
    from parity.commitments import schemas

    spec = {"ref": "kent-senior-1", "scope": "force", "force": "Kent", "refines": None,
            "title": "Women are 35% of senior officers by 2025", "theme": "senior representation",
            "owner": "ACC People", "made": "2020-06-01", "summary": None, "state": "active",
            "indicators": [{"kind": "representation",
                            "params": {"group": "senior", "worker_type": "officer",
                                       "measure": "fte"},
                            "baseline_year": 2019, "target_value": 0.35,
                            "target_date": "2025-03-31", "direction": "up"}],
            "links": []}
    rows = schemas.to_csv_rows([spec])
    return [list(schemas.CSV_COLUMNS)] + [["" if r.get(c) is None else str(r.get(c))
                                           for c in schemas.CSV_COLUMNS] for r in rows]


def expect_input_error(run: Callable[[], object]) -> InputError:
    with pytest.raises(InputError) as info:
        run()
    return info.value

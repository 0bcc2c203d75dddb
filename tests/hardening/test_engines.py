"""One case per importer on both engines (the shared ``db`` fixture: SQLite, then
PostgreSQL): a file with a NUL character in a text cell (PostgreSQL refuses NUL in text, so it
must be refused before any write) and a valid file imported twice (the second changes
nothing)."""

from __future__ import annotations

import pytest

from tests.hardening import conftest as c
from tests.hardening import damage as d


def _nul(rows: list[list[str]], row: int, column: int) -> list[list[str]]:
    rows = [list(r) for r in rows]
    rows[row][column] = rows[row][column] + "\x00x"
    return rows


def _twice(db, run) -> None:  # noqa: ANN001
    run()
    db.commit()
    after_first = c.row_counts(db)
    run()
    db.commit()
    assert c.row_counts(db) == after_first


def test_workforce(db, tmp_path, workforce_rows):  # noqa: ANN001
    from parity.workforce.importer import import_workforce

    bad = d.write(tmp_path / "bad.csv", d.csv_bytes(_nul(workforce_rows, 2, 2)))
    assert c.attempt(db, lambda: import_workforce(db, path=bad), bad) == "refused"
    good = d.write(tmp_path / "good-260723.csv", d.csv_bytes(workforce_rows))
    _twice(db, lambda: import_workforce(db, path=good))


def test_payroll(db, tmp_path):  # noqa: ANN001
    from parity.paygap.service import compute_figures, read_payroll

    rows = c.payroll_rows()
    rows[3][2] = "nan"  # a payroll is read, never stored: a wild figure instead of a NUL
    bad = d.write(tmp_path / "bad.csv", d.csv_bytes(rows))
    assert c.attempt(db, lambda: read_payroll(bad), bad) == "refused"
    good = d.write(tmp_path / "good.xlsx", d.xlsx_bytes(c.payroll_rows()))
    assert compute_figures(read_payroll(good))["counts"]["employees"] == 24


def test_hr(db, tmp_path):  # noqa: ANN001
    from parity.flows.importer import import_hr

    bad = d.write(tmp_path / "bad.csv", d.csv_bytes(_nul(c.hr_rows(), 3, 0)))
    assert c.attempt(db, lambda: import_hr(db, path=bad, force="Kent"), bad) == "refused"
    good = d.write(tmp_path / "good.csv", d.csv_bytes(c.hr_rows()))
    _twice(db, lambda: import_hr(db, path=good, force="Kent"))


def test_returns(db, tmp_path, returns_rows):  # noqa: ANN001
    from parity.context.returns_importer import import_paygap_returns

    folder = tmp_path / "bad"
    folder.mkdir()
    bad = d.write(folder / c.RETURNS_FILE.name, d.csv_bytes(_nul(returns_rows, 2, 0)))
    assert c.attempt(db, lambda: import_paygap_returns(db, path=bad), bad) == "refused"
    good = d.write(tmp_path / c.RETURNS_FILE.name, d.csv_bytes(returns_rows))
    _twice(db, lambda: import_paygap_returns(db, path=good))


def test_crime(db, tmp_path, crime_sheets):  # noqa: ANN001
    from parity.context.crime_importer import import_crime
    from tests.hardening.test_importers import crime_workbook

    bad = d.write(tmp_path / "bad.xlsx", crime_workbook(crime_sheets, [("cell", 5, 2, "12 x")])[0])
    assert c.attempt(db, lambda: import_crime(db, path=bad), bad) == "refused"
    good = d.write(tmp_path / "pfatablesdec19.xlsx", crime_workbook(crime_sheets, [])[0])
    _twice(db, lambda: import_crime(db, path=good))


@pytest.mark.parametrize("where", ["title", "body"])
def test_articles(db, tmp_path, where):  # noqa: ANN001
    from parity.library.importer import import_articles

    text = c.article_text()
    # In the title, YAML's escape "\0" (the bytes hold no NUL; the parsed title does).
    text = text.replace("title: 'Women''s network", 'title: "Women\\0s network') \
        .replace("mentoring'\n", 'mentoring"\n', 1) if where == "title" \
        else text.replace("a place", "a\x00place")
    assert text != c.article_text()
    bad = d.write(tmp_path / "bad.md", text.encode())
    assert c.attempt(db, lambda: import_articles(db, path=bad, strict=True), bad) == "refused"
    good = d.write(tmp_path / "good.md", c.article_text().encode())
    _twice(db, lambda: import_articles(db, path=good, strict=True))


def test_commitments(db, tmp_path):  # noqa: ANN001
    from parity.commitments import service
    from parity.commitments.importer import import_commitments

    service.ensure_defaults(db)  # the bundled national commitments, loaded by any import
    db.commit()
    rows = c.commitments_rows()
    bad = d.write(tmp_path / "bad.csv", d.csv_bytes(_nul(rows, 1, rows[0].index("title"))))
    assert c.attempt(db, lambda: import_commitments(db, path=bad, by="test"), bad) == "refused"
    good = d.write(tmp_path / "good.csv", d.csv_bytes(rows))
    _twice(db, lambda: import_commitments(db, path=good, by="test"))

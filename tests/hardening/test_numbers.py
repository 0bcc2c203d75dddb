"""Numbers no real file holds (NaN, infinities, overflowing or absurd values) are refused,
naming the file, row and column; never stored or computed with."""

from __future__ import annotations

import pytest

from parity.errors import InputError
from tests.hardening import conftest as c
from tests.hardening import damage as d

WILD = ["nan", "NaN", "inf", "-inf", "Infinity", "1e999"]


def _refused_at(run, row: int, column: str) -> None:  # noqa: ANN001
    with pytest.raises(InputError) as info:
        run()
    where = [(p.row, p.column) for p in info.value.problems]
    assert any(r == row and column in (col or "") for r, col in where), where


@pytest.mark.parametrize("value", [*WILD, "2000000"])
@pytest.mark.parametrize("column", ["Total (headcount)", "Total (FTE)"])
def test_workforce_counts(tmp_path, workforce_rows, column, value):  # noqa: ANN001
    from parity.workforce.importer import parse

    rows = [list(r) for r in workforce_rows]
    rows[3][rows[0].index(column)] = value
    path = d.write(tmp_path / "wf.csv", d.csv_bytes(rows))
    _refused_at(lambda: parse(path), 4, column)


@pytest.mark.parametrize("value", [*WILD, "1e308"])
@pytest.mark.parametrize("column", ["ordinary_pay", "bonus_pay_in_period", "pay_period_days",
                                    "weekly_hours", "bonus_pay_12m"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_payroll_amounts(tmp_path, column, value, kind):  # noqa: ANN001
    from parity.paygap.service import read_payroll

    rows = c.payroll_rows()
    rows[5][rows[0].index(column)] = value
    data = d.csv_bytes(rows) if kind == "csv" else d.xlsx_bytes(rows)
    path = d.write(tmp_path / f"payroll.{kind}", data)
    _refused_at(lambda: read_payroll(path), 6, column)


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31"])
def test_hr_dates_before_1900(tmp_path, value):  # noqa: ANN001
    from parity.flows.importer import read_events

    rows = c.hr_rows()
    rows[4][rows[0].index("date")] = value
    path = d.write(tmp_path / "hr.csv", d.csv_bytes(rows))
    _refused_at(lambda: read_events(path), 5, "date")


@pytest.mark.parametrize("value", WILD)
@pytest.mark.parametrize("column", ["DiffMeanHourlyPercent", "FemaleTopQuartile"])
def test_returns_figures(tmp_path, returns_rows, column, value):  # noqa: ANN001
    from parity.context.returns_importer import read_returns

    rows = [list(r) for r in returns_rows]
    rows[2][rows[0].index(column)] = value
    path = d.write(tmp_path / c.RETURNS_FILE.name, d.csv_bytes(rows))
    _refused_at(lambda: read_returns(path), 3, column)


@pytest.mark.parametrize("value", [*WILD, "-5"])
def test_crime_figures(tmp_path, crime_sheets, value):  # noqa: ANN001
    from parity.context.crime_importer import read_crime
    from tests.hardening.test_importers import crime_workbook

    data, _ = crime_workbook(crime_sheets, [("cell", 3, 2, value)])
    path = d.write(tmp_path / "pfatablesdec19.xlsx", data)
    with pytest.raises(InputError) as info:
        read_crime(path)
    assert any(p.row is not None and p.column for p in info.value.problems)


def test_crime_title_year_out_of_range(tmp_path, crime_sheets):  # noqa: ANN001
    from parity.context.crime_importer import read_crime
    from tests.hardening.test_importers import crime_workbook

    sheets = [(name, [[str(x).replace("2019", "0000") if isinstance(x, str) else x for x in r]
                      for r in rows]) for name, rows in crime_sheets]
    path = d.write(tmp_path / "pfatablesdec19.xlsx", crime_workbook(sheets, [])[0])
    with pytest.raises(InputError, match="expected a year from 1900"):
        read_crime(path)


@pytest.mark.parametrize("field,value", [("baseline_year", "1e400"), ("target_value", "nan"),
                                         ("target_value", "inf"), ("baseline_value", "-1e999"),
                                         ("baseline_year", "99999999999")])
def test_commitment_numbers(tmp_path, field, value):  # noqa: ANN001
    from parity.commitments.importer import read_items
    from parity.commitments.validation import check_commitment

    rows = c.commitments_rows()
    rows[1][rows[0].index(field)] = value
    path = d.write(tmp_path / "commitments.csv", d.csv_bytes(rows))
    [(where, item)] = read_items(path, "csv")
    _, problems = check_commitment(item, where=where)
    assert any(p.row == 2 and field in (p.column or "") for p in problems), problems

"""Reading payroll extracts: CSV, XLSX and Parquet give the same figures; bad files are refused
with every problem named by row and column, and nothing is computed."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from parity.errors import InputError
from parity.paygap import metrics
from parity.paygap.importer import read_payroll
from tests.paygap.conftest import COLUMNS, person


def sample_rows() -> list[dict]:
    rows = [person(f"E{i:03d}", "MF"[i % 2], 9 + (i * 7) % 13, grade=f"G{i % 3}",
                   worker_type="Officer" if i % 4 else "Staff", start_date="2015-06-01",
                   bonus_pay_12m=(100 * (i % 5) or ""))
            for i in range(40)]
    rows[3]["full_pay"] = "No"
    rows[5]["full_pay"] = "Y"
    rows[7]["sex"] = "Female"
    return rows


def problems_of(path) -> list[str]:  # noqa: ANN001
    with pytest.raises(InputError) as caught:
        read_payroll(path)
    return [str(p) for p in caught.value.problems]


def test_csv_xlsx_and_parquet_give_the_same_figures(payroll_file, tmp_path):
    rows = sample_rows()
    csv_path = payroll_file(rows)
    from_csv = metrics.six_figures(read_payroll(csv_path))

    columns = list(dict.fromkeys([*COLUMNS, "grade", "worker_type", "start_date"]))
    book = Workbook()
    sheet = book.active
    sheet.append(["Payroll extract, 31 March 2023"])
    sheet.append(columns)
    for r in rows:
        sheet.append([None if r[c] == "" else r[c] for c in columns])
    book.save(tmp_path / "payroll.xlsx")
    from_xlsx = read_payroll(tmp_path / "payroll.xlsx")

    table = pa.Table.from_pylist([{c: (None if r[c] == "" else str(r[c])) for c in columns}
                                  for r in rows])
    pq.write_table(table, tmp_path / "payroll.parquet")
    from_parquet = read_payroll(tmp_path / "payroll.parquet")

    for other in (from_xlsx, from_parquet):
        figures = metrics.six_figures(other)
        for key in ("mean_hourly_gap_pct", "median_hourly_gap_pct", "mean_bonus_gap_pct",
                    "male_bonus_pct", "female_bonus_pct", "quarters", "counts"):
            assert figures[key] == from_csv[key], key
    assert from_xlsx.grade.to_pylist()[:3] == ["G0", "G1", "G2"]


def test_extra_columns_are_kept_and_headers_compared_loosely(payroll_file):
    rows = [{("Employee ID" if k == "employee_id" else k): v for k, v in person(i, "M", 10)
             .items()} | {"Cost centre": "X1"} for i in range(3)]
    payroll = read_payroll(payroll_file(rows, columns=("Employee ID", *COLUMNS[1:],
                                                       "Cost centre")))
    assert "Cost centre" in payroll.table.column_names
    assert payroll.employee_id.to_pylist() == ["0", "1", "2"]


def test_every_problem_is_reported_with_row_and_column(payroll_file):
    rows = [person("A", "M", 10), person("A", "F", 10),
            person("B", "F", 10, ordinary_pay=-5), person("C", "M", 10, weekly_hours=0),
            person("D", "F", 10, pay_period_days=0), person("E", "M", 10, full_pay="maybe"),
            person("F", "M", 10, ordinary_pay="12,00"), person("G", "F", 10, ordinary_pay=""),
            person("", "F", 10), person("H", "M", 10, bonus_pay_12m=-1)]
    found = problems_of(payroll_file(rows))
    expected = [
        "payroll.csv, row 3, column 'employee_id': employee id 'A' appears more than once "
        "(first on row 2)",
        "payroll.csv, row 4, column 'ordinary_pay': expected a number 0 or more, found -5",
        "payroll.csv, row 5, column 'weekly_hours': expected a number above 0, found 0",
        "payroll.csv, row 6, column 'pay_period_days': expected a number above 0, found 0",
        "payroll.csv, row 7, column 'full_pay': expected true or false (also yes/no, 1/0), "
        "found 'maybe'",
        "payroll.csv, row 8, column 'ordinary_pay': expected a number, found '12,00'",
        "payroll.csv, row 9, column 'ordinary_pay': blank; expected a number",
        "payroll.csv, row 10, column 'employee_id': employee id is blank",
        "payroll.csv, row 11, column 'bonus_pay_12m': expected a number 0 or more, found -1",
    ]
    assert sorted(found) == sorted(expected)


def test_hours_and_days_too_small_to_divide_by_are_refused(payroll_file):
    """A value above 0 but so small that the hourly rate would not be a finite number (found
    by the damaged-file property test: a pay period of 1e-320 days)."""
    rows = [person("A", "M", 10, pay_period_days="1e-300"),
            person("B", "F", 10, weekly_hours="0.001"), person("C", "F", 10, pay_period_days=0.5),
            person("D", "M", 10, weekly_hours="0.01", pay_period_days=1)]
    assert sorted(problems_of(payroll_file(rows))) == [
        "payroll.csv, row 2, column 'pay_period_days': expected a number of at least 1, "
        "found 1e-300",
        "payroll.csv, row 3, column 'weekly_hours': expected a number of at least 0.01, "
        "found 0.001",
        "payroll.csv, row 4, column 'pay_period_days': expected a number of at least 1, "
        "found 0.5",
    ]


def test_a_missing_column_is_named(payroll_file):
    found = problems_of(payroll_file([person(1, "M", 10)],
                                     columns=tuple(c for c in COLUMNS if c != "full_pay")))
    assert len(found) == 1 and "missing required column(s): full_pay" in found[0]


def test_bad_start_dates_are_named(payroll_file):
    rows = [person(1, "M", 10, start_date="2020-01-31"), person(2, "F", 10, start_date=""),
            person(3, "F", 10, start_date="31 Jan 2020")]
    found = problems_of(payroll_file(rows))
    assert found == ["payroll.csv, row 4, column 'start_date': expected a date (YYYY-MM-DD or "
                     "DD/MM/YYYY), found '31 Jan 2020'"]
    rows[2]["start_date"] = "31/01/2020"
    payroll = read_payroll(payroll_file(rows, name="ok.csv"))
    assert str(payroll.start_date[2]) == "2020-01-31"
    assert str(payroll.start_date[1]) == "NaT"


def test_problems_in_a_spreadsheet_name_the_sheet_and_its_row(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "March"
    sheet.append(["notes"])
    sheet.append(list(COLUMNS))
    sheet.append([1, "M", 1000, None, 31, 37, "TRUE", None])
    sheet.append([2, "F", 1000, None, 31, 0, "perhaps", None])
    book.save(tmp_path / "p.xlsx")
    found = problems_of(tmp_path / "p.xlsx")
    assert "p.xlsx, sheet 'March', row 4, column 'weekly_hours': expected a number above 0, " \
           "found 0" in found
    assert any("row 4, column 'full_pay'" in p for p in found)


def test_unsupported_and_missing_files(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_payroll(tmp_path / "nothing.csv")
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(InputError, match="unsupported file type"):
        read_payroll(tmp_path / "x.json")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="empty"):
        read_payroll(tmp_path / "empty.csv")


@pytest.mark.parametrize("make_id", [lambda i: f"E{i:07d}", lambda i: str(i),
                                     lambda i: f"X{i:012d}"])
def test_repeated_ids_are_found_whatever_their_shape(payroll_file, make_id):
    rows = [person(make_id(i), "MF"[i % 2], 10) for i in range(50)]
    assert len(read_payroll(payroll_file(rows)).employee_id) == 50
    rows[37]["employee_id"] = make_id(12)
    found = problems_of(payroll_file(rows, name="dup.csv"))
    assert found == [f"dup.csv, row 39, column 'employee_id': employee id '{make_id(12)}' "
                     "appears more than once (first on row 14)"]


def test_windows_1252_csv_and_ragged_rows(tmp_path):
    text = ("employee_id,sex,ordinary_pay,bonus_pay_in_period,pay_period_days,weekly_hours,"
            "full_pay,bonus_pay_12m,grade\n1,M,1000,,7,10,true,,Chef d’équipe\n"
            "2,F,900,,7,10,true,,Chef d’équipe\n")
    (tmp_path / "w.csv").write_bytes(text.encode("cp1252"))
    payroll = read_payroll(tmp_path / "w.csv")
    assert payroll.grade.to_pylist() == ["Chef d’équipe"] * 2
    (tmp_path / "r.csv").write_text(text + "3,F,900\n")
    with pytest.raises(InputError, match="not a readable CSV file"):
        read_payroll(tmp_path / "r.csv")

"""Pay lines: the column mapping, pay code classes, people not rows, audit, reconciliation."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pyarrow.csv as pcsv
import pytest

from parity.errors import InputError
from parity.paygap import fromlines, service
from parity.paygap.collapse import period_days
from tests.cli_runner import parity

HEADER = ["Employee", "Post", "Gender", "Element", "Description", "Amount", "Start", "End",
          "Hours", "Group"]
MAPPING = """columns:
  person: Employee
  post: Post
  sex: Gender
  code: Element
  description: Description
  amount: Amount
  period_start: Start
  period_end: End
  weekly_hours: Hours
  worker_type: Group
"""
MARCH = ("01/03/2023", "31/03/2023")


def write(folder: Path, rows: list[list[object]], mapping: str = MAPPING) -> tuple[Path, Path]:
    lines, columns = folder / "lines.csv", folder / "map.yaml"
    with open(lines, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        out.writerows(rows)
    columns.write_text(mapping, encoding="utf-8")
    return lines, columns


def line(person, code, amount, *, post="1", sex="F", hours=37, period=MARCH, group="staff"):  # noqa: ANN001, ANN201
    return [person, post, sex, code, code.title(), amount, *period, hours, group]


def test_a_month_counts_as_30_44_days_and_a_week_as_seven():
    assert period_days(date(2023, 3, 1), date(2023, 3, 31)) == 30.44
    assert period_days(date(2023, 3, 16), date(2023, 4, 15)) == 30.44
    assert period_days(date(2023, 1, 31), date(2023, 2, 28)) == 30.44
    assert period_days(date(2023, 3, 27), date(2023, 4, 2)) == 7.0
    assert period_days(date(2023, 3, 20), date(2023, 4, 16)) == 28.0


def test_a_worked_person_from_lines(tmp_path):
    # Basic £3,000 + London weighting £200, overtime (left out), a £365 bonus in March in
    # respect of a year, a cycle-scheme sacrifice of £50: ordinary pay £3,150.
    rows = [line("A", "BASIC", "3000.00", sex="M", hours=40),
            line("A", "LONDON_WEIGHTING", 200, sex="M", hours=40),
            line("A", "OVERTIME", 500, sex="M", hours=12),
            line("A", "BONUS", 365, sex="M", hours=40),
            line("A", "SACRIFICE_CYCLE", -50, sex="M", hours=40),
            line("A", "TAX", -600, sex="M", hours=""),
            line("B", "BASIC", 1500),
            line("B", "SMP", 400),
            line("B", "BONUS", 100, period=("01/06/2022", "30/06/2022"))]
    lines, columns = write(tmp_path, rows)
    collapsed, inferred = fromlines.collapse_file(lines, columns=columns, codes="police")
    assert inferred and collapsed.snapshot == "2023-03-31"
    p = collapsed.payroll
    a, b = 0, 1
    assert p.ordinary_pay[a] == 3150.0
    assert p.weekly_hours[a] == 40  # not the overtime line's 12
    assert p.bonus_pay_in_period[a] == pytest.approx(365 * 30.44 / 365)
    assert p.bonus_pay_12m[a] == 365.0 and p.full_pay[a]
    # Maternity pay in the period: not full pay; June's bonus is in the 12 months.
    assert not p.full_pay[b] and p.ordinary_pay[b] == 1900.0 and p.bonus_pay_12m[b] == 100.0
    rec = {r["code"]: r for r in collapsed.reconciliation}
    assert rec["OVERTIME"]["class"] == "excluded" and rec["OVERTIME"]["period_gbp"] == 500
    assert rec["BONUS"]["bonus_12m_gbp"] == 465 and rec["BONUS"]["people"] == 2


def test_several_posts_combined_or_separate(tmp_path):
    rows = [line("A", "BASIC", 1000, post="1", hours=20),
            line("A", "BASIC", 1000, post="2", hours=17),
            line("B", "BASIC", 2000, hours=37, sex="M")]
    lines, columns = write(tmp_path, rows)
    combined, _ = fromlines.collapse_file(lines, columns=columns, codes="police")
    assert len(combined.payroll) == 2
    assert combined.payroll.weekly_hours[0] == 37 and combined.payroll.ordinary_pay[0] == 2000
    separate, _ = fromlines.collapse_file(lines, columns=columns, codes="police",
                                          posts="separate")
    assert separate.payroll.employee_id.to_pylist() == ["A/1", "A/2", "B/1"]
    assert list(separate.payroll.weekly_hours) == [20, 17, 37]


def test_posts_paid_weekly_and_monthly_are_added_per_week(tmp_path):
    rows = [line("A", "BASIC", 3044, post="1", hours=30),
            line("A", "BASIC", 70, post="2", hours=5, period=("27/03/2023", "02/04/2023"))]
    lines, columns = write(tmp_path, rows)
    collapsed, _ = fromlines.collapse_file(lines, columns=columns, codes="police")
    p = collapsed.payroll
    assert p.pay_period_days[0] == 7 and p.weekly_hours[0] == 35
    assert p.ordinary_pay[0] == pytest.approx(3044 * 7 / 30.44 + 70)


def test_unknown_codes_stop_with_their_totals_and_people(tmp_path):
    rows = [line("A", "BASIC", 1000), line("A", "MYSTERY", 12.5), line("B", "MYSTERY", 10),
            line("B", "BASIC", 900)]
    lines, columns = write(tmp_path, rows)
    with pytest.raises(InputError) as err:
        fromlines.collapse_file(lines, columns=columns, codes="police")
    assert "1 pay code(s) are not in" in err.value.reason
    assert "'MYSTERY' (Mystery): 2 lines, 2 people, total £22.50" in err.value.details()[0]
    collapsed, _ = fromlines.collapse_file(lines, columns=columns, codes="police",
                                           unknown="as-excluded")
    assert collapsed.unknown_codes[0]["code"] == "MYSTERY"
    assert collapsed.payroll.ordinary_pay[0] == 1000


def test_bad_cells_are_named_by_row_and_column(tmp_path):
    rows = [line("A", "BASIC", "12,3x"), line("B", "BASIC", 100, period=("1 March", "31/03/2023")),
            line("C", "BASIC", 100, hours=200), line("", "BASIC", 100)]
    lines, columns = write(tmp_path, rows)
    with pytest.raises(InputError) as err:
        fromlines.collapse_file(lines, columns=columns, codes="police")
    text = "\n".join(err.value.details())
    assert "row 2, column 'Amount': expected a number in pounds, found '12,3x'" in text
    assert "row 3, column 'Start': expected a date" in text
    assert "row 4, column 'Hours': weekly hours must be from 0 to 168" in text
    assert "row 5, column 'Employee': blank person" in text


def test_a_person_with_two_sexes_and_negative_pay_are_refused(tmp_path):
    rows = [line("A", "BASIC", 100, sex="F"), line("A", "ON_CALL", 20, sex="M"),
            line("B", "BASIC", 10, sex="M"), line("B", "SACRIFICE_CAR", -50, sex="M")]
    lines, columns = write(tmp_path, rows)
    with pytest.raises(InputError) as err:
        fromlines.collapse_file(lines, columns=columns, codes="police")
    text = "\n".join(err.value.details())
    assert "person 'A' is recorded with more than one sex" in text
    assert "person 'B': ordinary pay in the relevant pay period is £-40.00" in text


def test_the_mapping_file_is_checked(tmp_path):
    lines, columns = write(tmp_path, [line("A", "BASIC", 100)],
                           mapping="columns:\n  person: Employee\n  colour: Gender\n")
    with pytest.raises(InputError) as err:
        fromlines.collapse_file(lines, columns=columns, codes="police")
    text = "\n".join(err.value.details())
    assert "unknown field 'colour'" in text and "columns.amount is required" in text
    lines, columns = write(tmp_path, [line("A", "BASIC", 100)],
                           mapping=MAPPING.replace("Hours", "Contract Hours"))
    with pytest.raises(InputError) as err:
        fromlines.collapse_file(lines, columns=columns, codes="police")
    assert "no column for weekly_hours ('Contract Hours')" in err.value.details()[0]


def test_the_code_table_is_checked(tmp_path):
    codes = tmp_path / "codes.csv"
    codes.write_text("code,class\nBASIC,ordinary\nBASIC,bonus\nOT,sometimes\n,bonus\n",
                     encoding="utf-8")
    lines, columns = write(tmp_path, [line("A", "BASIC", 100)])
    with pytest.raises(InputError) as err:
        fromlines.collapse_file(lines, columns=columns, codes=codes)
    text = "\n".join(err.value.details())
    assert "row 3, column 'code': pay code 'BASIC' repeated (first in row 2)" in text
    assert "row 4, column 'class': class 'sometimes'" in text
    assert "row 5, column 'code': blank pay code" in text


def test_xlsx_and_parquet_lines_give_the_same_figures(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from openpyxl import Workbook

    rows = [line(f"P{i}", "BASIC", 1000 + 37 * i, sex="MF"[i % 2], hours=30 + i % 8)
            for i in range(30)] + [line("P1", "BONUS", 250)]
    lines, columns = write(tmp_path, rows)
    book = Workbook()
    sheet = book.active
    sheet.append(["Pay lines export"])
    sheet.append(HEADER)
    for r in rows:
        sheet.append(r)
    book.save(tmp_path / "lines.xlsx")
    table = pcsv.read_csv(lines)
    pq.write_table(table.set_column(0, "Employee", table.column(0).cast(pa.string())),
                   tmp_path / "lines.parquet")
    figures = [fromlines.figures_from_lines(tmp_path / name, columns=columns, codes="police")
               for name in ("lines.csv", "lines.xlsx", "lines.parquet")]
    keys = ("mean_hourly_gap_pct", "median_hourly_gap_pct", "male_bonus_pct", "quarters")
    assert [{k: f[k] for k in keys} for f in figures[1:]] == [{k: figures[0][k] for k in keys}] * 2


def test_the_audit_neutralises_formulas_and_names_the_lines(tmp_path):
    codes = tmp_path / "codes.csv"
    codes.write_text("code,class\nBASIC,ordinary\n=HYPERLINK(1),ordinary\n", encoding="utf-8")
    rows = [line("=cmd|'/c calc'!A1", "BASIC", 1000), line("B", "=HYPERLINK(1)", 50, sex="M"),
            line("B", "BASIC", 900, sex="M")]
    lines, columns = write(tmp_path, rows)
    out = tmp_path / "audit.csv"
    fromlines.figures_from_lines(lines, columns=columns, codes=codes, audit=out)
    audit = list(csv.DictReader(open(out, encoding="utf-8")))
    ids = [r["employee_id"] for r in audit]
    assert ids == ["'=cmd|'/c calc'!A1", "B"]
    assert audit[1]["codes"].startswith("'=HYPERLINK(1):ordinary 50")
    assert audit[1]["codes"].endswith("; BASIC:ordinary 900")
    assert audit[1]["ordinary_pay_gbp"] == "950" and audit[1]["full_pay"] == "true"


def test_cli_lines_match_the_one_row_extract_and_reconcile(sqlite_url, tmp_path):
    out = tmp_path / "avon"
    run = parity("synth", "payroll", "--force", "Avon and Somerset", "--year", "2023",
                 "--lines", "--out", str(out), "--rows", "3000", "--seed", "3",
                 db_url=sqlite_url)
    assert run.code == 0, run.stderr
    lines = parity("paygap", "compute", str(out / "pay-lines.csv"), "--columns",
                   str(out / "columns.yaml"), "--codes", str(out / "codes.csv"), "--totals",
                   str(out / "period-totals.csv"), "--json", db_url=sqlite_url)
    one = parity("paygap", "compute", str(out / "one-row.csv"), "--json", db_url=sqlite_url)
    assert lines.code == 0 and one.code == 0, lines.stderr + one.stderr
    a, b = lines.json(), one.json()
    for key in ("mean_hourly_gap_pct", "median_hourly_gap_pct", "mean_bonus_gap_pct",
                "median_bonus_gap_pct", "male_bonus_pct", "female_bonus_pct", "quarters",
                "counts"):
        assert a[key] == b[key], key
    assert a["pay_lines"]["lines"] > 8 * 3000
    assert all(r["difference_gbp"] == 0 for r in a["pay_lines"]["reconciliation"]
               if r.get("payroll_period_gbp") is not None)
    # The payroll's total for one code is off by a pound: the table says so.
    totals = (out / "period-totals.csv").read_text().replace('"BASIC",', '"BASIC",1')
    (out / "period-totals.csv").write_text(totals)
    printed = parity("paygap", "compute", str(out / "pay-lines.csv"), "--columns",
                     str(out / "columns.yaml"), "--codes", "police", "--totals",
                     str(out / "period-totals.csv"), db_url=sqlite_url)
    assert printed.code == 0 and "1 code(s) differ from the payroll's totals: BASIC" in \
        printed.stdout


def test_cli_unknown_codes_exit_2_with_the_list(sqlite_url, tmp_path):
    lines, columns = write(tmp_path, [line("A", "BASIC", 100), line("A", "WHAT", 7)])
    run = parity("paygap", "compute", str(lines), "--columns", str(columns), "--codes",
                 "police", "--json", db_url=sqlite_url)
    assert run.code == 2 and run.stdout == ""
    assert "pay code 'WHAT' (What): 1 lines, 1 people, total £7.00" in run.stderr
    run = parity("paygap", "compute", str(lines), "--columns", str(columns), "--codes",
                 "police", "--unknown-codes", "as-excluded", "--json", db_url=sqlite_url)
    assert run.code == 0 and run.json()["pay_lines"]["unknown_codes"][0]["code"] == "WHAT"
    run = parity("paygap", "compute", str(lines), "--columns", str(columns), db_url=sqlite_url)
    assert run.code == 2 and "need both --columns" in run.stderr


def test_service_reads_the_one_row_extract_the_synth_wrote(wf_db, tmp_path):
    from parity.paygap.synth_lines import synth_pay_lines

    summary = synth_pay_lines(wf_db, force="City of London Police", year=2022,
                              out=tmp_path / "city", seed=1)
    assert summary["lines"] > summary["people"] * 8
    payroll = service.read_payroll(tmp_path / "city" / "one-row.csv")
    text = (tmp_path / "city" / "pay-lines.csv").read_text()
    # A London force: London weighting and allowance lines; two-post people.
    assert "LONDON_WEIGHTING" in text and "-2\"" in text
    assert len(payroll) == summary["people"]


def test_the_example_mappings_are_valid():
    from parity.paygap.paylines import read_mapping

    folder = Path(__file__).resolve().parents[2] / "docs" / "examples" / "paylines"
    found = sorted(folder.glob("*.yaml"))
    assert len(found) == 2
    for path in found:
        assert read_mapping(path).columns["person"]


def test_worker_type_is_read_only_when_the_figures_use_it(tmp_path):
    rows = [line(f"P{i}", "BASIC", 1000 + 10 * i, sex="FM"[i % 2],
                 group="officer" if i % 3 else "staff") for i in range(40)]
    lines, columns = write(tmp_path, rows)
    plain = fromlines.figures_from_lines(lines, columns=columns, codes="police")
    grouped = fromlines.figures_from_lines(lines, columns=columns, codes="police",
                                           by="worker_type")
    for key in ("mean_hourly_gap_pct", "median_hourly_gap_pct", "quarters", "counts"):
        assert plain[key] == grouped[key], key
    assert {g["worker_type"] for g in grouped["groups"]} == {"officer", "staff"}
    skipped, _ = fromlines.collapse_file(lines, columns=columns, codes="police", groups=False)
    assert skipped.payroll.worker_type is None
    # A mapped column missing from the file is still an error, read or not.
    gone = tmp_path / "no-group.csv"
    gone.write_text("\n".join(",".join(r.split(",")[:-1]) for r in
                              lines.read_text().splitlines()) + "\n")
    with pytest.raises(InputError, match="not in the file"):
        fromlines.collapse_file(gone, columns=columns, codes="police", groups=False)


def test_a_code_table_carried_as_text_reads_back_unchanged_and_cannot_run_as_a_formula():
    from parity.paygap.codes import CLASSES, CodeTable, codes_from_text, codes_text, police_codes

    table = police_codes()
    table = CodeTable(table.file, {**table.classes, "=SUM(A1)": CLASSES.index(CLASSES[0]),
                                   "@X": CLASSES.index(CLASSES[0])},
                      {**table.descriptions, "=SUM(A1)": '=HYPERLINK("http://x.example")',
                                   "@X": "+an allowance"},
                      dict(table.bonus_period_days))
    text = codes_text(table)
    assert "\n=" not in text and "\n@" not in text and ',=HYPERLINK' not in text
    back = codes_from_text(text, "codes.csv")
    assert back.classes == table.classes
    assert back.descriptions == table.descriptions
    assert back.bonus_period_days == table.bonus_period_days

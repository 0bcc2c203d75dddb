"""No cell Parity writes runs as a formula in a spreadsheet program (`parity.present.cells`):
commitments exports, the payroll audit trail, synthetic extracts; numbers stay numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from parity.commitments.importer import export_commitments, import_commitments, render
from parity.paygap import service as paygap
from parity.present.cells import FORMULA_STARTS, neutralise, restore
from tests.hardening import damage as d
from tests.hardening.conftest import commitments_rows, payroll_rows

ATTACKS = ['=HYPERLINK("http://x.example","click")', "@SUM(A1:A9)", "+1+cmd|' /C calc'!A0",
           "-2+3", "\t=1+1", "\r=1+1", "=1+1"]


@given(st.text())
def test_text_is_neutralised_unless_safe_and_restored_exactly(value):
    out = neutralise(value)
    assert restore(out) == value
    if value.startswith(FORMULA_STARTS):
        assert out.startswith("'") or out.lstrip("+-").replace(".", "").replace("e", "").isdigit()


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.none(), st.booleans()))
def test_numbers_and_empty_cells_stay_what_they_are(value):
    assert neutralise(value) is value


def test_negative_numbers_as_text_stay_numbers():
    for number in ("-12.5", "+3", "-0.25%", "-1,234.5", "-1e-05"):
        assert neutralise(number) == number
    for attack in ATTACKS:
        assert neutralise(attack) == "'" + attack


def test_a_commitments_csv_export_neutralises_titles_and_owners_and_reads_back(db, tmp_path):
    rows = commitments_rows()
    header = rows[0]
    rows[1][header.index("title")] = ATTACKS[0]
    rows[1][header.index("owner")] = "@ACC People"
    source = d.write(tmp_path / "commitments.csv", d.csv_bytes(rows))
    import_commitments(db, path=source)
    text = render(export_commitments(db), "csv")
    [exported] = [r for r in csv.DictReader(io.StringIO(text)) if r["ref"] == "kent-senior-1"]
    assert exported["title"] == "'" + ATTACKS[0]
    assert exported["owner"] == "'@ACC People"
    again = tmp_path / "again.csv"
    again.write_text(text, encoding="utf-8")
    import_commitments(db, path=again)  # the same file read back: nothing changes
    [held] = [c for c in export_commitments(db) if c["ref"] == "kent-senior-1"]
    assert held["title"] == ATTACKS[0] and held["owner"] == "@ACC People"


def test_the_payroll_audit_trail_neutralises_employee_ids(tmp_path):
    rows = payroll_rows()
    attacks = [f"{a}{k}" for k, a in enumerate(ATTACKS)]
    for k, attack in enumerate(attacks, start=1):
        rows[k][0] = attack
    source = d.write(tmp_path / "payroll.csv", d.csv_bytes(rows))
    out = tmp_path / "audit.csv"
    paygap.write_audit(paygap.read_payroll(source), out)
    ids = {row["employee_id"] for row in csv.DictReader(out.open(encoding="utf-8"))}
    assert {"'" + a for a in attacks if a[0] != "\r"} <= ids  # a CR is read as a line end
    assert not any(i.startswith(FORMULA_STARTS) for i in ids)
    assert "E010" in ids


def test_synthetic_extracts_go_through_the_same_writer(tmp_path):
    from parity.present.cells import write_xlsx

    path = tmp_path / "x.xlsx"
    write_xlsx(path, ["name", "value"], [["=1+1", -5.0], ["-", 2]])
    sheet = load_workbook(path).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == \
        [["name", "value"], ["'=1+1", -5.0], ["'-", 2]]


def test_only_the_cells_module_writes_csv_or_xlsx():
    src = Path(neutralise.__code__.co_filename).parents[1]
    writers = ("csv.writer(", "DictWriter(", "pcsv.write_csv(", "Workbook(", "to_csv(", "to_excel(")
    found = sorted(p.relative_to(src).as_posix() for p in src.rglob("*.py")
                   if any(w in p.read_text(encoding="utf-8") for w in writers)
                   and p.name != "cells.py"
                   # a writer with formats of its own (the report's tables) neutralises each cell
                   and "from parity.present.cells import neutralise" not in p.read_text(
                       encoding="utf-8"))
    assert found == [], f"these modules write CSV or XLSX without parity.present.cells: {found}"

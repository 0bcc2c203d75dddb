"""Official downloads as users hold them: the pay gap downloads and the ONS crime tables opened
in a spreadsheet program (LibreOffice headless) and saved again, or written as a UK spreadsheet
program saves a CSV, import to the very figures the originals give, on both engines."""

from __future__ import annotations

import csv
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from parity.context.crime_importer import import_crime
from parity.context.models import CrimeFigure, PaygapReturn
from parity.context.returns_importer import import_paygap_returns, read_returns
from tests.context.conftest import CRIME_DIR, RETURNS_DIR
from tests.resave import CSV_IN, csv_out, libreoffice, write_as_excel

CSV_YEAR = RETURNS_DIR / "UK Gender Pay Gap Data - 2022 to 2023.csv"
XLSX_YEAR = RETURNS_DIR / "UK Gender Pay Gap Data - 2017 to 2018.xlsx"
CRIME_EDITION = CRIME_DIR / "pfatablesdec19.xlsx"


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> dict[str, Path]:  # noqa: ANN001
    """Re-saved copies of one CSV year, one XLSX year and one crime edition."""
    base = tmp_path_factory.mktemp("resaved")
    out = {
        "csv as xlsx": libreoffice(CSV_YEAR, base / "a", "xlsx", infilter=CSV_IN),
        "xlsx as csv": libreoffice(XLSX_YEAR, base / "b", csv_out()),
        "crime as xlsx": libreoffice(CRIME_EDITION, base / "c", "xlsx"),
        "crime as ods": libreoffice(CRIME_EDITION, base / "d", "ods"),
    }
    out["csv as xlsx as csv"] = libreoffice(out["csv as xlsx"], base / "e", csv_out())
    with open(CSV_YEAR, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    dates = {header.index("DueDate"), header.index("DateSubmitted")}
    flags = {header.index("SubmittedAfterTheDeadline")}
    name = header.index("EmployerName")
    for row in rows[1:]:  # a program keeps a cell's stray spaces; SIC codes "1, 84240" style
        row[name] = row[name] + "  "
        row[5] = row[5].replace(",\n", ", ")
    (base / "f").mkdir()
    out["csv as excel"] = write_as_excel(base / "f" / CSV_YEAR.name, rows, date_columns=dates,
                                         flag_columns=flags)
    return out


def _returns(session: Session, year: int, *, minutes: bool = False) -> list[tuple]:
    columns = [c for c in PaygapReturn.__table__.columns if c.name not in ("id", "source_id")]
    rows = []
    for row in session.execute(select(*columns).where(PaygapReturn.snapshot_year == year)
                               .order_by(PaygapReturn.source_row)):
        values = dict(row._mapping)
        if minutes and isinstance(values["date_submitted"], datetime):
            values["date_submitted"] = values["date_submitted"].replace(second=0)
        rows.append(tuple(values.items()))
    return rows


@pytest.mark.parametrize(("original", "copy", "minutes"), [
    (CSV_YEAR, "csv as xlsx", False),
    (CSV_YEAR, "csv as xlsx as csv", False),
    (CSV_YEAR, "csv as excel", True),
    (XLSX_YEAR, "xlsx as csv", False),
])
def test_a_resaved_pay_gap_download_stores_the_originals_figures(db, copies, original, copy,
                                                                  minutes):  # noqa: ANN001
    first = import_paygap_returns(db, path=original)
    year = first.snapshot_year
    before = _returns(db, year, minutes=minutes)
    again = import_paygap_returns(db, path=copies[copy])
    assert again.status == "imported" and again.snapshot_year == year
    assert again.replaced_rows == first.rows
    after = _returns(db, year, minutes=minutes)
    assert len(after) == len(before) > 9000
    assert after == before


def test_the_copies_are_what_a_spreadsheet_program_makes(copies):  # noqa: ANN001
    """The copies differ from the originals where the issue says users' copies do: numbers
    without their leading zeros, dates and flags as cells, unquoted fields, TRUE/FALSE."""
    from parity.tabular import read_sheets

    rows = read_sheets(copies["csv as xlsx"])[0].rows
    company = rows[0].index("CompanyNumber")
    assert any(isinstance(r[company], float) and len(str(int(r[company]))) < 8 for r in rows[1:])
    assert any(isinstance(r[-3], bool) for r in rows[1:])
    text = copies["csv as excel"].read_text(encoding="utf-8")
    assert ",FALSE,05-04-2023 00:00," in text
    assert "\n10X BANKING TECHNOLOGY UK LIMITED  ,22185," in text  # unquoted, spaces kept
    assert read_returns(copies["xlsx as csv"]).snapshot_year == 2017


def _crime(session: Session) -> list[tuple]:
    columns = [c for c in CrimeFigure.__table__.columns if c.name not in ("id", "source_id")]
    return [tuple(r) for r in session.execute(
        select(*columns).order_by(CrimeFigure.area_id, CrimeFigure.offence))]


@pytest.mark.parametrize("copy", ["crime as xlsx", "crime as ods"])
def test_a_resaved_crime_edition_stores_the_originals_figures(db, copies, copy, tmp_path):  # noqa: ANN001
    import_crime(db, path=CRIME_EDITION)
    before = _crime(db)
    renamed = shutil.copy(copies[copy], tmp_path / copies[copy].name)
    result = import_crime(db, path=renamed)
    assert result.status == "imported" and result.replaced_rows == len(before) > 200
    assert _crime(db) == before


@pytest.mark.parametrize(("text", "expected"), [
    ("05/04/2025", datetime(2025, 4, 5)),
    ("05-04-2025 00:00", datetime(2025, 4, 5)),
    ("28-03-2025 09:02", datetime(2025, 3, 28, 9, 2)),
    ("31/03/2018 00:00:00", datetime(2018, 3, 31)),
    ("2020/03/31 00:00:00", datetime(2020, 3, 31)),
    ("2025-03-28T09:02:10", datetime(2025, 3, 28, 9, 2, 10)),
    ("2025-03-28 09:02", datetime(2025, 3, 28, 9, 2)),
    (45744.376504629626, datetime(2025, 3, 28, 9, 2, 10)),  # an Excel serial number
    ("45744", datetime(2025, 3, 28)),
    (datetime(2025, 3, 28, 9, 2, 9, 999_990), datetime(2025, 3, 28, 9, 2, 10)),
    ("", None),
])
def test_dates_in_every_form_a_spreadsheet_program_writes(text, expected):  # noqa: ANN001
    from parity.context.returns_importer import parse_timestamp

    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("text", ["31/13/2018", "2018-02-30", "tomorrow", "1/2/3", True])
def test_what_is_not_a_date_is_refused(text):  # noqa: ANN001
    from parity.context.returns_importer import parse_timestamp

    with pytest.raises(ValueError):
        parse_timestamp(text)


@pytest.mark.parametrize(("value", "expected"), [("TRUE", True), ("false", False), (True, True),
                                                 (" False ", False), ("", None)])
def test_flags_in_any_case(value, expected):  # noqa: ANN001
    from parity.tabular import parse_bool

    assert parse_bool(value) is expected

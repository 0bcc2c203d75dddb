"""Later layouts of the ONS police force area tables: sheets moved and renamed, cover and
contents sheets, lines above the titles, header rows lower down and in other columns, notes
written ``[note 3]``. Test copies are the shipped December 2019 edition rearranged so (with
openpyxl), and import to the original's figures; a copy without what the importer needs is
refused naming what it expected."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from parity.context.crime_importer import import_crime, read_crime
from parity.context.models import CrimeFigure
from parity.errors import InputError
from tests.context.conftest import CRIME_DIR

EDITION = CRIME_DIR / "pfatablesdec19.xlsx"


def later_layout(path: Path, *, header: bool = True) -> Path:
    """The shipped edition laid out as later editions are: a cover sheet first, the tables
    last and renamed, two lines above each title, the area columns one column to the right,
    notes as ``[note N]`` on headers and names, ``[x]`` for a figure not available."""
    from openpyxl import load_workbook

    wb = load_workbook(EDITION)
    cover = wb.create_sheet("Cover sheet", 0)
    cover["A1"] = "Police force area data tables: year ending December 2019"
    cover["A3"] = "This workbook contains tables P1 to P6."
    for ws in list(wb.worksheets):
        title = str(ws["A1"].value or "")
        if not title.startswith("Table P"):
            continue
        ws.title = "P" + title.split(":")[0][7:].strip() + " data"
        ws.insert_rows(1, 2)
        ws["A1"] = "This worksheet contains one table. Some cells refer to notes."
        ws.insert_cols(1)
        for row in ws.iter_rows(min_row=1, max_row=12):
            for cell in row:
                if cell.value == "Area Code":
                    cell.value = "Area code [note 2]" if header else "Identifier"
                elif cell.value == "Area Name":
                    cell.value = "Area name"
        for row in ws.iter_rows(min_row=8):
            if row[2].value == "Essex10":
                row[2].value = "Essex [note 10]"
    wb.move_sheet(wb["P1 data"], offset=len(wb.sheetnames))
    wb.save(path)
    return path


def figures(session) -> list[tuple]:  # noqa: ANN001
    columns = [c for c in CrimeFigure.__table__.columns
               if c.name not in ("id", "source_id", "source_row")]
    return [tuple(r) for r in session.execute(
        select(*columns).order_by(CrimeFigure.area_id, CrimeFigure.offence))]


def test_a_later_layout_reads_as_the_original(db, tmp_path):  # noqa: ANN001
    copy = later_layout(tmp_path / "pfatablesdec19-later.xlsx")
    import_crime(db, path=EDITION)
    original = figures(db)
    result = import_crime(db, path=copy)
    assert result.status == "imported" and result.replaced_rows == len(original) > 200
    assert figures(db) == original
    essex = [r for r in read_crime(copy).records if r["area_id"] == "essex"]
    assert {r["area_name"] for r in essex} == {"Essex"}


def test_a_layout_without_the_header_is_refused_naming_what_was_expected(tmp_path):
    copy = later_layout(tmp_path / "no-header.xlsx", header=False)
    with pytest.raises(InputError) as info:
        read_crime(copy)
    message = info.value.problems[0].message
    assert "no header row in the first 40 rows naming the area code" in message
    assert "'Area Code' and 'Area Name'" in message
    assert info.value.problems[0].sheet == "P1 data"


def test_a_workbook_without_table_p1_is_refused_naming_what_was_expected(tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(EDITION)
    del wb["Table P1"]
    wb.save(tmp_path / "no-p1.xlsx")
    with pytest.raises(InputError) as info:
        read_crime(tmp_path / "no-p1.xlsx")
    assert "no 'number of offences' table (Table P1)" in info.value.reason
    assert "names the 'offence group' and 'number of offences'" in info.value.problems[0].message


@pytest.mark.parametrize(("period_end", "snapshot", "start", "months", "phrase"), [
    ("2019-12-31", "2023-03-31", "2019-01-01", 39,
     "ending 3 years and 3 months before the workforce figures (31 March 2023)"),
    ("2019-03-31", "2019-03-31", "2018-04-01", 0,
     "ending on the same day as the workforce figures"),
    ("2019-06-30", "2019-03-31", "2018-07-01", -3, "ending 3 months after"),
])
def test_the_crime_period_against_the_workforce_date(period_end, snapshot, start, months,  # noqa: ANN001
                                                     phrase):  # noqa: ANN001
    from datetime import date

    from parity.context.service import period_against_workforce

    got = period_against_workforce(date.fromisoformat(period_end), date.fromisoformat(snapshot))
    assert got["months_apart"] == months and phrase in got["text"]
    assert got["period_start"] == date.fromisoformat(start)


def test_pages_say_which_period_the_crime_figures_cover(ctx_db):  # noqa: ANN001
    from fastapi.testclient import TestClient

    from parity.present.deps import get_session
    from parity.web.app import create_app
    from tests.web.conftest import page, text_of

    app = create_app(ctx_db.get_bind().engine.url.render_as_string(hide_password=False))
    app.dependency_overrides[get_session] = lambda: ctx_db
    with TestClient(app) as client:
        doc = page(client.get("/context/crime/kent"))
        assert text_of(doc.xpath("//p[@id='crime-period']")[0]) == (
            "Recorded crime covers the 12 months from 1 January 2019 to 31 December 2019, "
            "ending 3 years and 3 months before the workforce figures (31 March 2023).")
        doc = page(client.get("/forces/kent?year=2019"))
        assert text_of(doc.xpath("//p[@id='panel-crime-period']")[0]) == (
            "Recorded crime covers the 12 months from 1 April 2018 to 31 March 2019, "
            "ending on the same day as the workforce figures (31 March 2019).")

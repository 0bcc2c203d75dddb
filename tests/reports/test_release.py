"""The report as a statistical release: main points with their figures in the HTML and the
JSON, numbered tables and figures, accompanying ODS and XLSX equal to the report's tables,
methods with sources, coverage and quality issues, a force's own report."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html
from odf import opendocument
from odf.namespaces import OFFICENS
from odf.table import Table, TableCell, TableRow
from openpyxl import load_workbook

from parity.reports.service import build_report, write_report
from parity.reports.tables import cell_value, text_of
from tests.cli_runner import parity


def html_tables(html: str) -> dict[str, list[list[str]]]:
    """{"Table 3": rows of cell text} from the report's HTML, a per-force table's rows with
    the force first (as the sheet has them)."""
    doc = lxml_html.fromstring(html)
    out: dict[str, list[list[str]]] = {}
    for table in doc.iter("table"):
        label = text_of(table.xpath("./caption/span[@class='number']")[0]).rstrip(".")
        number, _, force = label.partition(" (")
        head = table.find("thead")
        rows = [[text_of(c) for c in tr if c.tag in ("th", "td")] for tr in table.iter("tr")
                if head is None or tr.getparent() is not head]
        if force:
            rows = [[force.rstrip(")"), *r] for r in rows]
        out.setdefault(number, []).extend(rows)
    return out


def same(text: str, value) -> bool:  # noqa: ANN001
    """The sheet's value is the value the report's text shows."""
    kind, expected = cell_value(text)
    if kind == "empty":
        return value in (None, "")
    if kind == "text":
        return str(value).lstrip("'") == expected
    return isinstance(value, (int, float)) and abs(float(value) - float(expected)) < 1e-9


def xlsx_sheets(path) -> dict[str, list[list]]:  # noqa: ANN001
    book = load_workbook(path, read_only=True, data_only=True)
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
              for ws in book.worksheets}
    book.close()
    return sheets


def ods_sheets(path) -> dict[str, list[list]]:  # noqa: ANN001
    """Each sheet's rows as values, read with odfpy: numbers and percentages as floats."""
    doc = opendocument.load(str(path))
    out = {}
    for table in doc.spreadsheet.getElementsByType(Table):
        rows = []
        for tr in table.getElementsByType(TableRow):
            row = []
            for cell in tr.getElementsByType(TableCell):
                kind = cell.attributes.get((OFFICENS, "value-type"))
                if kind in ("float", "percentage"):
                    row.append(float(cell.attributes[(OFFICENS, "value")]))
                elif kind is None:
                    row.append(None)
                else:
                    row.append(str(cell))
            rows.append(row)
        out[table.getAttribute("name")] = rows
    return out


def test_accompanying_tables_equal_the_report(wf_db, tmp_path):
    report = build_report(wf_db, year=2023, force="Dyfed-Powys")
    written = write_report(report, out_dir=tmp_path)
    tables = html_tables(report.html)
    assert tables and list(tables) == [f"Table {i}" for i in range(1, len(tables) + 1)]
    for reader, path in ((xlsx_sheets, written["tables"]["xlsx"]),
                         (ods_sheets, written["tables"]["ods"])):
        sheets = reader(path)
        assert list(sheets)[:2] == ["Contents", "Notes"]
        for number, rows in tables.items():
            sheet = sheets[number]
            assert str(sheet[0][0]).startswith(f"{number}: ")
            body = sheet[2:]
            assert len(body) == len(rows), (path, number)
            for html_row, sheet_row in zip(rows, body, strict=True):
                for i, text in enumerate(html_row):
                    value = sheet_row[i] if i < len(sheet_row) else None
                    assert same(text, value), (path, number, html_row, sheet_row)
    # the force's officers table: real 2023 figures, a share as a number
    officers = xlsx_sheets(written["tables"]["xlsx"])["Table 1"]
    senior = next(r for r in officers[2:] if str(r[1]).startswith("Senior"))
    assert senior[0] == "Dyfed-Powys" and abs(senior[3] - 0.171) < 1e-9
    # every chart is a numbered figure with its numbers in a sheet of its own
    figures = [t for t in report.tables if t.kind == "Figure"]
    assert figures and all(f.parts for f in figures)
    first = xlsx_sheets(written["tables"]["xlsx"])[figures[0].label]
    assert first[1] == ["Force", "Year", "Dyfed-Powys", "England and Wales"]
    assert [r[1] for r in first[2:4]] == [2007, 2008]


def test_a_force_report_stands_alone(wf_db):
    report = build_report(wf_db, year=2023, force="Dyfed Powys Police")
    doc = lxml_html.fromstring(report.html)
    assert report.filename == "gender-equality-in-uk-policing-2023-dyfed-powys"
    assert not doc.xpath("//section[@id='national']")
    assert doc.xpath("//section[@id='force-dyfed-powys']")
    cover = text_of(doc.xpath("//section[@class='cover']")[0])
    assert "Dyfed-Powys" in cover and "17.1%" in cover
    # what it is compared with is computed: England and Wales and its position
    lede = text_of(doc.xpath("//section[@id='force-dyfed-powys']//p[@class='lede']")[0])
    assert "England and Wales 29.7%" in lede and "43rd of 43 forces" in lede
    # its own main points, each naming its figures
    rules = [p.rule for p in report.main_points]
    assert rules == ["force_all", "force_senior", "pipeline", "force_gap"]
    for p in report.main_points:
        assert all(f["shown"] in p.text for f in p.figures), p
    senior = report.main_points[1].text
    assert senior.startswith("On 31 March 2023 women were 17.1% of Dyfed-Powys's senior leaders")
    assert "43rd of 43 forces" in senior
    assert "for 17 years in a row, since 2007" in report.main_points[3].text
    points = doc.xpath("//section[@id='force-dyfed-powys']//ol[@class='findings']/li")
    assert len(points) == 4 and points[0].get("title").startswith("Figures: Dyfed-Powys")


def test_methods_state_sources_coverage_and_quality(wf_db, monkeypatch):
    monkeypatch.setenv("PARITY_REPORT_CONTACT", "Gender equality team, gender@example.org")
    report = build_report(wf_db, year=2023, force="Lincolnshire")
    doc = lxml_html.fromstring(report.html)
    methods = text_of(doc.xpath("//section[@id='methods']")[0])
    assert "open-data-table-police-workforce-260723.ods" in methods
    # the UK forces not covered, on the cover and on the methods page
    for name in ("Police Scotland", "Police Service of Northern Ireland",
                 "Civil Nuclear Constabulary", "Ministry of Defence Police"):
        assert name in methods
        assert name in text_of(doc.xpath("//section[@class='cover']")[0])
    # a quality issue found in the figures, not written by hand
    assert "Lincolnshire, 31 March 2021: the sex of 19.2% of its officers" in methods
    assert "gender@example.org" in methods
    assert report.methods["revisions"]["compared_with"] is None


def test_revisions_against_the_previous_edition(wf_db, tmp_path):
    if wf_db.get_bind().dialect.name != "sqlite":
        pytest.skip("one engine is enough: the comparison reads two spreadsheets")
    first = build_report(wf_db, year=2022, force="Surrey")
    write_report(first, out_dir=tmp_path)
    previous = tmp_path / f"{first.filename}.xlsx"
    # unchanged data: nothing revised
    again = build_report(wf_db, year=2023, force="Surrey", previous=previous)
    assert again.methods["revisions"] == {"compared_with": previous.name, "changes": []}
    # the publisher revises 2015: the edition lists the change
    from sqlalchemy import update

    from parity.workforce.models import WorkforceEditionCount as W  # the one edition's rows
    wf_db.execute(update(W).where(W.year == 2015, W.worker_type == "officer",
                                  W.rank == "constable", W.sex == "female",
                                  W.force_id == "metropolitan-police").values(fte=W.fte * 0.5))
    revised = build_report(wf_db, year=2023, force="Surrey", previous=previous)
    changes = revised.methods["revisions"]["changes"]
    # England and Wales beside Surrey on its all-officer chart: 2015 only
    assert {(c["series"], c["year"]) for c in changes} == {("England and Wales", 2015)}
    assert changes[0]["now"] < changes[0]["was"]
    text = text_of(lxml_html.fromstring(revised.html).xpath("//section[@id='methods']")[0])
    assert f"{changes[0]['figure']} (Surrey), England and Wales, 31 March 2015:" in text


def test_build_and_main_points_print_the_figures_as_json(sqlite_url, tmp_path):
    run = parity("report", "main-points", "--year", "2023", "--json", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    points = run.json()["main_points"]
    assert points[0]["rule"] == "headline"
    for p in points:
        assert p["figures"] and all(f["shown"] in p["text"] for f in p["figures"])
    out = tmp_path / "out"
    run = parity("report", "build", "--year", "2023", "--force", "Kent", "--out", str(out),
                 "--json", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    result = run.json()
    assert result["tables"]["xlsx"].endswith("gender-equality-in-uk-policing-2023-kent.xlsx")
    assert result["tables"]["numbered"][0] == "Table 1"
    bad = parity("report", "build", "--out", str(out), "--previous", str(tmp_path / "none.xlsx"),
                 db_url=sqlite_url)
    assert bad.code == 2 and "none.xlsx: no such file" in bad.stderr

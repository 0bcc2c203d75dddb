"""Every table of every public page downloads as CSV and XLSX at the same address, and holds
what the page shows; every API list does too (``?format=csv|xlsx``)."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from lxml import html as lxml_html

from tests.site.walk import public_pages

NUMBERISH = re.compile(r"[,%£+]|\s*pts?$|\s*points$|p$|(st|nd|rd|th)$")


def page_tables(text: str) -> list[list[list[str]]]:
    """Each table in <main>: header row then body and foot rows, each cell's text."""
    root = lxml_html.fromstring(text)
    for mark in root.xpath("//main//table//*[@aria-hidden='true']"):
        mark.drop_tree()  # a mark for the eye (✓, a sort arrow), not a figure
    out = []
    for table in root.xpath("//main//table"):
        rows = table.xpath("./thead/tr") [-1:] + table.xpath("./tbody/tr|./tr|./tfoot/tr")
        out.append([[" ".join(c.text_content().split()) for c in r.xpath("./th|./td")]
                    for r in rows])
    return out


def same(shown: str, cell: object) -> bool:
    """A downloaded cell agrees with what the page shows (numbers without their units)."""
    if cell in (None, ""):
        return shown in ("", "—")
    if isinstance(cell, int | float) or re.fullmatch(r"-?\d+(\.\d+)?", str(cell)):
        bare = NUMBERISH.sub("", shown.replace("−", "-").lstrip("=")).strip()
        try:
            return abs(float(bare) - float(cell)) < 1e-9
        except ValueError:
            return False
    return str(cell).lstrip("'") == shown


def address(path: str, fmt: str, table: int | None = None) -> str:
    base, _, query = path.partition("?")
    base = "/index" if base == "/" else base
    params = [p for p in (query, f"table={table}" if table else "") if p]
    return f"{base}.{fmt}" + (f"?{'&'.join(params)}" if params else "")


def test_every_public_table_downloads_as_csv_and_xlsx(site):
    pages = public_pages(site)
    assert {"/", "/forces", "/league", "/forces/kent", "/context/paygap",
            "/commitments"} <= set(pages), pages
    checked = 0
    for path in pages:
        response = site.get(path)
        assert response.status_code == 200, path
        if "text/html" not in response.headers["content-type"]:
            continue
        tables = page_tables(response.text)
        if not tables:
            assert site.get(address(path, "csv")).status_code == 404, path
            continue
        assert ".csv" in response.text and ".xlsx" in response.text, f"{path}: no download links"
        book = site.get(address(path, "xlsx"))
        assert book.status_code == 200, path
        assert book.headers["content-type"].startswith("application/vnd.openxmlformats")
        workbook = openpyxl.load_workbook(io.BytesIO(book.content), read_only=True)
        about = dict(workbook["About"].iter_rows(values_only=True))
        assert "Open Government Licence v3.0" in about["Licence"] and about["Source"], path
        assert workbook.sheetnames[0] == "About" and len(workbook.sheetnames) == len(tables) + 1
        for number, shown in enumerate(tables, start=1):
            got = site.get(address(path, "csv", number if len(tables) > 1 else None))
            assert got.status_code == 200, (path, number)
            rows = list(csv.reader(io.StringIO(got.text)))
            sheet = list(workbook.worksheets[number].iter_rows(values_only=True))
            assert len(rows) == len(shown) == len(sheet), (path, number)
            for page_row, csv_row, xlsx_row in zip(shown[1:], rows[1:], sheet[1:], strict=True):
                for i, text in enumerate(page_row):
                    assert same(text, csv_row[i]), (path, number, text, csv_row[i])
                    cell = xlsx_row[i] if i < len(xlsx_row) else None
                    assert same(text, cell), (path, number, text, cell)
            checked += 1
    assert checked >= 10


def test_league_download_names_units_and_neutralises(site):
    got = site.get("/league.csv?year=2023&group=senior")
    header = next(csv.reader(io.StringIO(got.text)))
    assert header[:5] == ["Position", "Force", "Women", "Total", "Share (%)"]
    assert got.headers["content-disposition"] == 'attachment; filename="league.csv"'
    assert got.headers["access-control-allow-origin"] == "*"
    same_by_format = site.get("/league?year=2023&group=senior&format=csv")
    assert same_by_format.text == got.text


@pytest.mark.parametrize("path", ["/api/v1/league", "/api/v1/forces", "/api/v1/trend",
                                  "/api/v1/representation?area=Kent"])
def test_api_answers_download(site, path):
    answer = site.get(path).json()
    joiner = "&" if "?" in path else "?"
    got = site.get(f"{path}{joiner}format=csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(got.text)))
    records = answer if isinstance(answer, list) else (
        answer.get("forces") or answer.get("years") or [answer])
    assert len(rows) - 1 == len(records)
    book = site.get(f"{path}{joiner}format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(book.content), read_only=True)
    assert workbook.sheetnames[0] == "About"
    assert len(list(workbook.worksheets[1].iter_rows())) == len(rows)
    if "league" in path:
        assert "share_female (fraction of 1)" in rows[0]


def test_a_formula_in_a_cell_does_not_run(site):
    from parity.present.downloads import Table, csv_body, xlsx_body

    table = Table("t", ["Title"], [['=HYPERLINK("http://x.example","x")'], [-1.5]])
    assert "'=HYPERLINK" in csv_body(table).decode()
    book = openpyxl.load_workbook(io.BytesIO(xlsx_body([table], [("Source", "=1+1")])))
    assert book["About"]["B1"].value == "'=1+1"
    assert book["t"]["A2"].value.startswith("'=") and book["t"]["A3"].value == -1.5

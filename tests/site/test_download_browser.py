"""A reader's view of a download: the league table as Chromium draws it for a reader, against
the XLSX the page links to, opened with openpyxl (issue 14's floor). The page's figures are read
from the rendered document (what is on the screen), the workbook from the link the page gives."""

from __future__ import annotations

import io
from urllib.request import urlopen

import openpyxl
import pytest
from selenium.webdriver.common.by import By

from tests.site.test_downloads import same
from tests.web.test_browser import CHROMIUM, DRIVER, browser, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="Chromium missing")

ROWS = """
return Array.from(document.querySelectorAll('main table')[0].rows).map(r =>
  Array.from(r.cells).map(c => {
    const copy = c.cloneNode(true);
    copy.querySelectorAll('[aria-hidden="true"]').forEach(m => m.remove());
    return copy.textContent.split(/\\s+/).filter(Boolean).join(' ');
  }));
"""


def test_the_league_xlsx_holds_what_the_reader_sees(server, browser):  # noqa: ANN001, F811
    browser.get(server + "/league")
    shown = browser.execute_script(ROWS)
    link = browser.find_element(By.CSS_SELECTOR, "a[href$='.xlsx'], a[href*='.xlsx?']")
    with urlopen(link.get_attribute("href"), timeout=30) as answer:  # noqa: S310 - loopback
        book = openpyxl.load_workbook(io.BytesIO(answer.read()), read_only=True)
    assert book.sheetnames[0] == "About"
    sheet = list(book.worksheets[1].iter_rows(values_only=True))
    assert len(sheet) == len(shown) > 40  # a header and every force
    for seen, row in zip(shown[1:], sheet[1:], strict=True):
        for i, text in enumerate(seen):
            assert same(text, row[i] if i < len(row) else None), (text, row)

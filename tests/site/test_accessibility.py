"""axe-core on every public page in headless Chromium, at desktop width and at 390 px (a
phone), on a database holding every bundled data set (workforce, pay gap, recorded crime,
commitments) plus library articles and one accepted return; no page scrolling sideways at 390 px
except inside a table's or a chart's own box; and no chart text under 12 px on either screen.

One server and one browser session for the whole walk, the pages in a loop, to keep the run
short. axe-core is the npm package installed by scripts/setup.sh into .venv/axe; the test is
skipped where it (or Chromium) is missing.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from parity.bundled import load_bundled
from parity.library.importer import import_articles
from parity.returns import service as returns
from parity.returns.service import Actor
from parity.store import make_engine, upgrade
from tests.library.conftest import write_fixture_corpus
from tests.web.test_browser import CHROMIUM, DRIVER, browser, server  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]
AXE = next((p for p in (ROOT / ".venv/axe/node_modules/axe-core/axe.min.js",) if p.exists()),
           None)
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER and AXE),
                                reason="Chromium or axe-core missing (scripts/setup.sh)")

# Every kind of public page: the workforce pages, finding and comparing, the commitments, the
# pay gap and recorded crime (national and a force), the projections, the library (home, theme,
# force, an article), the published returns, about and the API's documentation.
PAGES = ["/", "/forces", "/forces?sort=share&order=desc", "/league",
         "/league?year=2023&group=senior", "/trend", "/trend?area=Kent&group=senior",
         "/forces/kent", "/forces/city-of-london", "/compare",
         "/compare?forces=kent&forces=essex&forces=metropolitan-police",
         "/commitments", "/commitments/national-2019-1", "/commitments/forces/kent",
         "/commitments/forces/kent/review", "/context", "/context/forces/kent",
         "/context/paygap", "/context/paygap/kent", "/context/crime", "/context/crime/kent",
         "/flows", "/flows/forces", "/flows/projection?area=Kent&from=2023",
         "/library", "/library/themes", "/library/themes/recruitment", "/library/forces",
         "/library/forces/hertfordshire", "{article}",
         "/returns", "/returns/2023", "/returns/2023/kent",
         "/about", "/api/docs"]
WIDTHS = (1280, 390)
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN = ("const done = arguments[arguments.length - 1];"
       f"axe.run(document, {{runOnly: {RULES!r}}}).then(r => done(r.violations.map("
       "v => [v.id, v.nodes.length, v.nodes.slice(0, 3).map(n => n.target.join(' '))])));")
SIDEWAYS = "return [document.documentElement.scrollWidth, window.innerWidth];"
# Each drawn chart text's size on the screen: its font size in the SVG's units times the
# SVG's scale to the screen (getScreenCTM folds in the viewBox).
TEXT_SIZES = """
const out = [];
for (const t of document.querySelectorAll('svg text')) {
  const box = t.getBoundingClientRect();
  if (!box.width && !box.height) continue;  // not drawn (a folded menu, a hidden copy)
  const m = t.getScreenCTM();
  const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
  out.push([px, t.textContent.trim().slice(0, 30)]);
}
return out;"""
# Charts whose box scrolls (at desktop width every chart fits its column).
SCROLLING_CHARTS = ("return [...document.querySelectorAll('.chart-box')]"
                    ".filter(b => b.scrollWidth > b.clientWidth + 1)"
                    ".map(b => [b.getAttribute('aria-label').slice(0, 50), b.scrollWidth,"
                    " b.clientWidth]);")
# Heading levels in order: one h1 first, and no level skipped on the way down.
HEADINGS = ("return [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]"
            ".map(h => Number(h.tagName[1]));")
COORD = Actor("coord@example.org", "coordinator")
KENT = Actor("lead@kent.example", "force_lead", "kent")
RETURN = {"paygap": {"mean_hourly_gap_pct": 12.3, "median_hourly_gap_pct": 14.1,
                     "mean_bonus_gap_pct": 5.0, "median_bonus_gap_pct": 0.0,
                     "male_bonus_pct": 3.2, "female_bonus_pct": 2.9, "female_lower_pct": 55.0,
                     "female_lower_middle_pct": 44.1, "female_upper_middle_pct": 33.0,
                     "female_upper_pct": 24.5},
          "narrative": "Our year in brief.",
          "signatory": {"name": "A. Person", "job_title": "Deputy Chief Constable"}}


def build_full_site(path: Path, templates: dict[str, Path], corpus: Path) -> None:
    """Every bundled data set, the library's fixture articles and Kent's accepted 2023
    return, in the SQLite database at `path`."""
    shutil.copy(templates["workforce"], path)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with Session(engine) as s:
        load_bundled(s)
        report = import_articles(s, path=write_fixture_corpus(corpus))
        assert not report.problems, report.problems
        returns.open_year(s, year=2023, deadline=date(2026, 12, 31),
                          opens_on=date(2026, 11, 1), actor=COORD)
        returns.save_draft(s, year=2023, force_id="kent", content=RETURN, actor=KENT)
        returns.submit(s, year=2023, force_id="kent", actor=KENT)
        returns.accept(s, year=2023, force_id="kent", actor=COORD)
        s.commit()
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path, sqlite_templates) -> str:  # noqa: ANN001 - the server's database
    path = tmp_path / "site.db"
    build_full_site(path, sqlite_templates, tmp_path / "corpus")
    return f"sqlite:///{path}"


def _an_article(url: str) -> str:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        (article,) = db.execute("SELECT id FROM library_articles ORDER BY id LIMIT 1").fetchone()
    return f"/library/articles/{article}"


def test_every_public_page_passes_axe_fits_a_phone_and_keeps_chart_text_readable(
        server, browser, sqlite_url):  # noqa: ANN001, F811
    pages = [p.format(article=_an_article(sqlite_url)) for p in PAGES]
    browser.set_script_timeout(60)
    script = AXE.read_text(encoding="utf-8")
    found, wide, small, skipped, cramped, texts = {}, {}, {}, {}, {}, 0
    for width in WIDTHS:
        browser.set_window_size(width, 1000)
        for path in pages:
            browser.get(server + path)
            assert "not found" not in browser.title.lower(), path
            sizes = browser.execute_script(TEXT_SIZES)
            texts += len(sizes)
            tiny = [(round(px, 1), words) for px, words in sizes if px < 12 - 0.01]
            if tiny:
                small[(width, path)] = tiny[:3]
            levels = browser.execute_script(HEADINGS)
            if levels[:1] != [1] or any(b > a + 1 for a, b in zip(levels, levels[1:], strict=False)):
                skipped[path] = levels
            if width > 1000 and (cut := browser.execute_script(SCROLLING_CHARTS)):
                cramped[path] = cut
            scroll, inner = browser.execute_script(SIDEWAYS)
            if scroll > inner + 1:
                wide[(width, path)] = (scroll, inner)
            browser.execute_script(script)
            violations = browser.execute_async_script(RUN)
            if violations:
                found[(width, path)] = violations
    assert texts > 500  # the charts were drawn and measured
    assert not found, found
    assert not wide, wide
    assert not small, small
    assert not skipped, skipped
    assert not cramped, cramped

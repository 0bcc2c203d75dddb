"""axe-core on every main public page in headless Chromium, at desktop width and at 390 px
(a phone), and no page scrolling sideways at 390 px except inside a table's own box.

axe-core is the npm package installed by scripts/setup.sh into .venv/axe; the test is skipped
where it (or Chromium) is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.test_browser import CHROMIUM, DRIVER, browser, server  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]
AXE = next((p for p in (ROOT / ".venv/axe/node_modules/axe-core/axe.min.js",
                        Path("/work/main/.venv/axe/node_modules/axe-core/axe.min.js"))
            if p.exists()), None)
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER and AXE),
                                reason="Chromium or axe-core missing (scripts/setup.sh)")

PAGES = ["/", "/forces", "/forces?sort=share&order=desc", "/league", "/trend", "/forces/kent",
         "/compare?forces=kent&forces=essex", "/about", "/api/docs"]
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN = ("const done = arguments[arguments.length - 1];"
       f"axe.run(document, {{runOnly: {RULES!r}}}).then(r => done(r.violations.map("
       "v => [v.id, v.nodes.length, v.nodes.slice(0, 3).map(n => n.target.join(' '))])));")
SIDEWAYS = ("return [document.documentElement.scrollWidth, window.innerWidth];")


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_nothing_and_nothing_scrolls_sideways(server, browser, width):  # noqa: F811
    browser.set_window_size(width, 1000)
    browser.set_script_timeout(60)
    script = AXE.read_text(encoding="utf-8")
    found = {}
    wide = {}
    for path in PAGES:
        browser.get(server + path)
        browser.execute_script(script)
        violations = browser.execute_async_script(RUN)
        if violations:
            found[path] = violations
        scroll, inner = browser.execute_script(SIDEWAYS)
        if scroll > inner + 1:
            wide[path] = (scroll, inner)
    assert not found, found
    assert not wide, wide

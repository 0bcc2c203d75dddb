"""One real journey in headless Chromium: overview -> league table (filtered) -> a force.

Runs ``parity serve`` on a free 127.0.0.1 port and drives Debian's Chromium through
chromedriver with Selenium (both from scripts/debian-packages.txt). A screenshot of each page
is kept in the test's folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="chromium and chromium-driver are not installed "
                                       "(scripts/debian-packages.txt)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(sqlite_url, tmp_path):  # noqa: ANN001, ANN201
    port = free_port()
    env = {**os.environ, "PARITY_DATABASE_URL": sqlite_url}
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "parity", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--no-load"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/about", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError((tmp_path / "server.log").read_text()) from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture
def browser(tmp_path):  # noqa: ANN001, ANN201
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,1600",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def wait_until(browser, condition, timeout: float = 60) -> None:  # noqa: ANN001
    """Wait for what a click or a submit leads to: the driver returns from both before the
    next page has necessarily loaded, so every journey waits on what it expects to see."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, timeout).until(lambda _: condition())


def test_overview_to_league_to_force(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server + "/")
    assert browser.title.startswith("Women in policing, England and Wales, 2023")
    cards = browser.find_elements(By.CSS_SELECTOR, ".cards .card__value")
    assert [c.text for c in cards[:3]] == ["34.7%", "26.9%", "29.7%"]
    # the stylesheet loaded under the CSP (the masthead is dark, not the default white)
    masthead = browser.find_element(By.CSS_SELECTOR, ".masthead")
    assert masthead.value_of_css_property("background-color") == "rgba(20, 33, 61, 1)"
    chart = browser.find_element(By.CSS_SELECTOR, "svg.chart")
    assert chart.size["width"] > 300
    browser.save_screenshot(str(tmp_path / "home.png"))

    browser.find_element(By.LINK_TEXT, "League table").click()
    wait_until(browser, lambda: "/league" in browser.current_url)
    Select(browser.find_element(By.NAME, "group")).select_by_value("senior")
    Select(browser.find_element(By.NAME, "year")).select_by_value("2023")
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    wait_until(browser, lambda: "group=senior" in browser.current_url)
    first = browser.find_elements(By.CSS_SELECTOR, "#league tbody tr")[0]
    assert first.text.split()[:3] == ["1", "North", "Yorkshire"]
    assert "44.7%" in first.text
    browser.save_screenshot(str(tmp_path / "league.png"))

    browser.find_element(By.LINK_TEXT, "Metropolitan Police").click()
    wait_until(browser, lambda: "/forces/" in browser.current_url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Metropolitan Police"
    lede = browser.find_element(By.CSS_SELECTOR, ".lede").text
    assert "24.4%" in lede and "41st of 43 forces" in lede
    browser.save_screenshot(str(tmp_path / "force.png"))
    logs = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not logs, logs  # no CSP violations, no missing files

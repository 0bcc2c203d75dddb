"""The whole reporting cycle in headless Chromium: the coordinator opens a year, a force analyst
fills the return, the lead submits, the coordinator returns it with a comment, the lead fixes it
and resubmits, the coordinator accepts; the report is built and shows the return, and the public
page shows it."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy.orm import Session

from parity.accounts import service
from parity.store import make_engine
from tests.accounts.webapp import PASSWORD
from tests.web.test_browser import browser, pytestmark, server, wait_until  # noqa: F401

USERS = {"coord@example.org": ("coordinator", None),
         "analyst@kent.example": ("analyst", "kent"),
         "lead@kent.example": ("force_lead", "kent")}
FIGURES = {"mean_hourly_gap_pct": "11.8", "median_hourly_gap_pct": "13.6",
           "mean_bonus_gap_pct": "4.0", "median_bonus_gap_pct": "0.0",
           "male_bonus_pct": "3.1", "female_bonus_pct": "2.7", "female_lower_pct": "57.2",
           "female_lower_middle_pct": "45.0", "female_upper_middle_pct": "34.4",
           "female_upper_pct": "25.3"}


def test_the_reporting_cycle_from_opening_to_publication(sqlite_url, server, browser,  # noqa: F811
                                                         tmp_path):
    from selenium.webdriver.common.by import By

    engine = make_engine(sqlite_url)
    with Session(engine) as s:
        for email, (role, force) in USERS.items():
            service.add_user(s, email=email, role=role, force=force, password=PASSWORD)
        s.commit()
    engine.dispose()

    def find(css: str):  # noqa: ANN202
        return browser.find_element(By.CSS_SELECTOR, css)

    def sign_in(email: str, then: str) -> None:
        browser.get(server + then)
        wait_until(browser, lambda: "/sign-in" in browser.current_url)
        browser.find_element(By.ID, "email").send_keys(email)
        browser.find_element(By.ID, "password").send_keys(PASSWORD)
        find("form.stacked-form button").click()
        wait_until(browser, lambda: "/sign-in" not in browser.current_url)

    def sign_out() -> None:
        find("form[action='/sign-out'] button").click()
        wait_until(browser, lambda: browser.current_url == server + "/")

    def click_and_wait(css: str, condition) -> None:  # noqa: ANN001
        before = browser.find_element(By.TAG_NAME, "html")
        find(css).click()
        wait_until(browser, lambda: before != browser.find_element(By.TAG_NAME, "html")
                   and condition())

    def fill(field_id: str, value: str) -> None:
        element = browser.find_element(By.ID, field_id)
        element.clear()
        element.send_keys(value)

    # the coordinator opens the 2023 year
    sign_in("coord@example.org", "/private/returns")
    fill("open-year", "2023")
    browser.execute_script("document.getElementById('open-opens').value = '2026-11-01';"
                           "document.getElementById('open-deadline').value = '2026-12-31';")
    click_and_wait("form[action='/private/returns/open'] button",
                   lambda: browser.current_url.endswith("/private/returns/2023"))
    assert "Not started" in find("#progress-kent").text
    sign_out()

    # a Kent analyst fills the return
    sign_in("analyst@kent.example", "/private/returns")
    wait_until(browser, lambda: browser.current_url.endswith("/private/returns/2023/forces/kent"))
    for key, value in FIGURES.items():
        fill(f"paygap-{key}", value)
    fill("narrative", "Women joined in greater numbers than in any earlier year.")
    fill("signatory-name", "Alex Example")
    fill("signatory-job-title", "Deputy Chief Constable")
    click_and_wait("#save-return", lambda: "saved=1" in browser.current_url)
    assert "Draft" in find("#return-state").text
    assert not browser.find_elements(By.ID, "submit-return")  # analysts do not submit
    browser.save_screenshot(str(tmp_path / "analyst.png"))
    sign_out()

    # the lead submits
    sign_in("lead@kent.example", "/private/returns/2023/forces/kent")
    click_and_wait("#submit-return", lambda: "Submitted" in find("#return-state").text)
    sign_out()

    # the coordinator returns it with a comment
    sign_in("coord@example.org", "/private/returns/2023/forces/kent")
    fill("return-comment", "Please say how many women were promoted to sergeant.")
    click_and_wait("#send-back-return", lambda: "Returned" in find("#return-state").text)
    sign_out()

    # the lead fixes and resubmits
    sign_in("lead@kent.example", "/private/returns/2023/forces/kent")
    assert "how many women were promoted to sergeant" in find("#audit-trail").text
    fill("narrative", "Women joined in greater numbers than in any earlier year, and 41 were "
                      "promoted to sergeant.")
    click_and_wait("#save-return", lambda: "saved=1" in browser.current_url)
    click_and_wait("#submit-return", lambda: "Submitted" in find("#return-state").text)
    sign_out()

    # the coordinator accepts
    sign_in("coord@example.org", "/private/returns/2023/forces/kent")
    click_and_wait("#accept-return", lambda: "Accepted" in find("#return-state").text)
    trail = find("#audit-trail").text
    for step in ("Saved", "Submitted", "Returned", "Accepted"):
        assert step in trail
    browser.save_screenshot(str(tmp_path / "accepted.png"))
    sign_out()

    # the report shows the return
    out = tmp_path / "report"
    env = {**os.environ, "PARITY_DATABASE_URL": sqlite_url}
    subprocess.run([sys.executable, "-m", "parity", "report", "build", "--year", "2023",
                    "--out", str(out)], env=env, check=True, capture_output=True, timeout=600)
    html = "\n".join(p.read_text(encoding="utf-8") for p in out.glob("*.html"))
    assert "own returns" in html and "41 were promoted to sergeant" in html

    # and the public page shows it
    browser.get(server + "/returns/2023")
    kent = browser.find_element(By.LINK_TEXT, "Kent")
    assert "Alex Example" in find("#published-returns").text
    kent.click()
    wait_until(browser, lambda: browser.current_url.endswith("/returns/2023/kent"))
    assert "13.6" in find("#return-paygap").text
    assert "41 were promoted to sergeant" in browser.page_source
    logs = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not logs, logs

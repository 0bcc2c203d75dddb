"""One private journey in headless Chromium: sign in, upload a payroll extract, see the pay
gap, sign out — the real browser honours the strict cookie, the CSP and the CSRF token."""

from __future__ import annotations

from sqlalchemy.orm import Session

from parity.accounts import service
from parity.store import make_engine
from tests.accounts.webapp import PASSWORD
from tests.web.test_auth_private import payroll_rows, write_payroll
from tests.web.test_browser import browser, pytestmark, server, wait_until  # noqa: F401


def test_sign_in_upload_and_sign_out(sqlite_url, server, browser, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    def wait_for(condition) -> None:  # noqa: ANN001
        wait_until(browser, condition)

    engine = make_engine(sqlite_url)
    with Session(engine) as s:
        service.add_user(s, email="lead@example.org", role="force_lead", force="Kent",
                         password=PASSWORD)
        s.commit()
    engine.dispose()
    extract = write_payroll(tmp_path / "kent-payroll.csv", payroll_rows())

    browser.get(server + "/private/forces/kent")
    wait_for(lambda: "/sign-in?next=/private/forces/kent" in browser.current_url)
    browser.find_element(By.ID, "email").send_keys("lead@example.org")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form.stacked-form button").click()
    wait_for(lambda: browser.current_url == server + "/private/forces/kent")
    cookie = browser.get_cookie("parity_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    browser.find_element(By.ID, "paygap-extract").send_keys(str(extract))
    Select(browser.find_element(By.ID, "paygap-by")).select_by_value("worker_type")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/paygap'] button").click()
    wait_for(lambda: browser.title.startswith("Kent: gender pay gap"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Kent: gender pay gap"
    values = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".card__value")]
    assert values[0].endswith("%") and values[2] == "[c]"
    browser.save_screenshot(str(tmp_path / "paygap.png"))

    browser.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button").click()
    wait_for(lambda: browser.current_url == server + "/")
    assert browser.get_cookie("parity_session") is None
    browser.get(server + "/private/forces/kent")
    wait_for(lambda: "/sign-in" in browser.current_url)

"""Pay lines in headless Chromium: upload lines with a mapping file and the police defaults, the
unknown code listed, classified in the page with the lines chosen again, then the figures and
the reconciliation — the real browser carries the mapping and the code table in the form."""

from __future__ import annotations

from sqlalchemy.orm import Session

from parity.accounts import service
from parity.paygap import fromlines
from parity.paygap.synth_lines import synth_pay_lines
from parity.store import make_engine
from tests.accounts.webapp import PASSWORD
from tests.web.test_browser import browser, pytestmark, server, wait_until  # noqa: F401


def test_classify_an_unknown_code_and_see_the_figures(sqlite_url, server, browser, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    def wait_for(condition) -> None:  # noqa: ANN001
        wait_until(browser, condition)

    engine = make_engine(sqlite_url)
    with Session(engine) as s:
        service.add_user(s, email="lines@example.org", role="analyst", force="Kent",
                         password=PASSWORD)
        s.commit()
        synth_pay_lines(s, force="Kent", year=2023, out=tmp_path / "kent", rows=300, seed=9)
        s.rollback()
    engine.dispose()
    folder = tmp_path / "kent"
    renamed = folder / "kent-lines.csv"
    renamed.write_text((folder / "pay-lines.csv").read_text(encoding="utf-8")
                       .replace('"ON_CALL"', '"STANDBY"'), encoding="utf-8")
    expected = fromlines.figures_from_lines(folder / "pay-lines.csv",
                                            columns=folder / "columns.yaml", codes="police")

    browser.get(server + "/private/forces/kent/paylines")
    wait_for(lambda: "/sign-in" in browser.current_url)
    browser.find_element(By.ID, "email").send_keys("lines@example.org")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form.stacked-form button").click()
    wait_for(lambda: browser.current_url.endswith("/private/forces/kent/paylines"))
    browser.find_element(By.ID, "paylines-lines").send_keys(str(renamed))
    browser.find_element(By.ID, "paylines-columns-file").send_keys(str(folder / "columns.yaml"))
    browser.find_element(By.CSS_SELECTOR, "form.stacked-form > button").click()
    wait_for(lambda: browser.title.startswith("Kent: pay codes to classify"))
    codes = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#unknown-codes tbody th")]
    assert codes == ["STANDBY"]
    Select(browser.find_element(By.ID, "class-1")).select_by_value("ordinary")
    browser.find_element(By.ID, "paylines-lines").send_keys(str(renamed))
    browser.find_element(By.CSS_SELECTOR, "form.stacked-form > button").click()
    wait_for(lambda: browser.title.startswith("Kent: gender pay gap from pay lines"))
    values = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".card__value")]
    assert values[1] == f"{expected['median_hourly_gap_pct']:.1f}%"
    rows = {r.find_element(By.TAG_NAME, "th").text: r for r in
            browser.find_elements(By.CSS_SELECTOR, "#reconciliation tbody tr")}
    assert "STANDBY" in rows and "Ordinary pay" in rows["STANDBY"].text
    browser.save_screenshot(str(tmp_path / "paylines.png"))

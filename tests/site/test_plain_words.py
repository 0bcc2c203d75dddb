"""Public output speaks to readers: no command lines and no raw keys on any public page, in
any API answer's messages, or in the HTML report."""

from __future__ import annotations

import re

from lxml import html as lxml_html
from sqlalchemy.orm import Session

from parity.present.words import for_readers, words
from parity.reports.service import build_report
from tests.site.walk import public_pages

COMMAND = re.compile(r"`parity [^`]*`|\bparity (?:import|commitments|library|paygap|returns|"
                     r"report|forces|serve|flows|synth|league|trend|representation|hr)\b")
RAW_KEY = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def visible(text: str, *, keep_code: bool = True) -> str:
    root = lxml_html.fromstring(text)
    for hidden in root.xpath("//script|//style|//head" + ("" if keep_code else "|//code")):
        hidden.drop_tree()
    return " ".join(root.text_content().split())


def problems(text: str) -> list[str]:
    return sorted(set(COMMAND.findall(text)) | set(RAW_KEY.findall(text)))


def test_no_public_page_shows_a_command_or_a_raw_key(site):
    found = {}
    for path in public_pages(site):
        response = site.get(path)
        if "text/html" not in response.headers["content-type"]:
            continue
        text = visible(response.text)
        # The API documentation is for programmers: it names the API's own keys and values.
        bad = sorted(set(COMMAND.findall(text))) if path.startswith("/api/docs") \
            else problems(text)
        if bad:
            found[path] = bad
    assert not found


def test_api_errors_and_messages_have_no_command(site):
    for path in ["/api/v1/commitments/no-such-thing", "/api/v1/representation?area=Nowhere",
                 "/context/paygap.json?year=1990", "/forces/atlantis"]:
        text = site.get(path).text
        assert not COMMAND.search(text), (path, text[:300])
    for path in ["/api/v1/commitments", "/commitments.json", "/forces/kent.json"]:
        assert not COMMAND.search(site.get(path).text), path


def test_the_html_report_has_no_command(site):
    with Session(site.app.state.engine) as session:
        report = build_report(session, year=2023, force="Kent", with_national=True)
    text = visible(report.html)
    assert not COMMAND.findall(text)


def test_words_and_reasons_for_readers():
    assert words("on_track") == "on track" and words("lower_middle") == "lower middle"
    assert words("figures_have_one_decimal_place") == "figures have one decimal place"
    assert words("Kent") == "Kent"
    assert for_readers("no recorded crime held: run `parity import crime`") == \
        "no recorded crime held"
    assert for_readers("unknown commitment 'x' (see `parity commitments list`)") == \
        "unknown commitment 'x'"

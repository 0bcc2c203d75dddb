"""The private pay lines pages, on both engines: who may use them, unknown codes classified in
the page and the figures computed again, the same six figures as the CLI's path, the
reconciliation per pay code with small codes withheld, nothing kept or cached."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from parity.paygap import fromlines, service
from parity.paygap.synth_lines import synth_pay_lines
from tests.accounts.webapp import (  # noqa: F401  (fixtures)
    anon,
    app,
    coordinator,
    csrf_of,
    kent_analyst,
    signed_in_client,
)
from tests.web.conftest import page, text_of

ADDRESS = "/private/forces/kent/paylines"
SIX = ("mean_hourly_gap_pct", "median_hourly_gap_pct", "mean_bonus_gap_pct",
       "median_bonus_gap_pct", "male_bonus_pct", "female_bonus_pct")


@pytest.fixture(scope="module")
def folder(app, tmp_path_factory) -> Path:  # noqa: ANN001, F811
    """Kent's synthetic pay lines (400 people), and a copy where the shift allowance has a
    code the police defaults do not hold and one person has an odd one-off line."""
    out = tmp_path_factory.mktemp("paylines") / "kent"
    with Session(app.state.engine) as s:
        synth_pay_lines(s, force="Kent", year=2023, out=out, rows=400, seed=5)
        s.rollback()
    text = (out / "pay-lines.csv").read_text(encoding="utf-8")
    renamed = text.replace('"SHIFT_ALLOWANCE"', '"SHIFT_X"')
    first = renamed.splitlines()[1].split(",")
    first[3], first[4] = '"ODD"', "12.5"
    (out / "renamed.csv").write_text(renamed.rstrip("\n") + "\n" + ",".join(first) + "\n",
                                     encoding="utf-8")
    return out


def post(client: TestClient, files: dict[str, Path], **data: str | list[str]):  # noqa: ANN201
    token = csrf_of(client.get("/private/forces/kent"))
    parts = {k: (p.name, p.read_bytes(), "text/plain") for k, p in files.items()}
    return client.post(ADDRESS, data={"csrf_token": token, **data}, files=parts)


def cards(doc) -> dict[str, str]:  # noqa: ANN001
    return {text_of(c.xpath(".//p[@class='card__label']")[0]):
            text_of(c.xpath(".//p[@class='card__value']")[0])
            for c in doc.xpath("//div[@class='card']")}


def leftovers() -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob("parity-upload-*"))


def test_anonymous_and_another_force_are_refused(app, anon, folder):  # noqa: F811
    assert anon.get(ADDRESS).status_code in (303, 401)
    refused = anon.post(ADDRESS, data={"csrf_token": "x"})
    assert refused.status_code in (303, 401, 403)
    with signed_in_client(app, "essex.analyst@example.org") as essex:
        assert essex.get(ADDRESS).status_code == 403
        token = csrf_of(essex.get("/private/forces/essex"))
        lines = folder / "pay-lines.csv"
        sent = essex.post(ADDRESS, data={"csrf_token": token},
                          files={"lines": (lines.name, lines.read_bytes(), "text/csv")})
        assert sent.status_code == 403 and "card__value" not in sent.text


def test_the_form_and_the_figures_match_the_cli_path(kent_analyst, coordinator, folder):  # noqa: F811
    form = kent_analyst.get(ADDRESS)
    assert form.status_code == 200 and form.headers["cache-control"] == "no-store"
    assert page(form).xpath("//input[@name='col_person']") and \
        page(form).xpath("//input[@name='codes_source'][@value='police']")
    expected = fromlines.figures_from_lines(folder / "pay-lines.csv",
                                            columns=folder / "columns.yaml",
                                            codes=folder / "codes.csv",
                                            totals=folder / "period-totals.csv")
    before = leftovers()
    for client in (kent_analyst, coordinator):  # the force's analyst, and a coordinator
        response = post(client, {"lines": folder / "pay-lines.csv",
                                 "columns_file": folder / "columns.yaml",
                                 "codes_file": folder / "codes.csv",
                                 "totals_file": folder / "period-totals.csv"})
        assert response.status_code == 200, response.text[-2000:]
        assert response.headers["cache-control"] == "no-store"
        shown = service.shown(expected)
        got = cards(page(response))
        for label, key in (("Mean hourly pay gap", "mean_hourly_gap_pct"),
                           ("Median hourly pay gap", "median_hourly_gap_pct"),
                           ("Mean bonus gap", "mean_bonus_gap_pct"),
                           ("Median bonus gap", "median_bonus_gap_pct")):
            value = shown[key]
            assert got[label] == ("[c]" if value is None else f"{value:.1f}%"), label
    assert expected["median_hourly_gap_pct"] is not None
    doc = page(response)
    rows = {text_of(r.xpath("th")[0]): [text_of(c) for c in r.xpath("td")]
            for r in doc.xpath("//table[@id='reconciliation']/tbody/tr")}
    by_code = {r["code"]: r for r in expected["pay_lines"]["reconciliation"]}
    assert set(rows) == set(by_code)
    basic = by_code["BASIC"]
    assert rows["BASIC"][1] == "Ordinary pay" and rows["BASIC"][4] == f"£{basic['period_gbp']:,.2f}"
    assert rows["BASIC"][-1] == "£0.00"  # agrees with the payroll's own total
    for code, row in by_code.items():  # a code resting on fewer than 10 people is withheld
        if row["people"] < 10:
            assert rows[code][3] == rows[code][4] == "[c]", code
        else:
            assert rows[code][3] == f"{row['people']:,}", code
    assert any(r["people"] < 10 for r in by_code.values())
    assert leftovers() == before


def test_unknown_codes_are_classified_in_the_page_then_the_figures(kent_analyst, folder):  # noqa: F811
    columns = {"col_person": "Employee Number", "col_post": "Assignment", "col_sex": "Gender",
               "col_code": "Element", "col_amount": "Amount", "col_period_start": "Period Start",
               "col_period_end": "Period End", "col_paid_on": "Payment Date",
               "col_weekly_hours": "Weekly Hours", "col_worker_type": "Staff Group"}
    first = post(kent_analyst, {"lines": folder / "renamed.csv"}, codes_source="police",
                 **columns)
    assert first.status_code == 200, first.text[-2000:]
    assert first.headers["cache-control"] == "no-store"
    doc = page(first)
    listed = {text_of(r.xpath("th")[0]): [text_of(c) for c in r.xpath("td")]
              for r in doc.xpath("//table[@id='unknown-codes']/tbody/tr")}
    assert set(listed) == {"SHIFT_X", "ODD"}
    assert listed["ODD"][2:4] == ["[c]", "[c]"]  # one person: people and total withheld
    assert listed["SHIFT_X"][2] != "[c]" and listed["SHIFT_X"][3].startswith("£")
    assert not doc.xpath("//div[@class='card']"), "no figures until every code is classified"
    # The next post carries the mapping and the code table, and asks for the lines again.
    carried = {i.get("name"): i.get("value") for i in doc.xpath("//input[@type='hidden']")}
    assert carried["col_person"] == "Employee Number" and carried["posts"] == "combined"
    codes_csv = doc.xpath("//textarea[@name='codes_text']")[0].text_content()
    assert "BASIC" in codes_csv and "SHIFT_X" not in codes_csv
    codes = [str(c) for c in doc.xpath("//input[@name='unknown_code']/@value")]
    classes = ["ordinary" if c == "SHIFT_X" else "excluded" for c in codes]
    again = post(kent_analyst, {"lines": folder / "renamed.csv"},
                 **{k: v for k, v in carried.items()
                    if k not in ("csrf_token", "unknown_code") and v},
                 codes_text=codes_csv, unknown_code=codes, unknown_class=classes)
    assert again.status_code == 200, again.text[-2000:]
    expected = fromlines.figures_from_lines(folder / "pay-lines.csv",
                                            columns=folder / "columns.yaml", codes="police")
    shown = service.shown(expected)
    got = cards(page(again))
    value = shown["median_hourly_gap_pct"]
    assert got["Median hourly pay gap"] == ("[c]" if value is None else f"{value:.1f}%")
    value = shown["mean_hourly_gap_pct"]
    assert got["Mean hourly pay gap"] == ("[c]" if value is None else f"{value:.1f}%")
    recon = {text_of(r.xpath("th")[0]): [text_of(c) for c in r.xpath("td")]
             for r in page(again).xpath("//table[@id='reconciliation']/tbody/tr")}
    assert recon["SHIFT_X"][1] == "Ordinary pay" and recon["ODD"][1] == "Excluded"


def test_bad_files_are_refused_with_their_problems(kent_analyst, folder, tmp_path):  # noqa: F811
    bad = tmp_path / "bad-lines.csv"
    rows = (folder / "pay-lines.csv").read_text(encoding="utf-8").splitlines()
    cells = rows[3].split(",")
    cells[4] = "lots"
    rows[3] = ",".join(cells)
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    response = post(kent_analyst, {"lines": bad, "columns_file": folder / "columns.yaml"},
                    codes_source="police")
    assert response.status_code == 400
    shown = [text_of(li) for li in page(response).xpath("//ul[@class='problems']/li")]
    assert any("row 4" in s and "Amount" in s for s in shown), shown
    missing = post(kent_analyst, {"lines": folder / "pay-lines.csv"}, col_person="Employee Number")
    assert missing.status_code == 400
    assert "columns.sex is required" in text_of(page(missing))
    no_table = post(kent_analyst, {"lines": folder / "pay-lines.csv",
                                   "columns_file": folder / "columns.yaml"}, codes_source="file")
    assert no_table.status_code == 400 and "no pay code table" in text_of(page(no_table))
    wrong = post(kent_analyst, {"lines": folder / "pay-lines.csv",
                                "columns_file": folder / "columns.yaml"},
                 unknown_code="BASIC", unknown_class="maybe")
    assert wrong.status_code == 400 and "'maybe' for pay code 'BASIC'" in text_of(page(wrong))

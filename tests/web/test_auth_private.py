"""The private area with real extracts: the pay gap from a payroll extract, flows from an HR
extract; all-or-nothing checks with the CLI's messages; small groups suppressed; nothing
private on the public pages or API; no uploaded file left behind."""

from __future__ import annotations

import csv
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from parity.accounts import service as accounts
from parity.errors import InputError
from parity.paygap import service as paygap
from parity.present.format import number
from parity.store.models import Source
from parity.web.app import create_app
from tests.accounts.webapp import PASSWORD, csrf_of, signed_in_client
from tests.flows.conftest import tiny_history, write_extract
from tests.web.conftest import page, text_of

PAYROLL_COLUMNS = ["employee_id", "sex", "ordinary_pay", "bonus_pay_in_period",
                   "pay_period_days", "weekly_hours", "full_pay", "bonus_pay_12m", "worker_type"]


def payroll_rows(seed: int = 3) -> list[list]:
    """40 women and 40 men (officers, 5 + 5 staff and 5 + 5 PCSOs); 6 women and 20 men paid a
    bonus. Staff and PCSOs together hold 10 of each sex, so the officers' figures cannot give
    away either small group's."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(80):
        sex = "F" if i % 2 else "M"
        pay = round(float(rng.normal(2900 if sex == "M" else 2600, 300)), 2)
        bonus = 500.0 if (sex == "F" and i < 12) or (sex == "M" and i < 40) else ""
        worker = "pcso" if i >= 70 else "staff" if i >= 60 else "officer"
        rows.append([f"E{i:03d}", sex, pay, "", 31, 40, "true", bonus, worker])
    return rows


def write_payroll(path: Path, rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(PAYROLL_COLUMNS)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def site(sqlite_templates, tmp_path_factory):  # noqa: ANN001, ANN201
    path = tmp_path_factory.mktemp("private") / "private.db"
    shutil.copy(sqlite_templates["workforce"], path)
    application = create_app(f"sqlite:///{path}")
    with Session(application.state.engine) as s:
        accounts.add_user(s, email="kent@example.org", role="analyst", force="Kent",
                          password=PASSWORD)
        s.commit()
    yield application
    application.state.engine.dispose()


@pytest.fixture
def kent(site) -> Iterator[TestClient]:  # noqa: ANN001
    with signed_in_client(site, "kent@example.org") as client:
        yield client


def upload(client: TestClient, path: str, file: Path, **data: str):  # noqa: ANN201
    token = csrf_of(client.get("/private/forces/kent"))
    with open(file, "rb") as fh:
        return client.post(path, data={"csrf_token": token, **data},
                           files={"extract": (file.name, fh.read(), "text/csv")})


def leftovers() -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob("parity-upload-*"))


def test_the_pay_gap_of_an_uploaded_payroll_with_small_groups_suppressed(site, kent, tmp_path):
    file = write_payroll(tmp_path / "kent-payroll-2024.csv", payroll_rows())
    before = leftovers()
    response = upload(kent, "/private/forces/kent/paygap", file, by="worker_type")
    assert response.status_code == 200, response.text[-2000:]
    assert response.headers["cache-control"] == "no-store"
    expected = paygap.compute_figures(paygap.read_payroll(file), by="worker_type")
    doc = page(response)
    cards = {text_of(c.xpath(".//p[@class='card__label']")[0]):
             text_of(c.xpath(".//p[@class='card__value']")[0]) for c in doc.xpath("//div[@class='card']")}
    assert cards["Median hourly pay gap"] == f"{expected['median_hourly_gap_pct']:.1f}%"
    assert cards["Mean hourly pay gap"] == f"{expected['mean_hourly_gap_pct']:.1f}%"
    # six women were paid a bonus: the bonus figures rest on fewer than 10 and are withheld
    assert cards["Mean bonus gap"] == cards["Median bonus gap"] == "[c]"
    assert expected["mean_bonus_gap_pct"] is not None
    rows = {text_of(r.xpath("th")[0]): [text_of(td) for td in r.xpath("td")]
            for r in doc.xpath("//table[2]/tbody/tr")}
    assert rows["pcso"] == rows["staff"] == ["[c]", "[c]"] and "[c]" not in rows["officer"]
    assert "kent-payroll-2024.csv" in text_of(doc)
    # read and forgotten: no source row, no file left behind
    with Session(site.state.engine) as s:
        assert s.scalar(select(func.count(Source.id)).where(Source.file_name.like("%payroll%"))) == 0
    assert leftovers() == before


def test_a_bad_payroll_is_refused_with_the_same_problems_as_the_cli(kent, tmp_path):
    rows = payroll_rows()
    rows[4][2] = "lots"          # ordinary_pay, row 6
    rows[9][5] = "0"             # weekly_hours, row 11
    rows[10][0] = rows[11][0]    # a repeated id
    file = write_payroll(tmp_path / "bad payroll.csv", rows)
    with pytest.raises(InputError) as caught:
        paygap.read_payroll(file)
    response = upload(kent, "/private/forces/kent/paygap", file)
    assert response.status_code == 400
    doc = page(response)
    shown = [text_of(li) for li in doc.xpath("//ul[@class='problems']/li")]
    assert shown == caught.value.details()
    assert any("row 6" in line and "ordinary_pay" in line for line in shown)
    assert caught.value.reason.split(";")[0] in text_of(doc)
    wrong_type = tmp_path / "payroll.ods"
    wrong_type.write_bytes(b"not really")
    refused = upload(kent, "/private/forces/kent/paygap", wrong_type)
    assert refused.status_code == 400
    assert "expected a CSV, XLSX, PARQUET file" in text_of(page(refused))


def test_flows_from_an_uploaded_hr_extract_are_private_and_suppressed(site, kent, tmp_path):
    from parity.flows import service as flows

    public = ["/", "/forces/kent", "/forces/kent.json", "/league", "/api/v1/overview",
              "/api/v1/representation?area=Kent", "/api/openapi.json"]
    anonymous = TestClient(site)
    before = {p: anonymous.get(p).text for p in public}
    file = write_extract(tmp_path / "kent-hr.csv", tiny_history())
    response = upload(kent, "/private/forces/kent/flows", file)
    assert response.status_code == 303, response.text[-1500:]
    assert response.headers["location"] == "/private/forces/kent/flows?year=2021"
    doc = page(kent.get(response.headers["location"]))
    with Session(site.state.engine) as s:
        expected = flows.flows(s, force_id="kent", year=2021)
    constables = expected["ranks"][0]
    assert constables["rank"] == "constable"
    body = [[text_of(c) for c in row.xpath("th|td")]
            for row in doc.xpath("//table[@id='flows-table']/tbody/tr")]
    women = body[0]
    assert women[:2] == ["Constable", "Women"]
    assert women[2] == ("[c]" if constables["female"]["suppressed"]
                        else number(constables["female"]["start"]))
    assert doc.xpath("//table[@id='flows-pipeline']") and doc.xpath("//select[@name='year']")
    assert any("[c]" in row for row in body), "groups under 10 people are suppressed"
    for bad in ("1990", "abc"):
        refused = kent.get("/private/forces/kent/flows", params={"year": bad})
        assert refused.status_code == 400, bad
        assert "Traceback" not in refused.text
    assert "No flows for Kent in 1990" in text_of(
        page(kent.get("/private/forces/kent/flows?year=1990")))
    coordinator = "coord@example.org"
    with Session(site.state.engine) as s:
        if accounts.get_user(s, email=coordinator) is None:
            accounts.add_user(s, email=coordinator, role="coordinator", password=PASSWORD)
            s.commit()
    with signed_in_client(site, coordinator) as national:
        items = {text_of(li) for li in page(national.get("/private")).xpath("//main//li")}
    assert "Kent · HR extract held" in items and "Essex" in items
    # the same extract twice changes nothing; the public site is unchanged
    assert upload(kent, "/private/forces/kent/flows", file).status_code == 303
    assert {p: anonymous.get(p).text for p in public} == before
    anonymous.close()


def test_a_bad_hr_extract_writes_nothing(site, kent, tmp_path):
    from parity.flows.importer import import_hr

    rows = tiny_history()
    rows[3]["date"] = "31/02/2020"
    rows[5]["sex"] = ""
    file = write_extract(tmp_path / "broken-hr.csv", rows)
    with Session(site.state.engine) as s, pytest.raises(InputError) as caught:
        import_hr(s, path=file, force="kent")
    with Session(site.state.engine) as s:
        sources = s.scalar(select(func.count(Source.id)))
    response = upload(kent, "/private/forces/kent/flows", file)
    assert response.status_code == 400
    shown = [text_of(li) for li in page(response).xpath("//ul[@class='problems']/li")]
    assert shown == caught.value.details() and len(shown) >= 2
    with Session(site.state.engine) as s:
        assert s.scalar(select(func.count(Source.id))) == sources


COUNT = st.integers(min_value=0, max_value=40)


@given(full_pay=st.tuples(COUNT, COUNT), bonus=st.tuples(COUNT, COUNT),
       everyone=st.tuples(COUNT, COUNT), quarter_sizes=st.lists(COUNT, min_size=4, max_size=4))
def test_no_pay_gap_figure_rests_on_fewer_than_10_people(full_pay, bonus, everyone,
                                                         quarter_sizes):
    from parity.paygap.service import shown as paygap_shown

    figures = {
        "counts": {"full_pay_male": full_pay[0], "full_pay_female": full_pay[1],
                   "male_paid_bonus": bonus[0], "female_paid_bonus": bonus[1],
                   "male": everyone[0], "female": everyone[1]},
        "mean_hourly_gap_pct": 10.0, "median_hourly_gap_pct": 9.0, "pence_per_pound": 91.0,
        "mean_bonus_gap_pct": 30.0, "median_bonus_gap_pct": 20.0,
        "male_bonus_pct": 50.0, "female_bonus_pct": 40.0,
        "quarters": [{"quarter": q, "employees": n, "female_pct": 50.0, "male_pct": 50.0}
                     for q, n in zip(("lower", "lower_middle", "upper_middle", "upper"),
                                     quarter_sizes, strict=True)],
        "service_fields": {"DiffMeanHourlyPercent": 10.0}, "other_sex_values": {"X": 1},
    }
    shown = paygap_shown(figures)
    if shown["median_hourly_gap_pct"] is not None:
        assert min(full_pay) >= 10
    if shown["mean_bonus_gap_pct"] is not None:
        assert min(bonus) >= 10
    if shown["female_bonus_pct"] is not None:  # the share paid a bonus: both counts >= 10
        assert min(everyone) >= 10 and min(bonus) >= 10
    for q, n in zip(shown["quarters"], quarter_sizes, strict=True):
        assert q.get("suppressed") or (n >= 10 and min(full_pay) >= 10)
    assert "service_fields" not in shown and "other_sex_values" not in shown
    # nothing is withheld when every group is large enough
    if min(*full_pay, *bonus, *everyone, *quarter_sizes) >= 10:
        assert shown["median_hourly_gap_pct"] == 9.0 and shown["mean_bonus_gap_pct"] == 30.0
        assert not any(q.get("suppressed") for q in shown["quarters"])


def test_the_pay_quarters_have_a_chart_beside_their_table(site, kent, tmp_path):
    file = write_payroll(tmp_path / "kent-payroll-chart.csv", payroll_rows())
    response = upload(kent, "/private/forces/kent/paygap", file)
    assert response.status_code == 200, response.text[-2000:]
    doc = page(response)
    chart = doc.xpath("//figure[@class='chart-figure']//svg[@role='img']")
    assert chart, "a chart of the quarters next to their table"
    expected = paygap.compute_figures(paygap.read_payroll(file))
    described = text_of(chart[0])
    for q in expected["quarters"]:
        assert f"{q['female_pct']:.1f}%" in described

"""A force's commitments in the private area, with the figures the public pages withhold:
rates measured on the force's own HR extract (a synthetic one for Kent, made by the flows
generator from the official table), groups of fewer than 10 people suppressed; the page only
for the force's own users (and coordinators), on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from parity.commitments import charts, metrics
from parity.commitments import service as commitments
from parity.commitments import views as commitment_views
from parity.disclosure import SUPPRESSED
from parity.flows import service as flows
from tests.accounts.webapp import (  # noqa: F401  (fixtures)
    anon,
    app,
    coordinator,
    signed_in_client,
)
from tests.commitments.conftest import at
from tests.web.conftest import page, text_of

LEAVING = {"ref": "kent-leaving", "force": "Kent", "title": "Fewer women constables leave",
           "theme": "retention", "made": "2019-06-01",
           "indicators": [{"kind": "flow_rate", "direction": "down",
                           "params": {"rate": "leaving", "sex": "female", "rank": "constable"},
                           "baseline_year": 2019, "target_value": 0.04,
                           "target_date": "2027-03-31"}]}
# Kent has fewer than 10 women chief officers: every year of this rate is suppressed.
CHIEFS = {"ref": "kent-chiefs", "force": "Kent", "title": "More women join as chief officers",
          "theme": "progression", "made": "2019-06-01",
          "indicators": [{"kind": "flow_rate", "direction": "up",
                          "params": {"rate": "joining", "sex": "female",
                                     "rank": "chief_officer"},
                          "baseline_year": 2019, "target_value": 0.2,
                          "target_date": "2027-03-31"}]}
URL = "/private/forces/kent/commitments"


@pytest.fixture(scope="module")
def held(app, tmp_path_factory) -> dict:  # noqa: ANN001, F811
    """Kent's synthetic HR extract (31 March 2017 to 2023, seed 5) imported, and two Kent
    commitments on rates from it; the rates as the flows domain gives them."""
    from parity.flows import synth
    from parity.flows.importer import import_hr

    path: Path = tmp_path_factory.mktemp("kent-hr") / "kent.csv"
    with Session(app.state.engine) as s:
        synth.generate(s, force="Kent", from_year=2017, to_year=2023, seed=5, out=path)
        import_hr(s, path=path, force="Kent")
        for data in (LEAVING, CHIEFS):
            commitments.add_commitment(s, data=data, by="analyst", at=at(2019, 6, 1))
        s.commit()
        rates = {"leaving": flows.rate_series(s, force_id="kent", rate="leaving",
                                              sex="female", rank="constable"),
                 "chiefs": flows.rate_series(s, force_id="kent", rate="joining",
                                             sex="female", rank="chief_officer"),
                 "years": flows.flow_years(s, force_id="kent")}
    return rates


def _row(doc, table: str, ref: str) -> list[str]:  # noqa: ANN001
    [row] = [r for r in doc.xpath(f"//table[@id='{table}']/tbody/tr")
             if ref in text_of(r.xpath("th")[0])]
    return [text_of(cell) for cell in row.xpath("th|td")]


def test_a_kent_force_lead_sees_the_rate_the_public_page_withholds(app, held, anon):  # noqa: F811
    rates = held["leaving"]
    assert rates and max(rates) == held["years"][-1]
    with signed_in_client(app, "kent.lead@example.org") as lead:
        force_page = page(lead.get("/private/forces/kent"))
        assert URL in force_page.xpath("//main//a/@href")
        response = lead.get(URL)
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    doc = page(response)
    title, status, baseline, latest, target, target_date, reason = _row(
        doc, "private-commitments", "kent-leaving")
    assert baseline == f"{metrics.fmt_value(rates[2019], 'rate')} 2019"
    assert latest == f"{metrics.fmt_value(rates[max(rates)], 'rate')} {max(rates)}"
    assert (target, target_date) == ("4.0%", "2027-03-31")
    with Session(app.state.engine) as s:
        mine = next(i for i in commitments.status(s, force_id="kent", include_private=True)
                    if i["ref"] == "kent-leaving")
    assert mine["status"] in ("on_track", "at_risk", "off_track")
    assert status.endswith(charts.STATUS_LABELS[mine["status"]])
    assert doc.xpath(f"//tr[@id='pc-kent-leaving']//span[contains(@class, "
                     f"'status--{mine['status']}')]")
    assert reason.startswith(mine["reason"])
    # the public page and API still show no figure from the extract, and say why
    public = page(anon.get("/commitments/forces/kent"))
    row = _row(public, "commitments", "kent-leaving")
    assert row[2:5] == ["—", "—", "4.0%"] and "private" in row[5]
    api = next(i for i in anon.get("/api/v1/commitments/status?force=kent").json()
               if i["ref"] == "kent-leaving")
    assert api["latest"] is None and api["indicators"][0]["values"] == {}


def test_a_rate_resting_on_fewer_than_10_people_is_suppressed(app, held, coordinator):  # noqa: F811
    assert held["chiefs"] == {}, "Kent's women chief officers are fewer than 10 every year"
    row = _row(page(coordinator.get(URL)), "private-commitments", "kent-chiefs")
    assert row[2] == f"{SUPPRESSED} 2019" and row[3] == f"{SUPPRESSED} {held['years'][-1]}"
    assert f"fewer than 10 people: 31 March {', '.join(map(str, held['years']))}" in row[6]
    assert "each year's group had fewer than 10 people, or no one at the start of the year, " \
        "and its rate is withheld" in row[6] and "no joiner" not in row[6].lower()
    with Session(app.state.engine) as s:
        [item] = [i for i in commitment_views.private_status(s, force_id="kent")
                  if i["ref"] == "kent-chiefs"]
    assert item["indicators"][0]["suppressed_years"] == held["years"]
    assert item["baseline_suppressed"] and item["latest_suppressed"]


def test_only_the_force_s_own_users_see_the_page(app, held, anon):  # noqa: F811
    with signed_in_client(app, "essex.analyst@example.org") as essex:
        assert essex.get(URL).status_code == 403
        assert essex.get("/private/forces/nowhere/commitments").status_code == 404
        assert essex.get("/private/forces/essex/commitments").status_code == 200
    response = anon.get(URL)
    assert response.status_code == 303
    assert response.headers["location"] == f"/sign-in?next={URL}"

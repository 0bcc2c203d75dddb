"""The reporting cycle's service on both engines: opening a year, states and lateness, checks,
sign-off with its audit trail, the pay gap against the force's own payroll, publication."""

from __future__ import annotations

from datetime import date

import pytest

from parity.errors import InputError
from parity.paygap import service as paygap
from parity.returns import service
from parity.returns.schemas import PAYGAP_KEYS
from parity.returns.service import Actor, NotAllowed

COORD = Actor("coord@example.org", "coordinator")
KENT_LEAD = Actor("lead@kent.example", "force_lead", "kent")
KENT_ANALYST = Actor("analyst@kent.example", "analyst", "kent")
ESSEX_LEAD = Actor("lead@essex.example", "force_lead", "essex")
SCOTLAND_LEAD = Actor("lead@scotland.example", "force_lead", "police-scotland")

FIGURES = {"mean_hourly_gap_pct": 12.3, "median_hourly_gap_pct": 14.1,
           "mean_bonus_gap_pct": 5.0, "median_bonus_gap_pct": 0.0, "male_bonus_pct": 3.2,
           "female_bonus_pct": 2.9, "female_lower_pct": 55.0, "female_lower_middle_pct": 44.1,
           "female_upper_middle_pct": 33.0, "female_upper_pct": 24.5}


def _content(**changes) -> dict:  # noqa: ANN003
    content = {"paygap": dict(FIGURES), "narrative": "Our year in brief.",
               "signatory": {"name": "A. Person", "job_title": "Deputy Chief Constable"}}
    content.update(changes)
    return content


@pytest.fixture
def year_open(wf_db):  # noqa: ANN001, ANN201
    service.open_year(wf_db, year=2023, deadline=date(2026, 12, 31), opens_on=date(2026, 11, 1),
                      actor=COORD)
    return wf_db


def test_only_the_coordinator_opens_a_year_and_dates_are_checked(wf_db) -> None:  # noqa: ANN001
    with pytest.raises(NotAllowed):
        service.open_year(wf_db, year=2023, deadline=date(2026, 12, 31), actor=KENT_LEAD)
    with pytest.raises(InputError) as caught:
        service.open_year(wf_db, year=2023, deadline=date(2026, 1, 1),
                          opens_on=date(2026, 2, 1), actor=COORD)
    assert "before the year opens" in caught.value.details()[0]
    with pytest.raises(InputError, match="has not been opened"):
        service.status(wf_db, year=2023)


def test_every_force_is_listed_not_started_then_late_after_the_deadline(year_open) -> None:  # noqa: ANN001
    rows = service.status(year_open, year=2023, today=date(2026, 11, 28))
    ids = {r["force_id"] for r in rows}
    assert {"kent", "british-transport-police", "police-scotland", "psni"} <= ids
    assert len(rows) == 48
    assert {r["state"] for r in rows} == {"not_started"} and not any(r["late"] for r in rows)
    late = service.status(year_open, year=2023, today=date(2027, 1, 1))
    assert all(r["status"] == "late" for r in late)
    assert service.progress(year_open, year=2023, today=date(2027, 1, 1))["late"] == 48


def test_a_force_user_edits_only_their_own_force(year_open) -> None:  # noqa: ANN001
    with pytest.raises(NotAllowed):
        service.save_draft(year_open, year=2023, force_id="kent", content=_content(),
                           actor=ESSEX_LEAD)
    with pytest.raises(NotAllowed):
        service.save_draft(year_open, year=2023, force_id="kent", content=_content(),
                           actor=COORD)
    with pytest.raises(NotAllowed):
        service.get_return(year_open, year=2023, force_id="kent", actor=ESSEX_LEAD)
    saved = service.save_draft(year_open, year=2023, force_id="kent", content=_content(),
                               actor=KENT_ANALYST)
    assert saved["state"] == "draft" and "paygap.mean_hourly_gap_pct" in saved["changed"]
    states = {r["force_id"]: r["state"] for r in service.status(year_open, year=2023)}
    assert states["kent"] == "draft" and states["essex"] == "not_started"


def test_field_checks_name_the_field(year_open) -> None:  # noqa: ANN001
    bad = _content(paygap={**FIGURES, "female_upper_pct": 140, "mean_hourly_gap_pct": "lots"})
    with pytest.raises(InputError) as caught:
        service.save_draft(year_open, year=2023, force_id="kent", content=bad,
                           actor=KENT_ANALYST)
    text = "\n".join(caught.value.details())
    assert "paygap.female_upper_pct" in text and "from 0 to 100" in text
    assert "paygap.mean_hourly_gap_pct" in text and "expected a number" in text
    assert service.status(year_open, year=2023)[0]["state"] == "not_started"


def test_the_analyst_cannot_submit_and_missing_figures_block_the_lead(year_open) -> None:  # noqa: ANN001
    partial = _content(paygap={**FIGURES, "median_bonus_gap_pct": None},
                       signatory={"name": "", "job_title": ""})
    service.save_draft(year_open, year=2023, force_id="kent", content=partial,
                       actor=KENT_ANALYST)
    with pytest.raises(NotAllowed):
        service.submit(year_open, year=2023, force_id="kent", actor=KENT_ANALYST)
    with pytest.raises(InputError) as caught:
        service.submit(year_open, year=2023, force_id="kent", actor=KENT_LEAD)
    columns = {p.column for p in caught.value.problems}
    assert {"paygap.median_bonus_gap_pct", "signatory.name", "signatory.job_title"} <= columns


def test_return_resubmit_accept_and_the_audit_trail(year_open) -> None:  # noqa: ANN001
    s = year_open
    service.save_draft(s, year=2023, force_id="kent", content=_content(), actor=KENT_ANALYST)
    service.submit(s, year=2023, force_id="kent", actor=KENT_LEAD)
    with pytest.raises(NotAllowed):
        service.save_draft(s, year=2023, force_id="kent", content=_content(),
                           actor=KENT_ANALYST)
    with pytest.raises(NotAllowed):
        service.accept(s, year=2023, force_id="kent", actor=KENT_LEAD)
    with pytest.raises(InputError, match="say what the force should change"):
        service.send_back(s, year=2023, force_id="kent", actor=COORD, comment=" ")
    service.send_back(s, year=2023, force_id="kent", actor=COORD,
                      comment="Please add the narrative on recruitment.")
    assert service.published_returns(s, year=2023) == []
    service.save_draft(s, year=2023, force_id="kent",
                       content=_content(narrative="Recruitment of women rose this year."),
                       actor=KENT_ANALYST)
    service.submit(s, year=2023, force_id="kent", actor=KENT_LEAD)
    service.accept(s, year=2023, force_id="kent", actor=COORD)
    trail = service.history(s, year=2023, force_id="kent", actor=KENT_ANALYST)
    assert [e["action"] for e in trail] == ["saved", "submitted", "returned", "saved",
                                           "submitted", "accepted"]
    assert trail[2]["comment"] == "Please add the narrative on recruitment." \
        and trail[2]["by"] == "coord@example.org"
    assert trail[3]["changes"]["narrative"] == ["Our year in brief.",
                                                "Recruitment of women rose this year."]
    published = service.published_returns(s, year=2023)
    assert [p["force_id"] for p in published] == ["kent"]
    assert published[0]["signatory"]["name"] == "A. Person"
    assert published[0]["paygap"]["median_hourly_gap_pct"] == 14.1
    assert "computed_paygap" not in published[0]


def test_a_reopened_return_stays_published_as_accepted(year_open) -> None:  # noqa: ANN001
    s = year_open
    service.save_draft(s, year=2023, force_id="kent", content=_content(), actor=KENT_LEAD)
    service.submit(s, year=2023, force_id="kent", actor=KENT_LEAD)
    service.accept(s, year=2023, force_id="kent", actor=COORD)
    with pytest.raises(InputError, match="say why"):
        service.reopen(s, year=2023, force_id="kent", actor=KENT_LEAD, comment="")
    service.reopen(s, year=2023, force_id="kent", actor=KENT_LEAD, comment="A typing error.")
    service.save_draft(s, year=2023, force_id="kent",
                       content=_content(paygap={**FIGURES, "mean_hourly_gap_pct": 12.4}),
                       actor=KENT_LEAD)
    assert service.published_return(s, year=2023, force_id="kent")["paygap"][
        "mean_hourly_gap_pct"] == 12.3
    service.submit(s, year=2023, force_id="kent", actor=KENT_LEAD)
    service.accept(s, year=2023, force_id="kent", actor=COORD)
    assert service.published_return(s, year=2023, force_id="kent")["paygap"][
        "mean_hourly_gap_pct"] == 12.4


def test_a_pay_gap_differing_from_the_payroll_needs_a_reason(year_open, tmp_path) -> None:  # noqa: ANN001
    s = year_open
    extract = tmp_path / "payroll.csv"
    paygap.synth_payroll(s, force="kent", year=2023, out=extract, rows=600)
    attached = service.attach_payroll(s, year=2023, force_id="kent", path=extract,
                                      actor=KENT_ANALYST)
    computed = attached["computed"]
    assert set(attached["filled"]) == {k for k in PAYGAP_KEYS if computed[k] is not None}
    wrong = dict(computed, median_hourly_gap_pct=computed["median_hourly_gap_pct"] + 3)
    signatory = {"name": "A. Person", "job_title": "Chief Constable"}
    service.save_draft(s, year=2023, force_id="kent",
                       content={"paygap": wrong, "signatory": signatory}, actor=KENT_ANALYST)
    with pytest.raises(InputError) as caught:
        service.submit(s, year=2023, force_id="kent", actor=KENT_LEAD)
    assert any(p.column == "paygap.median_hourly_gap_pct" and "payroll gives" in p.message
               for p in caught.value.problems)
    service.save_draft(s, year=2023, force_id="kent",
                       content={"paygap": wrong, "signatory": signatory,
                                "paygap_reason": "Two officers' pay was corrected in April."},
                       actor=KENT_ANALYST)
    service.submit(s, year=2023, force_id="kent", actor=KENT_LEAD)
    submitted = service.history(s, year=2023, force_id="kent", actor=COORD)[-1]
    assert submitted["action"] == "submitted"
    assert "Two officers' pay was corrected in April." in submitted["comment"]
    assert any("payroll gives" in w for w in submitted["changes"]["warnings"])


def test_forces_outside_the_home_office_table_give_their_workforce(year_open) -> None:  # noqa: ANN001
    s = year_open
    service.save_draft(s, year=2023, force_id="police-scotland", content=_content(),
                       actor=SCOTLAND_LEAD)
    with pytest.raises(InputError) as caught:
        service.submit(s, year=2023, force_id="police-scotland", actor=SCOTLAND_LEAD)
    assert any(p.column == "workforce" for p in caught.value.problems)
    workforce = {"as_at": "2023-03-31", "source": "Police Scotland officer numbers, Q4 2022-23",
                 "measure": "headcount",
                 "groups": {"all": {"female": 5000, "male": 11500},
                            "senior": {"female": 400, "male": 300},
                            "middle": {"female": 900, "male": 2600}}}
    service.save_draft(s, year=2023, force_id="police-scotland",
                       content=_content(workforce=workforce), actor=SCOTLAND_LEAD)
    found = service.get_return(s, year=2023, force_id="police-scotland", actor=SCOTLAND_LEAD)
    assert not [f for f in found["checks"] if f["severity"] == "error"]
    service.save_draft(s, year=2023, force_id="kent", content=_content(workforce=workforce),
                       actor=KENT_LEAD)
    kent = service.get_return(s, year=2023, force_id="kent", actor=KENT_LEAD)
    assert kent["content"]["workforce"] is None  # not asked of forces in the Home Office table


def test_reminders_list_forces_not_submitted_with_their_users(year_open) -> None:  # noqa: ANN001
    from parity.accounts import service as accounts

    s = year_open
    accounts.add_user(s, email="lead@kent.example", role="force_lead", force="kent",
                      password="a long enough test password")
    service.save_draft(s, year=2023, force_id="essex", content=_content(), actor=ESSEX_LEAD)
    service.submit(s, year=2023, force_id="essex", actor=ESSEX_LEAD)
    items = {i["force_id"]: i for i in service.reminders(s, year=2023, today=date(2027, 1, 5))}
    assert "essex" not in items
    assert items["kent"]["emails"] == ["lead@kent.example"]
    assert "5 days ago" in items["kent"]["text"] and items["kent"]["late"]


def test_accepting_records_the_commitment_values(year_open) -> None:  # noqa: ANN001
    s = year_open
    asked = service.commitments_asked(s, force_id="kent")
    if not asked:
        pytest.skip("the bundled commitments ask no value entered by hand")
    first = asked[0]
    content = _content(commitments=[{"ref": first["ref"], "position": first["position"],
                                     "value": 7, "evidence": "https://kent.example/report"}])
    service.save_draft(s, year=2023, force_id="kent", content=content, actor=KENT_LEAD)
    service.submit(s, year=2023, force_id="kent", actor=KENT_LEAD)
    result = service.accept(s, year=2023, force_id="kent", actor=COORD)
    assert result["commitment_values_recorded"] == [first["ref"]]


def test_the_compiled_year_names_missing_forces_and_holds_no_uk_total(year_open) -> None:  # noqa: ANN001
    s = year_open
    service.save_draft(s, year=2023, force_id="kent", content=_content(), actor=KENT_LEAD)
    service.submit(s, year=2023, force_id="kent", actor=KENT_LEAD)
    service.accept(s, year=2023, force_id="kent", actor=COORD)
    compiled = service.compile_year(s, year=2023)
    assert [r["force_id"] for r in compiled["returns"]] == ["kent"]
    assert len(compiled["missing"]) == 47
    assert compiled["outside_table_complete"] is False
    assert service.compile_year(s, year=2019) is None


def test_a_uk_total_only_when_every_outside_force_has_given_its_figures(year_open) -> None:  # noqa: ANN001
    from parity.workforce import service as workforce

    s = year_open
    outside = ["police-scotland", "psni", "civil-nuclear-constabulary",
               "ministry-of-defence-police"]
    for n, force_id in enumerate(outside):
        lead = Actor(f"lead@{force_id}.example", "force_lead", force_id)
        groups = {"all": {"female": 1000 + n, "male": 3000}, "senior": {"female": 50, "male": 150},
                  "middle": {"female": 200, "male": 600}}
        content = _content(workforce={"as_at": "2023-03-31", "source": f"{force_id} statistics",
                                      "measure": "headcount", "groups": groups})
        service.save_draft(s, year=2023, force_id=force_id, content=content, actor=lead)
        service.submit(s, year=2023, force_id=force_id, actor=lead)
        if n < 3:
            service.accept(s, year=2023, force_id=force_id, actor=COORD)
            assert service.compile_year(s, year=2023)["uk_total"] is None
    service.accept(s, year=2023, force_id=outside[-1], actor=COORD)
    total = service.compile_year(s, year=2023)["uk_total"]
    official = workforce.representation(s, area="England and Wales", year=2023, group="all",
                                        measure="headcount", include_btp=True)
    assert total["groups"]["all"]["female"] == official["female"] + 1000 + 1001 + 1002 + 1003
    assert total["groups"]["all"]["male"] == official["male"] + 4 * 3000
    assert len(total["sources"]) == 5


def test_a_narrative_figure_that_is_not_the_official_one_blocks_submission(year_open) -> None:  # noqa: ANN001
    from parity.workforce import service as workforce

    s = year_open
    official = workforce.representation(s, area="Kent", year=2023, group="all")
    true_share = round(official["share_female"] * 100, 1)
    wrong = _content(narrative=f"Women made up {true_share + 9:.1f}% of our police officers "
                               "at 31 March 2023.")
    service.save_draft(s, year=2023, force_id="kent", content=wrong, actor=KENT_LEAD)
    with pytest.raises(InputError) as caught:
        service.submit(s, year=2023, force_id="kent", actor=KENT_LEAD)
    assert any(p.column == "narrative" for p in caught.value.problems)
    right = _content(narrative=f"Women made up {true_share:.1f}% of our police officers at "
                               "31 March 2023.")
    service.save_draft(s, year=2023, force_id="kent", content=right, actor=KENT_LEAD)
    assert service.submit(s, year=2023, force_id="kent", actor=KENT_LEAD)["state"] == "submitted"

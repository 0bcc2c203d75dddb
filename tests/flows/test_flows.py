"""Flows, rates, ratios, suppression and reconciliation, from extracts imported for real."""

from __future__ import annotations

import pytest

from parity.errors import InputError
from parity.flows import metrics, service
from parity.flows.importer import import_hr


@pytest.fixture
def tiny(wf_db, tiny_extract):  # noqa: ANN001, ANN201
    import_hr(wf_db, path=tiny_extract, force="dyfed-powys")
    wf_db.commit()
    return wf_db


def test_tiny_history_flows_by_hand(tiny):
    raw = service.flows(tiny, force_id="dyfed-powys", year=2021, suppress=False)
    constable = raw["ranks"][0]
    f, m = constable["female"], constable["male"]
    assert (f["start"], f["promotions_out"], f["leavers"], f["changed_in"], f["end"]) == (
        12, 2, 1, 1, 10)
    assert (m["start"], m["promotions_out"], m["leavers"], m["end"]) == (12, 1, 3, 8)
    assert f["leavers_by_reason"]["resignation"] == 1
    assert {k: v for k, v in m["leavers_by_reason"].items() if v} == {
        "retirement": 1, "dismissal": 1, "transfer_out": 1}
    assert f["promotion_rate"] == pytest.approx(2 / 12)
    assert m["leaving_rate"] == pytest.approx(3 / 12)
    assert constable["ratios"]["promotion"]["ratio"] == pytest.approx(2.0)
    sergeant = raw["ranks"][1]
    assert (sergeant["female"]["promotions_in"], sergeant["female"]["end"]) == (2, 2)
    assert raw["identity_holds"]


def test_small_groups_are_suppressed(tiny):
    shown = service.flows(tiny, force_id="dyfed-powys", year=2021)
    constable, sergeant = shown["ranks"][0], shown["ranks"][1]
    # Two women reach Sergeant: suppressed. The 13 women among Constables are suppressed too,
    # or the all-ranks total would give the Sergeants away.
    assert sergeant["female"]["suppressed"] is True
    assert sergeant["female"]["end"] is None and sergeant["female"]["promotions_in"] is None
    assert constable["female"]["suppressed"] is True and constable["female"]["end"] is None
    assert shown["all_ranks"]["female"]["end"] == 12
    assert sergeant["ratios"]["promotion"]["ratio"] is None
    rec = {(r["rank"], r["sex"]): r for r in shown["reconciliation"]["rows"]}
    assert rec["sergeant", "female"]["implied"] is None
    assert rec["sergeant", "female"]["official"] == 62  # Home Office, Dyfed-Powys, 2021
    assert rec["constable", "male"]["implied"] is None  # 8 men: suppressed
    totals = {r["sex"]: r for r in shown["reconciliation"]["totals"]}
    assert totals["female"]["implied"] == 12
    assert totals["male"]["implied"] is None and totals["all"]["implied"] is None


def test_years_outside_the_extract_are_refused(tiny):
    with pytest.raises(InputError, match="cover 2021 to 2021"):
        service.flows(tiny, force_id="dyfed-powys", year=2020)
    with pytest.raises(InputError, match="no HR events held for Gwent"):
        service.flows(tiny, force_id="Gwent", year=2021)


def test_rate_series(tiny):
    assert service.rate_series(tiny, force_id="dyfed-powys", rate="leaving", sex="male",
                               rank="constable") == {2021: pytest.approx(0.25)}
    assert service.rate_series(tiny, force_id="dyfed-powys", rate="promotion", sex="female",
                               rank="sergeant") == {}  # no one at the start
    with pytest.raises(InputError, match="unknown rate"):
        service.rate_series(tiny, force_id="dyfed-powys", rate="hiring", sex="male",
                            rank="all")


def test_synthetic_flows_add_up_every_year(wf_db, synth_files):
    import_hr(wf_db, path=synth_files["dyfed-powys"], force="dyfed-powys")
    years = service.flow_years(wf_db, force_id="dyfed-powys")
    assert years == list(range(2013, 2024))
    tables = service.flow_tables(wf_db, force_id="dyfed-powys", years=years)
    for year, table in tables.items():
        for rank, by_sex in table.items():
            for sex, cell in by_sex.items():
                assert metrics.stock_identity_holds(cell), (year, rank, sex, cell)
    result = service.flows(wf_db, force_id="dyfed-powys", year=2023)
    assert result["identity_holds"]
    assert result["pipeline"]["basis"] == "official"
    assert [r["rank"] for r in result["pipeline"]["ranks"]][0] == "constable"


def test_synthetic_history_reconciles_with_the_official_table(wf_db, synth_files):
    import_hr(wf_db, path=synth_files["dyfed-powys"], force="dyfed-powys")
    result = service.reconciliation(wf_db, force_id="dyfed-powys",
                                    years=list(range(2012, 2024)))
    assert [y["year"] for y in result["years"]] == list(range(2012, 2024))
    for year in result["years"]:
        everyone = next(t for t in year["totals"] if t["sex"] == "all")
        assert abs(everyone["difference_share"]) < 0.01, year["year"]
        for row in year["rows"]:
            if row["implied"] is not None and row["sex"] in ("female", "male"):
                assert abs(row["difference_share"]) <= 0.03, (year["year"], row)

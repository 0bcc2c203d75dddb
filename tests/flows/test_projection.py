"""The stock-flow projection: properties of the model and the service's answer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from parity.errors import InputError
from parity.flows import projection as pj
from parity.flows import service

NR, NS = len(pj.RANKS), len(pj.SEXES)
stocks = arrays(np.int64, (NR, NS), elements=st.integers(0, 3000))
rate_vectors = arrays(float, NR, elements=st.floats(0.01, 0.3))
brisk_rates = arrays(float, NR, elements=st.floats(0.05, 0.3))


def _rates(leaving, promotion, recruits) -> pj.Rates:  # noqa: ANN001
    return pj.Rates(np.repeat(np.asarray(leaving)[:, None], NS, axis=1),
                    np.repeat(np.asarray(promotion)[:, None], NS, axis=1),
                    np.asarray(recruits, dtype=float), "test")


@settings(max_examples=40, deadline=None)
@given(stocks, st.floats(0, 2))
def test_all_flows_zero_leaves_the_stock_unchanged(stock, intake):
    rates = _rates(np.zeros(NR), np.zeros(NR), [0.4, 0.6, 0.0])
    scenario = pj.Scenario(intake=intake)
    sims = pj.simulate(stock, rates, scenario, years=10, runs=5, seed=1)
    assert (sims == stock[None, None]).all()
    assert np.allclose(pj.expected_path(stock, rates, scenario, years=10), stock[None])


@settings(max_examples=40, deadline=None)
@given(stocks.filter(lambda s: s.sum() > 0), brisk_rates, brisk_rates, st.floats(0.05, 0.95))
def test_equal_rates_move_every_rank_towards_the_recruits_share(stock, leaving, promotion, x):
    rates = _rates(leaving, promotion, [x, 1 - x, 0.0])
    path = pj.expected_path(stock, rates, pj.Scenario(), years=400)
    shares = pj.group_shares(path)
    per_rank = np.stack([shares[r] for r in pj.RANKS], axis=1)  # (years, ranks)
    distance = np.nanmax(np.abs(per_rank - x), axis=1)
    assert (np.diff(distance) <= 1e-9).all()  # the farthest rank never gets farther
    assert distance[-1] < 0.01


@settings(max_examples=25, deadline=None)
@given(stocks, rate_vectors, rate_vectors, st.integers(0, 2**32 - 1))
def test_replacing_leavers_keeps_every_run_at_full_strength(stock, leaving, promotion, seed):
    rates = _rates(leaving, promotion, [0.45, 0.5, 0.05])
    sims = pj.simulate(stock, rates, pj.Scenario(), years=8, runs=20, seed=seed)
    assert (sims.sum(axis=(2, 3)) == stock.sum()).all()
    assert (sims >= 0).all()


def test_simulation_centres_on_the_expected_path():
    stock = np.array([[3000, 6000, 0], [400, 1200, 0], [100, 400, 0], [30, 120, 0],
                      [10, 50, 0], [4, 20, 0], [2, 8, 0]])
    rates = pj.Rates.defaults()
    sims = pj.simulate(stock, rates, pj.Scenario(), years=10, runs=2000, seed=3)
    mean = pj.expected_path(stock, rates, pj.Scenario(), years=10)
    assert np.allclose(sims.mean(axis=1)[:, 0, :2], mean[:, 0, :2], rtol=0.01)


def test_scenarios_change_the_rates_they_name():
    base = pj.Rates(np.full((NR, NS), 0.1), np.full((NR, NS), 0.05), np.array([0.3, 0.7, 0]))
    base.leaving[:, 0] = 0.2
    base.promotion[:, 0] = 0.01
    eq = base.under(pj.Scenario(equal_promotion=True, equal_leaving=True,
                                recruit_share_female=0.5))
    assert np.allclose(eq.leaving[:, 0], eq.leaving[:, 1])
    assert np.allclose(eq.promotion[:-1, 0], 0.05) and eq.promotion[-1].sum() == 0
    assert eq.recruits == pytest.approx([0.5, 0.5, 0.0])


def test_parity_year_per_run():
    senior = np.array([[0.2, 0.3], [0.25, 0.3], [0.31, 0.3]])
    everyone = np.full_like(senior, 0.3)
    assert list(pj.parity_years(senior, everyone, 2023)) == [2025, 2023]
    assert np.isnan(pj.parity_years(senior, np.full_like(senior, 0.9), 2023)).all()


def test_project_json_shape_with_national_defaults(wf_db):
    result = service.project(wf_db, area="Surrey", from_year=2023, years=5, runs=200, seed=4)
    assert result["rates_source"] == "national defaults"
    assert [y["year"] for y in result["years"]] == list(range(2023, 2029))
    first = result["years"][0]["share_female"]
    assert {"all", "middle", "senior"} <= set(first)
    assert all(0 <= v <= 1 for v in first.values() if v is not None)
    assert "parity_year" in result
    assert result["parity_year"] is None or 2023 <= result["parity_year"] <= 2028
    names = [s["name"] for s in result["scenarios"]]
    assert names[0] == "baseline" and "equal_promotion" in names
    again = service.project(wf_db, area="Surrey", from_year=2023, years=5, runs=200, seed=4)
    assert again["years"] == result["years"]


def test_the_start_year_matches_the_official_stock(wf_db):
    from parity.workforce.service import representation

    result = service.project(wf_db, area="Wales", from_year=2015, years=2, runs=50)
    official = representation(wf_db, area="Wales", year=2015, measure="headcount")
    assert result["years"][0]["share_female"]["all"] == pytest.approx(official["share_female"])


def test_a_target_and_chosen_scenario(wf_db):
    chosen = pj.Scenario("chosen", "Chosen", recruit_share_female=0.6, equal_leaving=True,
                         intake=1.2)
    result = service.project(wf_db, area="Kent", from_year=2023, years=10, runs=100,
                             scenario=chosen, target=0.99)
    assert result["scenario"]["name"] == "chosen" and result["parity_year"] is None
    assert result["rates"]["share_female_recruits"] == pytest.approx(0.6)
    chart = service.chart_data(result)
    assert chart["reference"]["values"] == [0.99] * 11
    assert {s["scenario"] for s in chart["series"]} >= {"baseline", "chosen"}


def test_projection_uses_the_force_extract_when_held(wf_db, synth_files):
    from parity.flows.importer import import_hr

    import_hr(wf_db, path=synth_files["dyfed-powys"], force="dyfed-powys")
    result = service.project(wf_db, area="Dyfed-Powys", from_year=2023, years=3, runs=50)
    assert result["rates_source"].startswith("Dyfed-Powys HR extract, flows years 2021")


def test_bad_projection_input(wf_db):
    with pytest.raises(InputError, match=r"no official workforce figures for Kent on 31 March "
                                         r"1990 \(years held: 2007 to 2023\)"):
        service.project(wf_db, area="Kent", from_year=1990, years=5)
    with pytest.raises(InputError, match="between 0 and 1"):
        service.project(wf_db, area="Kent", from_year=2023, years=5,
                        scenario=pj.Scenario(recruit_share_female=1.5))
    with pytest.raises(InputError, match="unknown area"):
        service.project(wf_db, area="Atlantis", from_year=2023, years=5)


def test_answers_have_the_documented_shapes(wf_db, synth_files):
    from parity.flows import schemas
    from parity.flows.importer import import_hr

    import_hr(wf_db, path=synth_files["dyfed-powys"], force="dyfed-powys")
    result = service.project(wf_db, area="Dyfed-Powys", from_year=2023, years=2, runs=20)
    assert set(result) == set(schemas.ProjectionResult.__annotations__)
    assert set(result["years"][0]) == set(schemas.ProjectionYear.__annotations__)
    assert set(result["scenarios"][0]) == set(schemas.ScenarioResult.__annotations__)
    chart = service.projection_chart(wf_db, area="Dyfed-Powys", from_year=2023, years=2,
                                     runs=20)
    assert set(chart) == set(schemas.ChartData.__annotations__)
    assert set(chart["series"][0]) == set(schemas.ChartSeries.__annotations__)
    flows = service.flows(wf_db, force_id="dyfed-powys", year=2023)
    assert set(flows) == set(schemas.FlowsResult.__annotations__)
    constable = flows["ranks"][0]
    assert set(constable["female"]) == set(schemas.FlowCell.__annotations__)
    assert set(constable["ratios"]["leaving"]) == set(schemas.RateRatio.__annotations__)


def _rates_file(path, text: str):  # noqa: ANN001, ANN202
    path.write_text(text, encoding="utf-8")
    return path


def test_chosen_rates_replace_the_defaults_they_name(wf_db, tmp_path):
    from parity.flows.importer import read_rates

    path = _rates_file(tmp_path / "rates.csv", "rank,sex,leaving_rate,promotion_rate\n"
                       "Constable,female,0.08,0.02\nConstable,male,0.05,0.04\n"
                       "Sergeant,all,5%,\n")
    rates = read_rates(path)
    d = pj.Rates.defaults()
    assert rates.leaving[0, :2] == pytest.approx([0.08, 0.05])
    assert rates.promotion[0, :2] == pytest.approx([0.02, 0.04])
    assert rates.leaving[1] == pytest.approx([0.05] * 3)
    assert rates.promotion[1] == pytest.approx(d.promotion[1])  # blank: the default
    assert np.allclose(rates.leaving[2:], d.leaving[2:])
    result = service.project(wf_db, area="Kent", from_year=2023, years=10, runs=100,
                             rates=rates)
    assert result["rates_source"] == "chosen rates (rates.csv), national defaults elsewhere"
    assert result["rates"]["leaving"]["constable"]["female"] == pytest.approx(0.08)
    by_name = {s["name"]: s for s in result["scenarios"]}
    # Women leave more and are promoted less here: the equal-rate scenarios now differ.
    assert (by_name["equal_leaving"]["years"][-1]["share_female"]["all"]
            > by_name["baseline"]["years"][-1]["share_female"]["all"])


def test_a_bad_rates_file_names_rows_and_columns(tmp_path):
    from parity.flows.importer import read_rates

    path = _rates_file(tmp_path / "bad.csv", "rank,sex,leaving_rate,promotion_rate\n"
                       "Captain,female,0.05,0.04\nConstable,woman,1.5,x\n"
                       "Chief Officer,all,0.2,0.1\n")
    with pytest.raises(InputError) as caught:
        read_rates(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "rank"), (3, "sex"), (3, "leaving_rate"), (3, "promotion_rate"),
        (4, "promotion_rate")]
    assert all(p.file == "bad.csv" for p in caught.value.problems)
    with pytest.raises(InputError, match="missing column"):
        read_rates(_rates_file(tmp_path / "cols.csv", "rank,leaving\nConstable,0.1\n"))
    with pytest.raises(InputError, match="no rates found"):
        read_rates(_rates_file(tmp_path / "empty.csv", "rank,sex,leaving_rate,promotion_rate\n"))


def _bands_by_definition(sims: np.ndarray) -> list[dict]:
    """Each year's median and 5th-95th percentile band of each group's share of women over
    the runs, worked out group by group and year by year from the definition (runs where the
    group is empty left out; None where it is empty in every run)."""
    years = []
    for t in range(sims.shape[0]):
        entry: dict = {"share_female": {}, "share_female_low": {}, "share_female_high": {}}
        for name, ranks in pj.GROUPS.items():
            cells = sims[t][:, list(ranks), :]  # (runs, the group's ranks, sexes)
            female = cells[..., pj.FEMALE].sum(axis=1).astype(float)
            total = cells.sum(axis=(1, 2)).astype(float)
            shares = [f / n for f, n in zip(female, total, strict=True) if n > 0]
            low, mid, high = (np.percentile(shares, [5, 50, 95]).tolist() if shares
                              else [None, None, None])
            entry["share_female_low"][name] = low
            entry["share_female"][name] = mid
            entry["share_female_high"][name] = high
        years.append(entry)
    return years


@settings(max_examples=60, deadline=None)
@given(arrays(np.int64, (4, 7, NR, NS), elements=st.sampled_from([0, 0, 1, 2, 7, 40, 900])))
def test_the_summary_bands_are_the_percentiles_of_each_groups_share(sims):
    """`summarise` (every group's shares in one product with the groups' membership, every
    percentile in one call) gives what the definition gives, to the last bit, empty groups
    and the "other" sex included."""
    got = pj.summarise(sims, from_year=2023)["years"]
    want = _bands_by_definition(sims)
    for year, expected in zip(got, want, strict=True):
        for key in ("share_female", "share_female_low", "share_female_high"):
            assert year[key] == expected[key]

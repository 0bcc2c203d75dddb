"""The synthetic payroll generator: Home Office headcounts, official pay, determinism."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow.csv as pcsv
import pytest

from parity.errors import InputError
from parity.paygap import metrics, service, synth
from parity.workforce import service as workforce


def test_officer_counts_match_the_home_office_table(wf_db, tmp_path):
    out = tmp_path / "city.csv"
    summary = service.synth_payroll(wf_db, force="City of London Police", year=2022, out=out,
                                    seed=7)
    table = pcsv.read_csv(out).to_pylist()
    expected = workforce.stock_by_rank_and_sex(wf_db, force_ids=["city-of-london"], year=2022)
    for rank, sexes in expected.items():
        label = synth.RANK_LABELS[rank]
        for sex, count in sexes.items():
            shown = synth.SEX_LABELS[sex]
            got = sum(1 for r in table if r["worker_type"] == "officer" and r["grade"] == label
                      and r["sex"] == shown)
            assert got == round(count), (rank, sex)
    assert summary["rows"] == len(table)
    # City of London is a London force: London weighting and allowance on top of basic pay.
    assert set(summary["allowances"]) == {"london_weighting", "london_allowance"}
    payroll = service.read_payroll(out)
    figures = metrics.six_figures(payroll)
    assert figures["counts"]["not_full_pay"] > 0
    assert figures["counts"]["male_paid_bonus"] > 0
    assert (payroll.fte < 1).any()


def test_the_same_seed_gives_the_same_file(wf_db, tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    for path, seed in ((a, 3), (b, 3), (c, 4)):
        service.synth_payroll(wf_db, force="Dyfed-Powys", year=2019, out=path, rows=3000,
                              seed=seed)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert len(pcsv.read_csv(a)) == 3000


def test_constable_pay_uses_the_official_scale():
    scale = synth.officer_scale("constable", date(2019, 3, 31), london=False)
    # Annex F, with effect from 1 September 2018 (police_pay_scales.csv).
    assert scale.points.tolist() == [20370, 23586, 24654, 25728, 26802, 28947, 33267, 39150]
    assert scale.basis == "official scale effective 2018-09-01"
    later = synth.officer_scale("constable", date(2023, 3, 31), london=False)
    assert later.points[1] == 26682 and later.points[7] == 43032   # official 2022 points
    assumed = synth.officer_scale("sergeant", date(2023, 3, 31), london=False)
    assert assumed.basis.startswith("assumption")


def test_awards_carry_pay_forward_and_back():
    awards = synth.assumptions()["officer_awards"]
    before = synth.assumptions()["officer_award_before_2017"]
    values = np.array([23000.0, 30000.0])
    there = synth.carry(values, start=date(2020, 10, 1), end=date(2023, 3, 31), awards=awards,
                        before=before)
    assert there.tolist() == [23000 + 250 + 1900, 30000 + 1900]
    back = synth.carry(there, start=date(2023, 3, 31), end=date(2020, 10, 1), awards=awards,
                       before=before)
    assert back == pytest.approx(values)


def test_rows_scale_the_mix_and_unknown_years_are_refused(wf_db, tmp_path):
    columns, summary = synth.generate(
        {"officer": {"constable": {"male": 30.0, "female": 10.0}}},
        force_id="kent", year=2020, rows=400, seed=1)
    assert summary.rows == 400
    assert summary.counts == {"officer": {"male": 300, "female": 100}}
    assert summary.allowances == {"south_east_allowance": 2000.0}
    with pytest.raises(InputError, match="no Home Office workforce figures for 1990"):
        service.synth_payroll(wf_db, force="Kent", year=1990, out=tmp_path / "x.csv")


def test_csv_parquet_and_xlsx_outputs_read_back_the_same(tmp_path):
    stock = {"officer": {"constable": {"male": 60.0, "female": 40.0},
                         "sergeant": {"male": 12.0, "female": 8.0, "not_stated": 1.0}},
             "staff": {"staff": {"male": 30.0, "female": 50.0}}}
    columns, _ = synth.generate(stock, force_id="metropolitan-police", year=2023, seed=2)
    results = []
    for suffix in (".csv", ".parquet", ".xlsx"):
        out = tmp_path / f"p{suffix}"
        synth.write(columns, out)
        results.append(metrics.six_figures(service.read_payroll(out)))
    for other in results[1:]:
        for key in ("mean_hourly_gap_pct", "median_hourly_gap_pct", "mean_bonus_gap_pct",
                    "quarters", "counts", "other_sex_values"):
            assert other[key] == pytest.approx(results[0][key]) if "pct" in key \
                else other[key] == results[0][key], key
    assert results[0]["other_sex_values"] == {"Not stated": 1}


def test_a_monthly_pay_period_counts_as_30_44_days(tmp_path):
    # The regulations count a monthly pay period as 30.44 days, whatever the month: a
    # full-time constable at the top of the 2022 scale (official £43,032) is paid
    # 43,032 / 12 in March, so 43,032 / 12 x 7 / 30.44 / 40 an hour, not x 7 / 31.
    columns, _ = synth.generate({"officer": {"constable": {"male": 400.0}}},
                                force_id="dyfed-powys", year=2023, seed=4)
    out = tmp_path / "k.csv"
    synth.write(columns, out)
    payroll = service.read_payroll(out)
    assert set(payroll.pay_period_days.tolist()) == {30.44}
    top = (payroll.fte == 1) & payroll.full_pay & (payroll.bonus_pay_in_period == 0) \
        & (payroll.ordinary_pay == round(43032 / 12, 2))
    assert top.any()
    rate = metrics.hourly_rate(payroll)[top]
    assert rate == pytest.approx(43032 / 12 * 7 / 30.44 / 40)
    assert rate == pytest.approx(43032 / (365.28 / 7) / 40)

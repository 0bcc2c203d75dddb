"""Worked examples built by hand from the rules in docs/decisions/0300 and 0302."""

from __future__ import annotations

import pytest

from parity.paygap import metrics
from parity.paygap.importer import read_payroll
from tests.paygap.conftest import person


def figures(payroll_file, rows):  # noqa: ANN001, ANN201
    return metrics.six_figures(read_payroll(payroll_file(rows)))


def test_hourly_rate_is_pay_times_seven_over_days_over_weekly_hours(payroll_file):
    rows = [person(1, "M", 0, ordinary_pay=2000, bonus_pay_in_period=100, pay_period_days=31,
                   weekly_hours=37.5)]
    rate = metrics.hourly_rate(read_payroll(payroll_file(rows)))
    assert rate[0] == pytest.approx(2100 * 7 / 31 / 37.5)


def test_ties_across_a_quarter_boundary_are_shared_with_the_same_mix(payroll_file):
    # Eight people: a woman on £10, six on £20 (three men, three women), a man on £30.
    # Quarters hold 2 people each: positions 0-1, 2-3, 4-5, 6-7. The £20 group fills
    # positions 1-6, so it has 1, 2, 2 and 1 seats in the four quarters. Half the group are
    # men, so ideally 0.5, 1, 1 and 0.5 men: whole parts 0, 1, 1, 0 and the one man left over
    # goes to the largest remainder, the lower of the two tied quarters. Each quarter is then
    # one man and one woman.
    rows = [person(1, "F", 10)]
    rows += [person(10 + i, sex, 20) for i, sex in enumerate("FFFMMM")]
    rows += [person(99, "M", 30)]
    result = figures(payroll_file, rows)
    assert [q["male_pct"] for q in result["quarters"]] == [50.0, 50.0, 50.0, 50.0]
    assert [q["employees"] for q in result["quarters"]] == [2, 2, 2, 2]
    # A plain sort by rate then sex would give 0%, 50%, 50% and 100% men (or the mirror).


def test_one_rate_across_every_quarter(payroll_file):
    # Eight people on one rate, three men: each quarter has 2 seats, ideally 0.75 men; the
    # three men go one each to the three lowest quarters (equal remainders, lowest first).
    rows = [person(i, sex, 15) for i, sex in enumerate("MMMFFFFF")]
    result = figures(payroll_file, rows)
    assert [q["male"] for q in result["quarters"]] == [1, 1, 1, 0]
    assert result["mean_hourly_gap_pct"] == 0.0
    assert result["median_hourly_gap_pct"] == 0.0


def test_people_not_on_full_pay(payroll_file):
    rows = [
        person("m1", "M", 20, bonus_pay_12m=100),
        person("m2", "M", 10),
        person("f1", "F", 15, bonus_pay_12m=40),
        person("f2", "F", 5),
        person("f3", "F", 2, full_pay="false", bonus_pay_12m=60),
    ]
    result = figures(payroll_file, rows)
    # Hourly: men 20 and 10 (mean and median 15), women 15 and 5 (f3 is not on full pay).
    assert result["mean_hourly_gap_pct"] == pytest.approx(100 / 3)
    assert result["median_hourly_gap_pct"] == pytest.approx(100 / 3)
    assert result["pence_per_pound"] == pytest.approx(200 / 3)
    # Bonus: every relevant employee, f3 too: men [100], women [40, 60].
    assert result["mean_bonus_gap_pct"] == pytest.approx(50.0)
    assert result["median_bonus_gap_pct"] == pytest.approx(50.0)
    assert result["male_bonus_pct"] == pytest.approx(50.0)
    assert result["female_bonus_pct"] == pytest.approx(200 / 3)
    # Quarters of the four on full pay: 5 F, 10 M, 15 F, 20 M.
    assert [q["male_pct"] for q in result["quarters"]] == [0.0, 100.0, 0.0, 100.0]
    assert result["counts"]["not_full_pay"] == 1


def test_a_bonus_paid_to_men_only(payroll_file):
    rows = [person(1, "M", 10, bonus_pay_12m=500), person(2, "M", 10),
            person(3, "F", 10), person(4, "F", 10)]
    result = figures(payroll_file, rows)
    assert result["mean_bonus_gap_pct"] == 100.0
    assert result["median_bonus_gap_pct"] == 100.0
    assert result["male_bonus_pct"] == 50.0
    assert result["female_bonus_pct"] == 0.0


def test_a_bonus_paid_to_women_only_has_no_gap_figure(payroll_file):
    rows = [person(1, "M", 10), person(2, "F", 10, bonus_pay_12m=300), person(3, "F", 10)]
    result = figures(payroll_file, rows)
    assert result["mean_bonus_gap_pct"] is None
    assert result["median_bonus_gap_pct"] is None
    assert result["female_bonus_pct"] == 50.0
    assert metrics.service_fields(result)["DiffMeanBonusPercent"] is None


def test_another_sex_category_is_reported_and_left_out(payroll_file):
    base = [person(1, "Male", 12, bonus_pay_12m=10), person(2, "female", 10),
            person(3, "m", 14), person(4, "F", 9, bonus_pay_12m=20)]
    other = [person(5, "Prefer not to say", 100, bonus_pay_12m=5000),
             person(6, "", 1)]
    without = figures(payroll_file, base)
    with_other = metrics.six_figures(read_payroll(payroll_file(base + other, name="o.csv")))
    for key in ("mean_hourly_gap_pct", "median_hourly_gap_pct", "mean_bonus_gap_pct",
                "male_bonus_pct", "female_bonus_pct"):
        assert with_other[key] == without[key]
    assert with_other["quarters"] == without["quarters"]
    assert with_other["counts"]["other_sex"] == 2
    assert with_other["other_sex_values"] == {"Prefer not to say": 1, "(blank)": 1}


def test_service_fields_round_to_one_decimal_place_and_pairs_add_to_100():
    assert metrics.round_1dp(12.25) == 12.3
    assert metrics.round_1dp(-12.25) == -12.3
    assert metrics.round_1dp(33.3333) == 33.3
    quarter = {"male_pct": 33.35, "female_pct": 66.65}
    fields = metrics.service_fields({
        "mean_hourly_gap_pct": 9.96, "median_hourly_gap_pct": 0.04, "mean_bonus_gap_pct": None,
        "median_bonus_gap_pct": 100.0, "male_bonus_pct": 5.55, "female_bonus_pct": 0.0,
        "quarters": [quarter] * 4})
    assert fields["DiffMeanHourlyPercent"] == 10.0
    assert fields["DiffMedianHourlyPercent"] == 0.0
    assert fields["DiffMeanBonusPercent"] is None
    assert fields["MaleBonusPercent"] == 5.6
    assert fields["MaleLowerQuartile"] == 33.4
    assert fields["FemaleLowerQuartile"] == 66.6
    assert list(fields)[-1] == "FemaleTopQuartile"
    assert len(fields) == 14


def test_groups_under_ten_of_either_sex_are_suppressed(payroll_file):
    rows = [person(f"a{i}", "MF"[i % 2], 10 + i % 3, grade="A") for i in range(20)]
    rows += [person(f"b{i}", "M" if i < 12 else "F", 20, grade="B") for i in range(15)]
    rows += [person(f"c{i}", "M" if i < 2 else "F", 30, grade="C") for i in range(10)]
    groups = metrics.figures_by(read_payroll(payroll_file(rows)), by="grade")
    by_name = {g["grade"]: g for g in groups}
    # B and C together hold 14 men and 11 women: A can be shown (see the next test).
    assert by_name["C"]["suppressed"] is True
    assert by_name["A"]["suppressed"] is False
    assert by_name["A"]["counts"]["male"] == 10
    assert by_name["B"] == {"grade": "B", "suppressed": True,
                            "reason": "fewer than 10 men or fewer than 10 women"}


def test_audit_trail_says_who_is_in_each_figure_and_why_not(payroll_file):
    rows = [person("m1", "M", 20, bonus_pay_12m=100), person("f1", "F", 10),
            person("f2", "F", 8, full_pay="no"), person("x1", "Not stated", 9)]
    audit = {r["employee_id"]: r for r in metrics.audit_table(
        read_payroll(payroll_file(rows))).to_pylist()}
    assert audit["m1"]["in_hourly_pay_figures"] and audit["m1"]["pay_quarter"] == "upper"
    assert audit["m1"]["in_bonus_gap_figures"]
    assert audit["f1"]["bonus_gap_exclusion"] == "no bonus paid"
    assert audit["f2"]["hourly_pay_exclusion"].startswith("not full pay")
    assert audit["f2"]["pay_quarter"] == ""
    assert audit["f2"]["in_bonus_proportion"]
    assert audit["x1"]["hourly_pay_exclusion"] == "not male or female"
    assert audit["x1"]["bonus_proportion_exclusion"] == "not male or female"
    assert audit["f1"]["hourly_rate_gbp"] == pytest.approx(10.0)


def test_compute_figures_takes_a_table_or_a_dataframe_and_checks_it():
    import pandas as pd

    from parity.errors import InputError
    from parity.paygap import schemas, service

    rows = [person(i, "MF"[i % 2], 10 + i) for i in range(8)]
    frame = pd.DataFrame(rows)
    result = service.compute_figures(frame)
    assert set(schemas.Figures.__annotations__) >= set(result)
    assert set(schemas.Quarter.__annotations__) == set(result["quarters"][0])
    assert list(result["service_fields"]) == list(schemas.ServiceFields.__annotations__)
    frame.loc[3, "weekly_hours"] = 0
    with pytest.raises(InputError) as caught:
        service.compute_figures(frame)
    assert str(caught.value.problems[0]) == ("table, row 5, column 'weekly_hours': expected a "
                                             "number above 0, found 0")


def test_when_people_do_not_divide_by_four_the_higher_quarters_take_the_extra(payroll_file):
    # Five people on five rates: quarters of 1, 1, 1 and 2 (decision 0302).
    rows = [person(i, "MFMFM"[i], 10 + i) for i in range(5)]
    result = figures(payroll_file, rows)
    assert [q["employees"] for q in result["quarters"]] == [1, 1, 1, 2]
    assert [q["male"] for q in result["quarters"]] == [1, 0, 1, 1]
    assert result["quarters"][3]["min_hourly_gbp"] == 13.0
    assert result["quarters"][3]["mean_hourly_gap_pct"] == pytest.approx((14 - 13) / 14 * 100)


def test_the_snapshot_is_inferred_from_the_latest_start_date(payroll_file):
    from datetime import date

    from parity.paygap import service

    rows = [person(1, "M", 10, start_date="2019-04-02"), person(2, "F", 10,
                                                              start_date="2022-11-30")]
    payroll = read_payroll(payroll_file(rows))
    assert service.infer_snapshot(payroll) == date(2023, 3, 31)
    rows[1]["start_date"] = "2022-03-31"
    assert service.infer_snapshot(read_payroll(payroll_file(rows, name="b.csv"))) == \
        date(2022, 3, 31)
    result = service.compute_figures(payroll, snapshot=date(2024, 3, 31))
    assert result["snapshot"] == "2024-03-31" and result["snapshot_inferred"] is False


def test_men_paid_next_to_nothing_give_a_huge_gap_or_none_never_a_crash(payroll_file):
    """Found by the damaged-file property test: a man paid 1.2e-228 pounds made the mean gap
    about -1e231 %, which the service-field rounding could not hold. A gap that large still
    rounds; one too large to be a number at all is no figure (None), like a zero men's rate."""
    rows = [person(1, "M", 1.2e-229), person(2, "F", 20)]
    result = figures(payroll_file, rows)
    assert result["mean_hourly_gap_pct"] == pytest.approx(-20 / 1.2e-229 * 100)
    assert metrics.service_fields(result)["DiffMeanHourlyPercent"] == \
        pytest.approx(result["mean_hourly_gap_pct"])
    result = figures(payroll_file, [person(1, "M", 1e-310), person(2, "F", 20)])
    assert result["mean_hourly_gap_pct"] is None and result["median_hourly_gap_pct"] is None
    assert metrics.service_fields(result)["DiffMeanHourlyPercent"] is None
    assert metrics.round_1dp(12.25) == 12.3 and metrics.round_1dp(-12.25) == -12.3


def test_a_suppressed_group_cannot_be_worked_out_from_the_totals(payroll_file):
    # C has 3 women: suppressed. The whole payroll's figures are shown too, so were A and B
    # both shown, C's mean pay would be the totals minus A's and B's. B, the smaller shown
    # group, is suppressed as well: C and B together hold 10 or more of each sex.
    rows = [person(f"a{i}", "MF"[i % 2], 10 + i % 4, grade="A") for i in range(40)]
    rows += [person(f"b{i}", "MF"[i % 2], 20 + i % 3, grade="B") for i in range(30)]
    rows += [person(f"c{i}", "M" if i < 12 else "F", 40, grade="C") for i in range(15)]
    groups = {g["grade"]: g for g in metrics.figures_by(read_payroll(payroll_file(rows)),
                                                        by="grade")}
    assert groups["A"]["suppressed"] is False
    assert groups["C"]["reason"] == "fewer than 10 men or fewer than 10 women"
    assert groups["B"]["suppressed"] is True
    assert groups["B"]["reason"].startswith("suppressed too")
    assert set(groups["B"]) == {"grade", "suppressed", "reason"}
    # With C's women at 10, nothing needs covering.
    rows += [person(f"d{i}", "F", 40, grade="C") for i in range(7)]
    groups = {g["grade"]: g for g in metrics.figures_by(
        read_payroll(payroll_file(rows, name="more.csv")), by="grade")}
    assert [groups[k]["suppressed"] for k in "ABC"] == [False, False, False]


def test_when_one_group_is_too_small_and_the_other_covers_it_both_are_suppressed(payroll_file):
    rows = [person(f"o{i}", "MF"[i % 2], 10 + i % 5, worker_type="officer") for i in range(60)]
    rows += [person(f"s{i}", "M" if i else "F", 12, worker_type="staff") for i in range(11)]
    groups = metrics.figures_by(read_payroll(payroll_file(rows)), by="worker_type")
    assert [(g["worker_type"], g["suppressed"]) for g in groups] == [("officer", True),
                                                                    ("staff", True)]


def test_the_same_rate_reached_by_different_sums_is_a_tie(payroll_file):
    # £1,600 for 10 hours and £6,000 for 37.5 hours (30-day period) are the same hourly rate,
    # £37.33 an hour, but the two sums differ in the last bit of a float. Found equal, the man
    # and the woman on it share the two quarters it spans: the man to the lower (decision
    # 0302), whatever the order of the rows or the last bit.
    rows = [person("f", "F", 1, ordinary_pay=1600, pay_period_days=30, weekly_hours=10),
            person("m", "M", 1, ordinary_pay=6000, pay_period_days=30, weekly_hours=37.5)]
    assert 1600 * 7 / 30 / 10 != 6000 * 7 / 30 / 37.5
    for order in (rows, rows[::-1]):
        payroll = read_payroll(payroll_file(order, name=f"{order[0]['employee_id']}.csv"))
        rate = metrics.hourly_rate(payroll)
        assert rate[0] == rate[1] == pytest.approx(112 / 3)
        result = metrics.six_figures(payroll, rate=rate)
        assert [q["male"] for q in result["quarters"]] == [0, 1, 0, 0]
        assert result["mean_hourly_gap_pct"] == result["median_hourly_gap_pct"] == 0.0

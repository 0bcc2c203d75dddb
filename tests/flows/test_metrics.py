"""Property tests for the flows maths: implied stocks, flow identities, the ratio interval."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parity import calendar
from parity import vocabulary as wv
from parity.flows import metrics
from parity.flows.validation import Events, Problems, check_sequences

RANKS = metrics.RANKS


@st.composite
def histories(draw, min_gap: int = 0) -> Events:  # noqa: ANN001
    """Valid random histories: people who join, are promoted, change hours, leave, rejoin
    (`min_gap` days at least between one person's events)."""
    ev = Events()
    row = 1
    for p in range(draw(st.integers(1, 12))):
        sex = draw(st.sampled_from(["female", "male", "not_stated"]))
        day = date(2010, 1, 1) + timedelta(days=draw(st.integers(0, 2000)))
        in_service, rank = False, 0
        for _ in range(draw(st.integers(1, 6))):
            day += timedelta(days=draw(st.integers(min_gap, 500)))
            if not in_service:
                kind, rank = wv.JOINING, draw(st.integers(0, 2))
            else:
                kind = draw(st.sampled_from([wv.PROMOTION, wv.HOURS_CHANGE, wv.LEAVING]))
                if kind == wv.PROMOTION and rank == len(RANKS) - 1:
                    kind = wv.LEAVING
            from_rank = RANKS[rank] if kind == wv.PROMOTION else None
            if kind == wv.PROMOTION:
                rank += 1
            row += 1
            ev.row.append(row)
            ev.person_id.append(f"p{p}")
            ev.sex.append(sex)
            ev.event.append(kind)
            ev.event_date.append(day)
            ev.worker_type.append("officer")
            ev.rank.append(RANKS[rank])
            ev.from_rank.append(from_rank)
            ev.fte.append(draw(st.sampled_from([0.5, 0.8, 1.0])))
            ev.leaving_reason.append("other" if kind == wv.LEAVING else None)
            in_service = kind != wv.LEAVING
    return ev


def _brute_stock(ev: Events, year: int) -> dict[tuple[str, str], tuple[int, float]]:
    """Everyone's state on 31 March `year`, found by replaying their events."""
    end = calendar.year_end(year)
    last: dict[str, int] = {}
    for i in range(len(ev)):
        if ev.event_date[i] <= end:
            j = last.get(ev.person_id[i])
            if j is None or (ev.event_date[i], ev.row[i]) > (ev.event_date[j], ev.row[j]):
                last[ev.person_id[i]] = i
    out: dict[tuple[str, str], list] = {}
    for i in last.values():
        if ev.event[i] != wv.LEAVING:
            cell = out.setdefault((ev.rank[i], ev.sex[i]), [0, 0.0])
            cell[0] += 1
            cell[1] += ev.fte[i]
    return {k: (v[0], v[1]) for k, v in out.items()}


@settings(max_examples=60, deadline=None)
@given(histories())
def test_implied_stocks_match_a_replay_of_every_person(ev):
    problems = Problems("h.csv", None)
    check_sequences(ev, problems)
    assert problems.count == 0
    stocks = metrics.implied_stocks(
        person_id=ev.person_id, event=ev.event, event_date=ev.event_date,
        worker_type=ev.worker_type, rank=ev.rank, sex=ev.sex, fte=ev.fte, order=ev.order)
    years = sorted({calendar.flows_year(d) for d in ev.event_date})
    for year in range(years[0], years[-1] + 1):
        got = {(s["rank"], s["sex"]): (s["headcount"], s["fte"]) for s in stocks
               if s["year"] == year}
        want = _brute_stock(ev, year)
        assert got.keys() == want.keys()
        for key, (head, fte) in want.items():
            assert got[key][0] == head and got[key][1] == pytest.approx(fte)


@settings(max_examples=60, deadline=None)
@given(histories())
def test_flows_between_any_two_snapshots_add_up(ev):
    problems = Problems("h.csv", None)
    check_sequences(ev, problems)
    stocks = metrics.implied_stocks(
        person_id=ev.person_id, event=ev.event, event_date=ev.event_date,
        worker_type=ev.worker_type, rank=ev.rank, sex=ev.sex, fte=ev.fte, order=ev.order)
    by_year: dict[int, dict] = {}
    for s in stocks:
        by_year.setdefault(s["year"], {}).setdefault(s["rank"], {})[s["sex"]] = s["headcount"]
    for year in sorted({calendar.flows_year(d) for d in ev.event_date}):
        counts = [metrics.EventCount(ev.event[i], ev.sex[i],
                                     ev.worker_type_before[i], ev.rank_before[i],
                                     ev.worker_type[i], ev.rank[i], ev.leaving_reason[i], 1)
                  for i in range(len(ev)) if calendar.flows_year(ev.event_date[i]) == year]
        table = metrics.flow_table(counts, by_year.get(year - 1, {}), by_year.get(year, {}))
        for rank in RANKS:
            for sex in metrics.FLOW_SEXES:
                assert metrics.stock_identity_holds(table[rank][sex]), (year, rank, sex)


@settings(max_examples=40, deadline=None)
@given(histories(min_gap=1), st.randoms(use_true_random=False))
def test_the_order_of_rows_in_the_file_does_not_matter(ev, rnd):
    fields = ("row", "person_id", "sex", "event", "event_date", "worker_type", "rank",
              "from_rank", "fte", "leaving_reason")
    shuffled = Events()
    order = list(range(len(ev)))
    rnd.shuffle(order)
    for name in fields:
        setattr(shuffled, name, [getattr(ev, name)[i] for i in order])
    shuffled.row = list(range(2, len(ev) + 2))  # new row numbers, as in a re-sorted file
    results = []
    for events in (ev, shuffled):
        problems = Problems("h.csv", None)
        check_sequences(events, problems)
        assert problems.count == 0
        results.append(sorted(
            (s["year"], s["rank"], s["sex"], s["headcount"], round(s["fte"], 6))
            for s in metrics.implied_stocks(
                person_id=events.person_id, event=events.event, event_date=events.event_date,
                worker_type=events.worker_type, rank=events.rank, sex=events.sex,
                fte=events.fte, order=events.order, person_code=events.person_code,
                ordinal=events.ordinal)))
    assert results[0] == results[1]


def test_flows_year_boundaries():
    assert calendar.flows_year(date(2022, 3, 31)) == 2022
    assert calendar.flows_year(date(2022, 4, 1)) == 2023
    assert calendar.flows_year(date(2023, 1, 15)) == 2023


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60), st.integers(1, 400), st.integers(0, 60), st.integers(1, 400))
def test_ratio_interval_is_the_clopper_pearson_interval_mapped(kf, nf, km, nm):
    from scipy.stats import binomtest

    r = metrics.rate_ratio_interval(kf, nf, km, nm)
    if kf + km == 0:
        assert r["ratio"] is None and r["ci_low"] is None
        return
    ci = binomtest(kf, kf + km).proportion_ci(confidence_level=0.95, method="exact")
    scale = nm / nf
    assert r["ci_low"] == pytest.approx(ci.low / (1 - ci.low) * scale, rel=1e-6, abs=1e-12)
    if km == 0:
        assert r["ci_high"] is None and r["ratio"] is None
    else:
        assert r["ci_high"] == pytest.approx(ci.high / (1 - ci.high) * scale, rel=1e-6)
        assert r["ci_low"] <= r["ratio"] <= r["ci_high"]


def test_ratio_interval_narrows_with_more_people():
    small = metrics.rate_ratio_interval(5, 50, 10, 100)
    large = metrics.rate_ratio_interval(50, 500, 100, 1000)
    assert small["ratio"] == pytest.approx(1.0) == large["ratio"]
    assert large["ci_high"] - large["ci_low"] < small["ci_high"] - small["ci_low"]


def test_pipeline_finds_the_largest_drop():
    stock = {"constable": {"female": 40, "male": 60}, "sergeant": {"female": 20, "male": 80},
             "inspector": {"female": 18, "male": 82}}
    p = metrics.pipeline(stock)
    assert p["largest_drop_rank"] == "sergeant"
    assert p["ranks"][1]["share_female_change_from_below"] == pytest.approx(-0.2)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=8))
def test_suppressed_cells_cannot_be_recovered_from_the_total(sizes):
    hidden = metrics.suppression_flags(sizes)
    assert all(h for s, h in zip(sizes, hidden, strict=True) if s < 10)
    recoverable = sum(s for s, h in zip(sizes, hidden, strict=True) if h)
    assert recoverable == 0 or recoverable >= 10 or all(hidden)


def test_secondary_suppression_takes_the_smallest_shown_cell():
    assert metrics.suppression_flags([50, 12, 3, 30]) == [False, True, True, False]
    assert metrics.suppression_flags([50, 12, 0, 30]) == [False, False, True, False]


def test_reconcile_suppresses_small_implied_groups():
    r = metrics.reconcile({"constable": {"female": 9, "male": 100},
                           "sergeant": {"female": 20, "male": 30}},
                          {"constable": {"female": 10, "male": 104},
                           "sergeant": {"female": 21, "male": 30}})
    rows = {(row["rank"], row["sex"]): row for row in r["rows"]}
    assert rows["constable", "female"]["implied"] is None
    assert rows["sergeant", "female"]["suppressed"]  # else 29 women - 20 gives the 9 away
    assert rows["constable", "male"]["difference"] == -4
    assert rows["constable", "male"]["difference_share"] == pytest.approx(-4 / 104)
    totals = {row["sex"]: row for row in r["totals"]}
    assert totals["female"]["implied"] == 29 and totals["all"]["implied"] == 159

"""The synthetic HR history: matches the official table, deterministic, sex differences."""

from __future__ import annotations

import numpy as np
import pytest

from parity.errors import InputError
from parity.flows import synth
from parity.flows.importer import read_events


def test_same_seed_same_file_other_seed_other_file(wf_db, tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    for path, seed in ((a, 5), (b, 5), (c, 6)):
        synth.generate(wf_db, force="Cumbria", from_year=2018, to_year=2021, seed=seed,
                       out=path)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_generated_extract_is_valid_and_has_every_kind_of_event(synth_files):
    events = read_events(synth_files["dyfed-powys"])
    assert set(events.event) == {"joining", "promotion", "worker_type_change", "hours_change",
                                 "leaving"}
    assert set(events.leaving_reason) - {None} == {"retirement", "resignation", "dismissal",
                                                   "transfer_out", "other"}
    assert set(events.sex) == {"female", "male"}


def _realised(config: synth.SynthConfig, head, fte) -> tuple[float, float]:  # noqa: ANN001
    """(women's leaving rate over men's, women's promotion rate over men's), all years."""
    log = synth.simulate(head, fte, from_year=2012, seed=11, config=config)
    a = log.arrays()
    sex = a["person_sex"][a["person"]]
    after = a["day"] > np.datetime64("2012-03-31").astype(int) + 719163
    people = head[:-1].sum(axis=(0, 1))  # person-years at risk, by sex
    rates = []
    for code in (4, 1):  # leaving, promotion
        f = ((a["event"] == code) & (sex == 0) & after).sum() / people[0]
        m = ((a["event"] == code) & (sex == 1) & after).sum() / people[1]
        rates.append(f / m)
    return rates[0], rates[1]


def test_configured_sex_differences_show_in_the_realised_rates(wf_db):
    head, fte = synth.official_targets(wf_db, force_id="dyfed-powys", from_year=2012,
                                       to_year=2023)
    even = synth.SynthConfig(female_leaving_ratio=1.0, female_promotion_ratio=1.0)
    leave_more = synth.SynthConfig(female_leaving_ratio=2.0, female_promotion_ratio=1.0)
    promote_less = synth.SynthConfig(female_leaving_ratio=1.0, female_promotion_ratio=0.5)
    leaving_even, promotion_even = _realised(even, head, fte)
    assert _realised(leave_more, head, fte)[0] > leaving_even + 0.3
    assert _realised(promote_less, head, fte)[1] < promotion_even - 0.05


def test_bad_years_are_refused(wf_db, tmp_path):
    with pytest.raises(InputError, match="must be after"):
        synth.generate(wf_db, force="Kent", from_year=2020, to_year=2020, out=tmp_path / "x")
    with pytest.raises(InputError, match=r"no official workforce figures for Kent on 31 March "
                                         r"2000 \(years held: 2007 to 2023\)"):
        synth.generate(wf_db, force="Kent", from_year=2000, to_year=2005, out=tmp_path / "x")


def test_spells_of_other_hours_add_events_but_change_no_stock(wf_db, tmp_path):
    from parity.flows import metrics

    head, fte = synth.official_targets(wf_db, force_id="cumbria", from_year=2018, to_year=2021)
    plain, spells = tmp_path / "plain.csv", tmp_path / "spells.csv"
    synth.generate(wf_db, force="Cumbria", from_year=2018, to_year=2021, seed=2, out=plain)
    made = synth.generate(wf_db, force="Cumbria", from_year=2018, to_year=2021, seed=2,
                          out=spells, config=synth.SynthConfig(temporary_hours_share=0.3))
    base, more = read_events(plain), read_events(spells)
    changes = [e for e in more.event if e == "hours_change"]
    assert made.events == len(more)
    assert len(changes) - base.event.count("hours_change") > 0.3 * head[0].sum() * 3 * 2 * 0.9
    stocks = metrics.implied_stocks(
        person_id=more.person_id, event=more.event, event_date=more.event_date,
        worker_type=more.worker_type, rank=more.rank, sex=more.sex, fte=more.fte,
        order=more.order)
    for s in stocks:
        if s["worker_type"] == "officer" and 2018 <= s["year"] <= 2021:
            r, x = synth.RANKS.index(s["rank"]), synth.SEXES.index(s["sex"])
            assert s["headcount"] == head[s["year"] - 2018, r, x], s
            # FTE follows the table within the generator's part-time steps (as without spells).
            assert s["fte"] == pytest.approx(fte[s["year"] - 2018, r, x], abs=2.0), s

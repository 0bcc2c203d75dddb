"""The import's whole-column paths give what the row-by-row walk gives: where each person
was before each event (on an extract that passes), and the stocks the events imply."""

from __future__ import annotations

from pathlib import Path

import pytest

from parity import calendar
from parity.errors import InputError
from parity.flows import metrics, validation
from parity.flows.importer import read_events

from .conftest import tiny_history, write_extract


def _walked(path: Path, monkeypatch: pytest.MonkeyPatch) -> validation.Events:
    with monkeypatch.context() as patch:
        patch.setattr(validation, "_sequences_hold", lambda ev, np: False)
        return read_events(path)


@pytest.mark.parametrize("name", ["dyfed-powys", "city-of-london", "tiny"])
def test_the_column_checks_find_where_the_walk_finds(name, synth_files, tmp_path, monkeypatch):
    path = (write_extract(tmp_path / "tiny.csv", tiny_history()) if name == "tiny"
            else synth_files[name])
    fast, walked = read_events(path), _walked(path, monkeypatch)
    assert fast.worker_type_before == walked.worker_type_before
    assert fast.rank_before == walked.rank_before
    assert fast.order == walked.order
    assert any(w is not None for w in fast.worker_type_before)


def test_a_broken_rule_is_named_by_the_walk(tmp_path):
    rows = tiny_history()
    rows[-1] = {**rows[-1], "event": "hours_change"}  # X01 is a PCSO, not a Constable
    with pytest.raises(InputError) as raised:
        read_events(write_extract(tmp_path / "bad.csv", rows))
    (problem,) = raised.value.problems
    assert problem.row == len(rows) + 1 and "hours_change_keeps_post" in problem.message


def test_stocks_are_the_people_in_each_post_on_31_march(synth_files):
    ev = read_events(synth_files["dyfed-powys"])
    stocks = metrics.implied_stocks(
        person_id=ev.person_id, event=ev.event, event_date=ev.event_date,
        worker_type=ev.worker_type, rank=ev.rank, sex=ev.sex, fte=ev.fte, order=ev.order)
    # the same figures counted one 31 March and one person at a time
    year = stocks[-1]["year"]
    held: dict[str, tuple] = {}
    for i in ev.order:
        if ev.event_date[i] <= calendar.snapshot_date(year):
            held[ev.person_id[i]] = (None if ev.event[i] == "leaving" else
                                     (ev.worker_type[i], ev.rank[i], ev.sex[i]))
    counted: dict[tuple, int] = {}
    for post in held.values():
        if post is not None:
            counted[post] = counted.get(post, 0) + 1
    assert {(s["worker_type"], s["rank"], s["sex"]): s["headcount"] for s in stocks
            if s["year"] == year} == counted

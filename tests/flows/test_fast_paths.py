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


def _quoted(path: Path, out: Path, change=None) -> Path:  # noqa: ANN001
    """`path` (a CSV) written again with every cell quoted (which only the standard library's
    reader reads), after `change` (rows -> rows) if given."""
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    with open(out, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerows(change(rows) if change else rows)
    return out


def _damaged(rows: list[list[str]]) -> list[list[str]]:
    rows = [list(r) for r in rows]
    rows[5][1], rows[9][3], rows[12][0], rows[20][7] = "unknown", "31/02/2020", "", "2"
    rows.insert(30, [""] * len(rows[0]))  # a blank row: skipped, and counted in row numbers
    rows[40][2] = "transfer"
    return rows


def test_the_arrow_reader_reads_what_the_standard_library_reads(synth_files, tmp_path):
    """A plain CSV is read with Arrow's parser, any other with the standard library's: the
    same events, and for a damaged file the same problems (file, row, column, message)."""
    from parity import tabular

    plain = synth_files["dyfed-powys"]
    assert tabular.read_plain_csv(plain) is not None
    quoted = _quoted(plain, tmp_path / "dyfed.csv")
    assert tabular.read_plain_csv(quoted) is None
    fields = ("row", "person_id", "sex", "event", "event_date", "worker_type", "rank",
              "from_rank", "fte", "leaving_reason", "worker_type_before", "rank_before", "order")
    fast, slow = read_events(plain), read_events(quoted)
    assert all(getattr(fast, f) == getattr(slow, f) for f in fields)

    damaged = tmp_path / "plain" / "dyfed.csv"
    damaged.parent.mkdir()
    with open(damaged, "w", newline="", encoding="utf-8") as fh:
        import csv

        with open(plain, newline="", encoding="utf-8") as src:
            csv.writer(fh).writerows(_damaged(list(csv.reader(src))))
    assert tabular.read_plain_csv(damaged) is not None
    refused = []
    for path in (damaged, _quoted(plain, tmp_path / "dyfed-damaged.csv", _damaged)):
        with pytest.raises(InputError) as raised:
            read_events(path)
        refused.append([(p.row, p.column, p.message) for p in raised.value.problems])
    assert refused[0] == refused[1] and len(refused[0]) == 5


def test_the_walk_alone_gives_the_import_the_same_rows(db, tiny_extract, monkeypatch):
    """An extract that passes the walk (the whole-column checks bypassed) is written as the
    same rows, on both engines."""
    from sqlalchemy import select

    from parity.flows.importer import import_hr
    from parity.flows.models import HrEvent

    import_hr(db, path=tiny_extract, force="gwent")
    monkeypatch.setattr(validation, "_sequences_hold", lambda ev, np: False)
    import_hr(db, path=tiny_extract, force="dyfed-powys")
    db.commit()
    columns = [c for c in HrEvent.__table__.columns if c.name not in ("id", "force_id",
                                                                      "source_id")]

    def rows(force: str) -> list[tuple]:
        return [tuple(r) for r in db.execute(select(*columns).where(
            HrEvent.force_id == force).order_by(HrEvent.id))]

    assert rows("gwent") == rows("dyfed-powys") and len(rows("gwent")) == 34

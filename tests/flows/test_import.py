"""Importing HR extracts: all-or-nothing, impossible sequences named, idempotent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from parity.errors import InputError
from parity.flows.importer import import_hr
from parity.flows.models import HrEvent, HrStock
from parity.store.models import Source
from tests.flows.conftest import officer, tiny_history, write_extract


def _count(db, model) -> int:  # noqa: ANN001
    return db.scalar(select(func.count()).select_from(model))


def test_tiny_extract_imports_with_provenance(db, tiny_extract):
    result = import_hr(db, path=tiny_extract, force="Dyfed Powys Police")
    db.commit()
    assert result.status == "imported" and result.force_id == "dyfed-powys"
    assert result.rows == 34 and result.people == 25
    assert _count(db, HrEvent) == 34
    source = db.scalar(select(Source).where(Source.kind == "hr:dyfed-powys"))
    assert source.row_count == 34 and source.note == "dyfed-powys"
    assert set(db.scalars(select(HrEvent.source_id).distinct())) == {source.id}
    promotion = db.scalar(select(HrEvent).where(HrEvent.person_id == "F00",
                                                HrEvent.event == "promotion"))
    assert (promotion.rank_before, promotion.rank, promotion.year) == ("constable", "sergeant",
                                                                       2021)
    change = db.scalar(select(HrEvent).where(HrEvent.event == "worker_type_change"))
    assert (change.worker_type_before, change.worker_type) == ("pcso", "officer")


def test_importing_the_same_file_twice_changes_nothing(db, tiny_extract):
    import_hr(db, path=tiny_extract, force="dyfed-powys")
    db.commit()
    before = (_count(db, HrEvent), _count(db, HrStock), _count(db, Source))
    again = import_hr(db, path=tiny_extract, force="dyfed-powys")
    db.commit()
    assert again.status == "unchanged"
    assert (_count(db, HrEvent), _count(db, HrStock), _count(db, Source)) == before


def test_a_new_extract_replaces_the_force_history(db, tmp_path, tiny_extract):
    import_hr(db, path=tiny_extract, force="dyfed-powys")
    shorter = write_extract(tmp_path / "shorter.csv", tiny_history()[:24])
    # cut short (the first rows of a valid extract): refused, naming what would be lost
    with pytest.raises(InputError) as refused:
        import_hr(db, path=shorter, force="dyfed-powys")
    reason = refused.value.reason
    assert reason.startswith("shorter.csv: covers less than the extract held for Dyfed-Powys")
    assert "would lose" in reason and "--replace-shorter" in reason
    assert _count(db, HrEvent) == 34
    result = import_hr(db, path=shorter, force="dyfed-powys", replace_shorter=True)
    db.commit()
    assert result.replaced_rows == 34
    assert _count(db, HrEvent) == 24
    back = import_hr(db, path=tiny_extract, force="dyfed-powys")  # the first extract again
    db.commit()
    assert back.status == "imported" and back.replaced_rows == 24
    assert _count(db, HrEvent) == 34 and _count(db, Source) == 2
    assert import_hr(db, path=tiny_extract, force="dyfed-powys").status == "unchanged"


def test_promotion_before_joining_and_two_leavings_name_person_and_rows(db, tmp_path):
    rows = [
        officer("A1", "Female", "promotion", "2019-01-01", "Sergeant", from_rank="Constable"),
        officer("A1", "Female", "joining", "2019-02-01", "Sergeant"),
        officer("B2", "Male", "joining", "2015-02-01", "Constable"),
        officer("B2", "Male", "leaving", "2016-02-01", "Constable", leaving_reason="other"),
        officer("B2", "Male", "leaving", "2017-02-01", "Constable", leaving_reason="other"),
    ]
    path = write_extract(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError) as caught:
        import_hr(db, path=path, force="dyfed-powys")
    text = "\n".join(caught.value.details())
    assert ("person A1: promotion on 2019-01-01 (row 2) comes before any joining (the person "
            "joins on row 3, 2019-02-01)") in text
    assert "starts_with_joining" in text
    assert "person B2: leaving on 2017-02-01 (row 6) leaves twice (row 5)" in text
    assert [p.row for p in caught.value.problems] == [2, 6]
    assert [p.column for p in caught.value.problems] == ["event", "event"]
    assert _count(db, HrEvent) == 0 and _count(db, Source) == 0


def test_every_bad_cell_is_reported_with_row_and_column(db, tmp_path):
    rows = [
        officer("A1", "Femme", "joining", "2019-01-01", "Constable"),
        officer("A2", "Female", "joined", "31/02/2019", "Constable"),
        officer("A3", "Female", "joining", "2019-01-01", "Captain", fte=1.5),
        officer("A4", "Female", "leaving", "2019-01-01", "Constable"),
        officer("A5", "Male", "promotion", "2019-01-01", "Constable", from_rank="Sergeant"),
        officer("", "Male", "joining", "2019-01-01", "Constable", leaving_reason="other"),
    ]
    path = write_extract(tmp_path / "cells.csv", rows)
    with pytest.raises(InputError) as caught:
        import_hr(db, path=path, force="dyfed-powys")
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(2, "sex"), (3, "date"), (4, "rank"), (4, "fte"), (5, "leaving_reason"),
                     (6, "rank"), (7, "leaving_reason"), (7, "person_id")}
    assert all(p.file == "cells.csv" for p in caught.value.problems)
    assert _count(db, HrEvent) == 0


def test_an_event_of_someone_never_joining_says_so(db, tmp_path):
    path = write_extract(tmp_path / "orphan.csv", [
        officer("C3", "Male", "joining", "2015-02-01", "Constable"),
        officer("Q7", "Female", "hours_change", "2019-01-01", "Constable", fte=0.5),
    ])
    with pytest.raises(InputError) as caught:
        import_hr(db, path=path, force="dyfed-powys")
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (3, "event")
    assert problem.message == ("person Q7: hours_change on 2019-01-01 (row 3) comes before any "
                               "joining (the person has no joining row) (starts_with_joining)")


def test_dates_in_the_future_are_refused(tmp_path):
    from datetime import date

    from parity.flows.importer import read_events

    path = write_extract(tmp_path / "future.csv", [
        officer("A1", "Female", "joining", "2024-04-01", "Constable")])
    assert len(read_events(path, today=date(2024, 4, 1))) == 1
    with pytest.raises(InputError) as caught:
        read_events(path, today=date(2024, 3, 31))
    assert "date_not_in_future" in caught.value.problems[0].message


def test_promotion_from_a_rank_not_held(db, tmp_path):
    rows = [
        officer("A1", "Female", "joining", "2015-01-01", "Constable"),
        officer("A1", "Female", "promotion", "2016-01-01", "Inspector", from_rank="Sergeant"),
        officer("A1", "Female", "hours_change", "2017-01-01", "Sergeant", fte=0.5),
    ]
    path = write_extract(tmp_path / "held.csv", rows)
    with pytest.raises(InputError) as caught:
        import_hr(db, path=path, force="dyfed-powys")
    messages = [p.message for p in caught.value.problems]
    assert any("promotion_from_current_rank" in m and "row 3" in m for m in messages)
    assert any("hours_change_keeps_post" in m for m in messages)


def test_missing_columns_and_unknown_files_are_refused(db, tmp_path, shared_data):
    path = tmp_path / "wrong.csv"
    path.write_text("person,gender,when\n1,F,2019-01-01\n")
    with pytest.raises(InputError) as caught:
        import_hr(db, path=path, force="dyfed-powys")
    assert "missing column(s) person_id" in caught.value.details()[0]
    other = shared_data / "home-office" / "police-workforce-sep19-tables.ods"
    with pytest.raises(InputError):
        import_hr(db, path=other, force="dyfed-powys")
    assert _count(db, HrEvent) == 0


def test_a_file_another_force_imported_says_nothing_of_that_force(db, tiny_extract):
    import_hr(db, path=tiny_extract, force="dyfed-powys")
    result = import_hr(db, path=tiny_extract, force="Gwent")
    assert result.status == "imported" and result.force_id == "gwent"
    again = import_hr(db, path=tiny_extract, force="Gwent")
    assert again.status == "unchanged"
    assert "dyfed" not in repr(result) + repr(again)


def test_xlsx_extract_from_the_generator_imports(db, synth_files):
    result = import_hr(db, path=synth_files["city-of-london"], force="City of London")
    db.commit()
    assert result.status == "imported" and result.rows > 1000
    assert 2015 in result.years and 2023 in result.years


def test_the_bulk_paths_store_each_cell_as_given(db, tmp_path, monkeypatch):
    """The rows go in as text each engine reads back (SQLite: fixed-width records, in chunks;
    PostgreSQL: COPY text): person ids with letters beyond ASCII, a backslash, a tab, inner
    spaces and of different lengths come back as given, in file order, with every cell and
    each row's number; the same as the ORM reads them."""
    from parity.flows import bulk

    monkeypatch.setattr(bulk, "CHUNK", 7)  # several chunks on both engines
    people = ["Zoë-1", "back\\slash", "tab\there", "a b  c", "L" * 64, "7", "Ω"]
    rows = []
    for k, person in enumerate(people):
        rows.append(officer(person, "Female" if k % 2 else "Male", "joining",
                            f"2019-0{k + 1}-0{k + 1}", "Constable", fte=0.5 + k / 20))
        rows.append(officer(person, "Female" if k % 2 else "Male", "promotion",
                            f"2021-0{k + 1}-1{k}", "Sergeant", from_rank="Constable"))
    rows.append({"person_id": "staff 1", "sex": "Female", "event": "joining",
                 "date": "2018-01-10", "worker_type": "Police Staff", "rank": "", "fte": 1})
    rows.append({"person_id": "staff 1", "sex": "Female", "event": "leaving",
                 "date": "2022-03-31", "worker_type": "Police Staff", "rank": "", "fte": 1,
                 "leaving_reason": "retirement"})
    path = tmp_path / "people.csv"
    write_extract(path, rows)
    result = import_hr(db, path=path, force="gwent")
    db.commit()
    assert result.rows == len(rows)
    stored = db.scalars(select(HrEvent).order_by(HrEvent.id)).all()
    assert [e.source_row for e in stored] == list(range(2, len(rows) + 2))
    assert [e.person_id for e in stored] == [r["person_id"] for r in rows]
    first, promoted = stored[0], stored[1]
    assert (first.sex, first.event, first.worker_type, first.rank, first.fte) == \
        ("male", "joining", "officer", "constable", 0.5)
    assert (first.from_rank, first.leaving_reason, first.worker_type_before,
            first.rank_before) == (None, None, None, None)
    assert str(first.event_date)[:10] == "2019-01-01" and first.year == 2019
    assert (promoted.from_rank, promoted.worker_type_before, promoted.rank_before,
            promoted.rank, promoted.year) == ("constable", "officer", "constable", "sergeant",
                                              2021)
    left = stored[-1]
    assert (left.event, left.rank, left.leaving_reason, left.worker_type_before,
            left.rank_before, left.year) == ("leaving", "", "retirement", "staff", "", 2022)
    assert stored[4].fte == pytest.approx(0.6)


def test_a_first_hr_extract_on_postgresql_ends_with_its_index(db, tiny_extract):  # noqa: ANN001
    """The HR import loads an empty ``hr_events`` first and indexes it after (on PostgreSQL)."""

    def indexes() -> list:
        return sorted(db.execute(text(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = 'hr_events'::regclass")).all())

    postgres = db.get_bind().dialect.name == "postgresql"
    before = indexes() if postgres else None
    import_hr(db, path=tiny_extract, force="gwent")
    assert db.scalar(text("SELECT count(*) FROM hr_events")) > 0
    if postgres:
        assert [n for n, _ in before] == ["ix_hr_events_force_year", "pk_hr_events"]
        assert indexes() == before
    # a second force's extract goes into a table holding rows: the index is kept throughout
    import_hr(db, path=tiny_extract, force="dyfed-powys")
    assert db.scalar(text("SELECT count(DISTINCT force_id) FROM hr_events")) == 2
    if postgres:
        assert indexes() == before

"""Counts kept for a report's build: asked again, answered from memory with the same figures,
and a caller changing its answer changes nothing kept."""

from __future__ import annotations

from sqlalchemy import event

from parity.workforce import service


def test_the_same_count_twice_reads_the_database_once(wf_db):
    statements: list[str] = []
    engine = wf_db.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        plain = service.counts_by_year_and_sex(wf_db, force_ids=["kent"], years=[2022, 2023])
        with service.reads_kept():
            before = len(statements)
            first = service.counts_by_year_and_sex(wf_db, force_ids=iter(["kent"]),
                                                    years=[2022, 2023])
            first[1][2023]["female"] = -1.0  # the caller's copy
            again = service.counts_by_year_and_sex(wf_db, force_ids=["kent"], years=[2022, 2023])
            by_force = service.counts_by_force_and_sex(wf_db, year=2023, force_ids=["kent"])
            service.counts_by_force_and_sex(wf_db, year=2023, force_ids=["kent"])
            during = len(statements) - before
        outside = service.counts_by_year_and_sex(wf_db, force_ids=["kent"], years=[2022, 2023])
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert during == 2  # one read for each question
    assert again == plain == outside and again[1][2023]["female"] > 0
    assert by_force[1]["kent"] == plain[1][2023]

"""Counts kept for a report's build: asked again, answered from memory with the same figures,
and a caller changing its answer changes nothing kept."""

from __future__ import annotations

from parity.workforce import service
from tests.helpers import statements_sent


def test_the_same_count_twice_reads_the_database_once(wf_db):
    with statements_sent(wf_db.get_bind()) as statements:
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
    assert during == 2  # one read for each question
    assert again == plain == outside and again[1][2023]["female"] > 0
    assert by_force[1]["kent"] == plain[1][2023]


def test_force_by_force_every_force_is_read_at_once_from_the_second(wf_db):
    forces = service.forces_with_data(wf_db)
    assert len(forces) > 2
    alone = {f: service.counts_by_year_and_sex(wf_db, force_ids=[f], ranks=("constable",))
             for f in forces}
    with statements_sent(wf_db.get_bind()) as statements, service.reads_kept():
        kept = {f: service.counts_by_year_and_sex(wf_db, force_ids=[f], ranks=("constable",))
                for f in forces}
        again = service.counts_by_year_and_sex(wf_db, force_ids=[forces[0]],
                                               ranks=("constable",))
    assert len(statements) == 2  # the first force alone, then every force at once
    assert kept == alone and again == alone[forces[0]]


def test_kept_answers_only_within_the_block():
    calls: list[int] = []
    read = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert service.kept(("test", "q"), read) == 1 and service.kept(("test", "q"), read) == 2
    with service.reads_kept():
        assert service.keeping()
        assert service.kept(("test", "q"), read) == 3 == service.kept(("test", "q"), read)
    assert not service.keeping()

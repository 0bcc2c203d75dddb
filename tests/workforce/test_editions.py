"""Editions of the workforce open data table: the latest published wins whatever the import
order, `use` goes back to an edition and forward again exactly, `diff` shows every revision,
a held file says so; on both engines. The second edition is the shipped table altered as the
Home Office alters the next one: a few earlier figures revised, a year added."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from parity.workforce import editions, service
from parity.workforce.importer import DEFAULT_FILE, import_workforce
from parity.workforce.models import WorkforceCount as W

from .conftest import write_csv

LATER = "open-data-table-police-workforce-250724.csv"  # published 25 July 2024
REVISED = {  # (year, force, sex, rank) -> (headcount change, FTE change)
    (2020, "Kent", "Female", "Constable"): (7, 7.0),
    (2021, "Essex", "Male", "Sergeant"): (0, -1.5),
    (2022, "Cumbria", "Female", "Inspector"): (1, 0.5),
}


@pytest.fixture(scope="module")
def later_rows(table_rows) -> list[list]:  # noqa: ANN001
    """The next edition: 2019 to 2023 as published with three figures revised, and 2024."""
    rows = [list(table_rows[0])]
    for row in table_rows[1:]:
        if row[0] < 2019:
            continue
        row = list(row)
        change = REVISED.get((row[0], row[2], row[4], row[5]))
        if change and row[6] == "Police Officer":
            row[7], row[8] = row[7] + change[0], row[8] + change[1]
        rows.append(row)
    rows += [[2024.0, *r[1:7], r[7] + 1, (r[8] + 1) if isinstance(r[8], float) else r[8]]
             for r in table_rows[1:] if r[0] == 2023]
    return rows


@pytest.fixture
def later(tmp_path, later_rows) -> Path:  # noqa: ANN001
    return write_csv(tmp_path / LATER, later_rows)


def figures(session: Session) -> dict[tuple, tuple]:
    return {tuple(r[:5]): (r[5], r[6]) for r in session.execute(
        select(W.year, W.force_id, W.worker_type, W.rank, W.sex, W.headcount, W.fte))}


@pytest.mark.parametrize("order", ["published order", "reverse order"])
def test_the_latest_published_edition_wins_whatever_the_order(db, later, order):  # noqa: ANN001
    files = [DEFAULT_FILE, later] if order == "published order" else [later, DEFAULT_FILE]
    for path in files:
        import_workforce(db, path=path)
    current = figures(db)
    assert service.years_available(db) == list(range(2007, 2025))
    kent = service.stock_by_rank_and_sex(db, force_ids=["kent"], year=2020)
    kent_first = service.stock_by_rank_and_sex(db, force_ids=["kent"], year=2018)
    # The first edition alone gives 2020's Kent figure 7 lower: the later one won.
    db.rollback()
    import_workforce(db, path=DEFAULT_FILE)
    alone = figures(db)
    db.rollback()
    assert kent["constable"]["female"] == \
        alone[(2020, "kent", "officer", "constable", "female")][0] + 7
    assert kent_first["constable"]["female"] == \
        alone[(2018, "kent", "officer", "constable", "female")][0]
    differing = {k for k in alone if alone[k] != current[k]}
    assert {(k[0], k[1]) for k in differing} == {(2020, "kent"), (2021, "essex"),
                                                  (2022, "cumbria")}
    assert len(current) == len(alone) + 3520  # 2024 added


def test_either_order_gives_the_same_figures(db, later):  # noqa: ANN001
    import_workforce(db, path=DEFAULT_FILE)
    import_workforce(db, path=later)
    first = figures(db)
    db.rollback()
    import_workforce(db, path=later)
    result = import_workforce(db, path=DEFAULT_FILE)
    assert figures(db) == first
    # imported last but published first: it supplies only the years the later one lacks
    assert result.not_current_force_years == 5 * 44
    assert result.current_force_years == 12 * 44


def test_use_goes_back_to_an_edition_and_forward_again_exactly(wf_db, later):  # noqa: ANN001
    published = figures(wf_db)
    import_workforce(wf_db, path=later)
    latest = figures(wf_db)
    assert latest != published
    editions.use_edition(wf_db, "2023-07-26")
    back = figures(wf_db)
    assert {k: v for k, v in back.items() if k[0] <= 2023} == published
    assert {k for k in back if k[0] == 2024} == {k for k in latest if k[0] == 2024}
    held = editions.list_editions(wf_db)
    assert [(e["published"], e["in_use"], e["current"]) for e in held] == [
        (date(2023, 7, 26), True, True), (date(2024, 7, 25), False, True)]
    editions.use_edition(wf_db, LATER)
    assert figures(wf_db) == latest
    editions.use_edition(wf_db, "2023-07-26")
    assert figures(wf_db) == back
    editions.use_edition(wf_db, "latest")
    assert figures(wf_db) == latest
    assert editions.current_editions(wf_db, years=[2019])[0]["published"] == date(2024, 7, 25)


def test_diff_shows_every_revised_figure(wf_db, later):  # noqa: ANN001
    import_workforce(wf_db, path=later)
    d = editions.diff(wf_db, "2023-07-26", "2024-07-25")
    got = {(r["year"], r["force"], r["sex"], r["rank"], r["measure"]): r["new"] - r["old"]
           for r in d["revised"]}
    want = {}
    for (year, force, sex, rank), (head, fte) in REVISED.items():
        if head:
            want[(year, force, sex, rank, "headcount")] = head
        if fte:
            want[(year, force, sex, rank, "fte")] = fte
    assert got == pytest.approx(want)
    assert {r["worker_type"] for r in d["revised"]} == {"Police Officer"}
    assert d["years_added"] == [2024] and d["years_dropped"] == list(range(2007, 2019))


def test_a_held_file_again_says_so_and_names_the_current_edition(wf_db, later):  # noqa: ANN001
    import_workforce(wf_db, path=later)
    again = import_workforce(wf_db, path=DEFAULT_FILE)
    assert again.status == "unchanged"
    assert again.edition == "the edition published 26 July 2023"
    assert again.current == [
        f"2019 to 2024 from the edition published 25 July 2024 ({LATER})",
        "2007 to 2018 from the edition published 26 July 2023 (open-data-table-police-"
        "workforce-260723.ods)"]


def test_a_file_without_a_date_needs_one(db, later_rows, tmp_path):  # noqa: ANN001
    from parity.errors import InputError

    path = write_csv(tmp_path / "table.csv", later_rows)
    with pytest.raises(InputError, match="no publication date.*--published"):
        import_workforce(db, path=path)
    db.rollback()
    result = import_workforce(db, path=path, published=date(2024, 7, 25))
    assert result.published == date(2024, 7, 25)


def test_an_unknown_edition_is_refused_naming_those_held(wf_db):  # noqa: ANN001
    from parity.errors import InputError

    with pytest.raises(InputError, match="names no edition held; editions held: .*260723"):
        editions.use_edition(wf_db, "2019-01-01")


def test_pages_and_the_report_name_the_edition_each_figure_comes_from(wf_db, later):  # noqa: ANN001
    from fastapi.testclient import TestClient

    from parity.present.deps import get_session
    from parity.reports.service import build_report
    from parity.web.app import create_app
    from tests.web.conftest import page, text_of

    assert service.source_note(wf_db) == "the edition published 26 July 2023"
    import_workforce(wf_db, path=later)
    editions.use_edition(wf_db, "2023-07-26")
    note = service.source_note(wf_db)
    assert note == ("2024 from the edition published 25 July 2024; 2007 to 2023 from the "
                    "edition published 26 July 2023")
    assert service.source_note(wf_db, years=[2024]) == "the edition published 25 July 2024"
    app = create_app(wf_db.get_bind().engine.url.render_as_string(hide_password=False))
    app.dependency_overrides[get_session] = lambda: wf_db
    with TestClient(app) as client:
        for url in ("/", "/league?year=2024", "/forces/kent", "/about"):
            doc = page(client.get(url))
            lines = [text_of(p) for p in doc.xpath("//p[@class='footer__edition']")]
            expected = ("the edition published 25 July 2024" if "2024" in url else note)
            assert lines == [f"Workforce figures on this page: {expected}."], url
    report = build_report(wf_db, year=2024, force="kent")
    assert any(note in line for line in report.sources)
    assert "the edition published 25 July 2024" in report.html


def test_the_editions_commands(sqlite_url, later, tmp_path):  # noqa: ANN001
    from tests.cli_runner import parity

    undated = tmp_path / "table.csv"
    undated.write_bytes(later.read_bytes())
    run = parity("import", "workforce", str(undated), db_url=sqlite_url)
    assert run.code == 2 and "--published YYYY-MM-DD" in run.stderr
    run = parity("import", "workforce", str(later), db_url=sqlite_url)
    assert run.code == 0 and "as the edition published 25 July 2024" in run.stdout, run.stderr
    held = parity("editions", "list", "--json", db_url=sqlite_url).json()["editions"]
    assert [(e["published"], e["current"], e["in_use"]) for e in held] == [
        ("2023-07-26", True, False), ("2024-07-25", True, False)]
    diff = parity("editions", "diff", "2023-07-26", LATER, db_url=sqlite_url)
    assert diff.code == 0
    assert "Kent, 2020, Police Officer / Constable / Female, headcount:" in diff.stdout
    assert "5 figures revised; years added: 2024" in diff.stdout
    use = parity("editions", "use", "2023-07-26", db_url=sqlite_url)
    assert use.code == 0 and "the edition published 26 July 2023" in use.stdout
    again = parity("import", "workforce", db_url=sqlite_url)
    said = " ".join(again.stdout.split())  # as printed, without the terminal's line breaks
    assert again.code == 0 and "already held as the edition published 26 July 2023" in said
    assert "Current figures: 2024 from the edition published 25 July 2024" in said
    assert parity("editions", "use", "latest", db_url=sqlite_url).code == 0
    bad = parity("editions", "use", "1999-01-01", db_url=sqlite_url)
    assert bad.code == 2 and "names no edition held" in bad.stderr

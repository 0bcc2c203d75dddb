"""Importing the Home Office workforce open data table: formats, refusals, idempotence."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from parity.errors import InputError
from parity.store.models import Source
from parity.workforce import service
from parity.workforce.importer import DEFAULT_FILE, import_workforce
from parity.workforce.models import WorkforceCount

from .conftest import write_csv, write_xlsx


def count_rows(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(WorkforceCount))


def test_bundled_table_holds_every_row_and_year(wf_db):
    assert count_rows(wf_db) == 29304
    assert service.years_available(wf_db) == list(range(2007, 2024))
    assert len(service.forces_with_data(wf_db)) == 44
    src = wf_db.scalars(select(Source)).one()
    assert src.file_name == DEFAULT_FILE.name and len(src.sha256) == 64 and src.row_count == 29304


def test_specials_fte_is_not_applicable_not_zero(wf_db):
    rows = wf_db.execute(select(WorkforceCount.fte, WorkforceCount.headcount).where(
        WorkforceCount.worker_type.in_(["special", "volunteer"]))).all()
    assert rows and all(fte is None for fte, _ in rows)
    assert sum(h for _, h in rows) > 0


def test_2021_sex_categories_are_kept(wf_db):
    sexes = set(wf_db.scalars(select(WorkforceCount.sex).where(WorkforceCount.year == 2022)))
    assert sexes == {"female", "male", "not_stated", "prefer_not_to_say",
                     "prefer_to_self_describe"}
    r = service.representation(wf_db, area="England and Wales", year=2021, measure="headcount")
    assert r["total"] == pytest.approx(r["female"] + r["male"] + sum(r["other"].values()))
    assert sum(r["other"].values()) > 0


def test_case_changes_between_years_are_normalised(wf_db):
    types = set(wf_db.scalars(select(WorkforceCount.worker_type).distinct()))
    assert types == {"officer", "staff", "pcso", "designated", "special", "volunteer"}
    staff_years = set(wf_db.scalars(select(WorkforceCount.year).where(
        WorkforceCount.worker_type == "staff").distinct()))
    assert {2020, 2021, 2023} <= staff_years


def test_same_file_twice_changes_nothing(wf_db):
    before = count_rows(wf_db)
    result = import_workforce(wf_db)
    wf_db.commit()
    assert result.status == "unchanged"
    assert count_rows(wf_db) == before
    assert wf_db.scalar(select(func.count()).select_from(Source)) == 1


def test_csv_copy_imports_the_same_figures(db, make_csv):
    path = make_csv("table-260723.csv", years={2015, 2023})
    result = import_workforce(db, path=path)
    db.commit()
    assert result.years == [2015, 2023] and result.forces == 44
    r = service.representation(db, area="Wales", year=2015, measure="headcount")
    assert (r["female"], r["total"]) == (2060, 6862)


def test_xlsx_copy_imports_the_same_figures(db, table_rows, tmp_path):
    rows = [table_rows[0]] + [r for r in table_rows[1:] if r[0] == 2023]
    import_workforce(db, path=write_xlsx(tmp_path / "t-260723.xlsx", rows))
    db.commit()
    r = service.representation(db, area="Metropolitan Police", year=2023, group="senior")
    assert r["share_female"] == pytest.approx(0.2441, abs=5e-5)


def test_newer_edition_replaces_the_years_it_covers(db, make_csv):
    import_workforce(db, path=make_csv("old-2023-07-26.csv", years={2021, 2022}))
    db.commit()

    def revise(_i, row):  # noqa: ANN001, ANN202
        if row[0] == 2022 and row[2] == "Kent" and row[4] == "Female" and row[5] == "Constable":
            row[7], row[8] = 9999, 9999.0
        return row

    result = import_workforce(db, path=make_csv("new-2024-07-25.csv", years={2022, 2023}, edit=revise))
    db.commit()
    assert result.replaced_rows == 3520
    assert service.years_available(db) == [2021, 2022, 2023]
    assert count_rows(db) == 3 * 3520
    kent = service.stock_by_rank_and_sex(db, force_ids=["kent"], year=2022)
    assert kent["constable"]["female"] == 9999


def refused(session, path):  # noqa: ANN001, ANN201
    before = count_rows(session)
    with pytest.raises(InputError) as info:
        import_workforce(session, path=path)
    session.rollback()
    assert count_rows(session) == before
    assert session.scalar(select(func.count()).select_from(Source)) == 0
    return info.value


def test_bulletin_tables_are_refused(db, shared_data):
    err = refused(db, shared_data / "home-office" / "police-workforce-sep19-tables.ods")
    assert "not a Home Office workforce open data table" in err.reason
    assert "Table_1" in err.details()[0]
    where = {(p.sheet, p.row, p.column) for p in err.problems[1:]}
    assert ("Table_1", 1, "A") in where and ("Index", 1, "A") in where
    assert any("found 'Police Workforce, England and Wales, 30 September 2019'" in p.message
               for p in err.problems)


def test_truncated_ods_is_refused(db, tmp_path):
    cut = tmp_path / "cut.ods"
    cut.write_bytes(DEFAULT_FILE.read_bytes()[: 400_000])
    err = refused(db, cut)
    assert "cut.ods" in err.reason and "truncated or corrupt" in err.reason


def test_truncated_csv_is_refused(db, make_csv, tmp_path):
    path = make_csv(years={2023})
    text = path.read_text().splitlines()
    path.write_text("\n".join(text[: len(text) - 40]) + "\n" + text[-40][:25] + "\n")
    err = refused(db, path)
    details = "\n".join(err.details())
    assert "table.csv, row 3482, column 'E (Sex)': the row ends after 4 columns" in details


def test_table_cut_at_a_row_boundary_is_refused_as_incomplete(db, make_csv):
    path = make_csv(years={2023})
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-40]) + "\n")
    err = refused(db, path)
    assert "incomplete" in err.reason
    assert "Wiltshire 2023 lacks 40 of the 80 rows" in err.problems[0].message


def test_table_cut_between_two_forces_is_refused_as_incomplete(db, make_csv, table_rows):
    first_2022 = next(i for i, r in enumerate(table_rows) if r[0] == 2022)
    last_kent = max(i for i, r in enumerate(table_rows) if r[0] == 2022 and r[2] == "Kent")
    path = make_csv(years={2021, 2022}, edit=lambda i, row: row if i <= last_kent else None)
    err = refused(db, path)
    assert "incomplete" in err.reason and len(err.problems) == 1
    problem = err.problems[0]
    kept = last_kent - first_2022 + 1
    assert (problem.row, problem.column) == (1 + 3520 + kept, "C (Force Name)")
    assert problem.message.startswith(f"2022 has {kept // 80} of the 44 forces the other years "
                                      "have (no rows for ")
    assert problem.message.endswith("is the file truncated?")


def test_other_uk_forces_may_cover_other_years_than_the_home_office_forces(db, table_rows,
                                                                          tmp_path):
    rows = [r for r in table_rows if r[0] in (2022, 2023, "As at 31 March...")]
    rows += [[2023, "", "Police Scotland", "", *r[4:]] for r in rows
             if r[0] == 2023 and r[2] == "Kent"]
    result = import_workforce(db, path=write_csv(tmp_path / "with-scotland-260723.csv", rows))
    db.commit()
    assert (result.years, result.forces) == ([2022, 2023], 45)
    assert "police-scotland" in service.forces_with_data(db)


def test_renamed_column_is_refused(db, make_csv):
    path = make_csv(years={2023})
    text = path.read_text().replace("Total (FTE)", "FTE total", 1)
    path.write_text(text)
    err = refused(db, path)
    assert "unknown columns 'FTE total'; missing 'Total (FTE)'" in err.reason
    details = err.details()
    assert "row 1, column 'I': a column this table does not have: 'FTE total'" in details[0]
    assert ("no column for 'Total (FTE)'; accepted headers: 'Total (FTE)', 'FTE'" in details[1])


def test_a_copy_with_columns_renamed_and_moved_imports_identically(wf_db, table_rows, tmp_path):
    """Later editions' names (Geocode, Force name, Rank), other case and spacing, and another
    column order: the same figures, and refusals name the columns as the file names them."""
    from tests.workforce.test_resaved import stored

    before = stored(wf_db)
    header = ["as at 31 March", "Geocode", "Force name", "REGION", "sex", "Rank",
              "Worker  type", "Total headcount", "total (fte)"]
    order = [8, 0, 2, 1, 3, 4, 5, 6, 7]  # FTE first
    rows = [[header[i] for i in order]] + [[r[i] for i in order] for r in table_rows[1:]]
    path = write_csv(tmp_path / "open-data-table-police-workforce-260723.csv", rows)
    result = import_workforce(wf_db, path=path)
    assert result.rows == 29304
    assert stored(wf_db) == before
    rows[5][0] = "lots"
    err = refused_after(wf_db, write_csv(tmp_path / "spoilt.csv", rows))
    assert "column 'A (total (fte))'" in err.details()[0]


def refused_after(session, path):  # noqa: ANN001, ANN201
    with pytest.raises(InputError) as info:
        import_workforce(session, path=path)
    session.rollback()
    return info.value


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (5, "Commander", "unknown rank 'Commander' for Designated Officer; expected Designated Detention"),
        (6, "Police Cadet", "unknown worker type 'Police Cadet'"),
        (7, -3, "expected a headcount of 0 or more, found '-3'"),
        (8, "lots", "expected an FTE of 0 or more, found 'lots'"),
        (2, "Hertfordshir", "unknown force 'Hertfordshir' (did you mean 'Hertfordshire'"),
        (1, "E23000032", "geo code 'E23000032' does not match"),
        (7, 2.5, "expected a headcount (whole people), found '2.5'"),
        (8, 99999.0, "expected an FTE of at most the headcount"),
    ],
)
def test_bad_values_are_refused_with_row_and_column(db, make_csv, column, value, message):
    def spoil(i, row):  # noqa: ANN001, ANN202
        if i == 100:
            row[column] = value
        return row

    err = refused(db, make_csv(edit=spoil))
    assert len(err.problems) == 1
    problem = err.problems[0]
    assert (problem.file, problem.row) == ("table.csv", 101)
    assert problem.column.startswith("ABCDEFGHI"[column])
    assert message in problem.message


def test_duplicate_rows_are_refused(db, make_csv, table_rows):
    path = make_csv(years={2023})
    with open(path, "a") as fh:
        fh.write(path.read_text().splitlines()[5] + "\n")
    err = refused(db, path)
    assert "duplicates row 6" in err.problems[0].message


def test_refusal_leaves_an_earlier_import_untouched(wf_db, make_csv):
    before = service.representation(wf_db, area="Kent", year=2023)

    def spoil(i, row):  # noqa: ANN001, ANN202
        if i == 5:
            row[7] = -1
        return row

    with pytest.raises(InputError):
        import_workforce(wf_db, path=make_csv(edit=spoil))
    wf_db.rollback()
    assert service.representation(wf_db, area="Kent", year=2023) == before
    assert count_rows(wf_db) == 29304


def test_copy_with_other_name_is_same_file(db, tmp_path):
    copy = tmp_path / "renamed.ods"
    shutil.copy(DEFAULT_FILE, copy)
    assert import_workforce(db, path=DEFAULT_FILE).status == "imported"
    db.commit()
    assert import_workforce(db, path=copy).status == "unchanged"


def test_other_uk_forces_load_in_the_same_layout_and_appear(wf_db, table_rows, tmp_path):
    national_before = service.representation(wf_db, area="England and Wales", year=2023)
    rows = [table_rows[0]]
    for row in table_rows[1:]:
        if row[0] == 2023 and row[2] == "Kent":
            rows.append([2023, "", "Police Scotland", "", *row[4:]])
    import_workforce(wf_db, path=write_csv(tmp_path / "scotland-260723.csv", rows))
    wf_db.commit()
    kent = service.representation(wf_db, area="Kent", year=2023, group="senior")
    scotland = service.representation(wf_db, area="Police Scotland", year=2023, group="senior")
    assert scotland["area_kind"] == "force"
    assert scotland["share_female"] == kent["share_female"]
    national = service.representation(wf_db, area="England and Wales", year=2023)
    assert national == national_before
    assert "police-scotland" in service.forces_with_data(wf_db)
    assert len(service.league(wf_db, year=2023)["forces"]) == 43


def test_only_the_bundled_table_is_read_without_the_budget_check(tmp_path, monkeypatch):
    """The budget for untrusted spreadsheets guards every file a user hands over; the table
    shipped with Parity is its own, read as tested. A copy of it elsewhere is checked."""
    from parity import tabular
    from parity.workforce.importer import parse

    checked = []
    monkeypatch.setattr(tabular, "check_spreadsheet", checked.append)
    rows, _ = parse(DEFAULT_FILE)
    assert checked == [] and len(rows) == 29304
    copy = tmp_path / "open-data-table-police-workforce-260723.ods"
    shutil.copy(DEFAULT_FILE, copy)
    assert len(parse(copy)[0]) == 29304
    assert checked == [copy]

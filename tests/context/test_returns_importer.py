"""The pay gap service downloads: every shipped file imports, every force is matched in every
year it reported, and the quirks of the files are handled."""

from __future__ import annotations

import csv
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from parity.context import service
from parity.context.models import PaygapReturn
from parity.context.returns_importer import (
    FIGURES,
    import_paygap_returns,
    match_force,
    parse_number,
    parse_sic_codes,
    parse_size,
    parse_timestamp,
    read_returns,
)
from parity.errors import InputError
from tests.context.conftest import RETURNS_DIR

POLICE = sorted(service.police_force_ids())

# Forces (of the 43 territorial forces and BTP) with no return in a snapshot year, checked by
# hand against the downloads: searched by every name, EmployerId and the PCC bodies too.
NOT_REPORTED = {
    2017: [],
    2018: [],
    2019: ["cleveland", "gloucestershire", "humberside", "merseyside", "norfolk", "suffolk"],
    2020: ["city-of-london", "gloucestershire"],
    2021: [],
    2022: ["merseyside"],
}
# 2023/24 is a partial download (4 March 2024, before the 31 March deadline).
FILED_BY_4_MARCH_2024 = ["durham", "gloucestershire", "gwent", "leicestershire", "merseyside",
                         "metropolitan-police", "northamptonshire", "northumbria",
                         "south-wales", "warwickshire", "west-mercia", "west-midlands",
                         "west-yorkshire"]
FILES = {
    "UK Gender Pay Gap Data - 2017 to 2018.xlsx": (2017, False, 10565),
    "UK Gender Pay Gap Data - 2018 to 2019.xlsx": (2018, False, 10831),
    "UK Gender Pay Gap Data - 2019 to 2020.csv": (2019, False, 6918),
    "UK Gender Pay Gap Data - 2020 to 2021.csv": (2020, False, 10383),
    "UK Gender Pay Gap Data - 2021 to 2022.csv": (2021, False, 10460),
    "UK Gender Pay Gap Data - 2022 to 2023.csv": (2022, False, 10622),
    "UK Gender Pay Gap Data - 2023 to 2024 (partial, as of 2024-03-04).csv": (2023, True, 2351),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_shipped_file_reads_with_every_force_that_reported(name):
    year, partial, rows = FILES[name]
    returns = read_returns(RETURNS_DIR / name)
    assert (returns.snapshot_year, returns.partial, len(returns.records)) == (year, partial, rows)
    matched = sorted({r["force_id"] for r in returns.records if r["force_id"] in POLICE})
    if partial:
        assert matched == sorted(FILED_BY_4_MARCH_2024)
    else:
        assert matched == sorted(set(POLICE) - set(NOT_REPORTED[year]))
    # one return per force and year
    forces = [r["force_id"] for r in returns.records if r["force_id"] in POLICE]
    assert len(forces) == len(set(forces))


def test_every_shipped_file_imports_and_the_gaps_are_listed(ctx_db):
    held = dict(ctx_db.execute(select(PaygapReturn.snapshot_year, func.count())
                               .group_by(PaygapReturn.snapshot_year)).all())
    assert held == {year: rows for year, _, rows in FILES.values()}
    gaps = service.reporting_gaps(ctx_db)
    assert {y: g for y, g in gaps.items() if y != 2023} == NOT_REPORTED
    assert sorted(set(POLICE) - set(gaps[2023])) == sorted(FILED_BY_4_MARCH_2024)
    assert service.partial_years(ctx_db) == [2023]


def test_importing_the_same_files_again_changes_nothing(ctx_db):
    before = ctx_db.scalar(select(func.count()).select_from(PaygapReturn))
    result = import_paygap_returns(ctx_db)
    assert result.status == "unchanged"
    assert ctx_db.scalar(select(func.count()).select_from(PaygapReturn)) == before


def test_renamed_employer_keeps_its_employer_id_in_the_xlsx_years(ctx_db):
    # 2017/18 lists the IPCC under its old name, with its new name as CurrentName; later
    # years give the IOPC's EmployerId 12409. Neither is a police force.
    row = ctx_db.scalar(select(PaygapReturn).where(
        PaygapReturn.employer_name == "The Independent Police Complaints Commission"))
    assert row.snapshot_year == 2017
    assert row.employer_id == 12409
    assert row.force_id is None
    warwickshire = ctx_db.scalars(select(PaygapReturn.employer_id).where(
        PaygapReturn.force_id == "warwickshire")).all()
    assert set(warwickshire) == {14382}


@pytest.mark.parametrize("name", [
    "Office of the West Midlands Police and Crime Commissioner",
    "Police and Crime Commissioner for North Yorkshire",
    "Independent Office for Police Conduct",
    "The Independent Police Complaints Commission",
    "MINISTRY OF DEFENCE",
    "Essex County Council",
    "Merseyside Fire and Rescue Service",
    "THE MERSEYSIDE COMMUNITY REHABILITATION COMPANY LIMITED",
])
def test_bodies_that_are_not_forces_are_never_matched(name):
    assert match_force(name) is None


@pytest.mark.parametrize(("name", "force_id"), [
    ("Warwickshire Police Authority", "warwickshire"),
    ("Staffordshire Police Headquarters", "staffordshire"),
    ("Devon & Cornwall Police", "devon-and-cornwall"),
    ("Dyfed Powys Police", "dyfed-powys"),
    ("Metropolitan Police Service", "metropolitan-police"),
    ("British Transport Police", "british-transport-police"),
    ("Hertfordshire Constabulary", "hertfordshire"),
])
def test_force_employer_names_resolve(name, force_id):
    assert match_force(name) == force_id


def test_quirks_of_the_cells():
    assert parse_sic_codes("1,\n84240,\n94110") == ["1", "84240", "94110"]
    assert parse_sic_codes(85310.0) == ["85310"]
    assert parse_timestamp("31/03/2018 00:00:00") == parse_timestamp("2018/03/31 00:00:00") \
        == datetime(2018, 3, 31)
    assert parse_timestamp("2021/10/04 11:34:33") == datetime(2021, 10, 4, 11, 34, 33)
    assert parse_size("5000 to 19,999") == (5000, 19999)
    assert parse_size("20,000 or more") == (20000, None)
    assert parse_size("Less than 250") == (0, 249)
    assert parse_size("Not Provided") == (None, None)
    for damaged in ("5000 to 99,999,999,999", "20,000,000 or more", "500 to 250"):
        with pytest.raises(ValueError):
            parse_size(damaged)
    assert parse_number("\t-2.70") == -2.7
    assert parse_number("") is None
    with pytest.raises(ValueError):
        parse_number("n/a")


HEADER = ["EmployerName", "EmployerId", "Address", "PostCode", "CompanyNumber", "SicCodes",
          *FIGURES, "CompanyLinkToGPGInfo", "ResponsiblePerson", "EmployerSize", "CurrentName",
          "SubmittedAfterTheDeadline", "DueDate", "DateSubmitted"]


def _row(name: str, employer_id: int, *, due: str = "2022/03/31 00:00:00",
         submitted: str = "2022/03/01 10:00:00", **figures) -> list[str]:
    values = {"DiffMeanHourlyPercent": "10.0", "DiffMedianHourlyPercent": "12.0",
              "DiffMeanBonusPercent": "", "DiffMedianBonusPercent": "",
              "MaleBonusPercent": "0.0", "FemaleBonusPercent": "0.0",
              "MaleLowerQuartile": "40.0", "FemaleLowerQuartile": "60.0",
              "MaleLowerMiddleQuartile": "50.0", "FemaleLowerMiddleQuartile": "50.0",
              "MaleUpperMiddleQuartile": "60.0", "FemaleUpperMiddleQuartile": "40.0",
              "MaleTopQuartile": "70.0", "FemaleTopQuartile": "30.0", **figures}
    return [name, str(employer_id), "1 Street", "AB1 2CD", "", "1,\n84240",
            *(values[f] for f in FIGURES), "", "Chief Constable", "1000 to 4999", name,
            "False", due, submitted]


def _write(path, rows) -> None:  # noqa: ANN001
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
        writer.writerow(HEADER)
        writer.writerows(rows)


def test_a_download_taken_before_the_deadline_is_partial(tmp_path):
    path = tmp_path / "download.csv"
    _write(path, [_row("Kent Police", 7200), _row("Surrey Police", 11837)])
    returns = read_returns(path)
    assert returns.partial is True
    assert returns.snapshot_year == 2021
    _write(path, [_row("Kent Police", 7200, submitted="2022/04/02 09:00:00")])
    assert read_returns(path).partial is False


def test_bad_cells_are_all_reported_with_row_and_column_and_nothing_is_written(db, tmp_path):
    path = tmp_path / "bad.csv"
    _write(path, [_row("Kent Police", 7200, DiffMedianHourlyPercent="twelve"),
                  _row("Surrey Police", 11837, due="31st March")])
    with pytest.raises(InputError) as info:
        import_paygap_returns(db, path=path)
    found = {(p.row, p.column) for p in info.value.problems}
    assert found == {(2, "DiffMedianHourlyPercent"), (3, "DueDate")}
    assert db.scalar(select(func.count()).select_from(PaygapReturn)) == 0


def test_an_employer_id_the_store_cannot_hold_is_refused(db, tmp_path):
    """Found by the damaged-file property test: an id of 9.2e18 passed as a whole number and
    overflowed the database. Ids are the service's numbers, at most 2,147,483,647."""
    path = tmp_path / "ids.csv"
    _write(path, [_row("Kent Police", 9223372036854775808), _row("Surrey Police", "²"),
                  _row("Essex Police", 2147483648), _row("Sussex Police", 2147483647)])
    with pytest.raises(InputError) as info:
        import_paygap_returns(db, path=path)
    assert [(p.row, p.column) for p in info.value.problems] == \
        [(2, "EmployerId"), (3, "EmployerId"), (4, "EmployerId")]
    assert "expected a whole number from 0 to 2,147,483,647, found '2147483648'" in \
        info.value.problems[2].message
    assert db.scalar(select(func.count()).select_from(PaygapReturn)) == 0
    _write(path, [_row("Sussex Police", 2147483647)])
    import_paygap_returns(db, path=path)
    assert db.scalar(select(PaygapReturn.employer_id)) == 2147483647


def test_a_file_that_is_not_a_download_is_refused(shared_data):
    with pytest.raises(InputError) as info:
        read_returns(shared_data / "heforshe" / "commitments.csv")
    assert "not a gender pay gap service download" in info.value.reason
    assert any(p.column == "DiffMeanHourlyPercent" for p in info.value.problems)


def test_a_later_download_of_a_year_replaces_it(db, tmp_path):
    first, second = tmp_path / "early.csv", tmp_path / "late.csv"
    _write(first, [_row("Kent Police", 7200)])
    _write(second, [_row("Kent Police", 7200), _row("Surrey Police", 11837,
                                                     submitted="2022/04/09 09:00:00")])
    import_paygap_returns(db, path=first)
    result = import_paygap_returns(db, path=second)
    assert (result.rows, result.replaced_rows, result.partial) == (2, 1, False)
    assert service.paygap_series(db, force_id="kent", field="DiffMedianHourlyPercent") == \
        {2021: 12.0}
    assert service.paygap_history(db, force_id="surrey")[0]["due_date"] == date(2022, 3, 31)


def test_returns_held_are_linked_when_a_later_year_brings_the_employer_id(db):
    # The 2017/18 XLSX has no EmployerId; importing 2019/20 afterwards links the held rows.
    import_paygap_returns(db, path=RETURNS_DIR / "UK Gender Pay Gap Data - 2017 to 2018.xlsx")
    ipcc = select(PaygapReturn.employer_id).where(
        PaygapReturn.employer_name == "The Independent Police Complaints Commission")
    assert db.scalar(ipcc) is None
    import_paygap_returns(db, path=RETURNS_DIR / "UK Gender Pay Gap Data - 2019 to 2020.csv")
    assert db.scalar(ipcc) == 12409
    kent = db.scalars(select(PaygapReturn.employer_id).where(
        PaygapReturn.force_id == "kent").order_by(PaygapReturn.snapshot_year)).all()
    assert kent == [7200, 7200]


def test_two_downloads_of_one_year_in_one_import_are_refused(db, tmp_path):
    # Both would be stored, every return twice.
    folder = tmp_path / "downloads"
    folder.mkdir()
    _write(folder / "early.csv", [_row("Kent Police", 7200)])
    _write(folder / "late.csv", [_row("Kent Police", 7200), _row("Surrey Police", 11837)])
    with pytest.raises(InputError) as info:
        import_paygap_returns(db, path=folder)
    assert "same reporting year" in info.value.reason
    assert [(p.file, "2021/22" in p.message) for p in info.value.problems] == [
        ("late.csv", True)]
    assert db.scalar(select(func.count()).select_from(PaygapReturn)) == 0


def test_a_partial_download_does_not_replace_the_complete_year(db, tmp_path):
    complete, early = tmp_path / "complete.csv", tmp_path / "early.csv"
    _write(complete, [_row("Kent Police", 7200),
                      _row("Surrey Police", 11837, submitted="2022/04/09 09:00:00")])
    _write(early, [_row("Kent Police", 7200, DiffMedianHourlyPercent="99.0")])
    import_paygap_returns(db, path=complete)
    assert read_returns(early).partial is True
    with pytest.raises(InputError) as info:
        import_paygap_returns(db, path=early)
    assert "complete download is already held" in info.value.problems[0].message
    assert service.paygap_series(db, force_id="kent", field="DiffMedianHourlyPercent") == \
        {2021: 12.0}
    assert service.partial_years(db) == []

"""ONS police force area data tables: every edition imports, every area name resolves, and a
blank cell stays missing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from parity.context import service
from parity.context.crime_importer import (
    OFFENCES,
    clean_area_code,
    clean_area_name,
    figure,
    import_crime,
    read_crime,
)
from parity.context.models import CrimeFigure
from parity.errors import InputError
from tests.context.conftest import CRIME_DIR

EDITIONS = {
    "policeforceareatablesyearendingmarch2018v2.xlsx": date(2018, 3, 31),
    "policeforceareatablesyearendingdecember2018.xlsx": date(2018, 12, 31),
    "policeforceareatablesyeendingmarch2019.xlsx": date(2019, 3, 31),
    "policeforceareatablesyearendingjune2019.xlsx": date(2019, 6, 30),
    "policeforceareatablesyearendingseptember2019.xlsx": date(2019, 9, 30),
    "pfatablesdec19.xlsx": date(2019, 12, 31),
}
REGIONS = {f"region:{r}" for r in (
    "north-east", "north-west", "yorkshire-and-the-humber", "east-midlands", "west-midlands",
    "eastern", "london", "south-east", "south-west")}


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_each_edition_reads_and_every_area_name_resolves(name):
    edition = read_crime(CRIME_DIR / name)
    assert edition.period_end == EDITIONS[name]
    forces = {r["area_id"] for r in edition.records if r["area_kind"] == "force"}
    assert forces == set(service.police_force_ids())  # 43 territorial forces and BTP
    others = {r["area_id"] for r in edition.records if r["area_kind"] != "force"}
    assert others == REGIONS | {"national:england-and-wales", "nation:england", "nation:wales"}
    assert {r["offence"] for r in edition.records} == set(OFFENCES)


def test_footnote_markers_are_stripped():
    assert clean_area_name("Greater Manchester8,9") == "Greater Manchester"
    assert clean_area_name("Essex10") == "Essex"
    assert clean_area_name("North West 7,8") == "North West"
    assert clean_area_name("British Transport Police(2006)") == "British Transport Police"
    assert clean_area_name("Dyfed-Powys4") == "Dyfed-Powys"
    assert clean_area_code("E230000118") == "E23000011"
    assert clean_area_code("E23000011") == "E23000011"


def test_no_figure_markers_are_missing_not_zero():
    assert [figure(v) for v in ("..", "+", "-", "", None)] == [None] * 5
    assert figure(0.0) == 0.0
    with pytest.raises(ValueError):
        figure("lots")


def test_a_blank_cell_stays_missing(ctx_db):
    def one(area: str, period: date, offence: str = "sexual_offences") -> CrimeFigure:
        return ctx_db.scalar(select(CrimeFigure).where(
            CrimeFigure.area_id == area, CrimeFigure.period_end == period,
            CrimeFigure.offence == offence))

    # Greater Manchester did not supply data for the two latest editions ('..').
    gmp = one("greater-manchester", date(2019, 12, 31))
    assert (gmp.count, gmp.rate, gmp.change_pct) == (None, None, None)
    assert one("greater-manchester", date(2019, 6, 30)).count == 9523
    # City of London rates are suppressed ('+'); BTP has no rates at all.
    assert one("city-of-london", date(2019, 12, 31)).rate is None
    assert one("city-of-london", date(2019, 12, 31)).count == 103
    assert one("british-transport-police", date(2019, 12, 31)).rate is None
    assert one("city-of-london", date(2019, 12, 31), "total").count == 8638
    # A real zero stays a zero: no change on the year in Dyfed-Powys's sexual offences.
    assert one("dyfed-powys", date(2019, 12, 31)).change_pct == 0.0


def test_an_empty_cell_in_an_edition_is_stored_as_missing(db, tmp_path):
    """The real edition with one count emptied (Kent's sexual offences, Table P1): that count
    is NULL, not 0, and the rest of the row is as published."""
    from openpyxl import load_workbook

    path = tmp_path / "pfatablesdec19.xlsx"
    book = load_workbook(CRIME_DIR / "pfatablesdec19.xlsx")
    sheet = book["Table P1"]
    header = next(r for r in sheet.iter_rows() if r[0].value == "Area Code")
    column = next(c.column for c in header if c.value == "Sexual offences")
    kent = next(r for r in sheet.iter_rows() if r[0].value == "E23000032")
    assert kent[column - 1].value == 6549
    kent[column - 1].value = None
    book.save(path)
    import_crime(db, path=path)
    figures = {r.offence: r for r in db.scalars(select(CrimeFigure).where(
        CrimeFigure.area_id == "kent"))}
    assert figures["sexual_offences"].count is None
    assert figures["sexual_offences"].rate == pytest.approx(3.5467, abs=1e-4)
    assert figures["stalking_and_harassment"].count == 19571
    history = service.crime_history(db, force_id="kent")
    assert history[0]["offences"]["sexual_offences"]["count"] is None


def test_figures_as_published(ctx_db):
    kent = {r.offence: r for r in ctx_db.scalars(select(CrimeFigure).where(
        CrimeFigure.area_id == "kent", CrimeFigure.period_end == date(2019, 12, 31)))}
    assert kent["sexual_offences"].count == 6549
    assert kent["stalking_and_harassment"].count == 19571
    assert kent["violence_with_injury"].count == 19768
    assert kent["violence_without_injury"].count == 37293
    assert kent["total"].count == 192841
    # the West Midlands force and region share a name; the code tells them apart
    force = ctx_db.scalar(select(CrimeFigure.count).where(
        CrimeFigure.area_id == "west-midlands", CrimeFigure.area_kind == "force",
        CrimeFigure.period_end == date(2019, 12, 31), CrimeFigure.offence == "total"))
    region = ctx_db.scalar(select(CrimeFigure.count).where(
        CrimeFigure.area_kind == "region", CrimeFigure.area_code == "E12000005",
        CrimeFigure.period_end == date(2019, 12, 31), CrimeFigure.offence == "total"))
    assert (force, region) == (259638, 466132)


def test_rates_change_and_series(ctx_db):
    series = service.crime_rate_series(ctx_db, force_id="kent", offence="sexual_offences")
    assert set(series) == {2018, 2019}
    assert series[2019] == pytest.approx(3.9072, abs=1e-4)
    assert service.crime_rate_series(ctx_db, force_id="british-transport-police",
                                     offence="sexual_offences") == {}
    history = service.crime_history(ctx_db, force_id="kent")
    assert [h["period_end"] for h in history] == sorted(EDITIONS.values())
    dec19 = history[-1]["offences"]["sexual_offences"]
    assert dec19["count_change"] == 6549 - history[1]["offences"]["sexual_offences"]["count"]
    assert history[0]["offences"]["sexual_offences"]["count_change"] is None
    gmp = service.crime_history(ctx_db, force_id="greater-manchester")[-1]
    assert gmp["offences"]["sexual_offences"]["count_change"] is None


def test_importing_again_changes_nothing(ctx_db):
    before = ctx_db.scalar(select(func.count()).select_from(CrimeFigure))
    assert import_crime(ctx_db).status == "unchanged"
    assert ctx_db.scalar(select(func.count()).select_from(CrimeFigure)) == before == 6 * 56 * 6


def test_a_workbook_that_is_not_the_ons_tables_is_refused(db, shared_data):
    with pytest.raises(InputError) as info:
        import_crime(db, path=shared_data / "home-office" / "police-workforce-sep19-tables.ods")
    assert "police force area data table" in info.value.reason
    assert db.scalar(select(func.count()).select_from(CrimeFigure)) == 0

"""The workforce commands, run as a user runs them."""

from __future__ import annotations

import json

import pytest

from tests.cli_runner import parity


def test_representation_json_has_the_contract_keys(sqlite_url):
    run = parity("representation", "--area", "Metropolitan Police", "--year", "2023",
                 "--group", "senior", "--measure", "fte", "--json", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    data = run.json()
    for key in ("area", "year", "group", "measure", "female", "male", "total", "share_female"):
        assert key in data
    assert data["share_female"] == pytest.approx(0.2441, abs=5e-5)
    assert 0 <= data["share_female_ci_low"] <= data["share_female_ci_high"] <= 1


def test_official_checks_through_the_cli(sqlite_url):
    wales = parity("representation", "--area", "Wales", "--year", "2015", "--group", "all",
                   "--measure", "headcount", "--json", db_url=sqlite_url).json()
    staff = parity("representation", "--area", "England and Wales", "--year", "2022",
                   "--worker-type", "staff", "--measure", "fte", "--json", db_url=sqlite_url).json()
    specials = parity("representation", "--area", "England and Wales", "--year", "2010",
                      "--worker-type", "special", "--measure", "headcount", "--json",
                      db_url=sqlite_url).json()
    assert (wales["female"], wales["total"]) == (2060, 6862)
    assert staff["share_female"] == pytest.approx(0.6255, abs=5e-5)
    assert (specials["female"], specials["total"]) == (4876, 15505)


def test_trend_and_league_json(sqlite_url):
    trend = parity("trend", "--area", "Kent", "--group", "middle", "--json", db_url=sqlite_url)
    assert trend.code == 0 and len(trend.json()["years"]) == 17
    league = parity("league", "--year", "2023", "--group", "senior", "--json", db_url=sqlite_url)
    assert league.code == 0 and len(league.json()["forces"]) == 43


def test_overview_prints_a_table_with_the_national_figures(sqlite_url):
    run = parity("overview", "--year", "2023", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    assert "Women in policing, England and Wales, 31 March 2023" in run.stdout
    assert "34.7%" in run.stdout and "Highest senior share" in run.stdout


def test_bad_input_exits_2_with_a_reason_on_stderr(sqlite_url):
    run = parity("representation", "--area", "Hertfordshir", "--json", db_url=sqlite_url)
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.startswith("error: unknown area 'Hertfordshir' (did you mean")


def test_refused_import_exits_2_and_writes_nothing(tmp_path, shared_data):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    bulletin = shared_data / "home-office" / "police-workforce-sep19-tables.ods"
    run = parity("import", "workforce", str(bulletin), db_url=url)
    assert run.code == 2
    assert "police-workforce-sep19-tables.ods: not a Home Office workforce open data table" \
        in run.stderr
    check = parity("representation", "--year", "2023", "--json", db_url=url)
    assert check.code == 2 and "no workforce data" in check.stderr


def test_import_twice_on_a_fresh_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    first = parity("import", "workforce", "--json", db_url=url)
    second = parity("import", "workforce", "--json", db_url=url)
    assert first.code == 0 and json.loads(first.stdout)["rows"] == 29304
    assert json.loads(second.stdout)["status"] == "unchanged"

"""The registry of forces: the 43 territorial forces, BTP and the other UK forces, every
publisher's spelling, areas, and unknown names refused with the closest suggestions."""

from __future__ import annotations

import importlib
import json
import zlib

import pytest
import yaml

from parity.forces import ENGLAND_AND_WALES, Registry, UnknownName, registry
from parity.forces.registry import DATA
from parity.tabular import read_sheets
from parity.workforce.importer import DEFAULT_FILE
from tests.cli_runner import parity

# The module (``parity.forces.registry`` is the function the package re-exports).
module = importlib.import_module("parity.forces.registry")

REGIONS = {
    "North East": 3, "North West": 5, "Yorkshire and the Humber": 4, "East Midlands": 5,
    "West Midlands": 4, "Eastern": 6, "London": 2, "South East": 5, "South West": 5, "Wales": 4,
}


def test_43_territorial_forces_with_unique_area_codes_in_ten_regions():
    reg = registry()
    territorial = reg.territorial()
    assert len(territorial) == 43
    codes = [f.code for f in territorial]
    assert len(set(codes)) == 43
    assert all(c.startswith(("E23", "W15")) and len(c) == 9 for c in codes)
    assert {r: sum(1 for f in territorial if f.region == r) for r in REGIONS} == REGIONS
    assert all(f.nation == ("Wales" if f.region == "Wales" else "England") for f in territorial)


def test_btp_and_the_other_uk_forces_are_known_but_not_territorial():
    reg = registry()
    btp = reg.force("British Transport Police")
    assert (btp.kind, btp.code, btp.territorial) == ("national", None, False)
    others = {f.name for f in reg.forces if f.kind == "other_uk"}
    assert others == {"Police Scotland", "Police Service of Northern Ireland",
                      "Civil Nuclear Constabulary", "Ministry of Defence Police"}
    assert reg.force("PSNI").name == "Police Service of Northern Ireland"
    assert reg.force("MoD Police").name == "Ministry of Defence Police"


@pytest.mark.parametrize(
    ("name", "force_id"),
    [
        ("Avon and Somerset", "avon-and-somerset"),            # ONS
        ("Avon & Somerset", "avon-and-somerset"),              # Home Office
        ("Avon and Somerset Constabulary", "avon-and-somerset"),  # pay gap returns
        ("Hertfordshire Constabulary", "hertfordshire"),
        ("Dyfed Powys Police", "dyfed-powys"),
        ("Dyfed-Powys", "dyfed-powys"),
        ("Staffordshire Police Headquarters", "staffordshire"),
        ("London, City of", "city-of-london"),
        ("Metropolitan Police Service", "metropolitan-police"),
        ("Devon & Cornwall", "devon-and-cornwall"),
        ("  KENT police ", "kent"),
        ("E23000032", "kent"),                                 # ONS police force area code
        ("w15000004", "dyfed-powys"),
    ],
)
def test_every_publishers_spelling_resolves(name, force_id):
    assert registry().force(name).id == force_id


def test_every_force_name_in_the_home_office_table_resolves_to_its_area_code():
    rows = read_sheets(DEFAULT_FILE, only=["Data"])[0].rows[1:]
    pairs = {(r[1], r[2]) for r in rows if r and r[2]}
    assert len(pairs) == 44
    for code, name in pairs:
        force = registry().force(name)
        assert force.code == (None if code == "N/A" else code), name


def test_unknown_names_are_refused_with_the_closest_matches():
    with pytest.raises(UnknownName, match=r"unknown force 'Hertfordshir' \(did you mean "
                                          r"'Hertfordshire'"):
        registry().force("Hertfordshir")
    with pytest.raises(UnknownName, match=r"unknown area 'Yorkshire' \(did you mean"):
        registry().area("Yorkshire")
    with pytest.raises(UnknownName, match="try `parity forces` for the list"):
        registry().force("Narnia")


def test_areas():
    reg = registry()
    national = reg.area("England and Wales")
    assert (national.kind, national.name, len(national.force_ids)) == ("national", ENGLAND_AND_WALES, 43)
    assert "british-transport-police" not in national.force_ids
    assert len(reg.area("England and Wales", include_btp=True).force_ids) == 44
    assert len(reg.area("England").force_ids) == 39
    wales = reg.area("Wales")
    assert (wales.kind, len(wales.force_ids)) == ("region", 4)
    assert reg.area("Yorkshire & Humber").name == "Yorkshire and the Humber"
    assert reg.area("Police Scotland").force_ids == ("police-scotland",)


def test_a_name_that_points_at_two_forces_is_refused_when_the_registry_loads():
    with open(DATA, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data["forces"][1]["aliases"].append("Avon and Somerset Police")
    with pytest.raises(ValueError, match="names both avon-and-somerset and bedfordshire"):
        Registry(data)


def test_forces_command_lists_and_resolves(tmp_path):
    url = f"sqlite:///{tmp_path / 'forces.db'}"
    listing = parity("forces", "--json", db_url=url)
    assert listing.code == 0 and len(listing.json()) == 48
    found = parity("forces", "Staffordshire Police Headquarters", "--json", db_url=url)
    assert found.json() == {"name": "Staffordshire", "kind": "force", "force_ids": ["staffordshire"]}
    unknown = parity("forces", "Hertfordshir", db_url=url)
    assert unknown.code == 2 and unknown.stdout == ""
    assert unknown.stderr.startswith("error: unknown area 'Hertfordshir' (did you mean")


def test_the_parsed_registry_is_forces_yaml_as_it_is_now():
    # forces.json is what the registry loads; after editing forces.yaml, `make commands`.
    parsed = json.loads(module.PARSED.read_text(encoding="utf-8"))
    source = DATA.read_bytes()
    assert parsed["source_crc32"] == zlib.crc32(source), \
        "src/parity/forces/forces.json is out of date: run `make commands`"
    assert parsed["data"] == yaml.safe_load(source) == module.load_data()


def test_a_stale_parsed_registry_is_passed_over_for_the_yaml(tmp_path, monkeypatch):
    stale = tmp_path / "forces.json"
    module.write_parsed(stale)
    payload = json.loads(stale.read_text(encoding="utf-8"))
    payload["source_crc32"] += 1
    payload["data"]["forces"] = payload["data"]["forces"][:1]
    stale.write_text(json.dumps(payload), encoding="utf-8")
    monkeypatch.setattr(module, "PARSED", stale)
    assert len(module.load_data()["forces"]) == 48
    monkeypatch.setattr(module, "PARSED", tmp_path / "missing.json")
    assert len(module.load_data()["forces"]) == 48

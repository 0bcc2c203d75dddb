"""Fixtures for the flows tests: small extracts written by code."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from parity.vocabulary import COLUMNS


def write_extract(path: Path, rows: list[dict]) -> Path:
    """Write `rows` (dicts keyed by the extract's columns; missing keys blank) as a CSV."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.get(c, "") for c in COLUMNS])
    return path


def officer(person: str, sex: str, event: str, day: str, rank: str, **extra) -> dict:
    return {"person_id": person, "sex": sex, "event": event, "date": day,
            "worker_type": "Police Officer", "rank": rank, "fte": extra.pop("fte", 1), **extra}


def tiny_history() -> list[dict]:
    """Twelve women and twelve men who join as Constables in 2019; in the year to 31 March
    2021 two women and one man are promoted to Sergeant, one woman and three men leave, one
    woman changes hours, and a PCSO becomes a Constable."""
    rows = []
    for k in range(12):
        rows.append(officer(f"F{k:02d}", "Female", "joining", "2019-05-01", "Constable"))
        rows.append(officer(f"M{k:02d}", "Male", "joining", "2019-05-01", "Constable"))
    rows += [
        officer("F00", "Female", "promotion", "2020-06-01", "Sergeant", from_rank="Constable"),
        officer("F01", "Female", "promotion", "2020-07-01", "Sergeant", from_rank="Constable"),
        officer("M00", "Male", "promotion", "2020-06-01", "Sergeant", from_rank="Constable"),
        officer("F02", "Female", "leaving", "2020-09-30", "Constable",
                leaving_reason="resignation"),
        officer("M01", "Male", "leaving", "2020-10-31", "Constable", leaving_reason="retirement"),
        officer("M02", "Male", "leaving", "2021-03-31", "Constable", leaving_reason="Dismissal"),
        officer("M03", "Male", "leaving", "2020-04-01", "Constable",
                leaving_reason="transfer out"),
        officer("F03", "Female", "hours_change", "2020-08-01", "Constable", fte=0.6),
        {"person_id": "X01", "sex": "Female", "event": "joining", "date": "2018-01-10",
         "worker_type": "Police Community Support Officer", "rank": "", "fte": 1},
        officer("X01", "Female", "worker_type_change", "2020-11-01", "Constable"),
    ]
    return rows


@pytest.fixture
def tiny_extract(tmp_path: Path) -> Path:
    return write_extract(tmp_path / "tiny.csv", tiny_history())


@pytest.fixture(scope="session")
def synth_files(tmp_path_factory, sqlite_templates) -> dict[str, Path]:  # noqa: ANN001
    """Synthetic extracts made by the generator from the official table (seed 7): Dyfed-Powys
    2012–2023 (CSV) and City of London 2015–2023 (XLSX)."""
    from parity.flows import synth
    from parity.store import make_engine, open_session

    base = tmp_path_factory.mktemp("synth")
    engine = make_engine(f"sqlite:///{sqlite_templates['workforce']}")
    out = {}
    with open_session(engine) as s:
        out["dyfed-powys"] = base / "dyfed.csv"
        synth.generate(s, force="Dyfed-Powys", from_year=2012, to_year=2023, seed=7,
                       out=out["dyfed-powys"])
        out["city-of-london"] = base / "city.xlsx"
        synth.generate(s, force="City of London", from_year=2015, to_year=2023, seed=7,
                       out=out["city-of-london"])
    engine.dispose()
    return out

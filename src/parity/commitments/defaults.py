"""The national HeForShe commitments of 2019 and 2022, loaded as defaults adopted by every force.

The bundled ``data/heforshe/commitments.csv`` (OGL; see the README beside it) lists each
commitment: date made, scope, number, theme, summary and the measure it implies. Each row
becomes a national commitment ``national-<year>-<number>`` with the indicators below
(docs/decisions/0503): the pledges set no numeric targets, so none is invented here; a force
sets its own with a commitment that refines the national one.
"""

from __future__ import annotations

import csv
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "heforshe" / "commitments.csv"
KIND = "heforshe_commitments"
BY = "Parity defaults (HeForShe commitments.csv)"

_REPORT_SECTION = {
    "kind": "manual", "role": "measure", "direction": "up", "target_value": 1,
    "label": "annual report section published (1 yes, 0 no)",
    "params": {"unit": "value", "description": "annual report section published (1 yes, 0 no)"},
}


def _indicators(theme: str, year: int) -> list[dict]:
    """The indicators a national commitment implies, by its theme."""
    if theme == "senior representation":
        return [{"kind": "representation", "direction": "up", "baseline_year": year,
                 "params": {"group": "senior", "worker_type": "officer", "measure": "fte"}}]
    if theme == "middle management":
        return [{"kind": "representation", "direction": "up", "baseline_year": year,
                 "params": {"group": "middle", "worker_type": "officer", "measure": "fte"}}]
    if theme == "domestic and sexual abuse":
        return [
            {"kind": "crime_rate", "role": "context", "direction": "down", "baseline_year": year,
             "params": {"offence": "sexual_offences"}},
            {"kind": "crime_rate", "role": "context", "direction": "down", "baseline_year": year,
             "params": {"offence": "stalking_and_harassment"}},
        ]
    if theme == "annual reporting":
        return [{**_REPORT_SECTION, "baseline_year": year}]
    if theme == "culture":
        return [{"kind": "manual", "role": "measure", "direction": "down",
                 "label": "force-defined measure of sexism and misogyny (e.g. misconduct cases)",
                 "params": {"unit": "value",
                            "description": "force-defined measure of sexism and misogyny"}}]
    return []


def national_defaults(path: Path = DEFAULT_FILE) -> list[dict]:
    """The national commitments as entered data (for `service.add_commitment`)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        year = int(row["made"][:4])
        theme = row["theme"].strip()
        out.append({
            "ref": f"national-{year}-{int(row['number'])}",
            "scope": "national",
            "title": row["summary"].strip(),
            "theme": theme,
            "owner": "every force (HeForShe national commitment)",
            "made": row["made"].strip(),
            "summary": f"{row['scope'].strip()}. Measure: {row['indicator_hint'].strip()}.",
            "indicators": _indicators(theme, year),
        })
    return out

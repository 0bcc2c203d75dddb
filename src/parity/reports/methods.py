"""The report's methods, quality and revisions page, computed from what the database holds.

- ``sources``: every file imported (from the store's provenance), with its date of import and
  what it holds, grouped by source;
- ``coverage``: which forces the report covers, the UK forces it does not (until their figures
  are held), and which forces are absent from which source for the report's year;
- ``quality``: known quality issues found in the data: force-years whose officers' sex is
  largely not stated, editions of the recorded crime tables whose England and Wales figure
  leaves out an area with no figures;
- ``revisions``: the figures of the time series (every chart over years) that differ from
  the previous edition's accompanying tables, when one is given;
- ``contact``: who answers questions on the report (the ``PARITY_REPORT_CONTACT`` setting).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.orm import Session

from parity import tabular
from parity.context import service as context
from parity.forces import registry
from parity.reports.tables import Numbered, cell_value, sheet_rows
from parity.store.provenance import list_sources
from parity.workforce import findings
from parity.workforce import service as workforce

CONTACT_SETTING = "PARITY_REPORT_CONTACT"
DEFAULT_CONTACT = ("The national coordinator of the Gender Equality in UK Policing report "
                   "(no contact details were given for this edition).")
SOURCE_TITLES = {
    "workforce": "Home Office, Police workforce, England and Wales: workforce open data table",
    "paygap-returns": "Gender Pay Gap Service: employers' published returns",
    "ons-crime": "Office for National Statistics: police force area data tables",
    "heforshe_commitments": "HeForShe national commitments",
}


def contact() -> str:
    """The contact the report names: the ``PARITY_REPORT_CONTACT`` setting, or a default."""
    return os.environ.get(CONTACT_SETTING, "").strip() or DEFAULT_CONTACT


def sources(session: Session) -> list[dict]:
    """[{kind, title, files: [{file, imported, rows, note}]}] for every kind imported, in the
    order first imported."""
    out: dict[str, dict] = {}
    for s in list_sources(session):
        item = out.setdefault(s.kind, {"kind": s.kind,
                                       "title": SOURCE_TITLES.get(s.kind, s.kind),
                                       "files": []})
        item["files"].append({"file": s.file_name, "imported": s.imported_at.date().isoformat(),
                              "rows": s.row_count, "note": s.note})
    return list(out.values())


def coverage(session: Session, *, year: int) -> dict:
    """The forces covered and not: ``not_covered`` (UK forces the report has no figures for:
    Police Scotland, PSNI, the Civil Nuclear Constabulary, the Ministry of Defence Police),
    ``absent``: [{source, forces}] for the report's year."""
    reg = registry()
    held = set(workforce.forces_with_data(session))
    not_covered = [f.name for f in reg.forces if f.kind == "other_uk" and f.id not in held]
    covered = [f for f in reg.forces if f.territorial or f.kind == "national"]
    absent = []
    _fte, head = workforce.counts_by_force_and_sex(session, year=year)
    missing = [f.name for f in covered if f.id not in head]
    absent.append({"source": f"Police workforce, 31 March {year}", "forces": missing})
    if context.holds_returns(session):
        snapshot = context.latest_complete_year(session, on_or_before=year)
        if snapshot is not None:
            league = context.paygap_league(session, snapshot_year=snapshot)
            absent.append({"source": f"Gender pay gap returns, {league['reporting_year']}",
                           "forces": [reg.get(f).name for f in league["not_reported"]]})
    if context.holds_crime(session):
        periods = [p for p in context.crime_periods(session) if p.year <= year]
        if periods:
            table = context.crime_league(session, period_end=periods[-1])
            rated = {r["force_id"] for r in table["forces"] if r["rate"] is not None}
            absent.append({"source": f"Recorded crime rates, year ending "
                                     f"{periods[-1]:%B %Y}",
                           "forces": [f.name for f in covered if f.id not in rated]})
    return {"covered": len(covered), "territorial": len([f for f in covered if f.territorial]),
            "not_covered": not_covered, "absent": absent}


def quality(session: Session) -> list[dict]:
    """Known quality issues found in the data: [{issue, text}] (computed, not fixed text)."""
    out = []
    for flag in findings.quality_flags(session):
        out.append({"issue": "sex_not_stated", "force": flag["force"], "year": flag["year"],
                    "share": flag["share"],
                    "text": (f"{flag['force']}, 31 March {flag['year']}: the sex of "
                             f"{flag['share'] * 100:.1f}% of its officers ({flag['people']:,.0f}"
                             f" people) is recorded as not stated, preferred not to say or "
                             f"self-described. Its share of women is computed over everyone "
                             f"recorded, so it reads lower that year than the force's women "
                             f"would make it.")})
    if context.holds_crime(session):
        probe = next(iter(registry().territorial())).id
        for period in context.crime_periods(session):
            left_out = context.crime_snapshot(session, force_id=probe,
                                              period_end=period)["unpublished"]
            if left_out:
                names = ", ".join(left_out)
                out.append({"issue": "crime_area_left_out", "period_end": period.isoformat(),
                            "forces": left_out,
                            "text": (f"Recorded crime, year ending {period:%B %Y}: no figures "
                                     f"were published for {names}, and the England and Wales "
                                     f"figure of that edition leaves the area out, so it is "
                                     f"not comparable with the other editions' figures.")})
    return out


def _series(rows: list[list], *, header_row: int) -> dict[tuple, float]:
    """{(force, series, year): value} of a time-series sheet or figure (header "Year")."""
    header = [str(c or "") for c in rows[header_row]]
    offset = 1 if header[:1] == ["Force"] else 0
    if header[offset:offset + 1] != ["Year"]:
        return {}
    out = {}
    for row in rows[header_row + 1:]:
        force = row[0] if offset else None
        year = row[offset]
        for j in range(offset + 1, min(len(header), len(row))):
            value = row[j]
            if isinstance(value, str):
                kind, value = cell_value(value)
            if isinstance(value, (int, float)) and year not in (None, ""):
                out[(force, header[j], int(float(year)))] = float(value)
    return out


def _previous_series(path: Path) -> dict[str, dict[tuple, float]]:
    """{figure title: series} of every time-series sheet in an edition's accompanying XLSX."""
    out = {}
    for sheet in tabular.read_sheets(path):  # within the spreadsheet budget, like every import
        rows = [list(r) for r in sheet.rows]
        if len(rows) > 2 and isinstance(rows[0][0], str) and ": " in rows[0][0]:
            series = _series(rows, header_row=1)
            if series:
                out[rows[0][0].split(": ", 1)[1]] = series
    return out


def revisions(previous: Path | None, items: list[Numbered]) -> dict:
    """The figures of this edition's time series (the report's own charts over years, from
    the workforce table, national and per force; not a domain's fitted trends) that differ,
    as shown, from the same series in the previous edition's accompanying tables
    (`previous`, an XLSX): [{figure, title, force, series, year, was, now}]."""
    if previous is None or not previous.is_file():
        return {"compared_with": None, "changes": []}
    before = _previous_series(previous)
    changes = []
    for item in items:
        if item.kind != "Figure" or item.domain is not None or item.title not in before:
            continue
        header, rows = sheet_rows(item)
        now = _series([header] + rows, header_row=0)
        for key, value in sorted(now.items(), key=lambda kv: (str(kv[0][0]), kv[0][1],
                                                             kv[0][2])):
            was = before[item.title].get(key)
            if was is not None and abs(was - value) > 1e-9:
                changes.append({"figure": item.label, "title": item.title, "force": key[0],
                                "series": key[1], "year": key[2], "was": was, "now": value})
    return {"compared_with": previous.name, "changes": changes}

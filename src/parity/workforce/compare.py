"""Finding and comparing forces: the search and sort of ``/forces`` and the compare page.

- `search(rows, q)`: the forces whose name, region or any other spelling contains `q`
  (case and punctuation ignored).
- `sort_rows(rows, sort, order)`: by one of `SORTS`; forces without a figure last.
- `compare(session, force_ids, year=)`: two to six forces side by side: the share of women by
  rank group (FTE), the published median hourly pay gap (the gender pay gap service) and
  their commitments' statuses, each block naming its own date and source.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from parity import vocabulary as v
from parity.commitments import service as commitments
from parity.context import service as context
from parity.errors import InputError
from parity.forces import force_or_error, registry
from parity.workforce import service

SORTS = {"force": "force", "region": "region", "share": "share_female",
         "senior": "share_female_senior", "position": "senior_position", "gap": "senior_gap"}
ORDERS = ("asc", "desc")
MIN_FORCES, MAX_FORCES = 2, 6
STATUS_WORDS = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track",
                "no_data": "no figures to judge"}


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def search(rows: list[dict], q: str | None) -> list[dict]:
    if not q or not _plain(q):
        return rows
    wanted = _plain(q)
    reg = registry()
    out = []
    for row in rows:
        force = reg.get(row["force_id"])
        names = [row["force"], row.get("region") or "", *(force.aliases if force else ())]
        if any(wanted in _plain(n) for n in names):
            out.append(row)
    return out


def sort_rows(rows: list[dict], sort: str, order: str) -> list[dict]:
    if sort not in SORTS:
        raise InputError(f"sort: expected one of {', '.join(SORTS)}, got {sort[:40]!r}")
    if order not in ORDERS:
        raise InputError(f"order: expected asc or desc, got {order[:40]!r}")
    key = SORTS[sort]
    held = [r for r in rows if r.get(key) is not None]
    missing = [r for r in rows if r.get(key) is None]
    held.sort(key=lambda r: (r[key], r["force"]), reverse=order == "desc")
    return held + missing


def compare(session: Session, force_ids: list[str], *, year: int | None = None) -> dict:
    """The forces side by side (see the module's docstring)."""
    forces = []
    for raw in force_ids:
        force = force_or_error(raw)
        if force.id not in [f.id for f in forces]:
            forces.append(force)
    if not MIN_FORCES <= len(forces) <= MAX_FORCES:
        raise InputError(f"forces: choose from {MIN_FORCES} to {MAX_FORCES} different forces, "
                         f"got {len(forces)}")
    year = service.year_or_latest(session, year)
    groups = [g for g in v.RANK_GROUPS]
    workforce = []
    for force in forces:
        row: dict[str, Any] = {"force_id": force.id, "force": force.name}
        for group in groups:
            rep = service.representation(session, area=force.name, year=year, group=group,
                                         measure="fte", worker_type="officer")
            row[group] = rep["share_female"]
        workforce.append(row)
    paygap = []
    held = context.holds_returns(session)
    for force in forces:
        found = context.paygap_comparison(session, force_id=force.id) if held else None
        paygap.append({"force_id": force.id, "force": force.name,
                       "reporting_year": found["reporting_year"] if found else None,
                       "median_hourly_gap": found["value"] if found else None,
                       "police_median": (found["police_forces"] or {}).get("median")
                       if found else None})
    as_of = commitments.as_of_for_year(year)
    promises = []
    for force in forces:
        items = commitments.status(session, force_id=force.id, as_of=as_of)
        counts = {s: 0 for s in STATUS_WORDS}
        for item in items:
            counts[item["status"]] = counts.get(item["status"], 0) + 1
        promises.append({"force_id": force.id, "force": force.name, "commitments": len(items),
                         **counts})
    return {"year": year, "measure": "fte", "forces": [f.id for f in forces],
            "groups": {g: v.GROUP_LABELS[g] for g in groups}, "workforce": workforce,
            "paygap": paygap, "commitments_as_of": as_of, "commitments": promises,
            "status_words": STATUS_WORDS}

"""The reporting cycle in the annual report: what the forces' accepted returns say.

`section(session, *, year, force_id)` is found by `parity.reports.sections.discover`. The
national part lists the returns accepted for the year, their pay gap figures side by side, which
forces had not had a return accepted when the report was built, and the workforce figures of
the UK forces outside the Home Office table, with a UK total only where every one of them has
given its figures. A force's part is its accepted return. Nothing is shown for a year the
coordinator has not opened.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from parity.reports.sections import render_fragment
from parity.returns import service
from parity.returns.schemas import PAYGAP_FIELDS, WORKFORCE_GROUPS

TEMPLATES = Path(__file__).parent / "templates"
SOURCES = ["Forces' annual gender equality returns for the year, as accepted by the national "
           "coordinator (each names its signatory and date)."]


def uk_totals(compiled: dict, england_and_wales: dict | None) -> dict | None:
    """Women's share of officers across the UK by rank group: the Home Office figures for
    England and Wales (and BTP) plus every outside force's own figures — only when every force
    outside the table has given its figures, else None."""
    if not compiled["outside_table_complete"] or not england_and_wales:
        return None
    out = {}
    for group, _label in WORKFORCE_GROUPS:
        women = england_and_wales.get(group, {}).get("female")
        men = england_and_wales.get(group, {}).get("male")
        if women is None or men is None:
            return None
        for item in compiled["outside_table"]:
            figures = item["workforce"]["groups"][group]
            women += figures["female"] or 0
            men += figures["male"] or 0
        out[group] = {"female": women, "male": men, "share_female": women / (women + men)}
    return out


def section(session: Session, *, year: int, force_id: str | None) -> dict | None:
    compiled = service.compile_year(session, year=year)
    if compiled is None:
        return None
    if force_id is None:
        body = render_fragment(TEMPLATES, "report_returns_national.html", data=compiled,
                               PAYGAP_FIELDS=PAYGAP_FIELDS, WORKFORCE_GROUPS=WORKFORCE_GROUPS)
        figures = {"accepted": [r["force_id"] for r in compiled["returns"]],
                   "not_accepted": [m["force_id"] for m in compiled["missing"]],
                   "paygap": {r["force_id"]: r["paygap"] for r in compiled["returns"]}}
        return {"title": "The forces' own returns", "html": body, "figures": figures,
                "sources": SOURCES}
    found = next((r for r in compiled["returns"] if r["force_id"] == force_id), None)
    if found is None:
        return None
    body = render_fragment(TEMPLATES, "report_returns_force.html", data=found,
                           PAYGAP_FIELDS=PAYGAP_FIELDS, WORKFORCE_GROUPS=WORKFORCE_GROUPS)
    return {"title": f"{found['force']}'s return", "html": body,
            "figures": {"paygap": found["paygap"], "accepted_on": found["accepted_on"]},
            "sources": SOURCES}

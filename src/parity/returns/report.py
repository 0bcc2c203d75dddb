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

from parity.present.templating import render_fragment
from parity.returns import service
from parity.returns.schemas import PAYGAP_FIELDS, WORKFORCE_GROUPS

TEMPLATES = Path(__file__).parent / "templates"
SOURCES = ["Forces' annual gender equality returns for the year, as accepted by the national "
           "coordinator (each names its signatory and date)."]


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

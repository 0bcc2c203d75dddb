"""The commitments in the annual report: the national status summary, and for each force its
commitments with their status and reason, and a chart of its measured indicators.

`section(session, *, year, force_id)` is found by `parity.reports.sections.discover`. A report
for 31 March `year` shows the commitments as they stood on the eve of the next snapshot
(`service.as_of_for_year`), so building it again later gives the same section even after a
target has moved (docs/decisions/0500, 0505).
"""

from __future__ import annotations

import functools
from pathlib import Path

from sqlalchemy.orm import Session

from parity.commitments import charts, metrics, service
from parity.present.templating import environment

TEMPLATES = Path(__file__).parent / "templates"
SOURCES = [
    "UN Women HeForShe: the commitments made by UK police forces in 2019 and refreshed in "
    "2022 (bundled as commitments.csv). Contains public sector information licensed under "
    "the Open Government Licence v3.0.",
    "Commitments, targets and values entered by forces in Parity, as they stood on the date "
    "stated in each section.",
]
CHARTS_PER_FORCE = 2


@functools.lru_cache(maxsize=1)
def _env():  # noqa: ANN202
    """Kept: Jinja keeps the templates compiled for every force's section."""
    env = environment(TEMPLATES)
    env.globals["commitment_charts"] = charts
    env.filters["status_label"] = charts.status_label
    env.filters["status_dot"] = charts.status_dot
    env.filters["value"] = lambda v, unit=None: metrics.fmt_value(v, unit or "value")
    env.filters["change"] = charts.fmt_change
    return env


def _date_label(day) -> str:  # noqa: ANN001
    return f"{day.day} {day:%B} {day.year}" if day else "the date of this report"


def section(session: Session, *, year: int, force_id: str | None) -> dict | None:
    """The national summary (`force_id` None) or one force's commitments, for 31 March
    `year`."""
    as_of = service.as_of_for_year(year)
    if force_id is None:
        summary = service.status_summary(session, as_of=as_of)
        if not summary["forces"]:
            return None
        body = _env().get_template("report_national.html").render(
            summary=summary, year=year, as_of_label=_date_label(as_of))
        figures = {"as_of": summary["as_of"], "totals": summary["totals"],
                   "national": summary["national"],
                   "forces": {r["force_id"]: r["counts"] for r in summary["forces"]}}
        return {"title": "Commitments: where the forces stand", "html": body,
                "figures": figures, "sources": SOURCES}
    items = service.status(session, force_id=force_id, as_of=as_of)
    if not items:
        return None
    counts = {s: 0 for s in metrics.STATUSES}
    for item in items:
        counts[item["status"]] += 1
    charted = [(item, i) for item in items for i in item["indicators"]
               if i["role"] == "measure" and i["values"]][:CHARTS_PER_FORCE]
    body = _env().get_template("report_force.html").render(
        items=items, counts=counts, charted=charted, year=year,
        as_of_label=_date_label(as_of))
    figures = {"as_of": items[0]["as_of"], "counts": counts,
               "commitments": [{k: item[k] for k in ("ref", "refines", "title", "status",
                                                     "reason", "baseline", "latest",
                                                     "target", "target_date", "unit")}
                               for item in items]}
    return {"title": "Commitments", "html": body, "figures": figures, "sources": SOURCES}

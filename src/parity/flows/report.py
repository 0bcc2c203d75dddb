"""The flows domain's section of the annual report: projections to parity.

Public, like the whole report: every figure is projected from the official Home Office
officer stock of 31 March of the report's year with the national default rates
(`outlooks.public_outlook`), never from a force's own HR extract. The national part gives
England and Wales and a table of every force's parity year under current rates, under equal
rates (women promoted and leaving at men's rates) and with all three changes; each force's
part gives its own, with a chart of its projected senior share and the range of the runs.

The runs are kept modest (200 per scenario, 30 years) so that the 44 forces build in a few
seconds; the outlooks are cached by the service, so the force sections reuse the runs of the
national table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from parity.errors import InputError
from parity.flows import charts as fvis
from parity.flows import outlooks, service, simulations
from parity.flows.defaults import RUNS
from parity.forces import registry
from parity.present.templating import render_fragment

HERE = Path(__file__).parent / "templates"
# the sections wait on the projections `prepare` starts: asked for after the other domains'
GATHERED_LAST = True
YEARS = outlooks.YEARS
SOURCES = [
    "Home Office, Police workforce, England and Wales: open data table, officers by rank and "
    "sex on 31 March (the starting stock of the projections). Contains public sector "
    "information licensed under the Open Government Licence v3.0.",
    "Home Office, Police officer uplift, England and Wales, quarterly update to 30 September "
    "2022: women's share of recruits since April 2020 (42.5%), the projections' default. "
    "Open Government Licence v3.0.",
    "Parity, projections to parity: leaving and promotion rates by rank are the project's "
    "national defaults (assumptions, the same for women and men; docs/decisions/0402), not "
    "official figures.",
]


def _figures(result: dict) -> dict:
    row = outlooks.outlook_row(result)
    return {**row, "years_ahead": result["years_ahead"], "runs": result["runs"],
            "rates_source": result["rates_source"]}


def prepare(session: Session, *, year: int, force_ids: list[str], national: bool
            ) -> Callable[[], None]:
    """Start the outlooks the report will show in worker processes (England and Wales and
    every territorial force for the national part, then `force_ids`), in the order the
    sections ask for them; the function that ends the workers."""
    areas = (["England and Wales", *(f.id for f in registry().territorial())]
             if national else [])
    areas += [f for f in force_ids if f not in areas]
    outlooks.start(session, areas=areas, from_year=year, years=YEARS, runs=RUNS)
    return simulations.stop


def section(session: Session, *, year: int, force_id: str | None) -> dict | None:
    """The report's projections section: national (``force_id`` None) or one force's."""
    if force_id is None:
        try:
            outlook = outlooks.forces_outlook(session, from_year=year, years=YEARS, runs=RUNS)
            whole = outlooks.public_outlook(session, area="England and Wales", from_year=year,
                                           years=YEARS, runs=RUNS)
        except InputError:
            return None
        chart = service.chart_data(whole)
        body = render_fragment(HERE, "flows_report_national.html", outlook=outlook,
                               result=whole,
                               panels=fvis.scenario_charts(chart, width=330, height=220,
                                                        headings=True),
                               parity_words=fvis.parity_words)
        return {"title": "Projections to parity", "html": body,
                "figures": {"national": _figures(whole),
                            "forces": {r["force_id"]: r for r in outlook["forces"]}},
                "sources": SOURCES}
    try:
        result = outlooks.public_outlook(session, area=force_id, from_year=year, years=YEARS,
                                        runs=RUNS)
    except InputError:
        return None
    chart = service.chart_data(result)
    body = render_fragment(HERE, "flows_report_force.html", result=result,
                           row=outlooks.outlook_row(result),
                           panels=fvis.scenario_charts(chart, width=330, height=220,
                                                        headings=True),
                           parity_words=fvis.parity_words)
    return {"title": "Projection to parity", "html": body, "figures": _figures(result),
            "sources": SOURCES}

"""The annual report: "Gender Equality in UK Policing", national and one section per force.

`build_report` assembles the document (HTML, self-contained: inline CSS and SVG, nothing
fetched) from `parity.workforce.report` and every domain's report section;
`write_report` writes it to a folder as HTML and, if asked, PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2
from sqlalchemy.orm import Session

from parity import calendar
from parity.errors import InputError
from parity.forces import force_or_error, registry
from parity.present.templating import environment
from parity.reports import sections
from parity.reports.pdf import write_pdf
from parity.workforce import charts as visuals
from parity.workforce import report as profiles
from parity.workforce import service as workforce

TEMPLATES = Path(__file__).parent / "templates"
TITLE = "Gender Equality in UK Policing"
WORKFORCE_SOURCE = (
    "Home Office, Police workforce, England and Wales: workforce open data table, published "
    "26 July 2023 (figures as at 31 March each year)."
)
OGL = ("Contains public sector information licensed under the Open Government Licence v3.0.")


@dataclass
class Report:
    """A built report: its HTML and what went into it."""

    year: int
    html: str
    force_ids: list[str]
    national: dict
    forces: list[dict] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return f"gender-equality-in-uk-policing-{self.year}"


def _environment() -> jinja2.Environment:
    return environment(TEMPLATES, profiles.TEMPLATES, charts=visuals)


def report_forces(force: str | None = None) -> list[str]:
    """The forces with a section: the 43 territorial forces by name, then British Transport
    Police; or the one force named (any spelling)."""
    reg = registry()
    if force:
        return [force_or_error(force).id]
    territorial = sorted(reg.territorial(), key=lambda f: f.name)
    others = [f for f in reg.forces if f.kind == "national"]
    return [f.id for f in territorial + others]


def build_report(session: Session, *, year: int, force: str | None = None,
                 on_force: Callable[[str], None] | None = None,
                 today: date | None = None) -> Report:
    """The report for 31 March `year`: the national picture, then one section per force
    (every force, or only `force`), methods and sources. `on_force(name)` is called after each
    force section (for a progress bar). `InputError` if `year` has no workforce data."""
    held = workforce.years_available(session)
    if year not in held:
        span = f"{held[0]} to {held[-1]}" if held else "none: run `parity import workforce`"
        raise InputError(f"no workforce data for 31 March {year} (years held: {span})")
    force_ids = report_forces(force)
    cache = profiles.NationalCache(session, year=year)
    national = profiles.national_profile(session, year=year, national=cache)
    extra = sections.discover()
    national_sections = sections.collect(session, extra, year=year, force_id=None)
    forces = []
    for force_id in force_ids:
        profile = profiles.force_profile(session, force_id=force_id, year=year, national=cache)
        profile["sections"] = sections.collect(session, extra, year=year, force_id=force_id)
        forces.append(profile)
        if on_force:
            on_force(profile["force"]["name"])
    sources = [WORKFORCE_SOURCE]
    for s in national_sections + [s for f in forces for s in f["sections"]]:
        for line in s.sources:
            if line not in sources:
                sources.append(line)
    html = _environment().get_template("report.html").render(
        title=TITLE, year=year, national=national, national_sections=national_sections,
        forces=forces, sources=sources, ogl=OGL, today=today or calendar.today(),
        single_force=force is not None, force_href=lambda fid: f"#force-{fid}",
    )
    return Report(year=year, html=html, force_ids=force_ids, national=national, forces=forces,
                  sources=sources)


def write_report(report: Report, *, out_dir: Path, pdf: bool = False) -> dict:
    """Write ``<name>.html`` (and ``<name>.pdf``) into `out_dir`; what was written, with the
    PDF's page count."""
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"{report.filename}.html"
    html_path.write_text(report.html, encoding="utf-8")
    result: dict = {"year": report.year, "forces": len(report.force_ids),
                    "html": str(html_path), "pdf": None, "pages": None}
    if pdf:
        pdf_path = out_dir / f"{report.filename}.pdf"
        result["pages"] = write_pdf(report.html, pdf_path, title=f"{TITLE} {report.year}")
        result["pdf"] = str(pdf_path)
    return result

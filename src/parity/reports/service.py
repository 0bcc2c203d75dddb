"""The annual report: "Gender Equality in UK Policing", national and one section per force.

`build_report` assembles the document (HTML, self-contained: inline CSS and SVG, nothing
fetched) from `parity.workforce.report`, the main points (`parity.reports.main_points`), the
methods page (`parity.reports.methods`) and every domain's report section, and numbers its
tables and figures (`parity.reports.tables`); `write_report` writes it to a folder as HTML,
the accompanying tables (ODS and XLSX) and, if asked, a tagged PDF.

With ``force`` the report is that force's own: its pages against England and Wales, methods
and sources, without the national picture (what it compares with is computed, not shown).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2
from sqlalchemy.orm import Session

from parity import calendar
from parity.errors import InputError
from parity.forces import force_or_error, registry
from parity.present import charts
from parity.present.templating import environment
from parity.reports import main_points, methods, sections, tables
from parity.reports.chromium import write_pdf_chromium
from parity.reports.pdf import write_pdf
from parity.workforce import charts as workforce_charts
from parity.workforce import report as workforce_report
from parity.workforce import service as workforce

TEMPLATES = Path(__file__).parent / "templates"
TITLE = "Gender Equality in UK Policing"
WORKFORCE_SOURCE = ("Home Office, Police workforce, England and Wales: workforce open data "
                    "table, {edition} (figures as at 31 March each year).")
REVISIONS = '<div id="revisions"></div>'
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
    main_points: list[main_points.Point] = field(default_factory=list)
    tables: list[tables.Numbered] = field(default_factory=list)
    methods: dict = field(default_factory=dict)
    single_force: bool = False

    @property
    def filename(self) -> str:
        name = f"gender-equality-in-uk-policing-{self.year}"
        return f"{name}-{self.force_ids[0]}" if self.single_force else name


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """Kept: the report's templates compiled once per process."""
    return environment(TEMPLATES, workforce_report.TEMPLATES, charts=workforce_charts)


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
                 today: date | None = None, previous: Path | None = None,
                 with_national: bool | None = None) -> Report:
    """The report for 31 March `year`: the national picture with its main points, then one
    section per force, methods, quality and revisions, and sources; or, with `force`, that
    force's own report. `on_force(name)` is called after each force section (for a progress
    bar); `previous` is the previous edition's accompanying XLSX, for the revisions.
    `with_national` keeps the national picture in a force's report (default: only without
    `force`). `InputError` if `year` has no workforce data."""
    held = workforce.years_available(session)
    if year not in held:
        span = (f"{held[0]} to {held[-1]}" if held
                else "none: the Home Office workforce table has not been loaded")
        raise InputError(f"no workforce data for 31 March {year} (years held: {span})")
    force_ids = report_forces(force)
    single = force is not None and not with_national
    cache = workforce_report.NationalCache(session, year=year)
    extra = sections.discover()
    finish = sections.prepare(session, year=year, force_ids=force_ids, national=not single)
    try:
        return _build(session, year=year, force_ids=force_ids, single=single, cache=cache,
                      extra=extra, on_force=on_force, today=today, previous=previous)
    finally:
        for done in finish:
            done()


def _build(session: Session, *, year: int, force_ids: list[str], single: bool,
           cache: workforce_report.NationalCache, extra: dict, on_force, today: date | None,  # noqa: ANN001
           previous: Path | None) -> Report:
    with charts.recording() as drawn, workforce.reads_kept():
        national = workforce_report.national_profile(session, year=year, national=cache) \
            if not single else {}
        # the sections that wait on work started ahead (the projections) are asked for last,
        # once everything else is built
        first, last = sections.split(extra)
        national_sections = [] if single else sections.collect(session, first, year=year,
                                                               force_id=None)
        points = [] if single else main_points.main_points(session, year=year)
        forces = []
        for force_id in force_ids:
            profile = workforce_report.force_profile(session, force_id=force_id, year=year,
                                             national=cache)
            if single:
                points = main_points.force_main_points(session, year=year, profile=profile)
            profile["sections"] = sections.collect(session, first, year=year,
                                                   force_id=force_id)
            forces.append(profile)
        if not single:
            national_sections = sections.in_order(extra, national_sections, sections.collect(
                session, last, year=year, force_id=None))
        for force_id, profile in zip(force_ids, forces, strict=True):
            profile["sections"] = sections.in_order(extra, profile["sections"], sections.collect(
                session, last, year=year, force_id=force_id))
            if on_force:
                on_force(profile["force"]["name"])
        edition = workforce.source_note(session)
        sources = [WORKFORCE_SOURCE.format(edition=edition or "as held")]
        for s in national_sections + [s for f in forces for s in f["sections"]]:
            for line in s.sources:
                if line not in sources:
                    sources.append(line)
        about = {"sources": methods.sources(session),
                 "coverage": methods.coverage(session, year=year),
                 "quality": methods.quality(session),
                 "contact": methods.contact()}
        parts = ({"forces": 1, "methods": 2, "sources": 3} if single
                 else {"forces": 2, "methods": 3, "sources": 4})
        html = _environment().get_template("report.html").render(
            title=TITLE, year=year, national=national, national_sections=national_sections,
            forces=forces, sources=sources, ogl=OGL, today=today or calendar.today(),
            single_force=single, force_href=lambda fid: f"#force-{fid}",
            main_points=points, methods=about, parts=parts, edition_note=edition,
        )
    html, numbered = tables.number(html, drawn)
    # the revisions compare this edition's numbered figures with the previous edition's,
    # so they are written into the methods page once the figures are numbered
    about["revisions"] = methods.revisions(previous, numbered)
    html = html.replace(REVISIONS, _environment().get_template("revisions.html").render(
        revisions=about["revisions"]), 1)
    return Report(year=year, html=html, force_ids=force_ids, national=national, forces=forces,
                  sources=sources, main_points=points, tables=numbered, methods=about,
                  single_force=single)


ENGINES = ("weasyprint", "chromium")


def write_report(report: Report, *, out_dir: Path, pdf: bool = False,
                 engine: str = "weasyprint") -> dict:
    """Write ``<name>.html``, the accompanying tables ``<name>.ods`` and ``<name>.xlsx`` (and
    ``<name>.pdf``, drawn by `engine`: WeasyPrint or headless Chromium) into `out_dir`; what
    was written, with the PDF's page count and the main points with their figures."""
    if engine not in ENGINES:
        raise InputError(f"--engine {engine}: expected one of {', '.join(ENGINES)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"{report.filename}.html"
    html_path.write_text(report.html, encoding="utf-8")
    xlsx, ods = out_dir / f"{report.filename}.xlsx", out_dir / f"{report.filename}.ods"

    def write_tables() -> None:
        tables.write_tables(report.tables, xlsx=xlsx, ods=ods, title=f"{TITLE} {report.year}",
                            notes=[*report.sources, OGL])

    # Chromium prints in its own processes, the command mostly waiting on its pipe: the
    # tables are written meanwhile, in a thread (WeasyPrint draws in this process: after it)
    beside = ThreadPoolExecutor(max_workers=1) if pdf and engine == "chromium" else None
    tables_written = beside.submit(write_tables) if beside else None
    if beside is None:
        write_tables()
    result: dict = {"year": report.year, "forces": len(report.force_ids),
                    "html": str(html_path), "pdf": None, "pages": None,
                    "tables": {"xlsx": str(xlsx), "ods": str(ods),
                               "numbered": [t.label for t in report.tables]},
                    "main_points": [p.as_dict() for p in report.main_points]}
    if pdf:
        pdf_path = out_dir / f"{report.filename}.pdf"
        draw = write_pdf_chromium if engine == "chromium" else write_pdf
        result["pages"] = draw(report.html, pdf_path, title=f"{TITLE} {report.year}")
        result["pdf"] = str(pdf_path)
        result["engine"] = engine
    if beside is not None:
        try:
            tables_written.result()
        finally:
            beside.shutdown()
    return result

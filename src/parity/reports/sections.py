"""Report sections from other domains, found without editing the reports package.

A domain ships ``parity/<domain>/report.py`` with one function::

    def section(session, *, year: int, force_id: str | None) -> dict | None

called once for the national part (``force_id=None``) and once per force. It returns None
(nothing to say for that year or force) or a dict:

- ``title``: the section heading (plain text);
- ``html``: the section body, an HTML fragment rendered from the domain's own template with
  autoescaping — `parity.present.templating.render_fragment` does that with Parity's filters;
  text written by users (article bodies ...) goes through `present.sanitise.clean_html`
  first;
- ``figures``: the numbers shown, as plain data (kept beside the report for checking);
- ``sources`` (optional): list of source lines (publisher, title, licence) for the sources
  page.

A domain may also ship ``prepare(session, *, year, force_ids, national) -> Callable``, called
once before any section, to start slow work ahead (the flows domain starts its projections in
worker processes); what it returns is called once the report is built, whatever happened. A
domain whose sections wait on that work sets ``GATHERED_LAST = True`` in its report module:
its sections are asked for after every other domain's (`split`), so that the report builds
the rest while the work goes on, and they still appear in their place.

Domains are called in the order of their names; a failing section fails the build, naming the
domain (a report silently missing a section would be worse).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy.orm import Session

from parity.discovery import domain_modules, domain_of

# Workforce's figures are the book's spine, drawn by the report's own template from
# `parity.workforce.report` (the national picture, and each force's opening pages).
SKIP = frozenset({"reports", "workforce"})


@dataclass(frozen=True)
class Section:
    domain: str
    title: str
    html: Markup
    figures: dict = field(default_factory=dict)
    sources: tuple[str, ...] = ()


SectionFunction = Callable[..., dict | None]


def discover() -> dict[str, SectionFunction]:
    """{domain: section function} for every ``parity.<domain>.report`` module, by name."""
    found: dict[str, SectionFunction] = {}
    for module in domain_modules("report", skip=SKIP):
        function = getattr(module, "section", None)
        if not callable(function):
            raise TypeError(f"{module.__name__}: expected a function "
                            "`section(session, *, year, force_id)`")
        found[domain_of(module)] = function
    return found


def split(functions: dict[str, SectionFunction]
          ) -> tuple[dict[str, SectionFunction], dict[str, SectionFunction]]:
    """`functions` as (those asked first, those asked last): the domains whose report module
    sets ``GATHERED_LAST``."""
    last = {domain_of(m) for m in domain_modules("report", skip=SKIP)
            if getattr(m, "GATHERED_LAST", False)}
    return ({d: f for d, f in functions.items() if d not in last},
            {d: f for d, f in functions.items() if d in last})


def in_order(functions: dict[str, SectionFunction], *parts: list[Section]) -> list[Section]:
    """The sections of `parts` together, in the order of `functions` (the domains' order)."""
    order = {domain: i for i, domain in enumerate(functions)}
    return sorted((s for part in parts for s in part), key=lambda s: order[s.domain])


def prepare(session: Session, *, year: int, force_ids: list[str], national: bool
            ) -> list[Callable[[], None]]:
    """Call each domain's optional ``prepare``; the functions to call when the report is
    built."""
    finish = []
    for module in domain_modules("report", skip=SKIP):
        function = getattr(module, "prepare", None)
        if callable(function):
            finish.append(function(session, year=year, force_ids=force_ids, national=national))
    return [f for f in finish if callable(f)]


def collect(session: Session, functions: dict[str, SectionFunction], *, year: int,
            force_id: str | None) -> list[Section]:
    """Call each domain's section function and check what it returns."""
    out = []
    for domain, function in functions.items():
        try:
            result = function(session, year=year, force_id=force_id)
        except Exception as exc:
            where = force_id or "national"
            raise RuntimeError(f"report section of {domain!r} ({where}, {year}) failed: "
                               f"{exc}") from exc
        if result is None:
            continue
        if not isinstance(result, dict) or not result.get("title") or "html" not in result:
            raise TypeError(f"parity.{domain}.report.section must return None or a dict with "
                            f"'title' and 'html'; got {result!r:.200}")
        out.append(Section(domain=domain, title=str(result["title"]),
                           html=Markup(result["html"]), figures=dict(result.get("figures") or {}),
                           sources=tuple(result.get("sources") or ())))
    return out

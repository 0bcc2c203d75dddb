"""The figures check's reading of text: figures (`parsing`), what each is about
(`attribution`) and verdicts (`verdicts`). `parity.library.check` runs it against the
official workforce table. See docs/decisions/0602.

`find_claims(text, area=..., published=...)` returns a `Claim` per figure about women (or men)
in the workforce, with its area, group, worker type, sex, measure and date, each carrying the
words it came from.
"""

from __future__ import annotations

from datetime import date

from parity.library.claims.attribution import (
    Context,
    attribute_area,
    attribute_date,
    attribute_group,
    attribute_measure,
    attribute_sex,
    attribute_worker,
    snapshot_year,
)
from parity.library.claims.parsing import find_figures, sentences
from parity.library.claims.verdicts import (
    FRACTION_TOLERANCE_POINTS,
    TOLERANCE_POINTS,
    Claim,
    band,
    judge,
    rule,
    tolerance,
)

__all__ = ["FRACTION_TOLERANCE_POINTS", "TOLERANCE_POINTS", "Claim", "band", "find_claims",
           "find_figures_quick",
           "judge", "official_label", "rule", "sentences", "snapshot_year", "tolerance"]

WORKERS = {"officer": "officers", "staff": "police staff", "pcso": "PCSOs",
           "special": "special constables", "volunteer": "police support volunteers",
           "designated": "designated officers"}
GROUPS = {"all": None, "senior": "senior leadership (Chief Inspector and above)",
          "middle": "sergeants and inspectors", "chief_officer": "chief officers",
          "superintending": "Superintendent and above"}


def find_claims(text: str, *, area: str | None = None, published: date | None = None,
                area_certain: bool = True) -> list[Claim]:
    """Every figure about women (or men) in the workforce in `text`, with what it is about.
    `area` (a force, region or "England and Wales") and `published` are the article's own
    metadata, used where the text names no area or date."""
    ctx = Context.of(text=text, area=area, published=published, area_certain=area_certain)
    figures = find_figures(text)
    by_sentence: dict[tuple[int, str], list] = {}
    for figure in figures:
        by_sentence.setdefault((figure.paragraph, figure.sentence), []).append(figure)
    out: list[Claim] = []
    made: dict[int, Claim] = {}
    for figure in figures:
        others = by_sentence[(figure.paragraph, figure.sentence)]
        parent = made.get(id(figure.of)) if figure.of is not None else None
        if parent is not None:  # "30.4% (10,386 police officers)": what the share is about
            claim = Claim(figure=figure, area=parent.area, worker_type=parent.worker_type,
                          group=parent.group, sex=parent.sex,
                          measure=attribute_measure(figure), date=parent.date,
                          dates=parent.dates, notes=list(figure.notes))
        else:
            worker = attribute_worker(figure, others, ctx)
            date_attr, dates = attribute_date(figure, others, ctx)
            claim = Claim(
                figure=figure, area=attribute_area(figure, others, ctx), worker_type=worker,
                group=attribute_group(figure, others, ctx, worker),
                sex=attribute_sex(figure, others), measure=attribute_measure(figure),
                date=date_attr, dates=dates, notes=list(figure.notes))
        if published is not None and claim.dates is not None and not claim.dates.current and \
                claim.kind in {"current share", "count"} and \
                claim.dates.high < snapshot_year(published) - 1:
            figure.kind = "earlier level"  # "in 2008 it was just 28 per cent"
        made[id(figure)] = claim
        out.append(claim)
    return out


def official_label(official: dict | None) -> str:
    """'Kent, 31 March 2022: police staff' for the official figure a claim refers to."""
    if not official:
        return "—"
    who = WORKERS.get(official.get("worker_type") or "", official.get("worker_type") or "")
    group = official.get("group") or "all"
    part = GROUPS[group] if group in GROUPS else group.replace("_", " ") + "s"
    return (f"{official['area']}, 31 March {official['year']}: {who}"
            + (f", {part}" if part else ""))


def find_figures_quick(text: str) -> bool:
    """Whether `text` states any figure the check would read (cheaper than `find_claims`)."""
    return bool(find_figures(text))

"""The figures check against the official workforce table: for articles in the library and for
drafts that are not (Markdown, HTML, plain text, DOCX or PDF).

`check_text` finds the claims (`parity.library.claims`), looks up the official figures each may
refer to (`parity.workforce.service.representation`: every snapshot its date may mean, FTE
and headcount) and gives each a verdict (`claims.verdicts.judge`). Nothing is written.
`read_document` turns a draft's bytes into text and metadata with well-kept readers (python-docx,
pypdfium2, trafilatura; front matter as the library imports it).
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

from pypdfium2 import PdfiumError
from sqlalchemy.orm import Session

from parity.errors import InputError
from parity.forces import Area, registry
from parity.library import render
from parity.library.claims import WORKERS, Claim, band, find_claims, judge, rule, snapshot_year
from parity.library.claims.verdicts import Reading
from parity.library.validation import BadFile, parse_front_matter_text
from parity.vocabulary import GROUP_LABELS
from parity.workforce import service as workforce

DOCUMENT_SUFFIXES = {".md", ".markdown", ".txt", ".text", ".html", ".htm", ".docx", ".pdf"}


class _Officials:
    """The official figures for claims, looked up once each."""

    def __init__(self, session: Session):
        self.session = session
        self.held = set(workforce.years_available(session))
        self.cache: dict[tuple, dict | None] = {}

    def result(self, area: str, year: int, group: str, measure: str, worker: str
               ) -> dict | None:
        key = (area, year, group, measure, worker)
        if key not in self.cache:
            try:
                self.cache[key] = workforce.representation(
                    self.session, area=area_named(area), year=year, group=group,
                    measure=measure, worker_type=worker) if year in self.held else None
            except InputError:
                self.cache[key] = None
        return self.cache[key]

    def values(self, claim: Claim) -> dict[tuple[str, int], float | None]:
        assert claim.dates is not None
        out: dict[tuple[str, int], float | None] = {}
        for measure in ("fte", "headcount"):
            for year in range(claim.dates.low, claim.dates.high + 1):
                found = self.result(str(claim.area.value), year, str(claim.group.value),
                                    measure, str(claim.worker_type.value))
                out[(measure, year)] = _value(found, claim)
        return out


def area_named(name: str) -> Area:
    """The area a claim's area names: a force by its own name ("West Midlands" is the force
    here, not the region of the same name), else a region or England and Wales."""
    force = registry().find_force(name)
    if force is not None and force.name == name:
        return Area("force", force.name, (force.id,))
    return registry().area(name)


def _value(found: dict | None, claim: Claim) -> float | None:
    if not found or not found.get("total"):
        return None
    people = found.get("female" if claim.sex.value == "female" else "male")
    if claim.figure.figure == "count":
        return people
    return (people or 0.0) / found["total"]


def check_text(session: Session, *, text: str, area: str | None, published: date | None,
               area_certain: bool = True) -> dict:
    """Every claim in `text`, checked. `area` and `published` are the article's metadata.
    ``{"claims": [...], "matches", "does_not_match", "cannot_tell", "not_checked"}``."""
    officials = _Officials(session)
    found = find_claims(text, area=area, published=published, area_certain=area_certain)
    seen, out = set(), []
    for claim in found:
        key = (claim.text, claim.quoted, claim.figure.start)
        if key in seen:
            continue
        seen.add(key)
        out.append(_result(officials, claim, published))
    counts = Counter(c["verdict"] for c in out)
    return {"claims": out, "matches": counts["matches"],
            "does_not_match": counts["does not match"], "cannot_tell": counts["cannot tell"],
            "not_checked": counts["not checked"]}


def _result(officials: _Officials, claim: Claim, published: date | None) -> dict:
    figure = claim.figure
    is_count = figure.figure == "count"
    low, high = band(claim)
    base = {
        "text": claim.text, "quoted": claim.quoted, "kind": figure.kind,
        "figure": figure.figure, "value": int(figure.value) if is_count else figure.value,
        "share_claimed": None if is_count else figure.value,
        "sex": claim.sex.value, "worker_type": claim.worker_type.value,
        "group": claim.group.value, "area": claim.area.value, "measure_named":
        claim.measure.value, "date": claim.date.value,
        "snapshots": None if claim.dates is None else list(range(claim.dates.low,
                                                                 claim.dates.high + 1)),
        "attributes": {name: {**a.as_dict(), "label": _label(name, a.value)}
                       for name, a in claim.attributes().items()},
        "notes": [*claim.notes, *[a.note for a in claim.attributes().values()
                                  if a.note and a.value is not None]],
        "band": {"low": low, "high": high} if not is_count else
        {"low": max(0, int(-(-low // 1))), "high": int(high)},
        "rule": rule(claim), "official": None, "measure": None, "share_official": None,
        "count_official": None,
    }
    values: dict = {}
    days = None
    if claim.blocking() is None:
        values = officials.values(claim)
        if claim.dates is not None and claim.dates.current and published is not None:
            days = (published - date(snapshot_year(published), 3, 31)).days
    verdict, reason, reading = judge(claim, values, days_after_snapshot=days)
    base["verdict"], base["reason"] = verdict, reason
    if reading is not None:
        base.update(_official(officials, claim, reading))
        shown = reading.closest
        who = "women" if claim.sex.value == "female" else "men"
        measure = "FTE" if reading.measure == "fte" else "headcount"
        when = f"31 March {reading.closest_year}"
        base["label"] = (f"{verdict} ({_people(shown)} {who}, {measure}, {when})" if is_count
                         else f"{verdict} ({shown * 100:.1f}% {measure}, {when})")
    else:
        base["label"] = (reason if reason and reason.startswith(verdict) else
                         f"{verdict}: {reason}" if reason else verdict)
    return base


def _official(officials: _Officials, claim: Claim, reading: Reading) -> dict:
    year = reading.closest_year
    area, group, worker = (str(claim.area.value), str(claim.group.value),
                           str(claim.worker_type.value))
    fte = officials.result(area, year, group, "fte", worker) if worker not in {
        "special", "volunteer"} else None
    head = officials.result(area, year, group, "headcount", worker)
    named = (fte or head or {}).get("area", area)

    def share(r: dict | None) -> float | None:
        return _value(r, claim) if r and claim.figure.figure == "share" else (
            (r.get("share_female") if claim.sex.value == "female" else
             (r.get("male") or 0) / r["total"]) if r and r.get("total") else None)

    def people(r: dict | None) -> float | None:
        return (r.get("female" if claim.sex.value == "female" else "male")) if r else None

    official = {"area": named, "year": year, "as_at": f"{year}-03-31", "years": reading.years,
                "group": group, "worker_type": worker, "sex": claim.sex.value,
                "share_fte": share(fte), "share_headcount": share(head),
                "count_fte": people(fte), "count_headcount": people(head),
                "low": reading.low, "high": reading.high}
    is_count = claim.figure.figure == "count"
    return {"official": official, "measure": reading.measure,
            "share_official": None if is_count else reading.closest,
            "count_official": reading.closest if is_count else None}


_SEX_LABELS = {"female": "women", "male": "men"}
_MEASURE_LABELS = {"fte": "FTE", "headcount": "headcount", None: "FTE or headcount"}
_GROUP_LABELS = {**GROUP_LABELS, "chief_constable": "chief constables",
                 "promoted": "promoted officers"}


def _label(name: str, value: object) -> str | None:
    """An attribute's value in words for readers."""
    if name == "measure":
        return _MEASURE_LABELS.get(value if isinstance(value, str) else None, str(value))
    if value is None:
        return None
    text = str(value)
    if name == "area":
        return text.removeprefix("outside:")
    if name == "group":
        return _GROUP_LABELS.get(text, text.replace("_", " "))
    if name == "worker_type":
        return {**WORKERS, "both": "officers and staff together", "whole": "the whole "
                "workforce"}.get(text, text)
    if name == "sex":
        return _SEX_LABELS.get(text, text)
    return text


def _people(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


# drafts ------------------------------------------------------------------------------------------
def read_document(name: str, data: bytes) -> dict:
    """``{"title", "text", "area", "published"}`` of a draft named `name` (its suffix says the
    format). Raises `InputError` naming the file when it cannot be read."""
    suffix = Path(name).suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise InputError(f"{name}: cannot check a {suffix or 'file without a suffix'}; expected "
                         "Markdown, HTML, plain text, DOCX or PDF")
    try:
        if suffix == ".docx":
            return _docx(data)
        if suffix == ".pdf":
            return _pdf(data)
        text = data.decode("utf-8-sig", errors="replace")
        if suffix in {".html", ".htm"}:
            return _html(text)
        meta, body = parse_front_matter_text(text)
        if suffix in {".md", ".markdown"}:
            body = render.markdown_to_text(body)
        return {"title": meta.get("title"), "text": body, "area": meta.get("area"),
                "published": meta.get("published")}
    except BadFile as exc:
        raise InputError(f"{name}: {exc}") from exc
    except (ValueError, KeyError, OSError, zipfile.BadZipFile, PdfiumError) as exc:
        raise InputError(f"{name}: cannot be read as {suffix[1:].upper()}: {exc}") from exc


def _docx(data: bytes) -> dict:
    import docx  # python-docx; imported here: a second of start-up for every other command

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    props = document.core_properties
    published = props.created.date() if props.created else None
    return {"title": props.title or None, "text": "\n\n".join(p for p in parts if p.strip()),
            "area": None, "published": published}


def _pdf(data: bytes) -> dict:
    # pypdfium2 (PDFium): a 200-page draft in about a second, where pure-Python readers take
    # twenty; imported here for the start-up of every other command
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
        title = (document.get_metadata_dict().get("Title") or "").strip() or None
    finally:
        document.close()
    # a line break inside a paragraph is a space; a blank line (or a page) ends a paragraph
    text = "\n\n".join(_unwrap(page.replace("\r\n", "\n")) for page in pages)
    return {"title": title, "text": text, "area": None, "published": None}


def _unwrap(page: str) -> str:
    lines = [line.strip() for line in page.splitlines()]
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            if current:
                out.append(" ".join(current))
                current = []
            continue
        current.append(line)
        if line.endswith((".", "!", "?", ":")) and len(line) < 60:
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return "\n\n".join(out)


def _html(text: str) -> dict:
    import trafilatura  # imported here: start-up cost for every other command

    body = trafilatura.extract(text, include_comments=False, favor_recall=True) or ""
    meta = trafilatura.extract_metadata(text)
    published = None
    if meta is not None and meta.date:
        try:
            published = date.fromisoformat(meta.date[:10])
        except ValueError:
            published = None
    return {"title": meta.title if meta else None, "text": body,
            "area": meta.sitename if meta else None, "published": published}


def check_document(session: Session, *, name: str, data: bytes, area: str | None = None,
                   published: date | None = None) -> dict:
    """The figures check of a draft: `area` and `published` override what the document says
    about itself. ``{"name", "title", "area", "published", "claims", ...counts}``."""
    doc = read_document(name, data)
    area = area or doc.get("area")
    if area:
        try:
            area = registry().area(str(area)).name
        except Exception as exc:  # noqa: BLE001 - an unknown name is bad input
            raise InputError(f"{name}: unknown area {area!r}") from exc
    published = published or doc.get("published")
    result = check_text(session, text=doc["text"], area=area, published=published)
    return {"name": name, "title": doc.get("title"), "area": area,
            "published": published.isoformat() if published else None, **result}

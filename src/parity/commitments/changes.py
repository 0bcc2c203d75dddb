"""Changing commitments: adding, editing, setting targets, linking articles, withdrawing, and
recording values by hand, each change recorded with who made it, when and why; and loading the
bundled national commitments (`ensure_defaults`, a write: `parity.bundled` calls it at
start-up, never a read).

`parity.commitments.service` re-exports every public function here: other domains and the
front ends call the service. Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

import getpass
import os
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from parity.commitments import defaults
from parity.commitments.models import (
    Commitment,
    CommitmentChange,
    CommitmentLink,
    Indicator,
    ManualValue,
)
from parity.commitments.schemas import export_form, snapshot
from parity.commitments.validation import Where, check_commitment, parse_date
from parity.errors import InputError, Problem
from parity.library import service as library
from parity.store.provenance import add_source, find_source, sha256_of


# clock and identities -------------------------------------------------------------------------
def now() -> datetime:
    return datetime.now(UTC)


def current_user() -> str:
    """Who is making a change: ``PARITY_USER``, else the login name."""
    try:
        return os.environ.get("PARITY_USER") or getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def cutoff(as_of: date | datetime | str | None) -> datetime | None:
    """The last moment a report "as of" covers: a datetime as given, a date to its end (UTC)."""
    if as_of is None:
        return None
    if isinstance(as_of, str):
        text = as_of.strip()
        try:
            as_of = datetime.fromisoformat(text) if "T" in text or " " in text \
                else parse_date(text)
        except ValueError:
            raise InputError(f"as of {text!r}: expected a date, YYYY-MM-DD") from None
    if isinstance(as_of, datetime):
        return _utc(as_of)
    return datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC) - timedelta(
        microseconds=1)


# writes --------------------------------------------------------------------------------------
def _find(session: Session, ref: str) -> Commitment:
    found = session.scalar(select(Commitment).where(Commitment.ref == str(ref).strip()))
    if found is None and str(ref).strip().isdigit():
        found = session.get(Commitment, int(ref))
    if found is None:
        raise InputError(f"unknown commitment {ref!r} (see `parity commitments list`)")
    return found


def _next_ref(session: Session, spec: dict) -> str:
    stem = spec["force"] if spec["scope"] == "force" else f"national-{spec['made'][:4]}"
    taken = set(session.scalars(select(Commitment.ref).where(Commitment.ref.like(f"{stem}-%"))))
    number = 1
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"


def _validate(session: Session, data: dict, *, where: Where, existing: Commitment | None
              ) -> dict:
    spec, problems = check_commitment(data, where=where)
    if existing is None and spec["ref"]:
        if session.scalar(select(Commitment.id).where(Commitment.ref == spec["ref"])):
            problems.append(where.problem("ref", f"{spec['ref']!r} is taken"))
    if existing is not None:
        for key, current in (("scope", existing.scope), ("force", existing.force_id)):
            if spec[key] != current:
                problems.append(where.problem(key, f"cannot change from {current!r}; add a new "
                                                   "commitment instead"))
    if spec["refines"]:
        parent = session.scalar(select(Commitment).where(Commitment.ref == spec["refines"]))
        if parent is None or parent.scope != "national":
            problems.append(where.problem("refines", f"expected the ref of a national "
                                                     f"commitment, got {spec['refines']!r}"))
        elif spec["scope"] != "force":
            problems.append(where.problem("refines", "only a force commitment refines a "
                                                     "national one"))
    held_links = {link.article for link in existing.links} if existing is not None else set()
    for link in spec["links"]:
        if link["article"].isdigit() and link["article"] not in held_links:
            missing = library_lacks(session, link["article"])
            if missing:
                problems.append(where.problem("links", missing))
    if problems:
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        raise InputError(f"{where.file}: the commitment is not valid ({count})", problems)
    return spec


def library_lacks(session: Session, article_id: str) -> str | None:
    """Why a library article id cannot be cited (None when the library holds it)."""
    try:
        library.get_article(session, ref=article_id)
    except InputError:
        return (f"the library holds no article {article_id} (`parity library search` finds "
                "ids)")
    return None


def articles_cited(session: Session, links: list[dict]) -> dict[str, dict]:
    """{article as entered: {"href", "title"}} for the pages: a web address as it is, a
    library id as its article's page and title (the id alone if the library lacks it)."""
    out: dict[str, dict] = {}
    for link in links:
        article = link["article"]
        if not article.isdigit():
            out[article] = {"href": article, "title": article}
            continue
        try:
            found = library.get_article(session, ref=article)
        except InputError:
            out[article] = {"href": None, "title": f"library article {article}"}
        else:
            out[article] = {"href": f"/library/articles/{found.id}", "title": found.title}
    return out


def _apply(commitment: Commitment, spec: dict) -> None:
    commitment.scope, commitment.force_id = spec["scope"], spec["force"]
    commitment.parent_ref, commitment.title = spec["refines"], spec["title"]
    commitment.theme, commitment.owner = spec["theme"], spec["owner"]
    commitment.made_on = parse_date(spec["made"])
    commitment.summary, commitment.state = spec["summary"], spec["state"]
    by_position = {i.position: i for i in commitment.indicators}
    for item in spec["indicators"]:
        row = by_position.pop(item["position"], None)
        if row is None:
            row = Indicator(position=item["position"])
            commitment.indicators.append(row)
        row.kind, row.label, row.role = item["kind"], item["label"], item["role"]
        row.params, row.direction = dict(item["params"]), item["direction"]
        row.baseline_year, row.baseline_value = item["baseline_year"], item["baseline_value"]
        row.baseline_evidence, row.target_value = item["baseline_evidence"], item["target_value"]
        row.target_date = parse_date(item["target_date"]) if item["target_date"] else None
    for row in by_position.values():
        commitment.indicators.remove(row)
    wanted = {link["article"]: link.get("note") for link in spec["links"]}
    for link in list(commitment.links):
        if link.article not in wanted:
            commitment.links.remove(link)
        else:
            link.note = wanted.pop(link.article)
    for article, note in wanted.items():
        commitment.links.append(CommitmentLink(article=article, note=note))


def _describe(before: dict | None, after: dict) -> tuple[str, str]:
    """(action, summary) of a change between two export forms."""
    if before is None:
        return "created", f"created {after['ref']}: {after['title']}"
    parts: list[str] = []
    kinds: set[str] = set()
    for key in ("title", "theme", "owner", "made", "summary", "refines"):
        if before.get(key) != after.get(key):
            parts.append(f"{key}: {before.get(key)!r} → {after.get(key)!r}")
            kinds.add("updated")
    if before["state"] != after["state"]:
        parts.append(f"state: {before['state']} → {after['state']}")
        kinds.add("withdrawn" if after["state"] == "withdrawn" else "reinstated")
    old = {i["position"]: i for i in before["indicators"]}
    new = {i["position"]: i for i in after["indicators"]}
    for position in sorted(set(old) | set(new)):
        a, b = old.get(position), new.get(position)
        if a is None:
            assert b is not None
            parts.append(f"indicator {position} added: {b['label']}")
            kinds.add("indicator added")
        elif b is None:
            parts.append(f"indicator {position} removed: {a['label']}")
            kinds.add("indicator removed")
        else:
            for key in a:
                if a[key] != b[key]:
                    parts.append(f"indicator {position} {key}: {a[key]!r} → {b[key]!r}")
                    kinds.add("target moved" if key in ("target_value", "target_date")
                              else "indicator changed")
    links_before = {link["article"] for link in before["links"]}
    links_after = {link["article"] for link in after["links"]}
    for article in sorted(links_after - links_before):
        parts.append(f"article linked: {article}")
        kinds.add("article linked")
    for article in sorted(links_before - links_after):
        parts.append(f"article unlinked: {article}")
        kinds.add("article unlinked")
    if before["links"] != after["links"] and links_before == links_after:
        parts.append("article notes changed")
        kinds.add("updated")
    action = kinds.pop() if len(kinds) == 1 else "updated"
    return action, "; ".join(parts)


def _record(session: Session, commitment: Commitment, *, before: dict | None, by: str,
            at: datetime, effective_at: datetime | None = None, note: str | None = None
            ) -> CommitmentChange | None:
    session.flush()
    snap = snapshot(commitment)
    after = export_form(snap)
    if before is not None and before == after:
        return None
    action, summary = _describe(before, after)
    if note:
        summary = f"{summary} ({note})"
    change = CommitmentChange(
        commitment_id=commitment.id, version=commitment.version, action=action,
        summary=summary, changed_by=by, effective_at=effective_at or at, recorded_at=at,
        snapshot=snap,
    )
    session.add(change)
    session.flush()
    return change


def add_commitment(
    session: Session, *, data: dict, by: str | None = None, at: datetime | None = None,
    source_id: int | None = None, effective_at: datetime | None = None,
    where: Where | None = None,
) -> dict:
    """Validate `data` (see `validation.check_commitment`), store it and record its creation.

    A missing ``ref`` is made from the force (``kent-1``) or the year (``national-2019-4``).
    Raises `InputError` with every problem found; nothing is written then.
    """
    at = _utc(at or now())
    spec = _validate(session, data, where=where or Where("command line"), existing=None)
    spec["ref"] = spec["ref"] or _next_ref(session, spec)
    commitment = Commitment(ref=spec["ref"], version=1, source_id=source_id, created_at=at,
                            updated_at=at)
    session.add(commitment)
    _apply(commitment, spec)
    _record(session, commitment, before=None, by=by or current_user(), at=at,
            effective_at=_utc(effective_at) if effective_at else None)
    return {**export_form(snapshot(commitment)), "id": commitment.id,
            "version": commitment.version}


def update_commitment(
    session: Session, *, ref: str, data: dict, by: str | None = None, at: datetime | None = None,
    note: str | None = None, where: Where | None = None,
) -> dict | None:
    """Replace a commitment with `data` (the full export form); records a new version when
    anything changed and returns the history entry (None when nothing did).

    Indicators are matched by position; one with values entered cannot be removed."""
    at = _utc(at or now())
    commitment = _find(session, ref)
    where = where or Where("command line")
    data = {**data, "ref": commitment.ref}
    spec = _validate(session, data, where=where, existing=commitment)
    before = export_form(snapshot(commitment))
    if before == export_form({**spec, "id": None, "version": None}):
        return None
    kept = {i["position"] for i in spec["indicators"]}
    for row in commitment.indicators:
        if row.position not in kept and session.scalar(
                select(ManualValue.id).where(ManualValue.indicator_id == row.id).limit(1)):
            raise InputError(f"{commitment.ref}: indicator {row.position} has values entered "
                             "and cannot be removed",
                             [where.problem("indicators", f"keep indicator {row.position}")])
    commitment.version += 1
    commitment.updated_at = at
    _apply(commitment, spec)
    change = _record(session, commitment, before=before, by=by or current_user(), at=at,
                     note=note)
    return _change_dict(change) if change else None


def _edit(session: Session, ref: str, edit, *, by, at, note):  # noqa: ANN001, ANN202
    commitment = _find(session, ref)
    data = export_form(snapshot(commitment))
    edit(data)
    return update_commitment(session, ref=ref, data=data, by=by, at=at, note=note)


def set_target(
    session: Session, *, ref: str, position: int = 1, target_value: float | None,
    target_date: date | str | None, by: str | None = None, at: datetime | None = None,
    note: str | None = None,
) -> dict | None:
    """Move the target (value and date) of one indicator; the change is kept in history."""

    def edit(data: dict) -> None:
        for item in data["indicators"]:
            if item["position"] == position:
                item["target_value"] = target_value
                item["target_date"] = target_date.isoformat() if isinstance(target_date, date) \
                    else target_date
                return
        raise InputError(f"{ref}: there is no indicator {position}")

    return _edit(session, ref, edit, by=by, at=at, note=note)


def link_article(session: Session, *, ref: str, article: str, by: str | None = None,
                 note: str | None = None, at: datetime | None = None) -> dict | None:
    """Cite a best-practice article (a URL or a library article id) as an action taken."""
    if not str(article).strip():
        raise InputError("an article link needs a URL or an article id")

    def edit(data: dict) -> None:
        data["links"] = [x for x in data["links"] if x["article"] != article.strip()]
        data["links"].append({"article": article.strip(), "note": note})

    return _edit(session, ref, edit, by=by, at=at, note=None)


def withdraw(session: Session, *, ref: str, by: str | None = None, at: datetime | None = None,
             note: str | None = None) -> dict | None:
    """Mark a commitment withdrawn (kept, with its history; reports before it still show it)."""
    return _edit(session, ref, lambda d: d.update(state="withdrawn"), by=by, at=at, note=note)


def record_value(
    session: Session, *, ref: str, position: int = 1, force_id: str | None = None, year: int,
    value: float, evidence: str, by: str | None = None, at: datetime | None = None,
    source_id: int | None = None,
) -> dict:
    """Enter the value of a manual indicator for a 31 March snapshot year, with its evidence.

    For a force commitment the force is its own; for a national one, `force_id` is the force
    entering it (None: the England and Wales figure). A newer entry for the same year wins
    from its entry time on; the older one is kept."""
    commitment = _find(session, ref)
    indicator = next((i for i in commitment.indicators if i.position == position), None)
    problems = []
    if indicator is None:
        problems.append(Problem("command line", f"{ref} has no indicator {position}",
                                column="indicator"))
    elif indicator.kind != "manual":
        problems.append(Problem("command line", f"indicator {position} of {ref} is computed "
                                "from data ({indicator.kind}); only manual ones take values",
                                column="indicator"))
    if commitment.scope == "force":
        if force_id not in (None, commitment.force_id):
            problems.append(Problem("command line", f"{ref} belongs to {commitment.force_id}",
                                    column="force"))
        force_id = commitment.force_id
    if not str(evidence or "").strip():
        problems.append(Problem("command line", "a value entered by hand needs its evidence",
                                column="evidence"))
    if not 1990 <= int(year) <= 2100:
        problems.append(Problem("command line", f"expected a 31 March snapshot year, got {year}",
                                column="year"))
    if problems or indicator is None:
        raise InputError(f"cannot record a value for {ref}", problems)
    at = _utc(at or now())
    row = ManualValue(indicator_id=indicator.id, force_id=force_id, year=int(year),
                      value=float(value), evidence=str(evidence).strip(),
                      entered_by=by or current_user(), entered_at=at, source_id=source_id)
    session.add(row)
    session.flush()
    return {"ref": commitment.ref, "indicator": position, "force_id": force_id, "year": row.year,
            "value": row.value, "evidence": row.evidence, "entered_by": row.entered_by,
            "entered_at": row.entered_at}


def ensure_defaults(session: Session) -> bool:
    """Load the bundled national commitments if their file has not been loaded; True if it was.

    Each is effective from the date it was made (so reports as of earlier dates reproduce)."""

    digest = sha256_of(defaults.DEFAULT_FILE)
    if find_source(session, kind=defaults.KIND, sha256=digest) is not None:
        return False
    items = defaults.national_defaults()
    source = add_source(session, kind=defaults.KIND, path=defaults.DEFAULT_FILE, sha256=digest,
                        row_count=len(items), note="HeForShe national commitments (bundled)")
    held = set(session.scalars(select(Commitment.ref)))
    for item in items:
        if item["ref"] in held:
            continue
        made = parse_date(item["made"])
        add_commitment(session, data=item, by=defaults.BY, source_id=source.id,
                       effective_at=datetime.combine(made, time.min, tzinfo=UTC),
                       where=Where(defaults.DEFAULT_FILE.name))
    return True


def _change_dict(change: CommitmentChange) -> dict:
    return {"version": change.version, "action": change.action, "summary": change.summary,
            "changed_by": change.changed_by, "effective_at": _utc(change.effective_at),
            "recorded_at": _utc(change.recorded_at)}

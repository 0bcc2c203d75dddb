"""Reads and writes of commitments, and their status. Every front end and domain calls here.

Writes (each keeps the change in history, with who and when, and a snapshot of the commitment
as it stood after it):

- `add_commitment(session, *, data, by, at=None)` -> the commitment (export form + ids)
- `update_commitment(session, *, ref, data, by, at=None, note=None)` (a whole new version)
- `set_target(session, *, ref, position=1, target_value, target_date, by, at=None, note=None)`
- `link_article(session, *, ref, article, by, note=None, at=None)`
- `withdraw(session, *, ref, by, at=None, note=None)`
- `record_value(session, *, ref, position=1, force_id, year, value, evidence, by, at=None)`

Reads (``as_of``: a date or datetime; a report as of a date uses each commitment as it stood
then, manual values entered by then, and 31 March snapshots up to then):

- `list_commitments(session, *, force_id=None, as_of=None)`
- `get_commitment(session, *, ref, as_of=None)`
- `status(session, *, force_id=None, as_of=None, include_private=False) -> list[dict]`
- `review(session, *, force_id=None, years=1, as_of=None) -> list[dict]`
- `overview(session, *, as_of=None, include_btp=True) -> list[dict]` (force by force)
- `history(session, *, ref) -> list[dict]`
- `status_summary(session, *, as_of=None, include_btp=True) -> dict` (overview with counts)
- `as_of_for_year(year, *, today=None)`: the date a year's commitments are reported as of

With a force, lists and statuses cover the national commitments (adopted by every force,
measured on the force's figures) except those the force refines with its own, plus the force's
own. Without one, national commitments are measured for England and Wales and each force's
own on its force. Reads load the bundled national commitments first if none are held.
"""

from __future__ import annotations

import getpass
import os
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from parity import calendar as clock
from parity.commitments import defaults, metrics, providers
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
from parity.forces import registry
from parity.library import service as library
from parity.store.provenance import add_source, find_source, sha256_of

PRIVATE_REASON = ("it is measured on the force's own HR records, which are private: see "
                  "`parity commitments status` on the force's own database")


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
        ensure_defaults(session)
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


# reads -----------------------------------------------------------------------------------------
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


def _snapshots(session: Session, *, as_of: date | datetime | str | None) -> list[dict]:
    """Every commitment as it stood at `as_of` (now when None), oldest first."""
    limit = cutoff(as_of)
    latest: dict[int, tuple[datetime, int, dict]] = {}
    query = select(CommitmentChange.commitment_id, CommitmentChange.version,
                   CommitmentChange.effective_at, CommitmentChange.snapshot)
    for commitment_id, version, effective, snap in session.execute(query):
        effective = _utc(effective)
        if limit is not None and effective > limit:
            continue
        key = (effective, version)
        if commitment_id not in latest or key > latest[commitment_id][:2]:
            latest[commitment_id] = (effective, version, snap)
    return [latest[k][2] for k in sorted(latest)]


def _select(snaps: list[dict], force_id: str | None, include_withdrawn: bool
            ) -> list[tuple[dict, str | None]]:
    """(commitment, the force it is measured for) for a force, or for everyone."""
    snaps = [s for s in snaps if include_withdrawn or s["state"] == "active"]
    if force_id is None:
        return [(s, s["force"]) for s in snaps]
    own = [s for s in snaps if s["force"] == force_id]
    refined = {s["refines"] for s in own if s["refines"]}
    national = [s for s in snaps if s["scope"] == "national" and s["ref"] not in refined]
    return [(s, force_id) for s in national + own]


def _area_name(force_id: str | None) -> str:
    return "England and Wales" if force_id is None else registry().get(force_id).name


def _resolve_force(force_id: str | None) -> str | None:
    if force_id is None:
        return None

    return registry().force(force_id).id


def list_commitments(
    session: Session, *, force_id: str | None = None, as_of: date | datetime | str | None = None,
    include_withdrawn: bool = False,
) -> list[dict]:
    """The commitments (export form, with ``id``, ``version`` and ``adopted``: True for a
    national commitment listed for a force) as they stood at `as_of` (default now)."""
    ensure_defaults(session)
    force_id = _resolve_force(force_id)
    out = []
    for snap, _ in _select(_snapshots(session, as_of=as_of), force_id, include_withdrawn):
        item = {**export_form(snap), "id": snap["id"], "version": snap["version"]}
        item["adopted"] = force_id is not None and snap["scope"] == "national"
        out.append(item)
    return out


def get_commitment(session: Session, *, ref: str, as_of: date | datetime | str | None = None
                   ) -> dict:
    """One commitment as it stood at `as_of` (default now)."""
    ensure_defaults(session)
    commitment = _find(session, ref)
    for snap in _snapshots(session, as_of=as_of):
        if snap["id"] == commitment.id:
            return {**export_form(snap), "id": snap["id"], "version": snap["version"]}
    raise InputError(f"{commitment.ref} did not exist on {as_of}")


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[0].upper() + text[1:] if text else text
    return text if text.endswith(".") else text + "."


def _indicator_status(session: Session, indicator: dict, *, force_id: str | None,
                      last_year: int | None, limit: datetime | None,
                      include_private: bool = False) -> dict:
    unit = providers.unit_of(indicator)
    base = {
        "position": indicator["position"], "kind": indicator["kind"],
        "label": indicator["label"], "role": indicator["role"], "unit": unit,
        "direction": indicator["direction"], "params": indicator["params"],
        "target": indicator["target_value"], "target_date": indicator["target_date"],
    }
    provider = providers.REGISTRY.get(indicator["kind"])
    withheld = provider is not None and provider.private and not include_private
    if provider is None:
        series = providers.Series(reason=f"no provider for indicator kind "
                                         f"{indicator['kind']!r} in this build")
    elif withheld:
        # Figures from a force's own HR records are private (docs/decisions/0404, 0405):
        # public pages, the API and the report show the commitment as the force entered it
        # (target, any baseline it stated), never a figure computed from the records.
        series = providers.Series(reason=PRIVATE_REASON)
    else:
        series = provider.series(session, providers.Context(
            indicator, force_id, last_year, limit, moment=limit or cutoff(clock.today())))
    target_date = parse_date(indicator["target_date"]) if indicator["target_date"] else None
    judged = indicator["role"] == "measure"
    found = metrics.assess(
        series.values, baseline_year=indicator["baseline_year"],
        baseline_value=indicator["baseline_value"],
        target_value=indicator["target_value"] if judged else None,
        target_date=target_date if judged else None, direction=indicator["direction"],
        unit=unit, expected_years=series.expected_years,
        as_of=limit.date() if limit else clock.today(),
    )
    result = {**base, **found.as_dict()}
    if not series.values:
        result["reason"] = _sentence(series.reason or "no figures are held")
    result["change_1y"] = metrics.change_over(series.values, years=1)
    result["change_3y"] = metrics.change_over(series.values, years=3)
    result["evidence"] = {int(y): e for y, e in series.evidence.items()}
    if not judged:
        result["status"] = None
        result["reason"] = ("Context only: shown, not judged against a target"
                            + (f" ({series.reason})." if not series.values else "."))
    return result


def _commitment_status(session: Session, snap: dict, *, force_id: str | None,
                       last_year: int | None, limit: datetime | None,
                       include_private: bool = False) -> dict:
    indicators = [_indicator_status(session, i, force_id=force_id, last_year=last_year,
                                    limit=limit, include_private=include_private)
                  for i in snap["indicators"]]
    measured = [i for i in indicators if i["role"] == "measure"]
    item = {
        "ref": snap["ref"], "title": snap["title"], "theme": snap["theme"],
        "scope": snap["scope"], "owner": snap["owner"], "made": snap["made"],
        "refines": snap["refines"], "version": snap["version"],
        "force_id": force_id, "area": _area_name(force_id),
        "adopted": snap["scope"] == "national" and force_id is not None,
        "links": [dict(link) for link in snap["links"]],
    }
    if measured:
        status = metrics.combine(i["status"] for i in measured)
        decider = next(i for i in measured if i["status"] == status)
        reason = decider["reason"]
        if len(measured) > 1:
            reason = f"{decider['label']}: {reason[0].lower()}{reason[1:]}"
    else:
        status, decider = "no_data", None
        reason = ("It has no measured indicator: its figures are context only."
                  if indicators else "It has no indicator yet.")
    item.update({
        "status": status, "reason": reason,
        "baseline": decider["baseline"] if decider else None,
        "baseline_year": decider["baseline_year"] if decider else None,
        "latest": decider["latest"] if decider else None,
        "latest_year": decider["latest_year"] if decider else None,
        "target": decider["target"] if decider else None,
        "target_date": decider["target_date"] if decider else None,
        "progress": decider["progress"] if decider else None,
        "unit": decider["unit"] if decider else None,
        "indicators": indicators,
    })
    return item


def status(session: Session, *, force_id: str | None = None,
           as_of: date | datetime | str | None = None,
           include_private: bool = False) -> list[dict]:
    """Each commitment's status for a force (or nationally), as of a moment (default now).

    Each item has ``status`` (on_track, at_risk, off_track, no_data), ``reason`` (one
    sentence), and ``baseline``, ``latest``, ``target``, ``target_date``, ``progress``
    (fraction of the way from baseline to target) and ``unit`` from the indicator that decided
    the status (the worst of its measured indicators), and ``indicators`` with every one's
    figures, trend and 1- and 3-year changes. Values of unit ``share`` are fractions in [0, 1].

    Figures from a force's own HR records (``flow_rate`` indicators) are private: they are
    left out, the indicator being ``no_data`` with the reason, unless `include_private` (the
    command line, run by the force on its own database). Public pages, the API and the report
    never ask for them (docs/decisions/0404, 0405).
    """
    ensure_defaults(session)
    force_id = _resolve_force(force_id)
    limit = cutoff(as_of)
    last_year = metrics.snapshot_year(limit.date()) if limit is not None else None
    out = []
    for snap, measured_for in _select(_snapshots(session, as_of=as_of), force_id, False):
        item = _commitment_status(session, snap, force_id=measured_for, last_year=last_year,
                                  limit=limit, include_private=include_private)
        item["as_of"] = limit.isoformat() if limit else None
        out.append(item)
    return out


def _change_dict(change: CommitmentChange) -> dict:
    return {"version": change.version, "action": change.action, "summary": change.summary,
            "changed_by": change.changed_by, "effective_at": _utc(change.effective_at),
            "recorded_at": _utc(change.recorded_at)}


def history(session: Session, *, ref: str) -> list[dict]:
    """Every change to a commitment (version, action, summary, who, when) and every value
    entered for its manual indicators, oldest first."""
    ensure_defaults(session)
    commitment = _find(session, ref)
    changes = session.scalars(select(CommitmentChange).where(
        CommitmentChange.commitment_id == commitment.id).order_by(CommitmentChange.version))
    out = [{"ref": commitment.ref, **_change_dict(c)} for c in changes]
    positions = {i.id: i.position for i in commitment.indicators}
    if positions:
        values = session.scalars(select(ManualValue).where(
            ManualValue.indicator_id.in_(list(positions))).order_by(ManualValue.entered_at))
        for v in values:
            where = f" for {v.force_id}" if v.force_id else ""
            out.append({
                "ref": commitment.ref, "version": None, "action": "value recorded",
                "summary": f"indicator {positions[v.indicator_id]}{where}, 31 March {v.year}: "
                           f"{v.value:g} (evidence: {v.evidence})",
                "changed_by": v.entered_by, "effective_at": _utc(v.entered_at),
                "recorded_at": _utc(v.entered_at),
            })
    out.sort(key=lambda e: (e["effective_at"], e["version"] or 0))
    return out


def review(session: Session, *, force_id: str | None = None, years: int = 1,
           as_of: date | datetime | str | None = None,
           include_private: bool = False) -> list[dict]:
    """What changed over the last `years` (1 or 3 for the annual and three-year reviews): each
    commitment's status and latest figure now and `years` earlier, and its changes between."""
    if years < 1:
        raise InputError("a review covers one year or more")
    asked = cutoff(as_of)
    end = asked or now()
    # Without a date: everything held now, judged as of today (`clock.today`, which
    # PARITY_TODAY can fix), compared with the same day `years` earlier.
    anchor = asked or cast(datetime, cutoff(clock.today()))
    start = anchor.replace(year=anchor.year - years) \
        if not (anchor.month == 2 and anchor.day == 29) \
        else anchor.replace(year=anchor.year - years, day=28)
    current = status(session, force_id=force_id, as_of=asked, include_private=include_private)
    earlier = {item["ref"]: item for item in status(session, force_id=force_id, as_of=start,
                                                    include_private=include_private)}
    out = []
    for item in current:
        before = earlier.get(item["ref"])
        changes = [h for h in history(session, ref=item["ref"])
                   if start < h["effective_at"] <= end]
        change = None
        if before and item["latest"] is not None and before["latest"] is not None:
            change = item["latest"] - before["latest"]
        out.append({
            "ref": item["ref"], "title": item["title"], "area": item["area"],
            "years": years, "from": start, "to": end,
            "status": item["status"], "previous_status": before["status"] if before else None,
            "status_changed": before is None or before["status"] != item["status"],
            "latest": item["latest"], "latest_year": item["latest_year"],
            "previous_latest": before["latest"] if before else None,
            "previous_latest_year": before["latest_year"] if before else None,
            "change": change, "unit": item["unit"], "reason": item["reason"],
            "new": before is None, "changes": changes,
        })
    return out


def overview(session: Session, *, as_of: date | datetime | str | None = None,
             include_btp: bool = True, include_private: bool = False) -> list[dict]:
    """Force by force (the 43 territorial forces, and BTP unless told not to): the status of
    each commitment that applies to it and how many are in each status, for the national
    picture of the annual report."""
    forces = [f for f in registry().forces
              if f.territorial or (include_btp and f.kind == "national")]
    out = []
    for force in forces:
        items = status(session, force_id=force.id, as_of=as_of,
                       include_private=include_private)
        counts = {s: 0 for s in metrics.STATUSES}
        for item in items:
            counts[item["status"]] += 1
        out.append({
            "force_id": force.id, "force": force.name, "region": force.region,
            "counts": counts,
            "commitments": [{k: item[k] for k in ("ref", "refines", "title", "status", "reason",
                                                  "baseline", "latest", "target",
                                                  "target_date", "unit")} for item in items],
        })
    return out


def status_summary(session: Session, *, as_of: date | datetime | str | None = None,
                   include_btp: bool = True) -> dict:
    """The national picture of the commitments, force by force (for the web page and the
    annual report): `overview` (``forces``), how many force commitments are in each status
    (``totals``), and for each national commitment how many forces are in each status
    (``national``: a force's own commitment that refines a national one counts for it).

    ``columns`` are the national commitments in force (ref, title, theme, made), and each
    force row gains ``by_national``: {national ref: status of the commitment that stands for
    it}. A force's own commitments that refine nothing count only in ``totals``.
    """
    forces = overview(session, as_of=as_of, include_btp=include_btp)
    national = [c for c in list_commitments(session, as_of=as_of) if c["scope"] == "national"]
    columns = [{k: c[k] for k in ("ref", "title", "theme", "made")} for c in national]
    totals = {s: 0 for s in metrics.STATUSES}
    per_ref = {c["ref"]: {s: 0 for s in metrics.STATUSES} for c in columns}
    for row in forces:
        by_national = {}
        for item in row["commitments"]:
            totals[item["status"]] += 1
            key = item["refines"] or item["ref"]
            if key in per_ref:
                by_national[key] = item["status"]
                per_ref[key][item["status"]] += 1
        row["by_national"] = by_national
    limit = cutoff(as_of)
    return {
        "as_of": limit.isoformat() if limit else None,
        "columns": columns,
        "national": [{**c, "counts": per_ref[c["ref"]]} for c in columns],
        "totals": totals,
        "forces": forces,
    }


def as_of_for_year(year: int, *, today: date | None = None) -> date | None:
    """The date the commitments of a workforce year (31 March `year`) are reported as of: the
    eve of the next snapshot, 30 March of `year` + 1; None (now) while that is still to come.

    A report for 2023 so shows each commitment as it stood, and the values entered, by 30
    March 2024, whenever it is built; the figures are the snapshots up to 31 March 2023
    (docs/decisions/0505)."""
    moment = date(year + 1, 3, 30)
    return None if moment >= (today or clock.today()) else moment


def cited_articles(session: Session) -> list[str]:
    """Every article reference (an id or a URL, as entered) that some commitment cites.

    Reads only: unlike the listing functions it never loads the bundled commitments, so other
    domains can ask cheaply whether an article is cited at all."""
    return list(session.scalars(select(CommitmentLink.article).distinct()))


def cited_for(session: Session, *, ref: str | int) -> list[dict]:
    """The commitments that cite library article `ref`, by its id or its URL:
    ``[{ref, title, force_id, scope, note}]``."""
    article = library.get_article(session, ref=ref)
    # Read-only first: only when some link names this article are the commitments read
    # (their service may have to load its bundled commitments, a write, on a first read).
    if not any(library.cites(target, article) for target in cited_articles(session)):
        return []
    savepoint = session.begin_nested()
    try:
        items = list_commitments(session)
    finally:
        savepoint.rollback()  # list_commitments may load the bundled commitments: undo it
    out = []
    for item in items:
        for link in item.get("links") or []:
            if library.cites(link.get("article") or "", article):
                out.append({"ref": item["ref"], "title": item["title"],
                            "force_id": item.get("force"), "scope": item.get("scope"),
                            "note": link.get("note")})
                break
    return out

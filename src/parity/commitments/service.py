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
own on its force. Reads only read: the bundled national commitments are loaded once, by
`ensure_defaults` (a write), when ``parity serve`` starts and at the start of each command
that needs them (`parity.bundled`), never inside a read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from parity import calendar
from parity.commitments import metrics, providers
from parity.commitments.changes import _change_dict, _find, _utc
from parity.commitments.changes import (  # the writes, re-exported: callers use the service
    add_commitment as add_commitment,
)
from parity.commitments.changes import (
    articles_cited as articles_cited,
)
from parity.commitments.changes import (
    current_user as current_user,
)
from parity.commitments.changes import (
    cutoff as cutoff,
)
from parity.commitments.changes import (
    ensure_defaults as ensure_defaults,
)
from parity.commitments.changes import (
    library_lacks as library_lacks,
)
from parity.commitments.changes import (
    link_article as link_article,
)
from parity.commitments.changes import (
    now as now,
)
from parity.commitments.changes import (
    record_value as record_value,
)
from parity.commitments.changes import (
    set_target as set_target,
)
from parity.commitments.changes import (
    update_commitment as update_commitment,
)
from parity.commitments.changes import (
    withdraw as withdraw,
)
from parity.commitments.models import (
    CommitmentChange,
    CommitmentLink,
    ManualValue,
)
from parity.commitments.schemas import export_form
from parity.commitments.validation import parse_date
from parity.errors import InputError
from parity.forces import registry
from parity.library import service as library
from parity.workforce import service as workforce

PRIVATE_REASON = ("it is measured on the force's own HR records, which are private: see "
                  "`parity commitments status` on the force's own database")


# reads -----------------------------------------------------------------------------------------
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
            indicator, force_id, last_year, limit, moment=limit or cutoff(calendar.today())))
    target_date = parse_date(indicator["target_date"]) if indicator["target_date"] else None
    judged = indicator["role"] == "measure"
    found = metrics.assess(
        series.values, baseline_year=indicator["baseline_year"],
        baseline_value=indicator["baseline_value"],
        target_value=indicator["target_value"] if judged else None,
        target_date=target_date if judged else None, direction=indicator["direction"],
        unit=unit, expected_years=series.expected_years,
        as_of=limit.date() if limit else calendar.today(),
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
    force_id = _resolve_force(force_id)
    limit = cutoff(as_of)
    if limit is None:  # as of now: judged against today, never kept
        return _status(session, force_id=force_id, limit=None, include_private=include_private)
    # A report asks each force's status twice (the national picture, the force's section):
    # worked out once for the build.
    items = workforce.kept(
        ("commitments", "status", id(session), force_id, limit, include_private),
        lambda: _status(session, force_id=force_id, limit=limit,
                        include_private=include_private))
    return [dict(item) for item in items]


def _status(session: Session, *, force_id: str | None, limit: datetime | None,
            include_private: bool) -> list[dict]:
    last_year = metrics.snapshot_year(limit.date()) if limit is not None else None
    out = []
    for snap, measured_for in _select(_snapshots(session, as_of=limit), force_id, False):
        item = _commitment_status(session, snap, force_id=measured_for, last_year=last_year,
                                  limit=limit, include_private=include_private)
        item["as_of"] = limit.isoformat() if limit else None
        out.append(item)
    return out


def history(session: Session, *, ref: str) -> list[dict]:
    """Every change to a commitment (version, action, summary, who, when) and every value
    entered for its manual indicators, oldest first."""
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
    # Without a date: everything held now, judged as of today (`calendar.today`, which
    # PARITY_TODAY can fix), compared with the same day `years` earlier.
    anchor = asked or cast(datetime, cutoff(calendar.today()))
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
    moment = calendar.report_date(year)
    return None if moment >= (today or calendar.today()) else moment


def cited_articles(session: Session) -> list[str]:
    """Every article reference (an id or a URL, as entered) that some commitment cites.

    Reads only: unlike the listing functions it never loads the bundled commitments, so other
    domains can ask cheaply whether an article is cited at all."""
    return list(session.scalars(select(CommitmentLink.article).distinct()))


def cited_for(session: Session, *, ref: str | int) -> list[dict]:
    """The commitments that cite library article `ref`, by its id or its URL:
    ``[{ref, title, force_id, scope, note}]``."""
    article = library.get_article(session, ref=ref)
    # Only when some link names this article are the commitments read.
    if not any(library.cites(target, article) for target in cited_articles(session)):
        return []
    items = list_commitments(session)
    out = []
    for item in items:
        for link in item.get("links") or []:
            if library.cites(link.get("article") or "", article):
                out.append({"ref": item["ref"], "title": item["title"],
                            "force_id": item.get("force"), "scope": item.get("scope"),
                            "note": link.get("note")})
                break
    return out

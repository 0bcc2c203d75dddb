"""Shapes of a commitment outside the tables: the snapshot kept in history, the export form
(YAML), and the flat CSV form (one row per indicator).

A snapshot is the normalised commitment of `validation.check_commitment` plus the row ids
(``id`` of the commitment and of each indicator, so manual values can be found) and its
``version``. The export form is the snapshot without ids and version.
"""

from __future__ import annotations

from typing import Any

from parity.commitments.models import Commitment

CSV_COLUMNS = (
    "ref", "scope", "force", "refines", "title", "theme", "owner", "made", "summary", "state",
    "position", "kind", "label", "role", "params", "direction", "baseline_year", "baseline_value",
    "baseline_evidence", "target_value", "target_date", "links", "link_notes",
)
_COMMITMENT_COLUMNS = CSV_COLUMNS[:10]
_INDICATOR_COLUMNS = CSV_COLUMNS[10:21]
# Columns that belong to the commitment, repeated on each of its indicator rows.
REPEATED_COLUMNS = (*_COMMITMENT_COLUMNS, "links", "link_notes")


def snapshot(commitment: Commitment) -> dict:
    """The commitment as it stands, in the shape stored in history."""
    return {
        "id": commitment.id,
        "version": commitment.version,
        "ref": commitment.ref,
        "scope": commitment.scope,
        "force": commitment.force_id,
        "refines": commitment.parent_ref,
        "title": commitment.title,
        "theme": commitment.theme,
        "owner": commitment.owner,
        "made": commitment.made_on.isoformat(),
        "summary": commitment.summary,
        "state": commitment.state,
        "indicators": [
            {
                "id": i.id,
                "position": i.position,
                "kind": i.kind,
                "label": i.label,
                "role": i.role,
                "params": dict(i.params or {}),
                "direction": i.direction,
                "baseline_year": i.baseline_year,
                "baseline_value": i.baseline_value,
                "baseline_evidence": i.baseline_evidence,
                "target_value": i.target_value,
                "target_date": i.target_date.isoformat() if i.target_date else None,
            }
            for i in sorted(commitment.indicators, key=lambda i: i.position)
        ],
        "links": [{"article": link.article, "note": link.note} for link in commitment.links],
    }


def export_form(snap: dict) -> dict:
    """A snapshot without row ids and version: what `export` writes and `import` reads."""
    out = {k: v for k, v in snap.items() if k not in ("id", "version")}
    out["indicators"] = [{k: v for k, v in i.items() if k != "id"} for i in snap["indicators"]]
    out["links"] = [dict(link) for link in snap["links"]]
    return out


def _params_text(params: dict) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(params.items()))


def _cell(value) -> str:  # noqa: ANN001
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def to_csv_rows(commitments: list[dict]) -> list[dict[str, str]]:
    """Flat rows (one per indicator; a commitment without indicators gets one row)."""
    rows = []
    for c in commitments:
        head = {k: _cell(c.get(k)) for k in _COMMITMENT_COLUMNS}
        links = c.get("links", [])
        head["links"] = " | ".join(link["article"] for link in links)
        # One line per link, in the order of `links` (notes are kept on one line each).
        head["link_notes"] = "\n".join(link.get("note") or "" for link in links).rstrip("\n")
        for indicator in c.get("indicators") or [None]:
            row = dict(head)
            for k in _INDICATOR_COLUMNS:
                value = indicator.get(k) if indicator else None
                row[k] = _params_text(value) if k == "params" and value else _cell(value)
            rows.append(row)
    return rows


def csv_links(links: str | None, notes: str | None) -> list[dict]:
    """The links of a CSV row: articles separated by ``|``, and their notes one a line."""
    articles = [a.strip() for a in (links or "").split("|") if a.strip()]
    lines = (notes or "").split("\n") if (notes or "").strip() else []
    if len(lines) > len(articles):
        raise ValueError(f"{len(lines)} notes for {len(articles)} links (one note a line, "
                         "in the order of the links)")
    lines += [""] * (len(articles) - len(lines))
    return [{"article": a, "note": n.strip() or None} for a, n in zip(articles, lines,
                                                                       strict=True)]


def from_csv_rows(rows: list[tuple[int, dict[str, str]]]) -> list[tuple[int, dict, list[int]]]:
    """Group flat rows (with their row numbers) back into commitments, keyed by ``ref`` (rows
    without a ref each make their own commitment). Returns (first row number, commitment,
    the row number of each of its indicators). Links stay as the CSV text (``links`` and
    ``link_notes``) for the caller to read with `csv_links`."""
    grouped: dict[str, tuple[int, dict, list[int]]] = {}
    order: list[str] = []
    for number, row in rows:
        key = (row.get("ref") or "").strip() or f"#row{number}"
        if key not in grouped:
            commitment: dict[str, Any] = {k: row.get(k) for k in _COMMITMENT_COLUMNS}
            commitment["links"] = row.get("links") or ""
            commitment["link_notes"] = row.get("link_notes") or ""
            commitment["indicators"] = []
            grouped[key] = (number, commitment, [])
            order.append(key)
        indicator = {k: row.get(k) for k in _INDICATOR_COLUMNS if k != "position"}
        if any((v or "").strip() for v in indicator.values()):
            grouped[key][1]["indicators"].append(indicator)
            grouped[key][2].append(number)
    return [grouped[k] for k in order]

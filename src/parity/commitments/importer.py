"""Import and export of commitments as YAML or CSV.

YAML holds ``commitments:``, a list in the export form (`schemas.export_form`); CSV holds one
row per indicator with the commitment's columns repeated (`schemas.CSV_COLUMNS`). An import is
all-or-nothing: every row is checked first and all problems are reported together (file, row,
column); then commitments are added, or, for a ``ref`` already held, updated (a new version in
history when anything differs). The same file imported twice changes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from parity.budget import load_yaml
from parity.commitments import schemas, service
from parity.commitments.models import Commitment
from parity.commitments.validation import Where, check_commitment
from parity.errors import InputError, Problem
from parity.forces import registry
from parity.present.cells import csv_text, restore
from parity.store.provenance import add_source, find_source, sha256_of

KIND = "commitments"
FORMATS = ("yaml", "csv")


@dataclass
class ImportResult:
    file: str
    status: str  # imported | unchanged
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    source_id: int | None = None


def _count(problems: list[Problem]) -> str:
    return "1 problem" if len(problems) == 1 else f"{len(problems)} problems"


def format_of(path: Path, fmt: str | None = None) -> str:
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    fmt = "yaml" if fmt == "yml" else fmt
    if fmt not in FORMATS:
        raise InputError(f"{path.name}: expected a .yaml, .yml or .csv file (or --format)")
    return fmt


def read_items(path: Path, fmt: str) -> list[tuple[Where, dict]]:
    """The commitments a file holds, each with where it was found (`InputError` for a file
    that cannot be read as commitments)."""
    items, problems = _read(path, fmt)
    if problems:
        raise InputError(f"{path.name}: {_count(problems)}; nothing was imported", problems)
    return items


def _read(path: Path, fmt: str) -> tuple[list[tuple[Where, dict]], list[Problem]]:
    """The commitments a file holds, and the problems of a readable CSV's layout (reported
    with those of the commitments themselves); `InputError` for an unreadable file."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: cannot read the file ({exc})") from exc
    if "\x00" in text:  # no database stores a NUL character in text
        lines = [n for n, line in enumerate(text.splitlines(), start=1) if "\x00" in line]
        raise InputError(f"{name}: NUL characters in the file (binary data?)",
                         [Problem(name, "expected text; found a NUL character", row=n)
                          for n in lines[:20]])
    if fmt == "csv":
        try:
            table = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise InputError(f"{name}: not a readable CSV file",
                             [Problem(name, f"the CSV reader said: {exc}")]) from exc
        header = table[0] if table else []
        missing = [c for c in ("title", "theme", "made") if c not in header]
        unknown = [c for c in header if c not in schemas.CSV_COLUMNS]
        repeated = sorted({c for c in header if header.count(c) > 1})
        problems = [Problem(name, "missing column", row=1, column=c) for c in missing]
        problems += [Problem(name, f"unknown column (expected: "
                                   f"{', '.join(schemas.CSV_COLUMNS)})", row=1, column=c)
                     for c in unknown]
        problems += [Problem(name, "the column appears more than once", row=1, column=c)
                     for c in repeated]
        problems += [Problem(name, f"{len(cells)} cells; the header has {len(header)}",
                             row=number)
                     for number, cells in enumerate(table[1:], start=2)
                     if len(cells) > len(header)]
        if problems:
            raise InputError(f"{name}: not a commitments CSV", problems)
        rows = [(number, dict(zip(header, map(restore, cells), strict=False)))
                for number, cells in enumerate(table[1:], start=2) if any(cells)]
        problems = _repeated_cells_agree(name, rows)
        out = []
        for number, item, indicator_rows in schemas.from_csv_rows(rows):
            try:
                item["links"] = schemas.csv_links(item["links"], item.pop("link_notes"))
            except ValueError as exc:
                problems.append(Problem(name, str(exc), row=number, column="link_notes"))
            if "link_notes" not in header:  # notes not given: those held are kept
                item["links"] = [{"article": link["article"]} for link in item["links"]]
            out.append((Where(name, number, indicator_rows=indicator_rows), item))
        return out, problems
    try:
        data = load_yaml(text, name=name)
    except yaml.YAMLError as exc:
        raise InputError(f"{name}: not valid YAML ({exc})") from exc
    except (ValueError, OverflowError) as exc:  # an impossible date such as 2020-13-45
        raise InputError(f"{name}: a value YAML cannot read ({exc}); quote it",
                         [Problem(name, f"the YAML reader said: {exc}")]) from exc
    items = data.get("commitments") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(f"{name}: expected a list under 'commitments:'",
                         [Problem(name, "expected 'commitments:' holding a list")])
    located = _yaml_lines(text)
    out = []
    for number, item in enumerate(items, start=1):
        line, field_lines, indicator_lines = located[number - 1] if number <= len(located) \
            else (None, {}, [])
        prefix = f"commitments[{number}]."
        indicators = [Where(name, at, f"{prefix}indicators[{n}].", lines=fields)
                      for n, (at, fields) in enumerate(indicator_lines, start=1)]
        where = Where(name, line, prefix, lines=field_lines, indicators=indicators)
        if not isinstance(item, dict):
            raise InputError(f"{name}: commitment {number} is not a mapping",
                             [where.problem(None, "expected a mapping of fields")])
        out.append((where, item))
    return out, []


def _yaml_lines(text: str) -> list[tuple[int, dict[str, int], list[tuple[int, dict[str, int]]]]]:
    """For each commitment of a YAML file: its line, the line of each of its fields, and the
    same for each of its indicators (lines from 1), so that problems name a line."""
    def fields(node: yaml.Node) -> dict[str, int]:
        if not isinstance(node, yaml.MappingNode):
            return {}
        return {str(k.value): k.start_mark.line + 1 for k, _ in node.value
                if isinstance(k, yaml.ScalarNode)}

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except Exception:  # noqa: BLE001 - lines only help to locate problems; never fail on them
        return []
    items = root
    if isinstance(root, yaml.MappingNode):
        items = next((v for k, v in root.value if getattr(k, "value", None) == "commitments"),
                     None)
    if not isinstance(items, yaml.SequenceNode):
        return []
    out = []
    for item in items.value:
        indicators: list[tuple[int, dict[str, int]]] = []
        if isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                if getattr(key, "value", None) == "indicators" and \
                        isinstance(value, yaml.SequenceNode):
                    indicators = [(i.start_mark.line + 1, fields(i)) for i in value.value]
        out.append((item.start_mark.line + 1, fields(item), indicators))
    return out


def _keep_held_notes(item: dict, held: dict[str, Commitment]) -> None:
    """A link given without a note (a CSV without ``link_notes``, a bare URL in YAML) keeps
    the note held for it; an explicit empty note clears it."""
    ref = str(item.get("ref") or "").strip()
    links = item.get("links")
    if ref not in held or not isinstance(links, list):
        return
    notes = {link.article: link.note for link in held[ref].links}
    item["links"] = [
        {**link, "note": notes.get(str(link.get("article") or "").strip())}
        if isinstance(link, dict) and "note" not in link
        else {"article": link, "note": notes.get(link.strip())} if isinstance(link, str)
        else link
        for link in links
    ]


def _repeated_cells_agree(name: str, rows: list[tuple[int, dict[str, str]]]) -> list[Problem]:
    """A commitment's columns, repeated on each of its indicator rows, must say the same on
    every row (a blank repeats the first); otherwise which one holds is not clear."""
    first: dict[str, tuple[int, dict[str, str]]] = {}
    problems = []
    for number, row in rows:
        ref = (row.get("ref") or "").strip()
        if not ref:
            continue
        if ref not in first:
            first[ref] = (number, row)
            continue
        where, seen = first[ref]
        for column in schemas.REPEATED_COLUMNS:
            value, before = (row.get(column) or "").strip(), (seen.get(column) or "").strip()
            if value and value != before:
                problems.append(Problem(name, f"differs from row {where} of {ref} "
                                              f"({before!r} there)", row=number, column=column))
    return problems


def import_commitments(session: Session, *, path: Path | str, fmt: str | None = None,
                       by: str | None = None, at: datetime | None = None) -> ImportResult:
    """Import commitments from a YAML or CSV file (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    fmt = format_of(path, fmt)
    digest = sha256_of(path)
    result = ImportResult(file=path.name, status="unchanged")
    if find_source(session, kind=KIND, sha256=digest) is not None:
        return result
    items, problems = _read(path, fmt)
    held = {c.ref: c for c in session.scalars(select(Commitment))}
    in_file_national = set()
    specs = []
    for where, item in items:
        _keep_held_notes(item, held)
        spec, found = check_commitment(item, where=where)
        problems += found
        specs.append((where, item, spec))
        if spec["ref"] and spec["scope"] == "national":
            in_file_national.add(spec["ref"])
    seen: set[str] = set()
    for where, _, spec in specs:
        ref = spec["ref"]
        if ref:
            if ref in seen:
                problems.append(where.problem("ref", f"{ref!r} appears twice in the file"))
            seen.add(ref)
        existing = held.get(ref) if ref else None
        if existing is not None and (existing.scope, existing.force_id) != (spec["scope"],
                                                                          spec["force"]):
            problems.append(where.problem("scope", f"{ref} is held as a {existing.scope} "
                                                   "commitment of another force or scope"))
        held_links = {link.article for link in existing.links} if existing is not None \
            else set()
        for link in spec["links"]:
            if link["article"].isdigit() and link["article"] not in held_links:
                missing = service.library_lacks(session, link["article"])
                if missing:
                    problems.append(where.problem("links", missing))
        parent = spec["refines"]
        if parent and parent not in in_file_national and not (
                parent in held and held[parent].scope == "national"):
            problems.append(where.problem("refines", f"no national commitment {parent!r}"))
    if problems:
        raise InputError(f"{path.name}: {_count(problems)}; nothing was imported", problems)
    # Everything was checked above; the caller commits (or rolls back) the whole import.
    source = add_source(session, kind=KIND, path=path, sha256=digest, row_count=len(specs))
    result.source_id, result.status = source.id, "imported"
    note = f"imported from {path.name}"
    # National commitments first, so that force commitments in the file can refine them.
    for where, item, spec in sorted(specs, key=lambda s: s[2]["scope"] != "national"):
        ref = spec["ref"]
        if ref and ref in held:
            change = service.update_commitment(session, ref=ref, data=item, by=by, at=at,
                                               note=note, where=where)
            (result.updated if change else result.unchanged).append(ref)
        else:
            added = service.add_commitment(session, data=item, by=by, at=at,
                                           source_id=source.id, where=where)
            result.added.append(added["ref"])
            held[added["ref"]] = session.get_one(Commitment, added["id"])
    return result


def export_commitments(session: Session, *, force_id: str | None = None) -> list[dict]:
    """Current commitments in the export form (a force's own with `force_id`; else all,
    national first), withdrawn ones included with their state."""
    items = service.list_commitments(session, include_withdrawn=True)
    if force_id is not None:
        force_id = registry().force(force_id).id
        items = [c for c in items if c["force"] == force_id]
    return [{k: v for k, v in c.items() if k not in ("id", "version", "adopted")} for c in items]


def render(items: list[dict], fmt: str) -> str:
    """The export file's text."""
    if fmt == "yaml":
        header = ("# Parity commitments export (parity commitments export --format yaml).\n"
                  "# Shares are fractions in [0, 1]; years are 31 March snapshot years.\n")
        return header + yaml.safe_dump({"commitments": items}, sort_keys=False,
                                       allow_unicode=True)
    return csv_text(schemas.CSV_COLUMNS, ([row.get(c, "") for c in schemas.CSV_COLUMNS]
                                          for row in schemas.to_csv_rows(items)))

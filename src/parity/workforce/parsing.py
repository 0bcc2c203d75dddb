"""Reading and checking the Home Office *Police workforce, England and Wales* open data table.

The table as published (ODS, sheet ``Data``) or saved as CSV or XLSX by a spreadsheet program,
its columns matched by meaning (`parity.workforce.columns`): `parse` validates every row and
refuses the whole file, naming file, sheet, row and column, at the first look at a problem.
Nothing here touches the database (`parity.workforce.loading` stores what it gives).
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

from parity import vocabulary as v
from parity.errors import InputError, Problem
from parity.forces import registry
from parity.tabular import Sheet, cell_text, read_sheets, round_figure
from parity.workforce.columns import REQUIRED, Layout, find_layout, is_bundled, letter

# The columns as the 2023 edition names them; `parity.workforce.columns` matches others.
COLUMNS = (
    "As at 31 March...", "Geo code", "Force Name", "Region", "Sex", "Rank description",
    "Worker type", "Total (headcount)", "Total (FTE)",
)
MAX_PROBLEMS = 200
MAX_COUNT = 1_000_000  # no force has a million people; larger is a damaged cell
_NOT_APPLICABLE = {"", "n/a", "na", ".."}


class _Problems:
    def __init__(self, file: str, sheet: str | None):
        self.file, self.sheet = file, sheet
        self.items: list[Problem] = []

    def add(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(self.file, message, self.sheet, row, column))

    def raise_if_any(self, reason: str) -> None:
        if self.items:
            count = len(self.items)
            more = "+" if count >= MAX_PROBLEMS else ""
            noun = "problem" if count == 1 else "problems"
            raise InputError(f"{self.file}: {reason} ({count}{more} {noun})", self.items)


def find_table(path: Path, sheets: list[Sheet]) -> tuple[Sheet, Layout]:
    """The sheet whose first row is the open data table's header (its columns matched by
    meaning, `parity.workforce.columns`) and where each column is, or a clear refusal."""
    found = find_layout(path.name, sheets)
    if found is None:
        raise _not_the_table(path, sheets)
    return found


def _not_the_table(path: Path, sheets: list[Sheet]) -> InputError:
    """The refusal of a file none of whose sheets is the table, with what each sheet starts
    with (sheet, row, column), so that one can see what was given instead."""
    names = ", ".join(repr(s.name) for s in sheets if s.name) or "(CSV)"
    items = [Problem(path.name, "no sheet starts with the columns " + ", ".join(COLUMNS)
                     + f" (or their aliases, docs/workforce.md); sheets found: {names}")]
    for sheet in sheets:
        top = next((i for i, r in enumerate(sheet.rows) if any(cell_text(c) for c in r)), None)
        if top is None:
            continue
        cells = sheet.rows[top]
        column = next(i for i, c in enumerate(cells) if cell_text(c))
        text = cell_text(cells[column])
        text = text if len(text) <= 90 else text[:89] + "…"
        items.append(Problem(path.name, f"expected the header {COLUMNS[0]!r}, found {text!r}",
                             sheet.name, top + 1, letter(column)))
    return InputError(f"{path.name}: not a Home Office workforce open data table", items)


def _number(value: object) -> float | None:
    """A count cell: a number, '-' for zero (as printed in the tables), or None if not one
    (NaN, infinities and counts beyond `MAX_COUNT` are not)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = cell_text(value).replace(",", "")
        if text == "-":
            return 0.0
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) and abs(number) <= MAX_COUNT else None


def parse(path: Path | str) -> tuple[list[dict], set[tuple[int, str]]]:
    """Validate the whole file; return the rows to store and the (year, force) pairs covered.

    Raises `InputError` listing every problem found (up to 200), naming file, sheet, row and
    column.
    """
    path = Path(path)
    sheet, layout = find_table(path, read_sheets(path, bundled=is_bundled(path)))
    problems = _Problems(path.name, sheet.name)
    col = layout.col
    reg = registry()
    force_cache: dict[object, str | None] = {}
    label_cache: dict[tuple[str, str], str | None] = {}

    def label(table_name: str, table: dict[str, str], value: object) -> str | None:
        key = (table_name, str(value))
        if key not in label_cache:
            label_cache[key] = v.lookup(table, cell_text(value))
        return label_cache[key]

    out: list[dict] = []
    seen: dict[tuple, int] = {}
    years: dict[object, int | None] = {}
    start = layout.header_row + 2
    width = layout.width
    at = layout.index
    i_year, i_force, i_sex, i_rank, i_type, i_head, i_fte = (at[m] for m in REQUIRED)
    i_code = at.get("geo_code")
    after = sorted(at.items(), key=lambda item: item[1])
    for number, cells in sheet.numbered(start):
        if len(cells) < width:
            if any(cell_text(c) for c in cells):
                cut = next(m for m, i in after if i >= len(cells))
                problems.add(number, col(cut),
                             f"the row ends after {len(cells)} columns; expected {width}")
            continue
        year_v, force_v, sex_v, rank_v, type_v, head_v, fte_v = (
            cells[i_year], cells[i_force], cells[i_sex], cells[i_rank], cells[i_type],
            cells[i_head], cells[i_fte])
        code_v = cells[i_code] if i_code is not None else ""
        if year_v == "" and force_v == "" and sex_v == "" and head_v == "":
            if not any(cell_text(c) for c in cells[:width]):
                continue
        if year_v not in years:
            y = _number(year_v)
            years[year_v] = int(y) if y is not None and y.is_integer() and 1990 <= y <= 2100 \
                else None
        year = years[year_v]
        if year is None:
            problems.add(number, col("year"), f"expected a year such as 2023, found {cell_text(year_v)!r}")
            continue
        force_key = (force_v, code_v)
        if force_key not in force_cache:
            name = cell_text(force_v)
            found = reg.find_force(name) if name else None
            force_cache[force_key] = found.id if found else None
            if found and cell_text(code_v) not in {"", "N/A"} and found.code \
                    and cell_text(code_v) != found.code:
                force_cache[force_key] = None  # refused below, row by row
        force_id = force_cache[force_key]
        if force_id is None:
            try:
                found = reg.force(cell_text(force_v))
            except InputError as exc:
                problems.add(number, col("force"), exc.reason)
            else:
                problems.add(number, col("geo_code"), f"geo code {cell_text(code_v)!r} does not "
                             f"match {cell_text(force_v)!r} (expected {found.code})")
            continue
        sex = label("sex", v.SEXES, sex_v)
        if sex is None:
            problems.add(number, col("sex"), f"unknown sex category {cell_text(sex_v)!r}; expected "
                         + ", ".join(v.SEXES.values()))
            continue
        worker_type = label("type", v.WORKER_TYPES, type_v)
        if worker_type is None:
            problems.add(number, col("worker_type"), f"unknown worker type {cell_text(type_v)!r}; expected "
                         + ", ".join(v.WORKER_TYPES.values()))
            continue
        rank = label(worker_type, v.ROLES[worker_type], rank_v)
        if rank is None:
            problems.add(number, col("rank"), f"unknown rank {cell_text(rank_v)!r} for "
                         f"{v.WORKER_TYPES[worker_type]}; expected "
                         + ", ".join(v.ROLES[worker_type].values()))
            continue
        # Fast path for the usual case (a float read from the spreadsheet); NaN fails the
        # comparison and goes the slow way, which refuses it.
        headcount = head_v if type(head_v) is float and 0.0 <= head_v <= MAX_COUNT \
            else _number(head_v)
        if headcount is None or headcount < 0:
            problems.add(number, col("headcount"),
                         f"expected a headcount of 0 or more, found {cell_text(head_v)!r}")
            continue
        if not headcount.is_integer():
            problems.add(number, col("headcount"),
                         f"expected a headcount (whole people), found {cell_text(head_v)!r}")
            continue
        fte = fte_v if type(fte_v) is float and 0.0 <= fte_v <= MAX_COUNT else _number(fte_v)
        if fte is None:
            if worker_type in v.HEADCOUNT_ONLY and cell_text(fte_v).casefold() in _NOT_APPLICABLE:
                fte = None  # not applicable: headcount only, never zero
            else:
                problems.add(number, col("fte"),
                             f"expected an FTE of 0 or more, found {cell_text(fte_v)!r}")
                continue
        elif fte < 0:
            problems.add(number, col("fte"), f"expected an FTE of 0 or more, found {fte:g}")
            continue
        elif fte > headcount + 1e-6:  # a full-time equivalent is at most one per person
            problems.add(number, col("fte"), f"expected an FTE of at most the headcount "
                         f"({headcount:g}), found {fte:g}")
            continue
        if fte is not None:
            fte = round_figure(fte)  # as a re-saved copy gives it too
        key = (year, force_id, worker_type, rank, sex)
        if key in seen:
            problems.add(number, None, f"duplicates row {seen[key]} (same year, force, sex, "
                         "rank and worker type)")
            continue
        seen[key] = number
        out.append({
            "source_row": number, "year": year, "force_id": force_id,
            "worker_type": worker_type, "rank": rank, "sex": sex,
            "headcount": headcount, "fte": fte,
        })
    if not out and not problems.items:
        problems.add(None, None, "the table has a header but no data rows")
    problems.raise_if_any("refused; nothing was imported")
    _check_complete(path.name, sheet.name, out, col("force"))
    return out, {(r["year"], r["force_id"]) for r in out}


def _check_complete(file: str, sheet: str | None, rows: list[dict], force_column: str) -> None:
    """A table cut short fails: every force in a year must have the same rows as the others,
    and every year the same Home Office forces (the 43 territorial forces and BTP) as the
    others. Other UK forces, loaded from files of their own, are not held to the second rule."""
    reg = registry()
    combos: dict[int, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    last_row: dict[tuple[int, str], int] = {}
    last_row_of_year: dict[int, int] = {}
    for r in rows:
        combos[r["year"]][r["force_id"]].add((r["worker_type"], r["rank"], r["sex"]))
        last_row[(r["year"], r["force_id"])] = r["source_row"]
        last_row_of_year[r["year"]] = max(r["source_row"], last_row_of_year.get(r["year"], 0))
    problems = _Problems(file, sheet)
    for year, by_force in sorted(combos.items()):
        full = set().union(*by_force.values())
        for force_id, have in by_force.items():
            missing = full - have
            if missing:
                sample = "; ".join(
                    f"{v.WORKER_TYPES[t]} / {v.ROLES[t][r]} / {v.SEXES[s]}"
                    for t, r, s in sorted(missing)[:3])
                problems.add(last_row[(year, force_id)], None,
                             f"{reg.get(force_id).name} {year} lacks {len(missing)} of the "
                             f"{len(full)} rows the other forces have ({sample}...): "
                             "is the file truncated?")
    home_office = {
        year: {f for f in by_force if reg.get(f).kind != "other_uk"}
        for year, by_force in combos.items()
    }
    every = set().union(*home_office.values()) if home_office else set()
    for year, held in sorted(home_office.items()):
        missing_forces = sorted(reg.get(f).name for f in every - held)
        if held and missing_forces:
            listed = ", ".join(missing_forces[:5]) + (", ..." if len(missing_forces) > 5 else "")
            problems.add(last_row_of_year[year], force_column,
                         f"{year} has {len(held)} of the {len(every)} forces the other years "
                         f"have (no rows for {listed}): is the file truncated?")
    problems.raise_if_any("refused as incomplete; nothing was imported")

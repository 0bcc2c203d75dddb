"""Benchmark: the reading budget's check of an ODS (`parity.budget.check_spreadsheet`), the
scanner as it is against the one it replaced (kept below as `old_ods_grids`, the reference).

The check runs before every import of a spreadsheet a user hands over (`parity import
workforce FILE`, every upload). Timed on the Home Office workforce table as a user downloads it
(a copy outside the package, as bench_workforce.py makes one: content.xml expands to 38 MB), on
the same table with its rows on lines of their own (as other programs write them), and on the
Home Office bulletin's tables (14 small sheets). First both scanners must measure the same
sheets; then each file is checked:

- in new processes (start-up and imports included: what a command pays), alternately, with a
  process that only imports the budget's module for scale (`_common.Contest`);
- in-process (marked so: the check alone), alternately, several runs, medians.

    .venv/bin/python bench/bench_budget.py [--runs 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _common import Contender, Contest, load

ROOT = Path(__file__).resolve().parents[1]
WORKFORCE = ROOT / "src" / "parity" / "data" / "open-data-table-police-workforce-260723.ods"
BULLETIN = ROOT / "tests" / "data" / "home-office" / "police-workforce-sep19-tables.ods"


# --- the scanner replaced on 2026-12-04, as it was (the reference) ----------------------------

_ODS_ROW = re.compile(rb"<(/?)(?:[\w.-]+:)?(table-row|table)(?=[\s/>])([^>]*?)(/?)>")
_ODS_CELL = re.compile(rb"<(?:[\w.-]+:)?(?:covered-)?table-cell(?=[\s/>])")
_ROWS_REPEATED = re.compile(rb'number-rows-repeated="(\d{1,12})"')
_COLUMNS_REPEATED = re.compile(rb'number-columns-repeated="(\d{1,12})"')
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?table-row>")


def _old_ods_rows(archive, member):  # noqa: ANN001, ANN202
    from parity import budget

    carry = b""
    for chunk in budget._chunks(archive, member):
        data = carry + chunk
        ends = list(_ROW_END.finditer(data, max(0, len(carry) - 32)))
        last = ends[-1] if ends else None
        if last is None:
            if len(data) > budget._LONGEST_ROW:
                raise budget._Refusal(f"{member.filename} holds a row longer than "
                                      f"{budget._LONGEST_ROW >> 20} MB")
            carry = data
            continue
        carry = data[last.end():]
        yield data[:last.end()]
    if carry:
        yield carry


def _old_last_value_column(row: bytes) -> int:
    last = max(row.rfind(b"value-type="), row.rfind(b":p>"), row.rfind(b":p "))
    if last < 0:
        return 0
    end = row.find(b">", last)
    head = row[:end + 1 if end >= 0 else len(row)]
    return len(_ODS_CELL.findall(head)) + sum(int(n) - 1 for n in _COLUMNS_REPEATED.findall(head))


def old_ods_grids(archive, member):  # noqa: ANN001, ANN201
    from parity import budget

    budget._no_doctype(archive, member)
    grids = []
    grid = budget._Grid()
    row = 0
    for piece in _old_ods_rows(archive, member):
        start = repeats = 0
        for match in _ODS_ROW.finditer(piece):
            closing, kind, attributes, empty = match.groups()
            if kind == b"table":
                if not closing:
                    grid = budget._Grid()
                    grids.append(grid)
                    row = 0
            elif not closing:
                found = _ROWS_REPEATED.search(attributes)
                repeats = int(found.group(1)) if found else 1
                start = match.end()
                if empty:
                    row += repeats
            else:
                columns = _old_last_value_column(piece[start:match.start()])
                if columns:
                    grid.rows = max(grid.rows, row + repeats)
                    grid.columns = max(grid.columns, columns)
                    if grid.cells() > budget.MAX_CELLS:
                        raise budget._Refusal(f"{member.filename} has a value at row "
                                              f"{grid.rows:,}, column {grid.columns:,} "
                                              f"({grid.cells():,} cells)")
                row += repeats
    return grids


def check(path: str, which: str) -> None:
    """The whole check of `path` with the new scanner, or the old one in its place."""
    from parity import budget

    if which == "old":
        budget._ods_grids = old_ods_grids
    budget.check_spreadsheet(path)


# --- the files ---------------------------------------------------------------------------------

def _rows_on_lines(source: Path, path: Path) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "content.xml":
                data = data.replace(b"<table:table-row", b"\n  <table:table-row")
            new.writestr(info, data)
    return path


def files(folder: Path) -> dict[str, Path]:
    download = folder / WORKFORCE.name  # a downloaded copy: checked, as the bundled one is not
    download.write_bytes(WORKFORCE.read_bytes())
    return {"workforce table, a downloaded copy": download,
            "the same, rows on lines of their own": _rows_on_lines(WORKFORCE,
                                                                   folder / "rows-on-lines.ods"),
            "bulletin tables (14 sheets)": BULLETIN}


def grids(path: Path, scanner) -> list[tuple[int, int]]:  # noqa: ANN001
    with zipfile.ZipFile(path) as archive:
        return [(g.rows, g.columns) for g in scanner(archive, archive.getinfo("content.xml"))]


def in_process(paths: dict[str, Path], runs: int) -> None:
    from parity import budget

    new = budget._ods_grids
    print(f"\nin-process (the check alone, no start-up), {runs} runs each, alternating; {load()}")
    print(f"  {'':38} {'old median s':>12} {'new median s':>12} {'old/new':>8}")
    for name, path in paths.items():
        times: dict[str, list[float]] = {"old": [], "new": []}
        for _ in range(runs):
            for which, scanner in (("old", old_ods_grids), ("new", new)):
                budget._ods_grids = scanner
                start = time.perf_counter()
                budget.check_spreadsheet(path)
                times[which].append(time.perf_counter() - start)
        budget._ods_grids = new
        old, now = statistics.median(times["old"]), statistics.median(times["new"])
        print(f"  {name:38} {old:12.3f} {now:12.3f} {old / now:7.1f}x")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        check(sys.argv[3], sys.argv[2])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from parity import budget

    print(f"parity.budget from {budget.__file__}")
    with tempfile.TemporaryDirectory() as tmp:
        paths = files(Path(tmp))
        for name, path in paths.items():
            old, new = grids(path, old_ods_grids), grids(path, budget._ods_grids)
            assert old == new, (name, old, new)
            print(f"{name}: {len(new)} sheets, the largest {max(r * c for r, c in new):,} "
                  "cells, the same by both scanners")
        for name, path in paths.items():
            contest = Contest(f"check_spreadsheet, {name}", [
                Contender("new scanner", [sys.executable, __file__, "--child", "new",
                                          str(path)]),
                Contender("old scanner", [sys.executable, __file__, "--child", "old",
                                          str(path)]),
                Contender("(importing the module alone)",
                          [sys.executable, "-c", "import parity.budget"]),
            ]).run(args.runs)
            contest.print()
            new, old = contest.contenders[0], contest.contenders[1]
            print(f"  old/new: {old.median / new.median:.2f}x whole process; the check alone "
                  f"(less the import-only process) {old.median - contest.contenders[2].median:.3f}"
                  f" s -> {new.median - contest.contenders[2].median:.3f} s")
        in_process(paths, args.runs)


if __name__ == "__main__":
    main()

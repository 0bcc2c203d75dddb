"""Pay code classes: what each line of a payroll counts as in the statutory figures.

Offers:

- `CLASSES` — the five classes (``ordinary``, ``bonus``, ``excluded``, ``leave``,
  ``sacrifice``), each with the paragraph of the regulations it comes from;
- `read_codes(path)` — a pay code table (CSV or XLSX: ``code``, ``description``, ``class``,
  optional ``bonus_period_days``), checked cell by cell (`InputError` naming file, row, column);
- `police_codes()` — the documented defaults for police pay elements
  (``police_codes.csv``, decision 0305), used by ``--codes police``;
- `CodeTable` — codes to classes, and `CodeTable.unknown` for the codes of an extract it does
  not hold;
- `codes_text(table)` / `codes_from_text(text, name)` — a table as CSV text and back (the
  private web page carries the table in its form), and `with_classes(table, added)` — a copy
  with more codes classified.

The regulations are Schedule 1 to the Equality Act 2010 (Specific Duties and Public
Authorities) Regulations 2017 (SI 2017/353); "para" below is a paragraph of that Schedule.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from parity.errors import InputError, Problem
from parity.paygap.validation import column_key
from parity.present.cells import csv_text, restore
from parity.tabular import cell_text, decode_text, read_sheets

HERE = Path(__file__).resolve().parent

ORDINARY, BONUS, EXCLUDED, LEAVE, SACRIFICE = 0, 1, 2, 3, 4
CLASSES = ("ordinary", "bonus", "excluded", "leave", "sacrifice")
# Spellings a payroll team may write in the class column, and the class each means.
CLASS_WORDS = {
    "ordinary": ORDINARY, "ordinary pay": ORDINARY,
    "bonus": BONUS, "bonus pay": BONUS,
    "excluded": EXCLUDED, "exclude": EXCLUDED, "not pay": EXCLUDED,
    "leave": LEAVE, "reduced-pay leave": LEAVE, "reduced pay leave": LEAVE,
    "sacrifice": SACRIFICE, "salary sacrifice": SACRIFICE,
}
REGULATION = {
    "ordinary": "SI 2017/353 Sch 1 para 3(1): basic pay, allowances (duties, location, "
                "housing, recruitment and retention: para 3(3)), pay for piecework, pay for "
                "leave, shift premium pay",
    "bonus": "Sch 1 para 4: money, vouchers, securities or options relating to profit "
             "sharing, productivity, performance, incentive or commission",
    "excluded": "Sch 1 para 3(2) and 4(2): overtime, pay in connection with the end of "
                "employment (redundancy), pay in lieu of leave, pay otherwise than in money "
                "(benefits in kind); para 3(3): expenses reimbursed; para 1(2): deductions at "
                "source do not reduce pay; arrears and employer pension contributions "
                "(GEO/Acas guidance)",
    "leave": "Sch 1 para 1(1) 'full-pay relevant employee' and 'leave': paid at a reduced rate "
             "or nil because of leave in the relevant pay period; the amount is pay for leave, "
             "ordinary pay (para 3(1)(d))",
    "sacrifice": "Sch 1 para 3(2)(d) (pay otherwise than in money is not ordinary pay) and "
                 "the GEO/Acas guidance: ordinary pay is taken after the salary sacrifice",
}
MEANING = {
    "ordinary": "counts as ordinary pay in the relevant pay period",
    "bonus": "counts as bonus pay (12 months to the snapshot; pro-rated into the hourly rate "
             "when paid in the relevant pay period)",
    "excluded": "left out of every figure",
    "leave": "counts as ordinary pay and makes the person not full-pay",
    "sacrifice": "a deduction that reduces ordinary pay (enter as a negative amount)",
}
MAX_BONUS_PERIOD_DAYS = 3660


@dataclass
class CodeTable:
    """Pay codes and their classes (indices into `CLASSES`), from `file`."""

    file: str
    classes: dict[str, int]
    descriptions: dict[str, str] = field(default_factory=dict)
    bonus_period_days: dict[str, float] = field(default_factory=dict)

    def unknown(self, codes: list[str]) -> list[str]:
        """The codes of `codes` this table does not classify."""
        return [c for c in codes if c not in self.classes]


def class_of(word: str) -> int | None:
    """The class a written word means (``'Salary sacrifice'`` -> `SACRIFICE`), or None."""
    return CLASS_WORDS.get(" ".join(str(word).replace("_", " ").split()).casefold())


def _rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        sheets = read_sheets(path)
        return [[cell_text(c) for c in row] for row in (sheets[0].rows if sheets else [])]
    if suffix not in (".csv", ".txt"):
        raise InputError(f"{path.name}: a pay code table is CSV or XLSX, not {suffix or '(none)'}")
    text = decode_text(path.read_bytes(), path.name)
    return [row for row in csv.reader(io.StringIO(text, newline=""))]


def read_codes(path: Path | str) -> CodeTable:
    """A checked pay code table; `InputError` listing every problem (row, column) if not.

    Columns (headers compared loosely): ``code`` (required, unique), ``class`` (required: one
    of `CLASSES` or a spelling in `CLASS_WORDS`), ``description`` and ``bonus_period_days``
    (optional: for a bonus code, the days the payment is in respect of, so that the part of it
    belonging to the relevant pay period goes into the hourly rate; blank means the pay period
    it is paid in)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such pay code table")
    return codes_from_rows(_rows(path), path.name)


def codes_from_rows(rows: list[list[str]], name: str) -> CodeTable:
    """A checked pay code table from its rows (the header first), named `name` in messages."""
    if not rows:
        raise InputError(f"{name}: the pay code table is empty",
                         [Problem(name, "expected a header: code, description, class", row=1)])
    keys = [column_key(h) for h in rows[0]]
    missing = [k for k in ("code", "class") if k not in keys]
    if missing:
        raise InputError(f"{name}: the pay code table has no {' or '.join(missing)} column",
                         [Problem(name, f"expected columns code, description, class; "
                                  f"found {', '.join(rows[0])}", row=1)])
    at: dict[str, int] = {k: keys.index(k) for k in ("code", "class", "description",
                                                     "bonus_period_days") if k in keys}
    problems: list[Problem] = []
    table = CodeTable(file=name, classes={})
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        def cell(key: str, row: list[str] = row) -> str:
            i = at.get(key)
            return row[i].strip() if i is not None and i < len(row) else ""

        if not any(c.strip() for c in row):
            continue
        code = cell("code")
        if not code:
            problems.append(Problem(name, "blank pay code", row=number, column="code"))
            continue
        if code in first_row:
            problems.append(Problem(name, f"pay code {code!r} repeated (first in row "
                                    f"{first_row[code]})", row=number, column="code"))
            continue
        first_row[code] = number
        klass = class_of(cell("class"))
        if klass is None:
            problems.append(Problem(name, f"class {cell('class')!r} for {code!r}: expected "
                                    f"one of {', '.join(CLASSES)}", row=number, column="class"))
            continue
        table.classes[code] = klass
        table.descriptions[code] = cell("description")
        days = cell("bonus_period_days")
        if days:
            try:
                value = float(days)
            except ValueError:
                value = float("nan")
            if not 1 <= value <= MAX_BONUS_PERIOD_DAYS:
                problems.append(Problem(name, f"bonus_period_days {days!r}: expected a "
                                        f"number of days from 1 to {MAX_BONUS_PERIOD_DAYS}",
                                        row=number, column="bonus_period_days"))
            elif klass != BONUS:
                problems.append(Problem(name, f"bonus_period_days given for {code!r}, "
                                        f"which is {CLASSES[klass]}, not bonus", row=number,
                                        column="bonus_period_days"))
            else:
                table.bonus_period_days[code] = value
    if problems:
        raise InputError(f"{name}: the pay code table has {len(problems)} problem(s); "
                         "nothing was computed", problems)
    if not table.classes:
        raise InputError(f"{name}: the pay code table holds no codes")
    return table


def codes_text(table: CodeTable) -> str:
    """The table as a code table CSV (``code``, ``description``, ``class``,
    ``bonus_period_days``), which `codes_from_text` reads back unchanged."""
    rows = [[code, table.descriptions.get(code, ""), CLASSES[klass],
             "" if (days := table.bonus_period_days.get(code)) is None else f"{days:g}"]
            for code, klass in table.classes.items()]
    return csv_text(["code", "description", "class", "bonus_period_days"], rows)


def codes_from_text(text: str, name: str) -> CodeTable:
    """A code table from CSV text (as `codes_text` writes it); checked like a file."""
    rows = [[restore(cell) for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]
    return codes_from_rows(rows, name)


def with_classes(table: CodeTable, added: dict[str, int],
                 descriptions: dict[str, str] | None = None) -> CodeTable:
    """A copy of `table` with the codes of `added` classified (a code it holds is
    reclassified); `table` itself is left as it was."""
    out = CodeTable(file=table.file, classes={**table.classes, **added},
                    descriptions=dict(table.descriptions),
                    bonus_period_days={c: d for c, d in table.bonus_period_days.items()
                                       if added.get(c, BONUS) == BONUS})
    for code in added:
        out.descriptions.setdefault(code, (descriptions or {}).get(code, ""))
    return out


@cache
def police_codes() -> CodeTable:
    """The documented default classes of police pay elements (decision 0305)."""
    table = read_codes(HERE / "police_codes.csv")
    table.file = "police defaults (police_codes.csv)"
    return table


def load_codes(value: Path | str) -> CodeTable:
    """``police`` for the bundled defaults, else a pay code table file."""
    return police_codes() if str(value) == "police" else read_codes(value)

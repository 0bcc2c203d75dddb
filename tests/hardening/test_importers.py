"""Every importer meets the bad-input contract on damaged files: it imports, or it refuses with
an `InputError` naming the file (and the row, where a row was damaged) and writes nothing."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hardening import damage as d
from tests.hardening.conftest import (
    RETURNS_FILE,
    article_text,
    attempt,
    commitments_rows,
    hr_rows,
    payroll_rows,
)

# Modest by default (the suite stays well under a minute and a half); PARITY_FUZZ_EXAMPLES=500
# explores further.
EXAMPLES = settings(max_examples=int(os.environ.get("PARITY_FUZZ_EXAMPLES", "50")))
csv_or_xlsx = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "xlsx", "xlsx-wrong",
                               "xlsx-as-csv"])


def readable(how: str, record: d.TableDamage) -> d.TableDamage | None:
    """The damage record, where a refusal must name a row: not for UTF-16 text, which only
    some readers take, nor for a workbook under a .csv name (both refused as whole files)."""
    return None if how in ("utf-16", "xlsx-as-csv") else record


def write_table(folder: Path, stem: str, rows: list[list], how: str, sheet: str = "Data") -> Path:
    if how == "xlsx-as-csv":  # a workbook saved under a .csv name
        return d.write(folder / f"{stem}.csv", d.xlsx_bytes(rows, sheet))
    if how.startswith("xlsx"):
        return d.write(folder / f"{stem}.xlsx",
                       d.xlsx_bytes(rows, sheet if how == "xlsx" else "Sheet1 (2)"))
    return d.write(folder / f"{stem}.csv", d.csv_bytes(rows, how))


# --- workforce -------------------------------------------------------------------------------

def _import_workforce(session, path):  # noqa: ANN001, ANN202
    from parity.workforce.importer import import_workforce

    return lambda: import_workforce(session, path=path)


@EXAMPLES
@given(ops=d.table_damage, how=csv_or_xlsx)
def test_workforce_damaged_table(sqlite_db, tmp_path, workforce_rows, ops, how):  # noqa: ANN001
    rows, record = d.damage_table(workforce_rows, ops)
    path = write_table(tmp_path, "workforce", rows, how)
    attempt(sqlite_db, _import_workforce(sqlite_db, path), path, readable(how, record))


@EXAMPLES
@given(op=d.byte_damage, suffix=st.sampled_from([".csv", ".xlsx", ".ods"]))
def test_workforce_damaged_bytes(sqlite_db, tmp_path, workforce_rows, op, suffix):  # noqa: ANN001
    data = d.xlsx_bytes(workforce_rows) if suffix != ".csv" else d.csv_bytes(workforce_rows)
    path = d.write(tmp_path / f"workforce{suffix}", d.damage_bytes(data, op))
    attempt(sqlite_db, _import_workforce(sqlite_db, path), path)


# --- payroll (read and computed, never stored) -----------------------------------------------

def _compute(path):  # noqa: ANN001, ANN202
    from parity.paygap import service

    def run() -> None:
        payroll = service.read_payroll(path)
        service.compute_figures(payroll)
    return run


@EXAMPLES
@given(ops=d.table_damage, how=csv_or_xlsx)
def test_payroll_damaged_table(sqlite_db, tmp_path, ops, how):  # noqa: ANN001
    rows, record = d.damage_table(payroll_rows(), ops)
    path = write_table(tmp_path, "payroll", rows, how)
    attempt(sqlite_db, _compute(path), path, readable(how, record))


@EXAMPLES
@given(op=d.byte_damage, suffix=st.sampled_from([".csv", ".xlsx", ".parquet"]))
def test_payroll_damaged_bytes(sqlite_db, tmp_path, op, suffix):  # noqa: ANN001
    data = d.csv_bytes(payroll_rows()) if suffix == ".csv" else d.xlsx_bytes(payroll_rows())
    path = d.write(tmp_path / f"payroll{suffix}", d.damage_bytes(data, op))
    attempt(sqlite_db, _compute(path), path)


# --- HR extract --------------------------------------------------------------------------------

def _import_hr(session, path):  # noqa: ANN001, ANN202
    from parity.flows.importer import import_hr

    return lambda: import_hr(session, path=path, force="Kent")


@EXAMPLES
@given(ops=d.table_damage, how=csv_or_xlsx)
def test_hr_damaged_table(sqlite_db, tmp_path, ops, how):  # noqa: ANN001
    rows, record = d.damage_table(hr_rows(), ops)
    path = write_table(tmp_path, "extract", rows, how, sheet="Events")
    attempt(sqlite_db, _import_hr(sqlite_db, path), path, readable(how, record))


@EXAMPLES
@given(op=d.byte_damage, suffix=st.sampled_from([".csv", ".xlsx"]))
def test_hr_damaged_bytes(sqlite_db, tmp_path, op, suffix):  # noqa: ANN001
    data = d.csv_bytes(hr_rows()) if suffix == ".csv" else d.xlsx_bytes(hr_rows())
    path = d.write(tmp_path / f"extract{suffix}", d.damage_bytes(data, op))
    attempt(sqlite_db, _import_hr(sqlite_db, path), path)


# --- pay gap returns (imported, and checked) ---------------------------------------------------

def _import_returns(session, path):  # noqa: ANN001, ANN202
    from parity.context.returns_checks import check_returns
    from parity.context.returns_importer import import_paygap_returns, read_returns

    def run() -> None:
        check_returns(read_returns(path).records)
        import_paygap_returns(session, path=path)
    return run


@EXAMPLES
@given(ops=d.table_damage, how=csv_or_xlsx)
def test_returns_damaged_table(sqlite_db, tmp_path, returns_rows, ops, how):  # noqa: ANN001
    rows, record = d.damage_table(returns_rows, ops)
    path = write_table(tmp_path, RETURNS_FILE.stem, rows, how)
    attempt(sqlite_db, _import_returns(sqlite_db, path), path, readable(how, record))


@EXAMPLES
@given(op=d.byte_damage, suffix=st.sampled_from([".csv", ".xlsx"]))
def test_returns_damaged_bytes(sqlite_db, tmp_path, returns_rows, op, suffix):  # noqa: ANN001
    data = d.csv_bytes(returns_rows) if suffix == ".csv" else d.xlsx_bytes(returns_rows)
    path = d.write(tmp_path / f"{RETURNS_FILE.stem}{suffix}", d.damage_bytes(data, op))
    attempt(sqlite_db, _import_returns(sqlite_db, path), path)


# --- ONS crime tables ---------------------------------------------------------------------------

def _import_crime(session, path):  # noqa: ANN001, ANN202
    from parity.context.crime_importer import import_crime

    return lambda: import_crime(session, path=path)


def crime_workbook(sheets: list[tuple[str, list[list]]], ops: list[tuple],
                   rename: bool = False) -> tuple[bytes, d.TableDamage]:
    """The edition with Table P1 (from its 'Area Code' header down) damaged."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    record = d.TableDamage()
    for name, rows in sheets:
        start = next((i for i, r in enumerate(rows[:15]) if r and str(r[0]).strip().casefold()
                      == "area code"), None)
        if start is not None and "P1" in name:
            table = [["" if c is None else c for c in r] for r in rows[start:]]
            table, record = d.damage_table(table, ops)
            rows = rows[:start] + table
        ws = wb.create_sheet(f"Other {name}" if rename else name)
        for row in rows:
            ws.append([d._xlsx_cell(c) for c in row])
    import io

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), record


@settings(max_examples=max(EXAMPLES.max_examples * 3 // 5, 1))
@given(ops=d.table_damage)
def test_crime_damaged_table(sqlite_db, tmp_path, crime_sheets, ops):  # noqa: ANN001
    data, record = crime_workbook(crime_sheets, ops)
    path = d.write(tmp_path / "pfatablesdec19.xlsx", data)
    attempt(sqlite_db, _import_crime(sqlite_db, path), path, record)


@settings(max_examples=max(EXAMPLES.max_examples * 3 // 5, 1))
@given(op=d.byte_damage, suffix=st.sampled_from([".xlsx", ".csv"]))
def test_crime_damaged_bytes(sqlite_db, tmp_path, crime_sheets, op, suffix):  # noqa: ANN001
    data, _ = crime_workbook(crime_sheets, [])
    path = d.write(tmp_path / f"pfatablesdec19{suffix}", d.damage_bytes(data, op))
    attempt(sqlite_db, _import_crime(sqlite_db, path), path)


# --- articles -----------------------------------------------------------------------------------

def _import_articles(session, path):  # noqa: ANN001, ANN202
    from parity.library.importer import import_articles

    return lambda: import_articles(session, path=path, strict=True)


field_values = st.one_of(st.sampled_from(d.BAD_CELLS), st.text(max_size=30))


@EXAMPLES
@given(key=st.sampled_from(["title", "url", "area", "description", "body"]),
       value=field_values, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_article_damaged_fields(sqlite_db, tmp_path, key, value, encoding):  # noqa: ANN001
    try:
        text = article_text(**{key: value or None} if key != "title" else {key: value})
    except Exception:  # the sample writer itself may refuse a value: then write it raw
        text = article_text().replace("Women's network", value)
    path = d.write(tmp_path / "article.md", text.encode(encoding, errors="replace"))
    attempt(sqlite_db, _import_articles(sqlite_db, path), path)


@EXAMPLES
@given(op=d.byte_damage, suffix=st.sampled_from([".md", ".html"]),
       front=st.sampled_from(["", "---\n", "---\ntitle: [unclosed\n---\n", "---\n- a\n---\n",
                              "---\ntitle: x\npublish: 3\nurl: 12\n---\nbody\n",
                              "---\ntitle: x\npublish:\n  date: 32 Feb 2020\n---\nbody\n",
                              "---\ntitle: !!python/object:os.system x\n---\nbody\n"]))
def test_article_damaged_bytes(sqlite_db, tmp_path, op, suffix, front):  # noqa: ANN001
    data = (front + article_text()).encode() if front else article_text().encode()
    path = d.write(tmp_path / f"article{suffix}", d.damage_bytes(data, op))
    attempt(sqlite_db, _import_articles(sqlite_db, path), path)


# --- commitments --------------------------------------------------------------------------------

def _import_commitments(session, path):  # noqa: ANN001, ANN202
    from parity.commitments import service
    from parity.commitments.importer import import_commitments

    service.ensure_defaults(session)
    session.commit()
    return lambda: import_commitments(session, path=path, by="fuzz")


@EXAMPLES
@given(ops=d.table_damage, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_commitments_damaged_csv(sqlite_db, tmp_path, ops, encoding):  # noqa: ANN001
    rows, record = d.damage_table(commitments_rows(), ops)
    path = d.write(tmp_path / "commitments.csv", d.csv_bytes(rows, encoding))
    attempt(sqlite_db, _import_commitments(sqlite_db, path), path, record)


yaml_junk = st.sampled_from([
    "", "commitments: 3", "commitments:\n- 1\n", "- [a, b]", "commitments:\n- title: x\n",
    "commitments:\n- {title: x, theme: y, made: not-a-date}\n",
    "commitments:\n- {title: x, theme: y, made: 2020-01-01, indicators: 7}\n",
    "commitments:\n- {title: x, theme: y, made: 2020-01-01, indicators: [{kind: nope}]}\n",
    "commitments:\n- {title: x, theme: y, made: 2020-01-01, scope: force, force: Atlantis}\n",
    "commitments:\n- {title: [1, 2], theme: {a: 1}, made: 99999-01-01}\n",
    "commitments:\n- {title: x, theme: y, made: 2020-01-01, indicators: [{kind: representation,"
    " params: {group: senior}, target_value: .nan, target_date: 2025-03-31}]}\n",
    "commitments:\n- {title: x, theme: y, made: 2020-01-01, indicators: [{kind: representation,"
    " params: [1], baseline_year: 1e400, target_value: .inf, target_date: 0001-01-01}]}\n",
    "commitments:\n- {title: x, theme: y, made: 2020-01-01, links: 5}\n",
    "commitments:\n- {title: x, theme: y, made: 2020-01-01, links: {a: 1}}\n",
    "commitments:\n- {title: x, theme: y, made: 2020-01-01, indicators: [{kind: representation,"
    " params: {group: senior}, baseline_year: 99999999999, baseline_value: 1e300}]}\n",
    "commitments:\n- {title: x, theme: y, made: 2020-13-45}\n",
    "&a [*a]", "{{{", "\t- x", "commitments: !!binary aGVsbG8=",
])


@EXAMPLES
@given(text=yaml_junk, op=st.one_of(st.none(), d.byte_damage))
def test_commitments_damaged_yaml(sqlite_db, tmp_path, text, op):  # noqa: ANN001
    data = text.encode()
    if op is not None:
        data = d.damage_bytes(data, op)
    path = d.write(tmp_path / "commitments.yaml", data)
    attempt(sqlite_db, _import_commitments(sqlite_db, path), path)

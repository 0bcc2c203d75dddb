"""Damaged files that once gave an internal error (a traceback), found by the hypothesis tests
of this folder; each now imports or is refused with an `InputError` naming the file."""

from __future__ import annotations

import pytest

from parity.errors import InputError
from tests.hardening import conftest as c
from tests.hardening import damage as d


def test_a_payroll_with_old_mac_line_endings_is_read(tmp_path):  # noqa: ANN001
    from parity.paygap.service import read_payroll

    data = d.csv_bytes(c.payroll_rows()).replace(b"\n", b"\r")
    assert len(read_payroll(d.write(tmp_path / "payroll.csv", data)).sex) == 24


@pytest.mark.parametrize("data", [b"\r\x01", b"\x80\n", b"\x81\x8d\x8f", b"a\x00b\nc,d\n",
                                  b"\xff\xfeu\x00"])
def test_junk_payroll_bytes_are_refused(tmp_path, data):  # noqa: ANN001
    from parity.paygap.service import read_payroll

    path = d.write(tmp_path / "payroll.csv", data)
    with pytest.raises(InputError) as info:
        read_payroll(path)
    assert "payroll.csv" in info.value.reason


def test_a_repeated_payroll_column_is_named(tmp_path):  # noqa: ANN001
    from parity.paygap.service import read_payroll

    rows = [r[:1] + r for r in c.payroll_rows()]
    for data, name in ((d.csv_bytes(rows), "payroll.csv"), (d.xlsx_bytes(rows), "payroll.xlsx")):
        with pytest.raises(InputError) as info:
            read_payroll(d.write(tmp_path / name, data))
        assert any("repeats column" in p.message for p in info.value.problems)


def test_a_short_payroll_row_is_named(tmp_path):  # noqa: ANN001
    from parity.paygap.service import read_payroll

    rows = c.payroll_rows()
    rows[4] = rows[4][:3]
    with pytest.raises(InputError) as info:
        read_payroll(d.write(tmp_path / "payroll.csv", d.csv_bytes(rows)))
    assert [p.row for p in info.value.problems] == [5]


@pytest.mark.parametrize("data", [b"\x81\x8d", b"PK\x03\x04\x81junk"])
def test_bytes_no_text_encoding_reads_are_refused(tmp_path, data):  # noqa: ANN001
    from parity.tabular import read_sheets

    with pytest.raises(InputError, match="not a text file"):
        read_sheets(d.write(tmp_path / "table.csv", data))


def test_a_nul_in_a_csv_cell_is_named(tmp_path):  # noqa: ANN001
    from parity.tabular import read_sheets

    with pytest.raises(InputError) as info:
        read_sheets(d.write(tmp_path / "table.csv", b"a,b\n1,x\x00y\n"))
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "column 2")]


@pytest.mark.parametrize("damage", ["huge cell", "extra cell", "repeated column"])
def test_a_damaged_commitments_csv_is_refused(tmp_path, damage):  # noqa: ANN001
    from parity.commitments.importer import read_items

    rows = c.commitments_rows()
    if damage == "huge cell":
        rows[1][rows[0].index("title")] = "x" * 200_000
    elif damage == "extra cell":
        rows[1].append("surplus")
    else:
        rows = [r + [r[rows[0].index("owner")]] for r in rows]
        rows[0][-1] = "owner"
    path = d.write(tmp_path / "commitments.csv", d.csv_bytes(rows))
    with pytest.raises(InputError) as info:
        read_items(path, "csv")
    assert info.value.problems and all(p.file == "commitments.csv" for p in info.value.problems)
    if damage != "huge cell":
        assert {p.row for p in info.value.problems} == {1 if damage == "repeated column" else 2}


@pytest.mark.parametrize("kind", ["hr", "returns"])
def test_a_repeated_column_is_refused_not_guessed(tmp_path, kind, returns_rows):  # noqa: ANN001
    from parity.context.returns_importer import read_returns
    from parity.flows.importer import read_events

    rows, column = (c.hr_rows(), "sex") if kind == "hr" else (returns_rows, "DueDate")
    i = rows[0].index(column)
    rows = [r + [r[i]] for r in rows]
    name = "hr.csv" if kind == "hr" else c.RETURNS_FILE.name
    path = d.write(tmp_path / name, d.csv_bytes(rows))
    with pytest.raises(InputError) as info:
        (read_events if kind == "hr" else read_returns)(path)
    assert [(p.row, p.column) for p in info.value.problems] == [(1, column)]


def test_an_impossible_yaml_date_is_refused(tmp_path):  # noqa: ANN001
    from parity.commitments.importer import read_items
    from parity.library.importer import parse_file
    from parity.library.validation import BadFile

    article = d.write(tmp_path / "a.md", c.article_text().replace(
        "url: https://www.kent.police.uk/news/2019/11/network/", "url: 2020-13-45").encode())
    with pytest.raises(BadFile, match="cannot read"):
        parse_file(article)
    commitments = d.write(tmp_path / "c.yaml", b"commitments:\n- {title: x, made: 2020-13-45}\n")
    with pytest.raises(InputError, match="c.yaml"):
        read_items(commitments, "yaml")


def _deflated_member_broken(data: bytes) -> bytes:
    """The workbook whose worksheet's deflate stream opens with a block of the reserved type
    (the zip's own directory left as it was): the member no longer inflates."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.getinfo("xl/worksheets/sheet1.xml")
    start = sheet.header_offset + 30 + len(sheet.filename.encode()) + len(sheet.extra)
    out = bytearray(data)
    out[start] = 0x07  # BFINAL 1, BTYPE 11: "invalid block type"
    return bytes(out)


@pytest.mark.parametrize("how", ["deflate broken", "unknown compression method"])
@pytest.mark.parametrize("importer", ["payroll", "workforce"])
def test_a_damaged_zip_container_is_refused_not_a_traceback(tmp_path, how, importer):
    """Once zlib.error and NotImplementedError escaped the spreadsheet budget's check."""
    data = d.xlsx_bytes(c.payroll_rows() if importer == "payroll" else c._workforce_rows())
    if how == "deflate broken":
        data = _deflated_member_broken(data)
    else:
        data = d.damage_zip(data, ("stored_as_junk_method", 0))
    path = d.write(tmp_path / f"{importer}.xlsx", data)
    if importer == "payroll":
        from parity.paygap.service import read_payroll as run
    else:
        from parity.tabular import read_sheets as run
    with pytest.raises(InputError) as info:
        run(path)
    assert info.value.reason == f"{importer}.xlsx: not a readable spreadsheet (truncated or corrupt?)"
    assert "the archive is damaged" in str(info.value.problems[0])

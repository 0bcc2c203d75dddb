"""Every shipped official download, re-saved as a user's spreadsheet program saves it (LibreOffice
headless: as CSV and as XLSX; the crime workbooks as XLSX and ODS, since a CSV holds one sheet
only), imports to the very figures the original gives, on both engines (issue 15's floor).

`tests/context/test_resaved.py` looks closely at one file of each kind (the copies' dates, flags,
company numbers, a CSV written as Excel writes one); this module covers the rest of the shipped
files the same way. A copy is made only when a test asks for it, once per test process.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import pytest

from parity.context.crime_importer import import_crime
from parity.context.returns_importer import import_paygap_returns
from tests.context.conftest import CRIME_DIR, RETURNS_DIR
from tests.context.test_resaved import _crime, _returns
from tests.resave import CSV_IN, csv_out, libreoffice

RETURNS = sorted(RETURNS_DIR.glob("UK Gender Pay Gap Data - *"))
CRIMES = sorted(CRIME_DIR.glob("*.xlsx"))
_COPIES: dict[tuple[str, str], Path] = {}


@cache
def _base() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="parity-resaved-"))


def resaved(original: Path, kind: str) -> Path:
    """`original` opened in LibreOffice and saved as `kind` ("csv", "xlsx" or "ods")."""
    key = (original.name, kind)
    if key not in _COPIES:
        target = _base() / f"{len(_COPIES)}"
        infilter = CSV_IN if original.suffix == ".csv" else None
        convert = csv_out() if kind == "csv" else kind
        made = libreoffice(original, target, convert, infilter=infilter)
        # the copy keeps the original's name (the importer reads the year from it)
        named = target / f"{original.stem}.{kind}"
        if made != named:
            made.rename(named)
        _COPIES[key] = named
    return _COPIES[key]


def test_every_shipped_file_is_covered():
    assert len(RETURNS) == 7 and len(CRIMES) == 6


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("original", RETURNS, ids=lambda p: p.stem[-20:])
def test_a_resaved_pay_gap_download_stores_the_originals_figures(db, original, kind):  # noqa: ANN001
    first = import_paygap_returns(db, path=original)
    before = _returns(db, first.snapshot_year)
    again = import_paygap_returns(db, path=resaved(original, kind))
    assert again.snapshot_year == first.snapshot_year
    after = _returns(db, first.snapshot_year)
    assert len(after) == len(before) > 1000
    assert after == before


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
@pytest.mark.parametrize("original", CRIMES, ids=lambda p: p.stem)
def test_a_resaved_crime_edition_stores_the_originals_figures(db, original, kind, tmp_path):  # noqa: ANN001
    import_crime(db, path=original)
    before = _crime(db)
    copy = shutil.copy(resaved(original, kind), tmp_path / f"copy-of-{original.stem}.{kind}")
    result = import_crime(db, path=copy)
    assert result.status == "imported" and result.replaced_rows == len(before) > 200
    assert _crime(db) == before

"""Pay gap downloads: impossible figures (a gap of 1e308 or -99999, a quarter of -50) are
refused with their row and column; a row repeated exactly is stored once; every figure the
service has published passes."""

from __future__ import annotations

import pytest

from parity.context.returns_importer import import_paygap_returns, read_returns
from parity.errors import InputError
from tests.hardening import conftest as c
from tests.hardening import damage as d


@pytest.mark.parametrize(("column", "value"), [
    ("DiffMeanHourlyPercent", "1e308"), ("DiffMeanHourlyPercent", "-99999"),
    ("FemaleLowerQuartile", "-50"), ("MaleBonusPercent", "250"),
    ("DiffMedianBonusPercent", "-1e9"),
])
def test_an_impossible_figure_is_refused_with_its_row_and_column(tmp_path, returns_rows, column,
                                                                 value):
    rows = [list(r) for r in returns_rows]
    rows[3][rows[0].index(column)] = value
    path = d.write(tmp_path / c.RETURNS_FILE.name, d.csv_bytes(rows))
    with pytest.raises(InputError) as refused:
        read_returns(path)
    [problem] = refused.value.problems
    assert (problem.row, problem.column) == (4, column)
    assert problem.message.startswith("an impossible figure")


def test_every_published_figure_passes():
    assert len(read_returns(c.RETURNS_FILE).records) > 6_000


def test_an_exact_duplicate_row_is_stored_once(db, tmp_path, returns_rows):
    rows = [list(r) for r in returns_rows] + [list(returns_rows[5])]
    path = d.write(tmp_path / c.RETURNS_FILE.name, d.csv_bytes(rows))
    result = import_paygap_returns(db, path=path)
    assert result.rows == len(returns_rows) - 1
    assert result.duplicate_rows == [len(rows)]

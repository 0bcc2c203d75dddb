"""The Home Office workforce table as users hold it: opened in a spreadsheet program
(LibreOffice headless) and saved again as CSV or XLSX, it imports to the very figures the
published ODS gives, on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from parity.workforce.importer import DEFAULT_FILE, import_workforce
from parity.workforce.models import WorkforceCount
from tests.resave import csv_out, libreoffice


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> dict[str, object]:  # noqa: ANN001
    base = tmp_path_factory.mktemp("resaved-workforce")
    # The CSV is written with the figures' full precision: saved "as shown", a CSV keeps only
    # the decimals the sheet displays (FTE 6.6 becomes 7), which no reader can undo.
    return {
        "csv": libreoffice(DEFAULT_FILE, base / "csv", csv_out(2, as_shown=False)),
        "xlsx": libreoffice(DEFAULT_FILE, base / "xlsx", "xlsx"),
    }


def stored(session: Session) -> list[tuple]:
    columns = [c for c in WorkforceCount.__table__.columns if c.name not in ("id", "source_id")]
    return [tuple(r) for r in session.execute(select(*columns).order_by(
        WorkforceCount.year, WorkforceCount.force_id, WorkforceCount.worker_type,
        WorkforceCount.rank, WorkforceCount.sex))]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_resaved_table_stores_the_originals_figures(wf_db, copies, kind):  # noqa: ANN001
    before = stored(wf_db)
    result = import_workforce(wf_db, path=copies[kind])
    assert result.status == "imported" and result.rows == 29304
    assert stored(wf_db) == before

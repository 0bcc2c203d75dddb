"""Hostile spreadsheets (`tests.hardening.hostile`): refused before the reader runs, with exit
status 2 at the command line and a 400 from an upload, and the server keeps answering.

Time and memory of every hostile file on every importer are measured by
bench/bench_hostile.py (floors: 20 s, 1 GB), not here."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from parity import tabular
from parity.errors import InputError
from tests.cli_runner import parity
from tests.hardening import hostile
from tests.hardening.live import csrf_of, running, signed_in

FILES = hostile.FILES


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    out = {}
    for name, make in FILES.items():
        out[name] = folder / name
        out[name].write_bytes(make())
    return out


@pytest.mark.parametrize("name", FILES)
def test_every_hostile_spreadsheet_is_refused_before_it_is_read(files, name):
    with pytest.raises(InputError) as refused:
        tabular.read_sheets(files[name])
    assert refused.value.reason.startswith(f"{name}: too large to read safely")
    assert "cells" in refused.value.reason or "compressed" in refused.value.reason


def test_every_spreadsheet_importer_reads_through_the_budgeted_reader():
    """Only parity.tabular opens spreadsheets, so its budget covers every importer and upload."""
    src = Path(tabular.__file__).parent
    openers = [p.relative_to(src).as_posix() for p in src.rglob("*.py")
               if any(word in p.read_text(encoding="utf-8")
                      for word in ("python_calamine", "load_workbook(", "read_excel("))]
    assert openers == ["tabular.py"]


# One hostile file per importer, so that each file and each importer is met at least once.
COMMANDS = [
    ("far-cell.xlsx", "workforce.xlsx", ["import", "workforce"]),
    ("repeated-rows.ods", "extract.ods", ["import", "hr", "--force", "Kent"]),
    ("wide-repeated.ods", "pfatablesdec19.ods", ["import", "crime"]),
    ("zip-bomb.xlsx", "UK Gender Pay Gap Data - 2019 to 2020.xlsx", ["import", "paygap-returns"]),
    ("far-cell-small-dimension.xlsx", "payroll.xlsx", ["paygap", "compute"]),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "saved_as", "command"), COMMANDS,
                         ids=[c[2][-1] if c[2][0] == "import" else "paygap compute"
                              for c in COMMANDS])
def test_a_hostile_file_exits_2_at_the_command_line(files, tmp_path, sqlite_url, name, saved_as,
                                                      command):
    path = tmp_path / saved_as
    shutil.copy(files[name], path)
    run = parity(*command[:2], str(path), *command[2:], db_url=sqlite_url)
    assert run.code == 2, run.stderr[-2000:]
    assert "too large to read safely" in run.stderr
    assert "Traceback" not in run.stderr and "panicked" not in run.stderr


UPLOADS = {"paygap": ("/private/forces/kent/paygap", "/private/forces/kent"),
           "flows": ("/private/forces/kent/flows", "/private/forces/kent"),
           "returns": ("/private/returns/2023/forces/kent/payroll",
                       "/private/returns/2023/forces/kent")}


@pytest.mark.slow
def test_the_server_refuses_hostile_uploads_and_stays_up(files, sqlite_url):
    from datetime import date

    from sqlalchemy.orm import Session

    from parity.returns import service as returns
    from parity.store import make_engine

    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        returns.open_year(session, year=2023, deadline=date(2026, 12, 31),
                          opens_on=date(2026, 11, 1),
                          actor=returns.Actor("coord@example.org", "coordinator"))
        session.commit()
    engine.dispose()
    with running(sqlite_url) as server:
        kent = signed_in(server)
        for name in ("far-cell.xlsx", "far-cell-small-dimension.xlsx", "zip-bomb.xlsx"):
            for what, (post, page) in UPLOADS.items():
                token = csrf_of(kent.get(page).text)
                response = kent.post(post, data={"csrf_token": token},
                                     files={"extract": (name, files[name].read_bytes())})
                assert response.status_code == 400, (name, what, response.text[-1000:])
                assert "too large to read safely" in response.text
                assert server.alive()
        assert kent.get("/private/forces/kent").status_code == 200
        assert kent.get("/api/v1/forces").status_code == 200

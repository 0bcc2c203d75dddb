"""`parity report build --pdf`: a real PDF with the expected pages and text (poppler)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.cli_runner import parity

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (scripts/debian-packages.txt) missing")


@pytest.mark.parametrize("engine", [
    "weasyprint",
    pytest.param("chromium", marks=pytest.mark.skipif(
        shutil.which("chromium") is None, reason="chromium (scripts/debian-packages.txt) missing")),
])
def test_report_build_writes_html_and_pdf(sqlite_url, tmp_path, engine):
    out = tmp_path / "out"
    run = parity("report", "build", "--year", "2023", "--force", "Dyfed Powys Police",
                 "--out", str(out), "--pdf", "--engine", engine, "--json", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    result = run.json()
    assert result["forces"] == 1 and result["year"] == 2023
    pdf = out / "gender-equality-in-uk-policing-2023-dyfed-powys.pdf"
    assert result["pdf"] == str(pdf) and result["engine"] == engine
    assert pdf.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(line.split()[-1] for line in info.stdout.splitlines()
                     if line.startswith("Pages:")))
    assert pages == result["pages"]
    # the force's own report: cover, contents, the force (its workforce page, then its domain
    # sections), methods, sources; no national picture
    assert 5 <= pages <= 20
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    first = " ".join(text.split("\f")[0].split())
    assert "Gender Equality in UK Policing" in first and "Annual report 2023" in first
    assert "The national picture" not in text
    for expected in ("England and Wales 34.7%", "29.7%", "Dyfed-Powys", "17.1%",
                     "43rd of 43 forces", "Methods", "Sources and licence",
                     "Open Government Licence v3.0", f"Page {pages} of {pages}"):
        assert expected in " ".join(text.split()), expected
    assert (out / "gender-equality-in-uk-policing-2023-dyfed-powys.html").is_file()
    # the engine's working files are gone: the HTML, the tables and the PDF only
    assert sorted(p.suffix for p in out.iterdir()) == [".html", ".ods", ".pdf", ".xlsx"]


def test_report_build_unknown_engine_exits_2_writing_nothing(sqlite_url, tmp_path):
    out = tmp_path / "out"
    run = parity("report", "build", "--year", "2023", "--force", "Kent", "--out", str(out),
                 "--pdf", "--engine", "prince", db_url=sqlite_url)
    assert run.code == 2
    assert "--engine prince: expected auto, weasyprint or chromium" in run.stderr
    assert not out.exists()


def test_the_default_engine_is_chromium_when_installed_else_weasyprint(sqlite_url, tmp_path):
    """`--engine auto` (the default): Chromium draws the PDF when one is found, WeasyPrint when
    none is; the output says which."""
    chromium = shutil.which("chromium")
    run = parity("report", "build", "--year", "2023", "--force", "Kent", "--out",
                 str(tmp_path / "a"), "--pdf", "--json", db_url=sqlite_url)
    assert run.code == 0, run.stderr
    assert run.json()["engine"] == ("chromium" if chromium else "weasyprint")
    # no Chromium to be found: WeasyPrint, said in the summary
    run = parity("report", "build", "--year", "2023", "--force", "Kent", "--out",
                 str(tmp_path / "b"), "--pdf", db_url=sqlite_url,
                 env={"PATH": "/nonexistent", "PARITY_CHROMIUM": ""})
    assert run.code == 0, run.stderr
    assert "pages, drawn by WeasyPrint)" in run.stdout
    # --engine chromium with none installed is bad input, said before anything is written
    run = parity("report", "build", "--year", "2023", "--force", "Kent", "--out",
                 str(tmp_path / "c"), "--pdf", "--engine", "chromium", db_url=sqlite_url,
                 env={"PATH": "/nonexistent", "PARITY_CHROMIUM": ""})
    assert run.code == 2 and "no Chromium found" in run.stderr
    assert not (tmp_path / "c").exists()


def test_report_build_bad_year_exits_2(sqlite_url, tmp_path):
    out = tmp_path / "out"
    run = parity("report", "build", "--year", "1999", "--out", str(out), db_url=sqlite_url)
    assert run.code == 2
    assert "no workforce data for 31 March 1999" in run.stderr
    assert not out.exists()


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="chromium (scripts/debian-packages.txt) missing")
def test_a_build_that_fails_after_chromium_started_leaves_nothing_behind(sqlite_url, tmp_path):
    """Chromium starts with the command (`parity.reports.chromium.start_early`); a build
    refused afterwards closes it and takes away the folders made for it."""
    import os

    out = tmp_path / "new" / "out"
    run = parity("report", "build", "--year", "1900", "--out", str(out), "--pdf",
                 "--engine", "chromium", db_url=sqlite_url)
    assert run.code == 2
    assert "no workforce data for 31 March 1900" in run.stderr
    assert not (tmp_path / "new").exists()  # neither the folder nor its parent stays
    assert not _browsers_in(tmp_path), "a browser started for the PDF was left running"
    # an existing folder stays, with what it held
    out.mkdir(parents=True)
    (out / "kept.txt").write_text("mine", encoding="utf-8")
    run = parity("report", "build", "--force", "Nowhere", "--out", str(out), "--pdf",
                 "--engine", "chromium", db_url=sqlite_url)
    assert run.code == 2 and "unknown force 'Nowhere'" in run.stderr
    assert os.listdir(out) == ["kept.txt"]
    assert not _browsers_in(tmp_path)


def _browsers_in(folder) -> set[int]:  # noqa: ANN001
    """The running processes whose command line names a print folder under `folder`."""
    import os

    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                line = fh.read()
            if b".parity-print-" in line and str(folder).encode() in line:
                found.add(int(pid))
        except OSError:
            continue
    return found

"""Copies of official files as users hold them: opened in a spreadsheet program and saved again.

`libreoffice` converts a file with LibreOffice headless (from the Debian packages listed in
scripts/debian-packages.txt), as a user's program would: a CSV read with the UK locale and
"detect special numbers" on (so that day-first dates become date cells and numbers lose their
leading zeros), an XLSX or ODS written from it, or a CSV written from a spreadsheet.
`write_as_excel` writes a CSV the way a UK spreadsheet program saves one: fields unquoted where
they can be, flags ``TRUE``/``FALSE``, dates day first to the minute (``05-04-2025 00:00``).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import tempfile
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# CSV filter tokens: separator ",", quote '"', UTF-8, from line 1, no column formats, English
# (UK), quoted fields not forced to text, detect special numbers (dates, times) on.
CSV_IN = "CSV:44,34,76,1,,2057,false,true"


def csv_out(sheet: int = 1, *, as_shown: bool = True) -> str:
    """The CSV export filter for one sheet (1-based); `as_shown` False writes full precision
    (a user saving "as shown" keeps only the decimals the sheet displays)."""
    shown = "true" if as_shown else "false"
    return f"csv:Text - txt - csv (StarCalc):44,34,76,1,,2057,false,true,{shown},false,false,{sheet}"


def libreoffice(source: Path, target_dir: Path, convert_to: str, *,
                infilter: str | None = None) -> Path:
    """Convert `source` into `target_dir` with LibreOffice headless (a profile of its own, so
    that conversions may run side by side); returns the new file."""
    assert SOFFICE, "LibreOffice is not installed: run scripts/setup.sh (debian-packages.txt)"
    target_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        args = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                "--convert-to", convert_to, "--outdir", str(target_dir)]
        if infilter:
            args.insert(3, f"--infilter={infilter}")
        subprocess.run([*args, str(source)], check=True, capture_output=True, timeout=300)
    suffix = convert_to.split(":")[0]
    made = sorted(target_dir.glob(f"{source.stem}*.{suffix}"))
    assert made, f"LibreOffice made nothing from {source.name}"
    return made[-1]


def write_as_excel(path: Path, rows: list[list], *, date_columns: set[int],
                   flag_columns: set[int]) -> Path:
    """Write `rows` (header first, cells as text as published) the way a UK spreadsheet
    program saves a CSV: minimal quoting, ``TRUE``/``FALSE``, dates ``dd-mm-yyyy hh:mm``,
    trailing white space left on names (a program keeps what a cell holds)."""
    from parity.tabular import parse_date

    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(rows[0])
        for row in rows[1:]:
            out = list(row)
            for i in date_columns:
                stamp = parse_date(out[i]) if i < len(out) else None
                out[i] = stamp.strftime("%d-%m-%Y %H:%M") if stamp else ""
            for i in flag_columns:
                if i < len(out) and str(out[i]).strip():
                    out[i] = str(out[i]).strip().upper()
            writer.writerow(out)
    return path

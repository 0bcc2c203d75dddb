"""Receiving a private extract from a form: checked, kept only for as long as it is read.

An uploaded file is copied into a new private temporary folder (mode 0700, outside anything
the site serves) under its own base name — so that problems name the file as the user knows
it, exactly as the CLI does — read by the domain's importer, and deleted when the request
ends, whatever happened. The size limit is enforced before the body is read
(`parity.web.auth.body_limit`).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import UploadFile

from parity.errors import InputError, Problem

SUFFIXES = (".csv", ".xlsx")


def safe_name(name: str | None) -> str:
    """The file's base name with anything but letters, digits, ``._- `` replaced."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    base = re.sub(r"[^A-Za-z0-9._\- ]", "_", base).lstrip(".")
    return base[:120] or "upload"


@contextmanager
def received(upload: UploadFile | None, *, field: str,
             suffixes: tuple[str, ...] = SUFFIXES) -> Iterator[Path]:
    """The path of a private copy of `upload`, deleted on leaving the block. `InputError` if
    no file was chosen, it is empty, or its type is not one of `suffixes`."""
    if upload is None or not upload.filename:
        raise InputError("no file was uploaded", [Problem(field, "choose a file to upload")])
    name = safe_name(upload.filename)
    if not name.lower().endswith(suffixes):
        raise InputError(f"{name}: not a file type that can be read", [Problem(
            name, f"expected a {', '.join(s.lstrip('.').upper() for s in suffixes)} file")])
    folder = Path(tempfile.mkdtemp(prefix="parity-upload-"))
    try:
        path = folder / name
        upload.file.seek(0)
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out, length=1024 * 1024)
        if path.stat().st_size == 0:
            raise InputError(f"{name}: the file is empty", [Problem(name, "the file is empty")])
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)

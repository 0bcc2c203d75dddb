"""Errors shared by every domain.

`InputError` is bad input (a file, a flag, a name): the CLI prints its one-line reason and its
details on stderr and exits with status 2. Anything else that escapes is an internal error
(status 1).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as the format allows."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class InputError(Exception):
    """Bad input: a one-line reason plus the problems found (all of them, not just the first)."""

    def __init__(self, reason: str, problems: list[Problem] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.problems = list(problems or [])

    def details(self, limit: int = 50) -> list[str]:
        lines = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more problems")
        return lines

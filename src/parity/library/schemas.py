"""What the library's importer reads and what its services return (plain dataclasses)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from parity.errors import Problem

KIND = "article"  # the kind of an article file's source (`parity.store.models.Source`)


@dataclass
class ParsedArticle:
    """One article read from a file, before it is stored."""

    path: str
    format: str  # markdown | html
    sha256: str
    title: str
    url: str | None
    area: str | None
    published: date | None
    description: str | None
    body: str  # Markdown
    text: str  # plain text
    content_hash: str


@dataclass
class ImportReport:
    """What an import did. ``problems`` are the files that could not be read (not stored)."""

    path: str
    files: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        out = asdict(self)
        out["problems"] = [
            {"file": p.file, "message": p.message, "row": p.row, "column": p.column}
            for p in self.problems
        ]
        return out

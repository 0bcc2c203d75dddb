"""The peers' scripts: what a user would otherwise write to do an import, each run as a process
of its own by the bench scripts (so that its imports are its own: this file imports nothing
heavy at the top).

    python bench/_peers.py csv-sqlite FILE.csv DATABASE.db        the CSV into a table, executemany
    python bench/_peers.py csv-postgres FILE.csv URL              the CSV into a table, COPY
    python bench/_peers.py articles-sqlite FOLDER DATABASE.db     front matter parsed, FTS5 load
    python bench/_peers.py articles-postgres FOLDER URL           COPY, GIN text-search index
    python bench/_peers.py sheet-postgres FILE.ods URL            calamine read, COPY
    python bench/_peers.py sheet-pandas FILE.ods URL              pandas + calamine, to_sql
    python bench/_peers.py folder-pandas FOLDER URL               every CSV/XLSX, pandas, to_sql
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

FRONT = re.compile(r"\A---\r?\n(.*?)^---\r?$\n?", re.S | re.M)


def _columns(header: list[str]) -> str:
    return ", ".join(f'"c{i}" text' for i in range(len(header)))


def csv_sqlite(path: str, target: str) -> None:
    import sqlite3

    with open(path, newline="", encoding="utf-8") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        con = sqlite3.connect(target)
        con.execute("DROP TABLE IF EXISTS peer_rows")
        con.execute(f"CREATE TABLE peer_rows ({_columns(header)})")
        con.executemany(f"INSERT INTO peer_rows VALUES ({', '.join('?' * len(header))})", rows)
        con.commit()
        con.close()


def _copy(target: str, header: list, rows) -> None:  # noqa: ANN001
    import psycopg

    with psycopg.connect(target) as con:
        con.execute("DROP TABLE IF EXISTS peer_rows")
        con.execute(f"CREATE TABLE peer_rows ({_columns(header)})")
        with con.cursor().copy("COPY peer_rows FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def csv_postgres(path: str, target: str) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = csv.reader(fh)
        _copy(target, next(rows), rows)


def _articles(folder: str) -> list[tuple[str, str]]:
    import yaml

    out = []
    for path in sorted(Path(folder).rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        match = FRONT.match(text)
        meta = yaml.load(match.group(1), Loader=yaml.CSafeLoader) if match else {}
        out.append((str(meta.get("title", path.stem)), text[match.end():] if match else text))
    return out


def articles_sqlite(folder: str, target: str) -> None:
    import sqlite3

    rows = _articles(folder)
    con = sqlite3.connect(target)
    con.execute("CREATE VIRTUAL TABLE articles USING fts5(title, body)")
    con.executemany("INSERT INTO articles VALUES (?, ?)", rows)
    con.commit()
    con.close()


def articles_postgres(folder: str, target: str) -> None:
    import psycopg

    rows = _articles(folder)
    with psycopg.connect(target) as con:
        con.execute("CREATE TABLE articles (id serial PRIMARY KEY, title text, body text)")
        with con.cursor().copy("COPY articles (title, body) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        con.execute("CREATE INDEX ON articles USING gin "
                    "(to_tsvector('english', title || ' ' || body))")


def _sheet_rows(path: str) -> list[list]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    # The data sheet: the one with the most rows (the Home Office table has a cover sheet).
    sheets = [book.get_sheet_by_name(n).to_python() for n in book.sheet_names]
    return max(sheets, key=len)


def sheet_postgres(path: str, target: str) -> None:
    rows = _sheet_rows(path)
    width = max(len(r) for r in rows)
    _copy(target, [""] * width, ([None if c == "" else str(c) for c in r] for r in rows[1:]))


def sheet_pandas(path: str, target: str) -> None:
    import pandas as pd
    from sqlalchemy import create_engine

    book = pd.read_excel(path, sheet_name=None, engine="calamine")
    frame = max(book.values(), key=len)
    frame.to_sql("peer_rows", create_engine(target), if_exists="replace", index=False)


def folder_pandas(folder: str, target: str) -> None:
    import pandas as pd
    from sqlalchemy import create_engine

    frames = []
    for path in sorted(Path(folder).iterdir()):
        if path.suffix == ".csv":
            frames.append(pd.read_csv(path, dtype=str, encoding="utf-8-sig"))
        elif path.suffix == ".xlsx":
            frames.append(pd.read_excel(path, dtype=str, engine="calamine"))
    pd.concat(frames).to_sql("peer_rows", create_engine(target), if_exists="replace",
                             index=False)


PEERS = {"csv-sqlite": csv_sqlite, "csv-postgres": csv_postgres,
         "articles-sqlite": articles_sqlite, "articles-postgres": articles_postgres,
         "sheet-postgres": sheet_postgres, "sheet-pandas": sheet_pandas,
         "folder-pandas": folder_pandas}

if __name__ == "__main__":
    PEERS[sys.argv[1]](sys.argv[2], sys.argv[3])

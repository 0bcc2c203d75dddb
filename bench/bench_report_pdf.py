"""Benchmark: the report's PDF engines on the same HTML: WeasyPrint, Parity's Chromium engine and
headless Chromium printing the file once.

The report's HTML is built once (`parity report build`, a force's or the national one, on a
SQLite database holding the bundled data); then the same file is printed to PDF as whole
processes, alternately (`_common.Contest`, medians, ratios to the first): Parity's Chromium
engine, the default (`parity.reports.chromium.write_pdf_chromium`: one browser over the
DevTools pipe, the contents printed again with their page numbers, PDF/UA-1 added by
`parity.reports.pdfua`), Parity's WeasyPrint (`parity.reports.pdf.write_pdf`: CSS paged media,
PDF/UA-1), and the peer,
Chromium's own ``--print-to-pdf`` (with its document outline, nothing added). With ``--against
SRC`` the Chromium engine of another checkout (its ``src`` folder) runs too: before and after
in the same run. Speed is half of the choice; the other half is what the PDF keeps, checked on
each file and printed:

- running headers (the chapter's title at the top of each page),
- "Page N of M" (``counter(page)`` / ``counter(pages)`` in the ``@bottom-right`` margin box),
- bookmarks (the PDF outline, from the headings),
- tagging (a structure tree: ``/MarkInfo /Marked`` and ``/StructTreeRoot``),
- the contents' page numbers,
- PDF/UA-1 declared (``pdfuaid:part`` in the XMP metadata).

    .venv/bin/python bench/bench_report_pdf.py [--force Kent | --national] [--runs 3]
        [--against ../other/src]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import PARITY, Contender, Contest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRAW = ("import sys; from pathlib import Path; from parity.reports.{module} import {function}; "
        "{function}(Path(sys.argv[1]).read_text(encoding='utf-8'), Path(sys.argv[2]), "
        "title='Gender Equality in UK Policing')")
WEASYPRINT = DRAW.format(module="pdf", function="write_pdf")
CHROMIUM_ENGINE = DRAW.format(module="chromium", function="write_pdf_chromium")


def features(pdf: Path) -> dict:
    """What the PDF keeps: pages, outline entries, tagging, page numbers, running headers."""
    import pikepdf
    import pypdfium2

    with pikepdf.open(pdf) as doc:
        root = doc.Root
        marked = bool(root.get("/MarkInfo", {}).get("/Marked", False))
        tagged = marked and "/StructTreeRoot" in root
        with doc.open_outline() as outline:
            bookmarks = _count(outline.root)
        pages = len(doc.pages)
    texts, tops = [], []
    document = pypdfium2.PdfDocument(str(pdf))
    for index in range(min(pages, 12)):
        page = document[index]
        width, height = page.get_size()
        text = page.get_textpage()
        texts.append(text.get_text_range())
        # the band of the top margin (15 mm): where a running header is drawn
        tops.append(" ".join(text.get_text_bounded(0, height - 15 / 25.4 * 72, width,
                                                   height).split()))
    document.close()
    with pikepdf.open(pdf) as doc:
        declared = str(doc.open_metadata().get("pdfuaid:part", "")) == "1"
    numbered = any(re.search(rf"Page\s+{i + 1}\s+of\s+{pages}", t) for i, t in enumerate(texts))
    # a running header: text in the top margin of two or more pages after the cover
    running = sum(bool(t) for t in tops[1:]) >= 2
    # the contents' page numbers (``leader()`` and ``target-counter()``): "Kent ...... 3"
    contents = any(re.search(r"\.{5,}\s*\d+", t) for t in texts[:4])
    return {"pages": pages, "bookmarks": bookmarks, "tagged": tagged,
            "page N of M": numbered, "running headers": running,
            "contents page numbers": contents, "PDF/UA-1 declared": declared}


def _count(items) -> int:  # noqa: ANN001
    return sum(1 + _count(item.children) for item in items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", default="Kent")
    parser.add_argument("--national", action="store_true", help="the national report (195 "
                        "pages) instead of one force's")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout's src folder: its "
                        "Chromium engine timed too (before and after)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"no Chromium at {CHROMIUM} (scripts/debian-packages.txt lists it)")
    folder = Path(tempfile.mkdtemp(prefix="parity-bench-pdf-"))
    env = {**os.environ, "PARITY_DATABASE_URL": f"sqlite:///{folder / 'parity.db'}"}
    try:
        subprocess.run([PARITY, "import", "bundled"], env=env, check=True, capture_output=True)
        which = [] if args.national else ["--force", args.force]
        subprocess.run([PARITY, "report", "build", "--year", "2023", *which, "--out",
                        str(folder / "out")], env=env, check=True, capture_output=True)
        (html,) = (folder / "out").glob("*.html")
        drawn = {name: folder / f"{name}.pdf"
                 for name in ("weasyprint", "engine", "before", "chromium")}
        what = "national report" if args.national else f"{args.force}'s report"
        # the default engine first: the ratios and the floor are its
        contenders = [
            Contender("Parity's Chromium engine",
                      [sys.executable, "-c", CHROMIUM_ENGINE, str(html), str(drawn["engine"])]),
            Contender("WeasyPrint (Parity's write_pdf)",
                      [sys.executable, "-c", WEASYPRINT, str(html), str(drawn["weasyprint"])]),
        ]
        if args.against:
            contenders.append(Contender(
                f"Chromium engine of {args.against}",
                [sys.executable, "-c", CHROMIUM_ENGINE, str(html), str(drawn["before"])],
                env={"PYTHONPATH": str(args.against.resolve())}))
        contenders.append(Contender("Chromium headless --print-to-pdf", [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            "--generate-pdf-document-outline", f"--print-to-pdf={drawn['chromium']}",
            html.as_uri()]))
        Contest(f"PDF of {what} from the same HTML ({html.stat().st_size / 1e6:.1f} MB)",
                contenders).run(args.runs).print(
            floor=3.0 if not args.national else 15.0,
            floor_text="the report's floor for the whole build (HTML + PDF), here the PDF "
                       "alone")
        print("\nwhat each PDF keeps:")
        for name, key in (("WeasyPrint", "weasyprint"), ("Engine", "engine"),
                          ("Before", "before"), ("Chromium", "chromium")):
            if drawn[key].is_file():
                found = features(drawn[key])
                print(f"  {name:11} " + ", ".join(f"{k}: {v}" for k, v in found.items()))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

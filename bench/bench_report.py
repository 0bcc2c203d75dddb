"""Benchmark: the report as a user builds it, a force's own and the national one (issue 13).

Each figure is the whole command in a new process, imports included (`_common.Contest`:
alternated runs, medians, CPU time, peak memory, ratios), on a SQLite database holding the
bundled data:

1. one force's report, HTML and PDF: `parity report build --force Kent --pdf` with each engine
   (`--engine chromium`, the default where Chromium is installed: one browser, the contents
   printed again with their page numbers, PDF/UA-1 added; `--engine weasyprint`), against
   headless Chromium printing the same report's HTML once (what a user might otherwise do with
   the web page); floor under 3 s;
2. the national report, HTML and PDF (about 198 pages), the same three; floor under 15 s;
3. the HTML and tables alone, the force's against the national, which a force's report no
   longer builds.

The projections' simulated runs are kept between builds (`parity.flows.simulations`): the
builds timed read those the first build kept, as a user's second build does; "no projections
kept" times the first build of all, its folder emptied before each run.

`bench_report_pdf.py` compares the PDF engines alone and what each PDF keeps.

    .venv/bin/python bench/bench_report.py [--runs 3] [--force Kent] [--no-national]
        [--engines chromium,weasyprint] [--against ../other/src]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from _common import PARITY, Contender, Contest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
YEAR = "2023"


def chromium(html: Path, pdf: Path) -> list[str]:
    return [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            "--generate-pdf-document-outline", f"--print-to-pdf={pdf}", html.as_uri()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--force", default="Kent")
    parser.add_argument("--no-national", action="store_true", help="only the force's report")
    parser.add_argument("--engines", default="chromium,weasyprint",
                        help="the PDF engines to time, comma-separated")
    parser.add_argument("--against", type=Path, help="another checkout's src folder: its "
                        "`--engine chromium` timed too (before and after, the same run)")
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    folder = Path(tempfile.mkdtemp(prefix="parity-bench-report-"))
    # the projections' runs kept between builds (`parity.flows.simulations`): in a folder of
    # the benchmark's own, filled by the first build below, as a user's earlier build fills it
    env = {"PARITY_DATABASE_URL": f"sqlite:///{folder / 'parity.db'}",
           "PARITY_CACHE_DIR": str(folder / "kept")}
    cold = folder / "cold"
    has_chromium = Path(CHROMIUM).exists()
    try:
        subprocess.run([PARITY, "import", "bundled"], env={**os.environ, **env}, check=True,
                       capture_output=True)
        force = ["report", "build", "--year", YEAR, "--force", args.force]
        national = ["report", "build", "--year", YEAR]
        # the HTML each peer prints: built once, before the runs
        for name, argv in (("force", force), ("national", national)):
            if name == "national" and args.no_national:
                continue
            subprocess.run([PARITY, *argv, "--out", str(folder / f"{name}-html")],
                           env={**os.environ, **env}, check=True, capture_output=True)
        for name, argv, floor in (("force", force, 3.0), ("national", national, 15.0)):
            if name == "national" and args.no_national:
                continue
            (html,) = (folder / f"{name}-html").glob("*.html")
            contenders = [Contender(f"parity {' '.join(argv[:2])} ({name}) --pdf "
                                    f"--engine {engine}",
                                    [PARITY, *argv, "--pdf", "--engine", engine, "--out",
                                     str(folder / f"{name}-{engine}")], env=env)
                          for engine in engines if has_chromium or engine != "chromium"]
            if has_chromium and "chromium" in engines:
                # the first build of all: no projection kept by an earlier one
                contenders.append(Contender(
                    f"the same, no projections kept ({name}, first build)",
                    [PARITY, *argv, "--pdf", "--engine", "chromium", "--out",
                     str(folder / f"{name}-cold")], env={**env, "PARITY_CACHE_DIR": str(cold)},
                    before=lambda: shutil.rmtree(cold, ignore_errors=True)))
            if args.against and has_chromium:
                contenders.append(Contender(
                    f"the same, --engine chromium of {args.against}",
                    [PARITY, *argv, "--pdf", "--engine", "chromium", "--out",
                     str(folder / f"{name}-against")],
                    env={**env, "PYTHONPATH": str(args.against.resolve())}))
            if has_chromium:
                contenders.append(Contender("Chromium printing the same HTML",
                                            chromium(html, folder / f"{name}-chromium.pdf")))
            title = (f"{args.force}'s report" if name == "force" else "the national report")
            Contest(f"{title}, HTML + accompanying tables + PDF", contenders) \
                .run(args.runs).print(floor=floor)
        if not args.no_national:
            Contest("HTML and tables only: a force's report against the national one", [
                Contender(f"{args.force}'s report (HTML, tables)",
                          [PARITY, *force, "--out", str(folder / "f")], env=env),
                Contender("the national report (HTML, tables)",
                          [PARITY, *national, "--out", str(folder / "n")], env=env),
            ]).run(args.runs).print()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

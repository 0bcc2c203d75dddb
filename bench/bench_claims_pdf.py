"""Checking a 200-page PDF draft: the whole `parity library check FILE --json` command in a new
process (imports included), medians of several runs, beside `pdftotext` (poppler), the tool a
user would reach for to get the text out of the same PDF, run alternately.

    .venv/bin/python bench/bench_claims_pdf.py [--pages 200] [--runs 5]

The draft is generated with WeasyPrint: each page a few paragraphs of a force's annual return,
with shares and counts of women (true and false), targets, recruits and ethnicity figures.
Target (issue 12): under 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import sqlite_with_workforce

PAGE = """<section><h2>{force}: section {n}</h2>
<p>At 31 March {year} women made up {share}% of police officers at {force}, and {count}
female officers served in neighbourhood and response teams. In senior leadership the share was
{senior}%.</p>
<p>We have an aspiration for women to reach 40% of our officers by 2026. Of the {recruits}
officers recruited last year, 45% were women, and 6% of our female officers are from ethnic
minority backgrounds.</p>
<p>{filler}</p></section>"""
FORCES = ["Kent Police", "Durham Constabulary", "Gwent Police", "Merseyside Police",
          "Thames Valley Police", "Cumbria Constabulary", "Dorset Police", "Essex Police"]
FILLER = ("The force continued its work on flexible working, mentoring and the menopause "
          "support network, and reviewed its promotion process with the staff networks. ") * 6


def make_pdf(path: Path, pages: int) -> None:
    from weasyprint import HTML

    body = "".join(
        PAGE.format(force=FORCES[i % len(FORCES)], n=i + 1, year=2015 + i % 9,
                    share=30 + i % 9, count=400 + 7 * i, senior=25 + i % 7,
                    recruits=200 + i, filler=FILLER)
        + "<div style='page-break-after: always'></div>" for i in range(pages))
    HTML(string=f"<html><body>{body}</body></html>").write_pdf(path)


def timed(cmd: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {run.stderr[-2000:]}")
    return elapsed, run.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder, url, _ = sqlite_with_workforce("parity-bench-claims-pdf-")
    pdf = folder / "draft.pdf"
    make_pdf(pdf, args.pages)
    env = {**os.environ, "PARITY_DATABASE_URL": url}
    parity = [str(Path(sys.executable).with_name("parity")), "library", "check", str(pdf),
              "--area", "Kent", "--date", "2023-09-01", "--json"]
    ours, peer = [], []
    for _ in range(args.runs):
        seconds, out = timed(parity, env)
        ours.append(seconds)
        peer.append(timed(["pdftotext", "-layout", str(pdf), "-"], env)[0])
    result = json.loads(out)
    in_process = time.perf_counter()
    from parity.library.check import check_document
    from parity.store import make_engine, open_session

    with open_session(make_engine(url)) as session:
        check_document(session, name="draft.pdf", data=pdf.read_bytes(), area="Kent")
    in_process = time.perf_counter() - in_process
    print(f"{args.pages}-page PDF ({pdf.stat().st_size / 1e6:.1f} MB), {len(result['claims'])} "
          f"claims: {result['matches']} match, {result['does_not_match']} do not, "
          f"{result['cannot_tell']} cannot tell, {result['not_checked']} not checked")
    print(f"parity library check (new process, median of {args.runs}): "
          f"{statistics.median(ours):.2f} s (slowest {max(ours):.2f} s; target < 10 s)")
    print(f"pdftotext alone (text only, no check): {statistics.median(peer):.2f} s; ratio "
          f"{statistics.median(ours) / statistics.median(peer):.1f}x")
    print(f"in-process check_document, once: {in_process:.2f} s")
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores shared)")


if __name__ == "__main__":
    main()

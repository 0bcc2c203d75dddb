"""The figures check on a corpus of real published writing kept outside the repository.

    .venv/bin/python bench/bench_claims.py /work/claims-corpus/items [--truth truth.yaml]
        [--json] [--show]

Each file in the folder is a published item (Markdown with front matter: title, url,
publish.date, and area only where it is a force's own page). Every claim the check finds is
printed with its verdict (with --show); then the totals: claims found, verdicts, and, against
the hand-worked truth (truth.yaml: for each item and quoted figure, whether it is true against
the Home Office table, and what it is about), the precision of "does not match", the real
errors caught, the attributions that were wrong, and the share of checkable claims (about a
share or count of women, in an area and year the table holds) that got a verdict.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--truth", type=Path, default=None,
                        help="truth.yaml (default: truth.yaml beside the folder)")
    parser.add_argument("--json", action="store_true", help="print every claim as JSON")
    parser.add_argument("--show", action="store_true", help="print every claim")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("PARITY_DATABASE_URL", f"sqlite:///{tmp}/bench.db")
        from parity.commands import session as open_session

        from parity.library.check import check_document
        from parity.workforce.service import ensure_loaded

        with open_session() as session:
            ensure_loaded(session)
            session.commit()
            started = time.perf_counter()
            results = {}
            for path in sorted(args.folder.glob("*.md")):
                results[path.stem] = check_document(session, name=path.name,
                                                    data=path.read_bytes())
            elapsed = time.perf_counter() - started
    truth_path = args.truth or args.folder.parent / "truth.yaml"
    truth = yaml.safe_load(truth_path.read_text())["items"] if truth_path.exists() else {}
    report(results, truth, elapsed, show=args.show, as_json=args.json)


def _key(quoted: str) -> str:
    return " ".join(quoted.lower().split())


def report(results: dict, truth: dict, elapsed: float, *, show: bool, as_json: bool) -> None:
    verdicts: Counter[str] = Counter()
    accused_true, accused_false, caught, missed_errors = [], [], [], []
    wrong_attr: list[str] = []
    checkable = checkable_decided = 0
    unjudged = 0
    for item, result in results.items():
        known = {_key(c["quoted"]): c for c in (truth.get(item) or {}).get("claims", [])}
        for claim in result["claims"]:
            verdicts[claim["verdict"]] += 1
            t = known.get(_key(claim["quoted"]))
            if show:
                print(f"[{item}] {claim['quoted']!r} ({claim['kind']}): {claim['label']}")
            if as_json:
                print(json.dumps({"item": item, **claim}, default=str))
            if t is None:
                unjudged += 1
                continue
            if t.get("checkable"):
                checkable += 1
                if claim["verdict"] in {"matches", "does not match"}:
                    checkable_decided += 1
            if claim["verdict"] == "does not match":
                (accused_false if t.get("true") is False else accused_true).append(
                    f"{item}: {claim['quoted']}")
            if t.get("true") is False:
                if claim["verdict"] == "does not match":
                    caught.append(f"{item}: {claim['quoted']}")
                else:
                    missed_errors.append(f"{item}: {claim['quoted']} ({claim['verdict']})")
            for name in ("area", "group", "worker_type", "kind"):
                if name in t and t[name] != claim.get(name):
                    wrong_attr.append(f"{item}: {claim['quoted']}: {name} {claim.get(name)!r}, "
                                      f"truth {t[name]!r}")
    found = sum(verdicts.values())
    print(f"items: {len(results)}; checked in {elapsed:.2f} s (in-process, load average "
          f"{os.getloadavg()[0]:.1f})")
    print(f"claims found: {found} ({unjudged} without a truth entry)")
    print("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
    accused = len(accused_true) + len(accused_false)
    precision = f"{len(accused_false) / accused:.0%}" if accused else "n/a (none)"
    print(f'"does not match": {accused}; on a true figure: {len(accused_true)}; '
          f"precision {precision}")
    for line in accused_true:
        print(f"  ACCUSED A TRUE FIGURE: {line}")
    print(f"real errors caught: {len(caught)} of {len(caught) + len(missed_errors)}")
    for line in caught:
        print(f"  caught: {line}")
    for line in missed_errors:
        print(f"  missed: {line}")
    missed = [f"{item}: {m}" for item, t in truth.items() if item in results
              for m in (t or {}).get("missed", [])]
    print(f"claims in the truth the check does not find: {len(missed)}")
    for line in missed:
        print(f"  {line}")
    share = f"{checkable_decided / checkable:.0%}" if checkable else "n/a"
    print(f"checkable claims (a share or count of women, area and year held): {checkable}; "
          f"matches or does not match: {checkable_decided} ({share})")
    print(f"attributions wrong: {len(wrong_attr)}")
    for line in wrong_attr:
        print(f"  {line}")


if __name__ == "__main__":
    main()

"""Benchmark: commitment statuses for every force, now and as of a past date.

Builds a SQLite database in a temporary folder with the bundled workforce table, the national
commitments and one refining commitment per force whose target is then moved five times (so
history holds six versions each). Times first, as a user feels them, the whole commands
`parity commitments status --force kent --json` and `parity commitments overview --json` (a new
process each, imports included; medians of `--runs`, alternating, with `python -c pass` for
scale: no other tool answers the question), then the service calls in-process (marked so),
with their ratios.

    .venv/bin/python bench/bench_commitments.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from _common import PARITY, Contender, Contest

from parity.commitments import service
from parity.forces import registry
from parity.store import make_engine, open_session, upgrade
from parity.workforce.service import ensure_loaded

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def timed(label: str, func, repeat: int = 3):  # noqa: ANN001, ANN201
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<58} {best * 1000:9.1f} ms")
    return best, result


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        s = open_session(engine)
        ensure_loaded(s)
        s.commit()
        timed("load the national commitments (first use)", lambda: service.ensure_defaults(s),
              repeat=1)
        forces = [f.id for f in registry().forces if f.territorial]
        for n, force in enumerate(forces):
            service.add_commitment(s, data={
                "force": force, "title": "Senior share target", "theme": "senior representation",
                "made": "2020-06-01", "refines": "national-2019-1",
                "indicators": [{"kind": "representation", "params": {"group": "senior"},
                                "baseline_year": 2019, "target_value": 0.30 + n / 1000,
                                "target_date": "2025-03-31"}]},
                by="bench", at=datetime(2020, 6, 1, tzinfo=UTC))
            for k in range(5):
                service.set_target(s, ref=f"{force}-1", target_value=0.31 + k / 100,
                                   target_date="2026-03-31", by="bench",
                                   at=datetime(2021 + k, 1, 1, tzinfo=UTC))
        s.commit()

        url = {"PARITY_DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}"}
        Contest("commitments, whole commands (SQLite)", [
            Contender("parity commitments status --force kent",
                      [PARITY, "commitments", "status", "--force", "kent", "--json"], env=url),
            Contender("parity commitments overview",
                      [PARITY, "commitments", "overview", "--json"], env=url),
            Contender("python -c pass", [sys.executable, "-c", "pass"]),
        ]).run(RUNS).print()
        print("\nin-process (start-up and imports left out):")
        one, _ = timed("status, one force (6 commitments)",
                       lambda: service.status(s, force_id="kent"))
        every, _ = timed(f"status, all {len(forces)} territorial forces",
                         lambda: [service.status(s, force_id=f) for f in forces], repeat=1)
        past, _ = timed("status, one force, as of 2022-06-30",
                        lambda: service.status(s, force_id="kent", as_of=date(2022, 6, 30)))
        national, _ = timed("status, England and Wales and every force's own",
                            lambda: service.status(s), repeat=1)
        review, _ = timed("3-year review, one force",
                          lambda: service.review(s, force_id="kent", years=3), repeat=1)
        timed("history of one commitment (6 versions)",
              lambda: service.history(s, ref="kent-1"))
        print(f"{'all forces / one force':<58} {every / one:9.1f} x")
        print(f"{'as of a past date / now':<58} {past / one:9.2f} x")
        print(f"{'review (two statuses + history) / status':<58} {review / one:9.2f} x")
        s.close()
        engine.dispose()


if __name__ == "__main__":
    main()

"""The public outlooks worked out ahead, once the official table changes.

An import of the Home Office workforce table (or another edition made current) changes the
stock every public outlook starts from, so the outlooks kept (`parity.flows.simulations`) are
for figures no longer held. Right after such a command has committed, it starts this module in
a detached process of its own (``python -m parity.flows.warm``, `parity.present.commands.
work_ahead`) and returns: the outlooks the report and the force pages show for the latest
year held (England and Wales and every force, three scenarios each; about 7 s of CPU) are
worked out here, at a lower priority than the user's commands, and kept for every process
that asks next, and so are the projections the force pages show (`outlooks.panel`). A national
report built meanwhile waits for this process (`simulations.wait_for_warming`) instead of
working the same outlooks out a second time; a page opened meanwhile works out its own.

Nothing is done when answers are not kept (``PARITY_CACHE_DIR=none``) or with
``PARITY_WARM=off`` (the tests, and benchmarks timing one command alone).
"""

from __future__ import annotations

import os

from sqlalchemy.orm import Session

from parity.errors import InputError
from parity.flows import outlooks, simulations
from parity.forces import registry
from parity.workforce import service as workforce


def areas() -> list[str]:
    """What the report and the force pages show: England and Wales, the territorial forces,
    then the national forces (British Transport Police), in the order the report asks."""
    reg = registry()
    return ["England and Wales", *(f.id for f in reg.territorial()),
            *(f.id for f in reg.forces if f.kind == "national")]


def warm(session: Session, *, only: list[str] | None = None) -> list[str]:
    """Work out and keep the public outlooks of the latest year held (of `only`, if given: the
    tests), holding the warm-up lock; the areas with an outlook."""
    years = workforce.years_available(session)
    if not years:
        return []
    year = years[-1]
    done = []
    with simulations.warming():
        chosen = only if only is not None else areas()
        outlooks.start(session, areas=chosen, from_year=year)
        try:
            # the force pages' projections here while the workers simulate the outlooks: a
            # page opened meanwhile works its own out rather than waiting
            for area in chosen:
                try:
                    outlooks.panel(session, area=area, from_year=year)
                except InputError:
                    continue  # no official figures for that area that year
                done.append(area)
            for area in done:
                outlooks.public_outlook(session, area=area, from_year=year)
        finally:
            simulations.stop()
    return done


def _lowest_priority() -> None:
    """The user's commands and the web server first. `nice` alone is not enough: this process
    runs in a session of its own (`work_ahead`), and where the kernel groups processes by
    session for scheduling (``sched_autogroup``), the session's group shares the CPU with the
    web server's as an equal whatever the niceness inside it; so the group's own niceness is
    set too (/proc/self/autogroup: a process may lower its own group's priority)."""
    os.nice(19)
    try:
        with open("/proc/self/autogroup", "w", encoding="ascii") as group:
            group.write("19")
    except OSError:
        pass  # no autogroups here (another kernel setting or system): niceness alone holds


def main() -> None:
    if simulations.kept_folder() is None:
        return  # nowhere to keep them
    _lowest_priority()
    # deferred: the database layer, for this process alone
    from parity.store import make_engine, session_scope

    with session_scope(make_engine()) as session:
        warm(session)


if __name__ == "__main__":
    main()

"""The official data shipped with Parity, loaded in one step where a database lacks it, and
the command that does it (``parity import bundled``).

`load_bundled` imports, each only if its kind of data is missing: the Home Office workforce
table, the gender pay gap service downloads and the ONS recorded crime tables (context), and
the HeForShe national commitments. Each import is all-or-nothing and idempotent, so calling it
on a loaded database changes nothing. It runs when ``parity serve`` starts and at the start of
each command that needs the data, never inside a read (a GET request writes nothing).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from parity.present.commands import (
    JsonOption,
    console,
    emit_json,
    handles_input_errors,
    import_app,
    session,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

STEPS: tuple[tuple[str, str], ...] = (
    ("workforce", "Home Office police workforce open data table"),
    ("paygap_returns", "gender pay gap service downloads"),
    ("crime", "ONS police force area recorded crime tables"),
    ("commitments", "HeForShe national commitments"),
)


def load_bundled(session: Session, *, only: set[str] | None = None,
                 on_step: Callable[[str, str], None] | None = None) -> dict[str, bool]:
    """Import whatever bundled data the database lacks; {step: imported now?}. Commits each
    step, so a later failure leaves the earlier data in place."""
    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.commitments import service as commitments

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.context import service as context

    # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast
    from parity.workforce import service as workforce

    wanted = only or {name for name, _ in STEPS}
    done: dict[str, bool] = {}
    for name, label in STEPS:
        if name not in wanted or name in done:
            continue
        if on_step:
            on_step(name, label)
        if name == "workforce":
            done[name] = workforce.ensure_loaded(session)
        elif name in ("paygap_returns", "crime"):
            done.update(context.ensure_loaded(session))
        else:
            done[name] = commitments.ensure_defaults(session)
        session.commit()
    return {k: v for k, v in done.items() if k in wanted}


@import_app.command("bundled")
@handles_input_errors
def import_bundled_cmd(as_json: bool = JsonOption) -> None:
    """Import all the official data shipped with Parity that the database lacks."""
    def say(_name: str, label: str) -> None:
        sys.stderr.write(f"checking: {label}\n")

    with session() as s:
        done = load_bundled(s, on_step=None if as_json else say)
    if as_json:
        emit_json(done)
        return
    for name, imported in done.items():
        console().print(f"{name}: {'imported' if imported else 'already held'}")

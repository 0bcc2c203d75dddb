"""The private area's frame (``/private``): the forces a user may see, and a force's page.

Every route needs a signed-in user (`parity.present.deps.RequireUser`); a force lead or
analyst sees only their own force, a coordinator every force. Every form posts a CSRF token.
Nothing here appears on the public pages or in the public API (``include_in_schema=False``),
and responses are never cached.

- ``GET /private``: the forces the user may see.
- ``GET /private/forces/<id>``: upload forms for the force's payroll and HR extracts, and the
  years of flows held.

The domains' private pages live at home, under ``/private/forces/<id>/...``, mounted like
their public pages (`parity.web.extensions`):

- ``POST .../paygap``: a payroll extract in, the statutory pay gap figures out
  (`parity.paygap.views`); the extract is read and forgotten, not stored.
- ``POST .../flows`` and ``GET .../flows?year=``: an HR events extract imported
  all-or-nothing, then joiners, leavers, promotions, rate ratios, the pipeline and the
  reconciliation (`parity.flows.views`).
- ``GET .../commitments``: the force's commitments with the figures the public pages withhold
  (`parity.commitments.views`).

Figures from private extracts have groups of fewer than 10 people withheld by the domains'
services (`parity.disclosure`). Bad uploads are a 400 page with the importer's reason and
every problem (file, row, column), the same messages as the CLI.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from parity.accounts import service as accounts
from parity.flows import service as flows
from parity.forces import registry
from parity.present.deps import NO_STORE, RequireUser, SessionDep, private_force
from parity.present.responses import render_private
from parity.web.site import templates

router = APIRouter(prefix="/private", include_in_schema=False)


@router.get("")
def private_home(request: Request, user: RequireUser, session: SessionDep) -> Response:
    reg = registry()
    forces = [reg.get(f) for f in accounts.visible_force_ids(user)]
    if user.role != "coordinator" and len(forces) == 1:
        return RedirectResponse(f"/private/forces/{forces[0].id}", status_code=303,
                                headers=NO_STORE)
    with_events = set(flows.forces_with_events(session))
    return render_private(request, templates, "private_home.html", user, forces=forces,
                          with_events=with_events)


@router.get("/forces/{force_id}")
def force_page(request: Request, force_id: str, user: RequireUser,
                  session: SessionDep) -> Response:
    force = private_force(user, force_id, allowed=accounts.can_see_force)
    return render_private(request, templates, "private_force.html", user, force=force,
                          flow_years=flows.flow_years(session, force_id=force.id))

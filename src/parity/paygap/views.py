"""The pay gap's pages: in the private area, a force's payroll extract in, its statutory gender
pay gap figures out.

- ``POST /private/forces/<id>/paygap`` (signed in, CSRF token): a payroll extract (CSV, XLSX,
  Parquet), read and forgotten (not stored), and the figures of
  `parity.paygap.service.compute_figures` as `service.shown` lets them be shown (groups of
  fewer than 10 women or men withheld). A bad extract is a 400 page with the importer's reason
  and every problem (file, row, column), the same messages as the CLI.

- ``GET`` and ``POST /private/forces/<id>/paylines``: the same figures from a payroll's pay
  lines, with a column mapping and a pay code table (`parity.paygap.lines_views`).

PRIVATE: nothing here appears on the public pages or in the public API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from parity import disclosure
from parity.accounts import service as accounts
from parity.errors import InputError
from parity.paygap import service
from parity.paygap.lines_views import quarters_chart as _quarters_chart
from parity.paygap.lines_views import router as lines_router
from parity.present.csrf import CsrfChecked
from parity.present.deps import RequireUser, private_force
from parity.present.responses import render_private
from parity.present.templating import templates_for
from parity.present.uploads import received

router = APIRouter(prefix="/private", include_in_schema=False)
templates = templates_for(Path(__file__).parent / "templates")
PAYROLL_SUFFIXES = (".csv", ".xlsx", ".parquet")  # what parity.paygap.importer reads
router.include_router(lines_router)  # the pay lines pages (parity.paygap.lines_views)


@router.post("/forces/{force_id}/paygap", dependencies=[CsrfChecked])
def private_paygap(request: Request, force_id: str, user: RequireUser,
                   extract: Annotated[UploadFile | None, File()] = None,
                   by: Annotated[str, Form(max_length=20)] = "") -> Response:
    force = private_force(user, force_id, allowed=accounts.can_see_force)
    try:
        with received(extract, field="extract", suffixes=PAYROLL_SUFFIXES) as path:
            payroll = service.read_payroll(path)
            figures = service.compute_figures(payroll, by=by or None)
    except InputError as error:
        return render_private(request, templates, "private_upload_error.html", user, status=400,
                              force=force, what="payroll extract", reason=error.reason,
                              messages=error.details())
    data = service.shown(figures)
    return render_private(request, templates, "private_paygap.html", user, force=force, data=data,
                   minimum=disclosure.MINIMUM, chart=_quarters_chart(data))

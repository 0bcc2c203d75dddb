"""The private pages for a payroll's pay lines: upload, classify unknown codes, see the figures.

- ``GET /private/forces/<id>/paylines``: the form — the pay lines (CSV, XLSX or Parquet), the
  column mapping (a ``columns.yaml`` or the export's headers typed in the form), the pay code
  table (a ``codes.csv`` or the police defaults), optionally the payroll's own period totals,
  the several-posts rule and the snapshot date.
- ``POST /private/forces/<id>/paylines`` (CSRF token): the lines read through the mapping and
  collapsed (`parity.paygap.fromlines`). Pay codes the table does not hold are listed (code,
  description, lines, people, total) with a class to choose for each; the next post carries the
  mapping and the completed code table in the form and asks for the pay lines again (they were
  not kept). With every code classified: the six figures, what the collapse did and the
  reconciliation per pay code.

Everything is read from a private temporary copy deleted with the request (`received`),
spreadsheets and YAML within the reading budget (`parity.budget`); nothing is stored. Figures
and per-code totals resting on fewer than 10 people are withheld (`fromlines.shown_lines`,
`service.shown`). A bad file is a 400 page with every problem (file, row, column), as the CLI.

PRIVATE: nothing here appears on the public pages or in the public API.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import cast

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as FormFile

from parity import disclosure
from parity.accounts import service as accounts
from parity.errors import InputError, Problem
from parity.paygap import service
from parity.paygap.codes import (
    CLASSES,
    CodeTable,
    class_of,
    codes_from_text,
    codes_text,
    police_codes,
    read_codes,
    with_classes,
)
from parity.paygap.collapse import POSTS
from parity.paygap.fromlines import collapse_file, figures_of, read_totals, shown_lines
from parity.paygap.paylines import FIELDS, FREQUENCIES, Mapping, mapping_from, read_mapping
from parity.present.charts import Bar, bar_chart
from parity.present.csrf import CsrfChecked
from parity.present.deps import RequireUser, private_force
from parity.present.responses import render_private
from parity.present.templating import templates_for
from parity.present.uploads import received

router = APIRouter(include_in_schema=False)
templates = templates_for(Path(__file__).parent / "templates")
LINES_SUFFIXES = (".csv", ".xlsx", ".parquet")
MAX_CODES_TEXT = 200_000
CLASS_LABELS = {"ordinary": "Ordinary pay", "bonus": "Bonus pay", "excluded": "Excluded",
                "leave": "Reduced-pay leave", "sacrifice": "Salary sacrifice"}
FIELD_LABELS = {
    "person": "Person (the same in every post they hold)", "post": "Post or assignment",
    "sex": "Sex", "code": "Pay code", "description": "Pay code description",
    "amount": "Amount (pounds)", "period_start": "Pay period start",
    "period_end": "Pay period end", "paid_on": "Payment date",
    "weekly_hours": "Weekly contracted hours", "worker_type": "Worker type (staff group)",
    "grade": "Grade or rank", "start_date": "Start date",
}
EXAMPLE_HEADERS = {"person": "Employee Number", "post": "Assignment", "sex": "Gender",
                   "code": "Element", "amount": "Amount", "period_start": "Period Start",
                   "period_end": "Period End", "paid_on": "Payment Date",
                   "weekly_hours": "Weekly Hours", "worker_type": "Staff Group",
                   "grade": "Grade"}
FORM_NAME = "the column form"


@dataclass
class Outcome:
    """What a post of the form came to: unknown codes to classify, or the figures."""

    mapping: Mapping
    codes: CodeTable
    posts: str
    snapshot: str
    unknown: list[dict] = field(default_factory=list)
    figures: dict | None = None


def _text(form: FormData, key: str, limit: int = 300) -> str:
    value = form.get(key)
    if not isinstance(value, str):
        return ""
    if len(value) > limit:
        raise InputError(f"the form's {key} field is too long",
                         [Problem(key, f"at most {limit:,} characters")])
    return value.strip()


def _file(form: FormData, key: str) -> UploadFile | None:
    """The file chosen in `key`, or None (no file input, or nothing chosen)."""
    value = form.get(key)
    if isinstance(value, FormFile) and value.filename:
        return cast(UploadFile, value)  # fastapi's UploadFile is starlette's, typed for views
    return None


def _mapping(form: FormData, stack: ExitStack) -> Mapping:
    upload = _file(form, "columns_file")
    if upload is not None:
        return read_mapping(stack.enter_context(
            received(upload, field="columns_file", suffixes=(".yaml", ".yml"))))
    data: dict = {"columns": {f: _text(form, f"col_{f}") for f in FIELDS
                              if _text(form, f"col_{f}")}}
    frequency = _text(form, "frequency")
    if frequency:
        data["frequency"] = frequency
    return mapping_from(data, FORM_NAME)


def _codes(form: FormData, stack: ExitStack) -> CodeTable:
    upload = _file(form, "codes_file")
    carried = _text(form, "codes_text", MAX_CODES_TEXT)
    if upload is not None:
        table = read_codes(stack.enter_context(
            received(upload, field="codes_file", suffixes=(".csv", ".xlsx"))))
    elif carried:
        table = codes_from_text(carried + "\n", _text(form, "codes_name") or "the code table")
    elif _text(form, "codes_source") == "file":
        raise InputError("no pay code table was uploaded",
                         [Problem("codes_file", "choose a codes.csv, or use the police defaults")])
    else:
        table = police_codes()
    added: dict[str, int] = {}
    problems = []
    for code, word in zip(form.getlist("unknown_code"), form.getlist("unknown_class"),
                          strict=False):
        if not isinstance(code, str) or not isinstance(word, str) or not word:
            continue
        klass = class_of(word)
        if klass is None or len(code) > 200:
            problems.append(Problem("unknown_class", f"{word!r} for pay code {code!r}: expected "
                                    f"one of {', '.join(CLASSES)}"))
        else:
            added[code] = klass
    if problems:
        raise InputError("a pay code's class was not understood", problems)
    return with_classes(table, added) if added else table


def _snapshot(form: FormData) -> date | None:
    text = _text(form, "snapshot")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"snapshot date {text!r} is not a date",
                         [Problem("snapshot", "expected a date, YYYY-MM-DD")]) from None


def compute(form: FormData) -> Outcome:
    """Read the form's files (each deleted when done) and collapse the lines; the figures
    when every code is classified, else the codes to classify."""
    with ExitStack() as stack:
        mapping = _mapping(form, stack)
        codes = _codes(form, stack)
        posts = _text(form, "posts") or "combined"
        snapshot = _snapshot(form)
        upload = _file(form, "totals_file")
        totals = read_totals(stack.enter_context(
            received(upload, field="totals_file", suffixes=(".csv",)))) if upload else None
        path = stack.enter_context(received(_file(form, "lines"), field="lines",
                                            suffixes=LINES_SUFFIXES))
        collapsed, inferred = collapse_file(path, columns=mapping, codes=codes,
                                            snapshot=snapshot, posts=posts,
                                            unknown="as-excluded", totals=totals,
                                            groups=False)
    outcome = Outcome(mapping=mapping, codes=codes, posts=posts,
                      snapshot=snapshot.isoformat() if snapshot else "")
    if collapsed.unknown_codes:
        outcome.unknown = shown_lines({"unknown_codes": collapsed.unknown_codes,
                                       "reconciliation": []})["unknown_codes"]
        return outcome
    figures = service.shown(figures_of(collapsed, inferred=inferred))
    figures["pay_lines"] = shown_lines(figures["pay_lines"])
    outcome.figures = figures
    return outcome


def _form_context(force_id: str) -> dict:
    return {"fields": [(f, FIELD_LABELS[f], EXAMPLE_HEADERS.get(f, "")) for f in FIELDS],
            "frequencies": list(FREQUENCIES), "posts_rules": POSTS,
            "action": f"/private/forces/{force_id}/paylines"}


@router.get("/forces/{force_id}/paylines")
def paylines_form(request: Request, force_id: str, user: RequireUser) -> Response:
    force = private_force(user, force_id, allowed=accounts.can_see_force)
    return render_private(request, templates, "private_paylines_form.html", user, force=force,
                          **_form_context(force.id))


@router.post("/forces/{force_id}/paylines", dependencies=[CsrfChecked])
async def paylines_figures(request: Request, force_id: str, user: RequireUser) -> Response:
    force = private_force(user, force_id, allowed=accounts.can_see_force)
    form = await request.form()
    try:
        outcome = await run_in_threadpool(compute, form)
    except InputError as error:
        return render_private(request, templates, "private_upload_error.html", user, status=400,
                              force=force, what="pay lines", reason=error.reason,
                              messages=error.details())
    if outcome.figures is None:
        return render_private(request, templates, "private_paylines_classify.html", user,
                              force=force, outcome=outcome, classes=CLASS_LABELS,
                              codes_csv=codes_text(outcome.codes), minimum=disclosure.MINIMUM,
                              **_form_context(force.id))
    return render_private(request, templates, "private_paylines.html", user, force=force,
                          data=outcome.figures, minimum=disclosure.MINIMUM, classes=CLASS_LABELS,
                          chart=quarters_chart(outcome.figures))


def quarters_chart(data: dict) -> Markup | None:
    """Women's share of each pay quarter (suppressed quarters: no data), against their share
    of everyone in the quarters."""
    quarters = [q for q in data["quarters"] if not q.get("suppressed")]
    if not quarters:
        return None
    bars = [Bar(q["quarter"].replace("_", " ").capitalize(),
                None if q.get("suppressed") or q["female_pct"] is None
                else q["female_pct"] / 100) for q in data["quarters"]]
    women = sum(q["female"] for q in quarters)
    everyone = sum(q["employees"] for q in quarters)
    overall = women / everyone if everyone and len(quarters) == len(data["quarters"]) else None
    return bar_chart(bars, title="Share of women in each pay quarter, lowest pay first",
                     reference=("all quarters", overall) if overall is not None else None)

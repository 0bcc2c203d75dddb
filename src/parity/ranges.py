"""The range of every numeric parameter a person or a program hands Parity, in one place.

A year of -1048576 or 99999999999 reaches date arithmetic and SQL as an overflow (a 500, a
traceback); ``--year 0`` meant "the latest" by accident. Each parameter named here is checked
where it comes in, before any service sees it:

- the command line: `bound_options(command)` checks every option of these names, in every
  command (exit status 2 with the reason);
- the web: `out_of_range(query)` is checked by a middleware for every page, JSON view and API
  route (a 400 with the reason), and `document(openapi)` writes the ranges (``minimum``,
  ``maximum``) and the 400 answer into the OpenAPI document.

Years are snapshot years ("as at 31 March"): 1900 to 2100 covers every table held with room
for projections.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import typer

YEARS = (1900, 2100)
RANGES: dict[str, tuple[int, int]] = {
    "year": YEARS,
    "from_year": YEARS,
    "to_year": YEARS,
    "since": YEARS,
    "snapshot_year": YEARS,
    "baseline_year": YEARS,
    "target_year": YEARS,
    "bootstrap": (0, 100_000),
    "seed": (0, 2**32 - 1),
}


def out_of_range(query: Mapping[str, str]) -> list[str]:
    """A reason for each parameter of `query` that is a whole number outside its range
    (anything else that is not a whole number is left to the route's own checks)."""
    reasons = []
    for name, (low, high) in RANGES.items():
        values = query.getlist(name) if hasattr(query, "getlist") else [query.get(name)]
        for raw in values:
            if raw is None:
                continue
            text = raw.strip()
            if not text.lstrip("+-").isdigit():
                continue
            value = int(text) if len(text) < 40 else (high + 1 if text[0] != "-" else low - 1)
            if not low <= value <= high:
                reasons.append(f"{name}: expected a whole number from {low} to {high}, got "
                               f"{text[:40]}")
    return reasons


def bound_options(command: Any) -> None:
    """Check every option named in `RANGES`, in `command` (the click command Typer builds)
    and all its subcommands, against its range: a value outside it is refused as a bad
    parameter (exit status 2 and the reason)."""
    for param in getattr(command, "params", []):
        bounds = RANGES.get(param.name or "")
        if bounds and not getattr(param.callback, "bounded", False):
            param.callback = _in_range(bounds, param.callback)
    for sub in getattr(command, "commands", {}).values():
        bound_options(sub)


def _in_range(bounds: tuple[int, int], then: Callable | None) -> Callable:
    low, high = bounds

    def check(ctx: Any, param: Any, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high:
            raise typer.BadParameter(f"expected a whole number from {low} to {high}, got {value}")
        return then(ctx, param, value) if then else value

    check.bounded = True  # type: ignore[attr-defined]
    return check


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {"error": {"type": "string", "description": "The reason, in one line."},
                   "problems": {"type": "array", "items": {"type": "string"},
                                "description": "Every problem found (file, row, column)."}},
    "required": ["error", "problems"],
}


def document(openapi: dict[str, Any]) -> dict[str, Any]:
    """`openapi` with the ranges on every parameter named in `RANGES` and, on every
    operation, the 400 answer (``{"error", "problems"}``) the app gives for
    bad input instead of FastAPI's 422."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path in openapi.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for param in operation.get("parameters", []):
                bounds = RANGES.get(param.get("name", ""))
                if bounds:
                    _bound(param.get("schema", {}), bounds)
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            # Any route may find its input wanting (no figures held for a year, say).
            responses["400"] = {"description": "Bad input: the reason and every problem",
                                "content": {"application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}}}}
    return openapi


def _bound(schema: dict, bounds: tuple[int, int]) -> None:
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "integer":
            option["minimum"], option["maximum"] = bounds

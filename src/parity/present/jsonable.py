"""Results as JSON, the same for every front end: `to_jsonable` (the web's ``.json`` pages
and API, `parity.present.responses`; the commands' ``--json``, `parity.present.commands`).

Light on purpose: the command line imports it without FastAPI.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any


def to_jsonable(value: Any) -> Any:
    """`value` with NaN and infinities as None, tuples as lists, keys as strings, dates and
    datetimes as ISO strings and numpy scalars as Python numbers."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return to_jsonable(value.item())
    return value

"""Checks of a commitment as entered (command line, YAML or CSV), in two tiers.

`check_commitment` first applies single-field rules (types, known values), then named
cross-field rules whose messages point at a field:

- ``force_commitments_name_a_force`` / ``national_commitments_name_no_force``
- ``target_date_follows_made``: a target date on or after the date the commitment was made
- ``baseline_precedes_target``: the baseline year is before the target date's year
- ``entered_baselines_have_evidence``: a baseline entered by hand says where it comes from
- ``context_indicators_have_no_target``: context indicators are shown, never judged
- ``indicator_params_suit_kind``: the parameters the indicator's provider expects
- ``article_links_are_urls_or_library_ids``: a link cites a web address or a library article

It returns the normalised commitment (the shape stored in history snapshots and written by
export) and every problem found, so that an import can report all of them at once.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from parity.commitments import providers
from parity.commitments.metrics import DIRECTIONS
from parity.errors import Problem
from parity.forces import registry

MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_MAGNITUDE = 1e15  # well past any count of people or share; keeps stored figures sane
SCOPES = ("national", "force")
STATES = ("active", "withdrawn")
ROLES = ("measure", "context")
REF_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
LIBRARY_ID = re.compile(r"[0-9]{1,18}")
URL = re.compile(r"https?://[^\s]+", re.IGNORECASE)
COMMITMENT_FIELDS = ("ref", "scope", "force", "refines", "title", "theme", "owner", "made",
                     "summary", "state", "indicators", "links")
INDICATOR_FIELDS = ("position", "kind", "label", "role", "params", "direction", "baseline_year",
                    "baseline_value", "baseline_evidence", "target_value", "target_date")


class Where:
    """Locates problems: the file (or "command line"), and the row or item. For a CSV file,
    `indicator_rows` holds the row of each indicator, so that a problem with an indicator
    names its own row and the CSV column; for a YAML file the row is the line of the field
    (or of the item, for a field it lacks)."""

    def __init__(self, file: str, row: int | None = None, prefix: str = "",
                 indicator_rows: list[int] | None = None, lines: dict[str, int] | None = None,
                 indicators: list[Where] | None = None):
        self.file, self.row, self.prefix = file, row, prefix
        # `lines`: a YAML item's line of each field; `indicators`: where each indicator is.
        self.indicator_rows, self.lines, self.indicators = indicator_rows, lines, indicators

    def problem(self, column: str | None, message: str) -> Problem:
        col = f"{self.prefix}{column}" if column else None
        row = (self.lines or {}).get(column or "", self.row)
        return Problem(self.file, message, row=row, column=col)

    def indicator(self, number: int) -> Where:
        """Where the `number`-th indicator (from 1) is."""
        if self.indicators is not None and number <= len(self.indicators):
            return self.indicators[number - 1]
        if self.indicator_rows is not None and number <= len(self.indicator_rows):
            return Where(self.file, self.indicator_rows[number - 1], self.prefix)
        return Where(self.file, self.row, f"{self.prefix}indicators[{number}].")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: Any) -> date:
    """A date from a date, an ISO string (YYYY-MM-DD), or a bare year (1 January)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1)
    return date.fromisoformat(text)


def _text(data: dict, key: str, where: Where, problems: list, *, required: bool,
          limit: int) -> str | None:
    value = data.get(key)
    if _blank(value):
        if required:
            problems.append(where.problem(key, "is required"))
        return None
    text = " ".join(str(value).split())
    if len(text) > limit:
        problems.append(where.problem(key, f"is longer than {limit} characters"))
    return text


def _number(data: dict, key: str, where: Where, problems: list, *, integer: bool = False):  # noqa: ANN202
    value = data.get(key)
    if _blank(value):
        return None
    try:
        if isinstance(value, bool):
            raise TypeError("a yes/no value is not a number")
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        problems.append(where.problem(key, f"expected a number, got {value!r}"))
        return None
    if not math.isfinite(number):
        problems.append(where.problem(key, f"expected a finite number, got {value!r}"))
        return None
    if integer:
        if number != int(number) or not MIN_YEAR <= number <= MAX_YEAR:
            problems.append(where.problem(key, f"expected a whole year from {MIN_YEAR} to "
                                               f"{MAX_YEAR}, got {value!r}"))
            return None
        return int(number)
    if abs(number) > MAX_MAGNITUDE:
        problems.append(where.problem(key, f"expected a number no larger than "
                                           f"{MAX_MAGNITUDE:g} in size, got {value!r}"))
        return None
    return number


def _date(data: dict, key: str, where: Where, problems: list, *, required: bool) -> date | None:
    value = data.get(key)
    if _blank(value):
        if required:
            problems.append(where.problem(key, "is required (a date, YYYY-MM-DD)"))
        return None
    try:
        return parse_date(value)
    except ValueError:
        problems.append(where.problem(key, f"expected a date (YYYY-MM-DD), got {value!r}"))
        return None


def _choice(data: dict, key: str, choices: tuple[str, ...], default: str, where: Where,
            problems: list) -> str:
    value = data.get(key)
    if _blank(value):
        return default
    text = str(value).strip().lower()
    if text not in choices:
        problems.append(where.problem(key, f"expected one of {', '.join(choices)}, got {value!r}"))
    return text


def parse_params(value: Any) -> dict:
    """Parameters as a mapping, or from ``key=value;key=value`` text (CSV and CLI); values may
    hold commas but not semicolons."""
    if _blank(value):
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    params = {}
    for part in str(value).split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(f"expected key=value, got {part.strip()!r}")
        key, _, val = part.partition("=")
        params[key.strip()] = val.strip()
    return params


def check_indicator(data: dict, *, where: Where, position: int, made: date | None
                    ) -> tuple[dict, list[Problem]]:
    problems: list[Problem] = []
    unknown = sorted(set(data) - set(INDICATOR_FIELDS) - {"id"})
    problems += [where.problem(k, "is not a field of an indicator") for k in unknown]
    kind = _text(data, "kind", where, problems, required=True, limit=32)
    provider = providers.REGISTRY.get(kind or "")
    if kind and provider is None:
        problems.append(where.problem("kind", f"expected one of {', '.join(providers.REGISTRY)}, "
                                              f"got {kind!r}"))
    try:
        params = parse_params(data.get("params"))
    except ValueError as exc:
        problems.append(where.problem("params", str(exc)))
        params = {}
    # indicator_params_suit_kind
    if provider is not None:
        problems += [where.problem("params", m) for m in provider.check(params)]
    role = _choice(data, "role", ROLES, "measure", where, problems)
    direction = _choice(data, "direction", DIRECTIONS, "up", where, problems)
    baseline_year = _number(data, "baseline_year", where, problems, integer=True)
    target_date = _date(data, "target_date", where, problems, required=False)
    target_value = _number(data, "target_value", where, problems)
    out = {
        "position": position,
        "kind": kind,
        "label": _text(data, "label", where, problems, required=False, limit=300)
        or (provider.label(params) if provider else kind),
        "role": role,
        "params": params,
        "direction": direction,
        "baseline_year": baseline_year,
        "baseline_value": _number(data, "baseline_value", where, problems),
        "baseline_evidence": _text(data, "baseline_evidence", where, problems, required=False,
                                   limit=2000),
        "target_value": target_value,
        "target_date": target_date.isoformat() if target_date else None,
    }
    if provider is not None and provider.unit in ("share", "rate") and target_value is not None \
            and not 0 <= target_value <= 1:
        problems.append(where.problem("target_value", "a share is a fraction in [0, 1] (0.35 "
                                                      f"for 35%), got {target_value:g}"))
    if out["baseline_value"] is not None and out["baseline_year"] is None:
        problems.append(where.problem("baseline_year", "an entered baseline needs its year"))
    # entered_baselines_have_evidence: a value entered by hand says where it comes from
    if out["baseline_value"] is not None and out["baseline_evidence"] is None:
        problems.append(where.problem("baseline_evidence", "an entered baseline needs its "
                                                           "evidence (where the figure comes "
                                                           "from)"))
    # target_date_follows_made
    if made is not None and target_date is not None and target_date < made:
        problems.append(where.problem("target_date", f"is before the date the commitment was "
                                                     f"made ({made.isoformat()})"))
    # baseline_precedes_target
    if baseline_year is not None and target_date is not None and baseline_year >= target_date.year:
        problems.append(where.problem("baseline_year", "must be before the target date's year"))
    # context_indicators_have_no_target
    if role == "context" and (target_value is not None or target_date is not None):
        problems.append(where.problem("role", "a context indicator is shown, never judged: "
                                              "give it no target"))
    if target_date is not None and target_value is None:
        problems.append(where.problem("target_value", "a target date needs a target value"))
    return out, problems


def check_commitment(data: dict, *, where: Where) -> tuple[dict, list[Problem]]:
    """The normalised commitment and every problem with it (see the module docstring)."""
    problems: list[Problem] = []
    unknown = sorted(set(data) - set(COMMITMENT_FIELDS) - {"id", "version"})
    problems += [where.problem(k, "is not a field of a commitment") for k in unknown]
    scope = _choice(data, "scope", SCOPES, "force" if data.get("force") else "national", where,
                    problems)
    force_id = None
    force_name = _text(data, "force", where, problems, required=False, limit=200)
    # force_commitments_name_a_force / national_commitments_name_no_force
    if scope == "force":
        if force_name is None:
            problems.append(where.problem("force", "a force commitment needs its force"))
        else:
            known = registry().find_force(force_name)
            if known is None:
                problems.append(where.problem("force", f"unknown force {force_name!r}"))
            else:
                force_id = known.id
    elif force_name is not None:
        problems.append(where.problem("force", "a national commitment has no force"))
    ref = _text(data, "ref", where, problems, required=False, limit=80)
    if ref is not None and not REF_PATTERN.match(ref):
        problems.append(where.problem("ref", "expected lower-case letters, digits and hyphens"))
    made = _date(data, "made", where, problems, required=True)
    out: dict[str, Any] = {
        "ref": ref,
        "scope": scope,
        "force": force_id,
        "refines": _text(data, "refines", where, problems, required=False, limit=80),
        "title": _text(data, "title", where, problems, required=True, limit=300),
        "theme": (_text(data, "theme", where, problems, required=True, limit=64) or "").lower()
        or None,
        "owner": _text(data, "owner", where, problems, required=False, limit=200),
        "made": made.isoformat() if made else None,
        "summary": _text(data, "summary", where, problems, required=False, limit=5000),
        "state": _choice(data, "state", STATES, "active", where, problems),
        "indicators": [],
        "links": [],
    }
    raw_indicators = data.get("indicators") or []
    if not isinstance(raw_indicators, list):
        problems.append(where.problem("indicators", "expected a list of indicators"))
        raw_indicators = []
    for number, raw in enumerate(raw_indicators, start=1):
        sub = where.indicator(number)
        if not isinstance(raw, dict):
            problems.append(sub.problem(None, "expected a mapping of indicator fields"))
            continue
        indicator, found = check_indicator(raw, where=sub, position=number, made=made)
        out["indicators"].append(indicator)
        problems += found
    raw_links = data.get("links") or []
    if isinstance(raw_links, str):
        raw_links = [s for s in (p.strip() for p in raw_links.split("|")) if s]
    if not isinstance(raw_links, list):
        problems.append(where.problem("links", "expected a list of article links"))
        raw_links = []
    for raw in raw_links:
        link = raw if isinstance(raw, dict) else {"article": raw}
        article = str(link.get("article") or "").strip()
        if not article:
            problems.append(where.problem("links", "an article link needs a URL or an id"))
            continue
        # article_links_are_urls_or_library_ids
        if not (LIBRARY_ID.fullmatch(article) or URL.fullmatch(article)):
            problems.append(where.problem("links", "expected a web address (https://...) or "
                                                   "a library article id (digits, as "
                                                   f"`parity library search` shows), got "
                                                   f"{article[:80]!r}"))
            continue
        note = link.get("note")
        note = (" ".join(str(note).split())[:2000] or None) if note is not None else None
        out["links"].append({"article": article[:500], "note": note})
    return out, problems

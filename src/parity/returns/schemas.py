"""The words of the reporting cycle and the shape of a return's content, checked field by field.

A return's content is one JSON document:

- ``paygap``: the statutory figures under `PAYGAP_FIELDS` (percentages, one decimal place as
  the gender pay gap service takes them; gaps are (men - women) / men x 100);
- ``paygap_reason``: why the figures entered differ from those computed from the force's
  payroll, when they do (required then: `service.check_return`);
- ``commitments``: ``[{"ref", "position", "value", "evidence"}]``, the values the force's
  commitments ask for (indicators entered by hand);
- ``case_studies``: ``[{"article": ref}]`` (a library article) or ``[{"title", "text"}]``;
- ``narrative``: the force's own words;
- ``workforce``: for forces outside England and Wales, which are not in the Home Office table:
  ``{"as_at", "source", "measure", "groups": {"all"|"senior"|"middle": {"female", "male"}}}``;
- ``signatory``: ``{"name", "job_title"}`` of the person who signs the return off.

`clean_content` is the first tier of validation (each field on its own: type, range, length);
the cross-field and cross-source checks are `service.check_return`'s.
"""

from __future__ import annotations

import math
from datetime import date

from parity.errors import InputError, Problem

STATES = ("not_started", "draft", "submitted", "returned", "accepted")
STATE_LABELS = {
    "not_started": "Not started",
    "draft": "Draft",
    "submitted": "Submitted, awaiting review",
    "returned": "Returned to the force",
    "accepted": "Accepted",
    "late": "Late",
}
EDITABLE = frozenset({"draft", "returned"})

# (key, label, lowest, highest): gaps can be negative (women paid more) without a floor in law,
# but a gap below -1000% means women's pay is eleven times men's: a typing error, not a figure.
PAYGAP_FIELDS = (
    ("mean_hourly_gap_pct", "Mean hourly pay gap (%)", -1000.0, 100.0),
    ("median_hourly_gap_pct", "Median hourly pay gap (%)", -1000.0, 100.0),
    ("mean_bonus_gap_pct", "Mean bonus gap (%)", -1000.0, 100.0),
    ("median_bonus_gap_pct", "Median bonus gap (%)", -1000.0, 100.0),
    ("male_bonus_pct", "Men paid a bonus (%)", 0.0, 100.0),
    ("female_bonus_pct", "Women paid a bonus (%)", 0.0, 100.0),
    ("female_lower_pct", "Women in the lower pay quarter (%)", 0.0, 100.0),
    ("female_lower_middle_pct", "Women in the lower middle pay quarter (%)", 0.0, 100.0),
    ("female_upper_middle_pct", "Women in the upper middle pay quarter (%)", 0.0, 100.0),
    ("female_upper_pct", "Women in the upper pay quarter (%)", 0.0, 100.0),
)
PAYGAP_KEYS = tuple(key for key, *_ in PAYGAP_FIELDS)
PAYGAP_LABELS = {key: label for key, label, *_ in PAYGAP_FIELDS}
# The pay gap service's field names (parity.paygap.service.service_fields) for each key.
SERVICE_NAMES = {
    "mean_hourly_gap_pct": "DiffMeanHourlyPercent",
    "median_hourly_gap_pct": "DiffMedianHourlyPercent",
    "mean_bonus_gap_pct": "DiffMeanBonusPercent",
    "median_bonus_gap_pct": "DiffMedianBonusPercent",
    "male_bonus_pct": "MaleBonusPercent",
    "female_bonus_pct": "FemaleBonusPercent",
    "female_lower_pct": "FemaleLowerQuartile",
    "female_lower_middle_pct": "FemaleLowerMiddleQuartile",
    "female_upper_middle_pct": "FemaleUpperMiddleQuartile",
    "female_upper_pct": "FemaleTopQuartile",
}
WORKFORCE_GROUPS = (("all", "All officers"), ("senior", "Chief Inspector and above"),
                    ("middle", "Sergeants and Inspectors"))
MEASURES = ("headcount", "fte")
MAX_TEXT = 20_000  # characters in a narrative or a case study: about eight pages
MAX_SHORT = 300


def empty_content() -> dict:
    return {"paygap": {key: None for key in PAYGAP_KEYS}, "paygap_reason": "",
            "commitments": [], "case_studies": [], "narrative": "", "workforce": None,
            "signatory": {"name": "", "job_title": ""}}


def _problem(field: str, message: str) -> Problem:
    """A problem with one field of a return (the field in the `column` slot)."""
    return Problem("return", message, column=field)


def _number(value: object, field: str, low: float, high: float,
            problems: list[Problem]) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().replace("\u2212", "-").rstrip("%"))
    except ValueError:
        problems.append(_problem(field, f"expected a number, found {str(value)[:40]!r}"))
        return None
    if not math.isfinite(number) or not low <= number <= high:
        problems.append(_problem(field, f"expected a number from {low:g} to {high:g}, "
                                        f"found {number:g}"))
        return None
    return round(number, 1)


def _text(value: object, field: str, limit: int, problems: list[Problem]) -> str:
    text = "" if value is None else str(value).replace("\x00", "").strip()
    if len(text) > limit:
        problems.append(_problem(field, f"at most {limit:,} characters, found {len(text):,}"))
    return text[:limit]


def _count(value: object, field: str, problems: list[Problem]) -> float | None:
    return _number(value, field, 0.0, 1_000_000.0, problems)


def clean_content(data: dict) -> dict:
    """The content of a return with every field checked on its own; raises `InputError` with
    one problem per field that is wrong (the field named, what was expected)."""
    problems: list[Problem] = []
    out = empty_content()
    paygap = data.get("paygap") or {}
    for key, label, low, high in PAYGAP_FIELDS:
        out["paygap"][key] = _number(paygap.get(key), f"paygap.{key} ({label})", low, high,
                                     problems)
    out["paygap_reason"] = _text(data.get("paygap_reason"), "paygap_reason", MAX_SHORT * 4,
                                 problems)
    for i, item in enumerate(data.get("commitments") or []):
        ref = _text(item.get("ref"), f"commitments[{i}].ref", 64, problems)
        if not ref:
            continue
        out["commitments"].append({
            "ref": ref, "position": int(item.get("position") or 1),
            "value": _number(item.get("value"), f"commitments[{i}].value ({ref})", -1e9, 1e9,
                             problems),
            "evidence": _text(item.get("evidence"), f"commitments[{i}].evidence", MAX_SHORT,
                              problems)})
    for i, item in enumerate(data.get("case_studies") or []):
        article = _text(item.get("article"), f"case_studies[{i}].article", 64, problems)
        title = _text(item.get("title"), f"case_studies[{i}].title", MAX_SHORT, problems)
        text = _text(item.get("text"), f"case_studies[{i}].text", MAX_TEXT, problems)
        if article:
            out["case_studies"].append({"article": article})
        elif title or text:
            out["case_studies"].append({"title": title, "text": text})
    out["narrative"] = _text(data.get("narrative"), "narrative", MAX_TEXT, problems)
    workforce = data.get("workforce")
    if workforce:
        measure = str(workforce.get("measure") or "headcount")
        if measure not in MEASURES:
            problems.append(_problem("workforce.measure",
                                    f"expected headcount or fte, found {measure[:20]!r}"))
        as_at = None
        if workforce.get("as_at"):
            try:
                as_at = date.fromisoformat(str(workforce["as_at"]).strip()).isoformat()
            except ValueError:
                problems.append(_problem("workforce.as_at", "expected a date as YYYY-MM-DD, "
                                        f"found {str(workforce['as_at'])[:20]!r}"))
        groups = {}
        for group, _label in WORKFORCE_GROUPS:
            given = (workforce.get("groups") or {}).get(group) or {}
            groups[group] = {sex: _count(given.get(sex), f"workforce.groups.{group}.{sex}",
                                         problems) for sex in ("female", "male")}
        out["workforce"] = {"as_at": as_at, "measure": measure, "groups": groups,
                            "source": _text(workforce.get("source"), "workforce.source",
                                            MAX_SHORT, problems)}
    signatory = data.get("signatory") or {}
    out["signatory"] = {"name": _text(signatory.get("name"), "signatory.name", 120, problems),
                        "job_title": _text(signatory.get("job_title"), "signatory.job_title",
                                           120, problems)}
    if problems:
        raise InputError(f"the return has {len(problems)} problem(s); nothing was saved",
                         problems)
    return out


def flatten(content: dict, prefix: str = "") -> dict[str, object]:
    """{"paygap.mean_hourly_gap_pct": 12.3, "commitments[0].value": 4, ...}: what the audit
    trail compares to say which fields changed."""
    out: dict[str, object] = {}
    if isinstance(content, dict):
        for key, value in content.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(content, list):
        for i, value in enumerate(content):
            out.update(flatten(value, f"{prefix}[{i}]"))
    else:
        out[prefix] = content
    return out


def changed_fields(before: dict | None, after: dict) -> dict[str, list]:
    """{field: [old, new]} for every field whose value differs."""
    old, new = flatten(before or {}), flatten(after)
    return {key: [old.get(key), new.get(key)] for key in sorted(set(old) | set(new))
            if old.get(key) != new.get(key)}

"""The checks a force's return must pass before it is submitted, each finding with its field.

`check_return` is called through `parity.returns.service.check_return`, which finds the
reporting year; the checks compare the return with the force's payroll figures, its published
gender pay gap return, its last accepted return and, for forces outside England and Wales, the
plausibility of their own workforce figures.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from parity.commitments import service as commitments
from parity.context import service as context
from parity.forces import registry
from parity.library import service as library
from parity.returns.models import ForceReturn, ReportingYear
from parity.returns.schemas import PAYGAP_FIELDS, PAYGAP_KEYS, PAYGAP_LABELS, SERVICE_NAMES

# Entered and computed figures are both given to one decimal place; they agree when they round
# to the same tenth (half a tenth either way covers the two roundings).
AGREE_WITHIN = 0.05


def outside_home_office_table(force_id: str) -> bool:
    """True for forces the Home Office workforce table does not cover (they report their own
    workforce figures in the return)."""
    return registry().force(force_id).kind == "other_uk"



# checks ---------------------------------------------------------------------------------------
def _finding(field: str, severity: str, message: str) -> dict:
    return {"field": field, "severity": severity, "message": message}


def commitments_asked(session: Session, *, force_id: str) -> list[dict]:
    """The force's commitments that ask for a value entered by hand, one per such indicator:
    ``{"ref", "position", "title", "label", "unit"}``."""
    asked: dict[tuple[str, int], dict] = {}
    for item in commitments.status(session, force_id=force_id):
        for indicator in item["indicators"]:
            position = indicator.get("position", 1)
            if indicator.get("kind") == "manual" and (item["ref"], position) not in asked:
                asked[item["ref"], position] = {
                    "ref": item["ref"], "position": position, "title": item["title"],
                    "label": indicator.get("label"), "unit": indicator.get("unit")}
    return list(asked.values())


def _previous_published(session: Session, year: int, force_id: str) -> ForceReturn | None:
    return session.scalars(select(ForceReturn).where(
        ForceReturn.force_id == force_id, ForceReturn.year < year,
        ForceReturn.accepted_at.is_not(None)).order_by(ForceReturn.year.desc())).first()


def _published_paygap(session: Session, force_id: str, year: int) -> dict | None:
    """The force's figures as published to the gender pay gap service for the 31 March `year`
    snapshot, if Parity holds them."""
    for row in context.paygap_history(session, force_id=force_id):
        if row.get("snapshot_year") == year and row.get("reported"):
            return {key: row.get(SERVICE_NAMES[key]) for key in PAYGAP_KEYS}
    return None


def check_return(session: Session, *, year_row: ReportingYear, force_id: str, content: dict,
                 computed: dict | None) -> list[dict]:
    """What stands between a return and its submission (``error``) or deserves a second look
    (``warning``): missing values; pay gap figures that differ from those computed from the
    force's payroll (an error until a reason is given), from the figures the force published to
    the gender pay gap service, or from last year's by more than the year's threshold; workforce
    figures that cannot be true. Each finding names the field it belongs to."""
    year = year_row.year
    found: list[dict] = []
    entered = content.get("paygap") or {}
    for key, label, *_ in PAYGAP_FIELDS:
        if entered.get(key) is None:
            found.append(_finding(f"paygap.{key}", "error", f"{label}: no figure entered"))
    if computed:
        differ = [(key, entered.get(key), computed["fields"].get(key)) for key in PAYGAP_KEYS
                  if entered.get(key) is not None and computed["fields"].get(key) is not None
                  and abs(float(entered[key]) - float(computed["fields"][key])) > AGREE_WITHIN]
        for key, mine, theirs in differ:
            severity = "warning" if (content.get("paygap_reason") or "").strip() else "error"
            found.append(_finding(
                f"paygap.{key}", severity,
                f"{PAYGAP_LABELS[key]}: {mine:g} entered, but the payroll gives {theirs:g}"
                + ("; the reason given is recorded with the submission" if severity == "warning"
                   else "; correct it, or say why it differs")))
    published = _published_paygap(session, force_id, year)
    if published:
        for key, label, *_ in PAYGAP_FIELDS:
            theirs = published.get(key)
            mine = entered.get(key)
            if mine is not None and theirs is not None and abs(mine - theirs) > AGREE_WITHIN:
                found.append(_finding(f"paygap.{key}", "warning",
                                      f"{label}: {mine:g} here, {theirs:g} in the figures the "
                                      "force published to the gender pay gap service"))
    previous = _previous_published(session, year, force_id)
    if previous is not None:
        before = (previous.content.get("paygap") or {})
        for key, label, *_ in PAYGAP_FIELDS:
            old, new = before.get(key), entered.get(key)
            if old is not None and new is not None and \
                    abs(new - old) > year_row.change_threshold_points:
                found.append(_finding(
                    f"paygap.{key}", "warning",
                    f"{label}: {new:g} this year against {old:g} in {previous.year}, a change "
                    f"of more than {year_row.change_threshold_points} points; check it"))
    found.extend(_check_workforce(content, force_id, year, previous))
    signatory = content.get("signatory") or {}
    for part, words in (("name", "name"), ("job_title", "job title")):
        if not (signatory.get(part) or "").strip():
            found.append(_finding(f"signatory.{part}", "error",
                                  f"the signatory's {words} is needed to submit"))
    given = {(c["ref"], c.get("position", 1)) for c in content.get("commitments") or []
             if c.get("value") is not None}
    for asked in commitments_asked(session, force_id=force_id):
        if (asked["ref"], asked["position"]) not in given:
            found.append(_finding(f"commitments.{asked['ref']}", "warning",
                                  f"{asked['title']}: no value given for "
                                  f"{asked['label'] or 'its indicator'}"))
    for item in content.get("commitments") or []:
        if item.get("value") is not None and not (item.get("evidence") or "").strip():
            found.append(_finding(f"commitments.{item['ref']}", "error",
                                  f"{item['ref']}: a value needs its evidence (a link or a "
                                  "document named)"))
    if len(content.get("case_studies") or []) > year_row.max_case_studies:
        found.append(_finding("case_studies", "error",
                              f"at most {year_row.max_case_studies} case studies"))
    narrative = (content.get("narrative") or "").strip()
    if not narrative:
        found.append(_finding("narrative", "warning", "no narrative has been written"))
    elif not outside_home_office_table(force_id):
        found.extend(_narrative_figures(session, narrative, force_id, year))
    return found


def _check_workforce(content: dict, force_id: str, year: int,
                     previous: ForceReturn | None) -> list[dict]:
    if not outside_home_office_table(force_id):
        return []
    workforce = content.get("workforce")
    if not workforce:
        return [_finding("workforce", "error", "this force is not in the Home Office workforce "
                         "table: its workforce by sex and rank group is needed")]
    found = []
    if not workforce.get("source"):
        found.append(_finding("workforce.source", "error", "name the publication the workforce "
                              "figures come from"))
    if not workforce.get("as_at"):
        found.append(_finding("workforce.as_at", "error", "give the date the workforce figures "
                              "are as at"))
    else:
        as_at = date.fromisoformat(workforce["as_at"])
        if abs((as_at - date(year, 3, 31)).days) > 366:
            found.append(_finding("workforce.as_at", "warning",
                                  f"the figures are as at {as_at}, more than a year from "
                                  f"31 March {year}"))
    groups = workforce.get("groups") or {}
    total = groups.get("all") or {}
    for group in ("all", "senior", "middle"):
        for sex in ("female", "male"):
            if (groups.get(group) or {}).get(sex) is None:
                found.append(_finding(f"workforce.groups.{group}.{sex}", "error",
                                      "no figure entered"))
    for group in ("senior", "middle"):
        for sex in ("female", "male"):
            part, whole = (groups.get(group) or {}).get(sex), total.get(sex)
            if part is not None and whole is not None and part > whole:
                found.append(_finding(f"workforce.groups.{group}.{sex}", "error",
                                      f"{part:g} is more than all officers ({whole:g})"))
    share = women_share(workforce, "all")
    if previous is not None and share is not None:
        before = women_share(previous.content.get("workforce") or {}, "all")
        if before is not None and abs(share - before) * 100 > 5:
            found.append(_finding("workforce.groups.all.female", "warning",
                                  f"women are {share:.1%} of officers against {before:.1%} in "
                                  f"{previous.year}; check the figures"))
    return found


def women_share(workforce: dict, group: str) -> float | None:
    """Women over women and men in `group` of a return's workforce figures (a fraction)."""
    figures = (workforce.get("groups") or {}).get(group) or {}
    female, male = figures.get("female"), figures.get("male")
    if female is None or male is None or female + male <= 0:
        return None
    return female / (female + male)


def _narrative_figures(session: Session, narrative: str, force_id: str, year: int) -> list[dict]:
    """The workforce figures the narrative quotes, checked against the Home Office table (the
    library's figures check, as of 31 March `year`). The return is the force's own, so a figure
    is about the force unless its sentence names another area. A figure that does not match is
    an error; one the check cannot place is left alone."""
    result = library.check_text(session, text=narrative, area=registry().force(force_id).name,
                                published=date(year, 3, 31), area_certain=True)
    return [_finding("narrative", "error",
                     f"“{claim['quoted']}”: {claim.get('label') or claim['verdict']}; "
                     f"{claim.get('reason') or 'the official figure differs'}")
            for claim in result["claims"] if claim["verdict"] == "does not match"]

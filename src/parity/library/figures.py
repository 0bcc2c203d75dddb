"""The figures check of an article: each figure it states about a force's workforce (a share of
women, a count) against the Home Office table for the snapshot year before it was published.

Re-exported by `parity.library.service`, which other domains and the front ends call."""

from __future__ import annotations

import math
from collections import Counter

from sqlalchemy.orm import Session

from parity.errors import InputError
from parity.library import claims as claims_mod
from parity.library.articles import get_article, summary, themes_of
from parity.workforce import service as workforce


# figures check --------------------------------------------------------------------------
def check_figures(session: Session, *, ref: str | int) -> dict:
    """The workforce figures article `ref` quotes, each with the official figure it refers to
    and a verdict: ``matches``, ``does not match`` or ``cannot tell`` (see
    `parity.library.claims` for the rules and the tolerance)."""
    article = get_article(session, ref=ref)
    found = claims_mod.find_claims(f"{article.title}.\n{article.description or ''}\n"
                                   f"{article.text}")
    seen, out = set(), []
    year = claims_mod.snapshot_year(article.published) if article.published else None
    held = workforce.latest_year(session, on_or_before=year) if year else None
    for claim in found:
        key = (claim.text, claim.quoted)
        if key in seen:
            continue
        seen.add(key)
        out.append(_check_claim(session, workforce, article, claim, year, held))
    counts = Counter(c["verdict"] for c in out)
    return {
        **summary(article, themes_of(session, article_ids=[article.id])[article.id]),
        "snapshot_year": held, "claims": out,
        "matches": counts["matches"], "does_not_match": counts["does not match"],
        "cannot_tell": counts["cannot tell"],
    }


def _check_claim(session, workforce, article, claim, year, held) -> dict:  # noqa: ANN001
    is_count = claim.kind == "count"
    base = {"text": claim.text, "quoted": claim.quoted, "kind": claim.kind,
            "value": int(claim.value) if is_count else claim.value,
            "share_claimed": None if is_count else claim.value, "sex": claim.sex,
            "worker_type": claim.worker_type, "group": claim.group, "official": None,
            "measure": None, "share_official": None, "count_official": None,
            "band": None}
    if is_count:
        low, high = claims_mod.count_band(claim)
        low, high = max(0, math.ceil(low - 1e-9)), math.floor(high + 1e-9)
        base["band"] = {"low": low, "high": high}
        rule = (f"a count of people: the official count between {low:,} and "
                f"{high:,} (2% either side, at least one person, plus half "
                "the unit a round number was rounded to, at most 5%"
                + {"over": ", and 10% above for 'over'", "under": ", and 10% below for "
                   "'nearly' or 'under'", "about": ", and 10% either side for 'about'"}.get(
                    claim.qualifier or "", "") + "), headcount first, then FTE")
    else:
        slack = claims_mod.tolerance(claim)
        base["band"] = {"low": max(0.0, claim.value - slack), "high": min(1.0, claim.value + slack)}
        why = ("a fraction in words is a round figure" if claim.in_words else
               f"half a unit of the figure as written plus {claims_mod.TOLERANCE_POINTS} points")
        rule = (f"within {slack * 100:.2f} percentage points ({why}), FTE first, then headcount")

    def cannot(reason: str) -> dict:
        return {**base, "verdict": "cannot tell", "label": f"cannot tell: {reason}",
                "reason": reason, "rule": rule}

    if claim.reason:
        return cannot(claim.reason)
    if article.force_id is None:
        return cannot("the article is not tagged with a force")
    if article.published is None:
        return cannot("the article has no publication date, so no snapshot can be chosen")
    if held is None:
        return cannot(f"no official figures as at 31 March {year} or earlier are held")
    measures = ("headcount",) if claim.worker_type in {"special", "volunteer"} else (
        "fte", "headcount")
    shares: dict[str, float | None] = {"fte": None, "headcount": None}
    people: dict[str, float | None] = {"fte": None, "headcount": None}
    official: dict = {}
    for measure in measures:
        try:
            result = workforce.representation(session, area=article.force_id, year=held,
                                              group=claim.group, measure=measure,
                                              worker_type=claim.worker_type)
        except InputError as exc:
            return cannot(exc.reason)
        total = result.get("total") or 0
        if claim.sex == "female":
            share = result.get("share_female")
        else:
            share = (result.get("male") or 0) / total if total else None
        shares[measure] = share
        people[measure] = result.get("female" if claim.sex == "female" else "male") \
            if total else None
        official = official or {
            "area": result["area"], "year": held, "as_at": f"{held}-03-31",
            "group": claim.group, "worker_type": claim.worker_type, "sex": claim.sex,
            "share_fte": None, "share_headcount": None,
        }
    official["share_fte"], official["share_headcount"] = shares["fte"], shares["headcount"]
    official["count_fte"], official["count_headcount"] = people["fte"], people["headcount"]
    compared = people if is_count else shares
    if all(v is None for v in compared.values()):
        return {**cannot(f"no official figures for {claim.worker_type}s ({claim.group}) in "
                         f"{official['area']}"), "official": official}
    verdict, matched = claims_mod.verdict(claim, fte=compared["fte"],
                                          headcount=compared["headcount"])
    order = ("headcount", "fte") if is_count else ("fte", "headcount")
    shown_measure = matched or next(m for m in order if m in measures)
    shown = compared[shown_measure]
    label_measure = "FTE" if shown_measure == "fte" else "headcount"
    if shown is None:
        label = verdict
    elif is_count:
        who = "women" if claim.sex == "female" else "men"
        label = f"{verdict} ({_people(shown)} {who}, {label_measure})"
    else:
        label = f"{verdict} ({shown * 100:.1f}% {label_measure})"
    return {**base, "official": official, "measure": shown_measure,
            "share_official": None if is_count else shown,
            "count_official": shown if is_count else None, "verdict": verdict, "label": label,
            "reason": None, "rule": rule}


def _people(value: float) -> str:
    """A count of people as written: whole numbers without decimals, FTE to one decimal."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"

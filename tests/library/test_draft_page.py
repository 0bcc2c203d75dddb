"""Checking a draft in the private area: signed in only, CSRF, every claim with its verdict,
nothing stored."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from parity.library.models import Article
from tests.accounts.webapp import (  # noqa: F401  (fixtures)
    anon,
    app,
    csrf_of,
    kent_analyst,
)
from tests.web.conftest import page, text_of

DRAFT = ("# Our annual return\n\nWomen make up 33% of police officers at Kent Police. We "
         "have an aspiration for women to reach 45% of our officers by 2030.\n")


def test_the_form_needs_a_signed_in_user(anon):  # noqa: F811
    response = anon.get("/private/library/check")
    assert response.status_code == 303 and "/sign-in" in response.headers["location"]
    posted = anon.post("/private/library/check", files={"draft": ("d.md", DRAFT.encode())})
    assert posted.status_code in {303, 401, 403}


def test_a_draft_is_checked_and_not_stored(kent_analyst, app):  # noqa: F811
    form = kent_analyst.get("/private/library/check")
    assert form.status_code == 200 and form.headers["cache-control"].startswith("no-store")
    token = csrf_of(form)
    engine = app.state.engine
    before = _articles(engine)
    response = kent_analyst.post("/private/library/check", data={
        "csrf_token": token, "area": "", "published": "2022-09-01"},
        files={"draft": ("return.md", DRAFT.encode(), "text/markdown")})
    assert response.status_code == 200, response.text[:500]
    tree = page(response)
    rows = tree.xpath("//table[@id='draft-claims']/tbody/tr")
    quoted = {(r.xpath("td")[0].text or "").strip(): text_of(r) for r in rows}
    assert "Area: Kent — “Kent Police” (beside the figure)" in quoted["33%"]
    assert "Kent, 31 March 2022: officers" in quoted["33%"]
    assert "not checked" in quoted["45%"] and "target" in quoted["45%"]
    assert _articles(engine) == before  # nothing stored


def test_a_bad_draft_is_a_400_with_the_reason(kent_analyst):  # noqa: F811
    token = csrf_of(kent_analyst.get("/private/library/check"))
    response = kent_analyst.post("/private/library/check", data={"csrf_token": token},
                                 files={"draft": ("return.odt", b"x")})
    assert response.status_code == 400 and "return.odt" in response.text
    token = csrf_of(kent_analyst.get("/private/library/check"))
    response = kent_analyst.post("/private/library/check", data={
        "csrf_token": token, "published": "soon"}, files={"draft": ("d.md", DRAFT.encode())})
    assert response.status_code == 400 and "soon" in response.text
    no_token = kent_analyst.post("/private/library/check",
                                 files={"draft": ("d.md", DRAFT.encode())})
    assert no_token.status_code in {400, 403}


def _articles(engine) -> int:  # noqa: ANN001
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(Article))

"""Fixtures of the library tests: a small hand-written corpus of force news (made-up events,
written for these tests) in the archived Markdown form, plus one saved web page."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from parity.library.samples import front_matter_file, html_page

ARTICLES: dict[str, dict] = {
    "hertfordshire/2019-11-22-womens-network.md": dict(
        title="Women's network marks a year of mentoring and promotion support",
        url="https://www.herts.police.uk/news/2019/11/womens-network-year/",
        area="Hertfordshire", published=date(2019, 11, 22),
        description="The women's network looks back on a busy first year.",
        body="""
        ## A year of the network

        The women's network at Hertfordshire Constabulary was set up a year ago to give
        officers and staff a place to share advice and find a mentor.

        Women now make up 32% of our officers, and 28% of our sergeants and inspectors are
        women. Women make up 26% of senior leaders, and the network wants that to rise.

        - Mentoring circles every month
        - Mock promotion boards for aspiring sergeants
        - Coaching for new supervisors

        Find out more on the [network page](https://www.herts.police.uk/network).
        """),
    "kent/2022-06-15-police-staff.md": dict(
        title="Police staff roles: the people behind the front line",
        url="https://www.kent.police.uk/news/2022/06/police-staff-roles/",
        area="Kent", published=date(2022, 6, 15),
        description="A look at the many police staff roles across the county.",
        body="""
        From call handlers to forensic investigators, police staff keep Kent Police running.
        67% of our police staff are women, and many work part-time or in a job share.

        Flexible working requests are approved in most teams, with compressed hours common in
        the control room.
        """),
    "durham/2021-03-08-menopause.md": dict(
        title="Menopause cafes open across the force",
        url="https://www.durham.police.uk/news/2021/03/menopause-cafes/",
        area="Durham", published=date(2021, 3, 8),
        description="Monthly menopause cafes give colleagues space to talk.",
        body="""
        Durham Constabulary has opened menopause cafes at three stations. The menopause
        support group now has 60 members and has secured uniform adjustments and cooler
        workspaces.

        Managers have had training on pregnancy and maternity leave as well, so that
        conversations about adjustments happen early.
        """),
    "news/2020-05-02-gmp-domestic-abuse.md": dict(
        title="Help is here: domestic abuse during lockdown",
        url="https://www.gmp.police.uk/news/2020/05/domestic-abuse-lockdown/",
        area=None, published=date(2020, 5, 2),
        description="Officers remind people that help for domestic abuse is still available.",
        body="""
        Greater Manchester Police wants anyone living with domestic abuse to know that help is
        still there. Officers will respond to every report of domestic abuse, and coercive
        control is a crime.

        Greater Manchester Police works with refuge providers across the city region. You can
        also ask about a partner's past under Clare's Law.
        """),
    "sussex/2021-10-01-safer-nights.md": dict(
        title="Safer nights: walk and talk patrols in the town centre",
        url="https://www.sussex.police.uk/news/2021/10/safer-nights/",
        area="Sussex Police", published=date(2021, 10, 1),
        description="Women join officers on patrol to point out where they feel unsafe.",
        body="""
        Our plan to tackle violence against women and girls includes walk and talk patrols,
        where women show officers the streets where they feel unsafe at night.

        <script>alert('not welcome')</script>
        <img src="x.png" onerror="alert(1)">

        Venues in the night time economy have joined Ask for Angela. Read the
        <a href="javascript:alert(2)" onclick="steal()">safety guide</a> or the
        [plan](javascript:alert(3)).
        """),
    "cumbria/2023-01-20-workforce-figures.md": dict(
        title="Our workforce in numbers",
        url="https://www.cumbria.police.uk/news/2023/01/workforce-numbers/",
        area="Cumbria", published=date(2023, 1, 20),
        description="A snapshot of who works for Cumbria Constabulary.",
        body="""
        Women make up 45% of our workforce. Over 40% of our new recruits this year were women,
        and the number of women officers is up 3% on last year.
        """),
    "hertfordshire/2019-12-02-rape-investigations.md": dict(
        title="Specialist team for rape and serious sexual offences",
        url="https://www.herts.police.uk/news/2019/12/rasso-team/",
        area="Hertfordshire", published=date(2019, 12, 2),
        description="A dedicated team will investigate rape and serious sexual offences.",
        body="""
        Hertfordshire Constabulary has formed a specialist team to investigate rape and
        serious sexual offences. Independent sexual violence advisers will work alongside the
        investigators, and victims of sexual assault will keep one point of contact.
        """),
}

HTML_PAGE = dict(
    path="thames-valley/flexible-working.html",
    title="Job shares and flexible working at every rank",
    url="https://www.thamesvalley.police.uk/news/thames-valley/news/2021/07/job-shares/",
    site="Thames Valley Police", published=date(2021, 7, 12),
    description="Two inspectors explain how their job share works.",
    body="""Two inspectors at Thames Valley Police share one role, each working part-time.
They say the job share lets them balance policing with caring responsibilities.

The force approved 300 flexible working requests last year, including compressed hours and
part-time patterns in response teams.""",
)


def write_fixture_corpus(folder: Path) -> Path:
    for rel, art in ARTICLES.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front_matter_file(
            title=art["title"], url=art["url"], area=art["area"], published=art["published"],
            description=art["description"], body=textwrap.dedent(art["body"])), encoding="utf-8")
    page = folder / HTML_PAGE["path"]
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(html_page(title=HTML_PAGE["title"], url=HTML_PAGE["url"],
                              site=HTML_PAGE["site"], published=HTML_PAGE["published"],
                              description=HTML_PAGE["description"], body=HTML_PAGE["body"]),
                    encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path) -> Path:  # noqa: ANN001
    """A folder of the hand-written articles (7 Markdown files, 1 saved page)."""
    return write_fixture_corpus(tmp_path / "corpus")


@pytest.fixture
def lib_db(wf_db, corpus):  # noqa: ANN001, ANN201
    """The workforce database with the fixture corpus imported (SQLite, then PostgreSQL)."""
    from parity.library.importer import import_articles

    report = import_articles(wf_db, path=corpus)
    assert not report.problems, report.problems
    wf_db.commit()
    return wf_db


def article_id(session, url: str) -> int:  # noqa: ANN001
    from parity.library.service import get_article

    return get_article(session, ref=url).id

"""A synthetic library: made-up but realistic force news articles, for tests, benchmarks and
demonstrations. Deterministic for a seed. Every sentence is written for Parity; the forces are
real names from the registry, the people and events are invented.

`write_corpus` writes Markdown files with YAML front matter (the archived form of force news
pages) and, on request, a share of them as saved HTML pages of a force website.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from parity.forces import registry
from parity.library.render import markdown_to_html

FIRST = ["Amira", "Beth", "Chloe", "Dawn", "Erin", "Fatima", "Gemma", "Hannah", "Isla", "Jo",
         "Kerry", "Leah", "Maya", "Nadia", "Olivia", "Priya", "Rachel", "Sian", "Tara", "Zoe",
         "Adam", "Ben", "Carl", "Dev", "Euan", "Gareth", "Imran", "Josh", "Liam", "Owen"]
LAST = ["Ahmed", "Baker", "Clarke", "Davies", "Evans", "Foster", "Griffiths", "Hughes", "Iqbal",
        "Jones", "Khan", "Lewis", "Morgan", "Nash", "Owen", "Patel", "Quinn", "Reid", "Shaw",
        "Turner", "Walsh", "Young"]
RANKS = ["Constable", "Sergeant", "Inspector", "Chief Inspector", "Superintendent",
         "Chief Superintendent", "Assistant Chief Constable", "Deputy Chief Constable"]
PLACES = ["the town centre", "the county", "our headquarters", "the training school",
          "the northern district", "the city", "every station", "the control room"]

# theme -> (titles, paragraphs, bullets). Slots: {force}, {person}, {rank}, {place}, {n},
# {month}, {year}.
BANK: dict[str, tuple[list[str], list[str], list[str]]] = {
    "recruitment": (
        ["Positive action taster days open doors for new recruits",
         "{force} Police launches recruitment drive with insight days",
         "Applicants invited to find out what a career in policing is like"],
        ["{force} Police is holding a series of taster days for people thinking about a career "
         "in policing, with a focus on groups who are under-represented in the force.",
         "The positive action team will guide applicants through each stage of the "
         "recruitment process, from the online assessment to the fitness test.",
         "{rank} {person} said the insight days had helped {n} applicants feel confident about "
         "applying, and several of last year's attendees are now in training.",
         "Anyone interested can register for an insight day at {place} in {month}."],
        ["Meet officers and staff from different teams", "Practise the fitness test",
         "Hear about the degree apprenticeship entry route", "Ask questions about shift work"],
    ),
    "progression": (
        ["Leadership programme supports women seeking promotion",
         "New talent programme helps officers prepare for promotion boards",
         "Career development workshops for aspiring sergeants and inspectors"],
        ["A new leadership programme at {force} Police is helping officers and staff plan "
         "their next career step, with workshops on promotion boards and interview practice.",
         "{rank} {person}, who completed the programme last year, was promoted in {month} and "
         "now leads a team of {n} officers.",
         "The programme pairs each participant with a senior leader who acts as a sponsor and "
         "reviews their development plan every quarter.",
         "The force wants more women to put themselves forward for promotion to the middle "
         "and senior ranks."],
        ["Mock promotion boards", "One-to-one career conversations",
         "Shadowing a senior leader for a day", "Support with the sergeant exam"],
    ),
    "retention": (
        ["Stay interviews help the force keep experienced officers",
         "Return to work scheme welcomes back former officers",
         "What we learned from exit interviews"],
        ["{force} Police has started holding stay interviews to understand why people remain "
         "in the service and what would persuade them to leave.",
         "Analysis of exit interviews showed that caring responsibilities and rigid shift "
         "patterns were behind many decisions to resign.",
         "{rank} {person} said the force had improved retention by acting on what leavers told "
         "it, including earlier conversations about flexible working.",
         "A returner scheme now offers refresher training to {n} former officers each year."],
        ["Refresher training for returners", "A named contact for the first six months",
         "Regular stay interviews", "Clearer routes back after a career break"],
    ),
    "flexible_working": (
        ["Part-time working pilot extended after positive feedback",
         "Flexible working: officers share how job shares work for them",
         "Compressed hours trial in the control room"],
        ["A pilot of flexible working patterns at {place} has been extended after officers and "
         "supervisors reported better wellbeing and no loss of cover.",
         "Two sergeants in {force} now share one role, each working part-time, and say the job "
         "share has let them balance policing with caring responsibilities.",
         "{rank} {person} said flexible working was no longer seen as a favour but as a way to "
         "keep skilled people, and {n} requests were approved this year.",
         "The force has published guidance so that every team can consider compressed hours "
         "and other shift patterns."],
        ["Job shares at every rank", "Compressed hours", "Part-time roles in specialist teams",
         "Guidance for supervisors on requests"],
    ),
    "maternity_menopause": (
        ["Menopause support network marks its first year",
         "New guidance for pregnant officers and new parents",
         "Menopause cafes open across the force"],
        ["The menopause support network at {force} Police now has {n} members, and monthly "
         "menopause cafes give colleagues a place to talk openly.",
         "New guidance sets out how duties are adjusted during pregnancy and how officers are "
         "supported when they return from maternity leave.",
         "{rank} {person} said that talking about the menopause had helped colleagues ask for "
         "adjustments such as uniform changes and cooler workspaces.",
         "Managers have been trained so that shared parental leave and keeping-in-touch days "
         "are discussed early."],
        ["Uniform adjustments", "Menopause champions in each district",
         "Keeping-in-touch days during maternity leave", "A quiet room for breastfeeding"],
    ),
    "networks_mentoring": (
        ["Women's network celebrates ten years of peer support",
         "Reverse mentoring pairs senior leaders with new constables",
         "Mentoring scheme opens to police staff"],
        ["The women's network at {force} Police brings together officers and staff to share "
         "advice, organise events and challenge the force to do better.",
         "Through reverse mentoring, {n} senior leaders have been paired with newer colleagues "
         "who share what working life is like at {place}.",
         "{rank} {person}, a mentor for three years, said coaching had been one of the most "
         "rewarding parts of the job.",
         "Role models from across the force spoke at the network's annual conference in "
         "{month}."],
        ["Peer support groups", "A mentoring scheme open to everyone", "Coaching for new "
         "supervisors", "Events with role models"],
    ),
    "culture_misogyny": (
        ["Active bystander training rolled out to every officer",
         "Force acts on sexism and misogyny in its culture",
         "Speak up: new routes to report inappropriate behaviour"],
        ["{force} Police has trained {n} officers and staff in active bystander skills, so that "
         "people know how to step in when they see sexism or misogyny.",
         "A new confidential reporting line means colleagues can speak up about inappropriate "
         "behaviour without fear, and professional standards will follow up every report.",
         "{rank} {person} said the force would not tolerate misogyny and that changing the "
         "culture was the responsibility of every supervisor.",
         "Vetting checks have been strengthened and cases are reviewed by an independent "
         "panel."],
        ["Active bystander training", "A confidential reporting line",
         "Stronger vetting", "Regular culture surveys"],
    ),
    "vawg": (
        ["Walk and talk patrols help women feel safer at night",
         "Tackling violence against women and girls in the night time economy",
         "Safer streets funding for better lighting and patrols"],
        ["Officers in {force} have joined women on walk and talk patrols to hear where they feel "
         "unsafe and what would help.",
         "Our plan to tackle violence against women and girls targets the offenders who cause "
         "most harm and works with venues in the night time economy.",
         "{rank} {person} said {n} licensed venues had signed up to the Ask for Angela scheme "
         "and staff had been trained to spot spiking.",
         "Safer streets funding is paying for better lighting and CCTV around {place}."],
        ["Walk and talk patrols", "Training for bar staff", "Better lighting",
         "Targeting repeat offenders"],
    ),
    "domestic_abuse": (
        ["Domestic abuse: help is available this Christmas",
         "New team to tackle coercive control",
         "Clare's Law applications rise as awareness grows"],
        ["{force} Police is reminding people that help is available for anyone experiencing "
         "domestic abuse, and that officers will always take reports seriously.",
         "A new team of investigators specialises in coercive and controlling behaviour, which "
         "became a criminal offence in 2015.",
         "{rank} {person} said {n} people had used the domestic violence disclosure scheme, "
         "known as Clare's Law, to ask about a partner's history.",
         "The force works with refuge providers and local services to support victims."],
        ["Call 999 in an emergency", "Use the silent solution if you cannot speak",
         "Ask about a partner under Clare's Law", "Contact a local support service"],
    ),
    "sexual_offences": (
        ["Operation Soteria changes how rape investigations are run",
         "Specialist officers support victims of sexual offences",
         "Independent sexual violence advisers join investigation teams"],
        ["{force} Police has adopted the Operation Soteria approach, which focuses rape "
         "investigations on the suspect's behaviour rather than the victim's credibility.",
         "Specialist officers have been trained to support victims of sexual offences through "
         "every step of an investigation.",
         "{rank} {person} said independent sexual violence advisers now work alongside {n} "
         "investigators at {place}.",
         "Anyone who has experienced sexual violence can report it, however long ago it "
         "happened."],
        ["Specially trained officers", "Independent sexual violence advisers",
         "Reporting online or by phone", "Support whether or not you report"],
    ),
    "heforshe_reporting": (
        ["Force renews its HeForShe commitments",
         "Chief constable joins national summit on gender equality",
         "Our annual gender equality report is published"],
        ["{force} Police has renewed its HeForShe commitments with UN Women, pledging to "
         "improve the gender balance at senior levels and to report on progress every year.",
         "The chief constable joined colleagues from other forces at the national summit to "
         "share what has worked and what has not.",
         "{rank} {person} said the annual report sets out the force's gender pay gap and the "
         "share of women at each rank so that anyone can hold it to account.",
         "The force will publish its next gender equality report in {month}."],
        ["Commitments on senior representation", "An annual gender equality report",
         "Action on the gender pay gap", "Sharing practice at the national summit"],
    ),
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


@dataclass(frozen=True)
class SampleArticle:
    name: str  # file stem
    title: str
    url: str
    area: str
    force_id: str
    published: date
    description: str
    body: str
    themes: tuple[str, ...]

    def markdown(self) -> str:
        return front_matter_file(title=self.title, url=self.url, area=self.area,
                                 published=self.published, description=self.description,
                                 body=self.body)

    def html(self) -> str:
        return html_page(title=self.title, url=self.url, site=f"{self.area} Police",
                         published=self.published, description=self.description, body=self.body)


def _yaml_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def front_matter_file(*, title: str, url: str | None, area: str | None, published: date | None,
                      description: str | None, body: str) -> str:
    """A Markdown file in the archived force-news form (dates written like '22 Nov 2019')."""
    lines = ["---", f"title: {_yaml_text(title)}"]
    if url:
        lines.append(f"url: {url}")
    if area:
        lines.append(f"area: {_yaml_text(area)}")
    if published:
        lines += ["publish:", f"  date: '{published.day} {published.strftime('%b %Y')}'"]
    if description:
        lines += ["og:", f"  description: {_yaml_text(description)}"]
    lines += ["---", "", body.strip(), ""]
    return "\n".join(lines)


def html_page(*, title: str, url: str, site: str, published: date, description: str,
              body: str) -> str:
    """A saved force-website page around the article: navigation, footer, cookie banner."""
    esc = html.escape
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>{esc(title)} | {esc(site)}</title>
<meta name="description" content="{esc(description)}">
<meta property="og:title" content="{esc(title)}">
<meta property="og:description" content="{esc(description)}">
<meta property="og:url" content="{esc(url)}">
<meta property="og:site_name" content="{esc(site)}">
<meta property="article:published_time" content="{published.isoformat()}T09:00:00+00:00">
<link rel="canonical" href="{esc(url)}">
</head><body>
<div class="cookie-banner">We use cookies to make this site work. <button>Accept</button></div>
<header><a href="/">{esc(site)}</a><nav><ul><li><a href="/report">Report</a></li>
<li><a href="/news">News</a></li><li><a href="/careers">Careers</a></li></ul></nav></header>
<main><article><h1>{esc(title)}</h1>
<p class="date">Published {published.day} {published.strftime('%B %Y')}</p>
{markdown_to_html(body)}
</article></main>
<footer><p>In an emergency call 999. For non-emergencies call 101.</p>
<ul><li><a href="/accessibility">Accessibility</a></li><li><a href="/privacy">Privacy</a></li>
</ul></footer></body></html>
"""


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def make_articles(count: int, *, seed: int = 0, start: date = date(2019, 1, 1),
                  days: int = 5 * 365) -> list[SampleArticle]:
    """`count` distinct articles: each about one or two themes, a territorial force, a date."""
    rng = random.Random(seed)
    forces = registry().territorial()
    theme_ids = list(BANK)
    out = []
    for i in range(count):
        force = rng.choice(forces)
        themes = rng.sample(theme_ids, k=1 if rng.random() < 0.6 else 2)
        published = start + timedelta(days=rng.randrange(days))
        slots = {
            "force": force.name, "person": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "rank": rng.choice(RANKS), "place": rng.choice(PLACES), "n": rng.randint(3, 240),
            "month": rng.choice(MONTHS), "year": published.year,
        }
        titles, paragraphs, bullets = BANK[themes[0]]
        title = rng.choice(titles).format(**slots)
        parts = [rng.choice(paragraphs).format(**slots)]
        for theme in themes:
            _, paras, bul = BANK[theme]
            chosen = rng.sample(paras, k=rng.randint(2, len(paras)))
            parts += [p.format(**slots) for p in chosen]
            if rng.random() < 0.7:
                parts.append("## What it offers\n\n" + "\n".join(
                    f"- {b}" for b in rng.sample(bul, k=3)))
        parts.append(f"Reference {force.id}-{published.isoformat()}-{i}: more information is on "
                     f"the [force website](https://www.{_slug(force.name)}.police.uk/).")
        body = "\n\n".join(dict.fromkeys(parts))
        description = parts[0].split(". ")[0].rstrip(".") + "."
        url = (f"https://www.{_slug(force.name)}.police.uk/news/{published.year}/"
               f"{published.month:02d}/{_slug(title)}-{i}/")
        out.append(SampleArticle(f"{published.isoformat()}-{_slug(title)}-{i}", title, url,
                                 force.name, force.id, published, description, body,
                                 tuple(themes)))
    return out


def write_corpus(folder: Path | str, *, count: int, seed: int = 0, html_share: float = 0.0
                 ) -> list[Path]:
    """Write `count` articles under `folder` (one sub-folder per force); a share `html_share`
    of them as saved HTML pages. Returns the paths written."""
    folder = Path(folder)
    rng = random.Random(seed + 1)
    paths = []
    for article in make_articles(count, seed=seed):
        sub = folder / article.force_id
        sub.mkdir(parents=True, exist_ok=True)
        if rng.random() < html_share:
            path = sub / f"{article.name}.html"
            path.write_text(article.html(), encoding="utf-8")
        else:
            path = sub / f"{article.name}.md"
            path.write_text(article.markdown(), encoding="utf-8")
        paths.append(path)
    return paths

"""A domain's ``views.py`` is found and mounted, with its navigation, without editing web/."""

from __future__ import annotations

import sys
import textwrap
import warnings

import parity
from parity.web import extensions
from tests.web.conftest import page, text_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

VIEWS = '''
from pathlib import Path

from fastapi import APIRouter, Request

from parity.present.deps import SessionDep
from parity.present.responses import respond
from parity.present.templating import templates_for
from parity.workforce import service

router = APIRouter(prefix="/demo")
nav = [{"label": "Demo", "path": "/demo"}]
templates = templates_for(Path(__file__).parent / "templates")


def force_panel(session, *, force_id, year):
    if force_id == "kent":
        return None
    return {"title": "Demo panel", "html": templates.env.get_template("panel.html").render(
        force_id=force_id, year=year, note="<b>not bold</b>")}


@router.get("")
@router.get(".json")
def demo(request: Request, session: SessionDep):
    payload = {"years": service.years_available(session)}
    return respond(request, "demo.html", payload, templates=templates)
'''
PANEL = '''<p id="panel-text">{{ force_id }} in {{ year }}: {{ note }}</p>'''
TEMPLATE = '''{% extends "base.html" %}
{% block main %}<h1>Demo</h1><p id="n">{{ data.years|length }} years</p>{% endblock %}
'''


def test_a_domain_views_module_is_mounted(tmp_path, sqlite_templates):
    package = tmp_path / "zz_demo"
    (package / "templates").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "views.py").write_text(textwrap.dedent(VIEWS))
    (package / "templates" / "demo.html").write_text(TEMPLATE)
    (package / "templates" / "panel.html").write_text(PANEL)
    parity.__path__.append(str(tmp_path))
    try:
        found = extensions.discover()
        demo = [e for e in found if e.domain == "zz_demo"]
        assert demo and demo[0].nav == (extensions.NavEntry("Demo", "/demo"),)

        import shutil

        from parity.web.app import create_app

        shutil.copy(sqlite_templates["workforce"], tmp_path / "web.db")
        url = f"sqlite:///{tmp_path / 'web.db'}"
        with TestClient(create_app(url)) as client:
            doc = page(client.get("/demo"))
            assert text_of(doc.xpath("//p[@id='n']")[0]) == "17 years"
            nav = [a.text for a in doc.xpath("//nav//a")]
            assert "Demo" in nav and nav.index("Demo") < nav.index("API")
            assert client.get("/demo.json").json() == {"years": list(range(2007, 2024))}
            assert "Demo" in [a.text for a in page(client.get("/")).xpath("//nav//a")]
            force = page(client.get("/forces/dorset"))
            assert text_of(force.xpath("//section[@id='panel-zz_demo']/h2")[0]) == "Demo panel"
            assert text_of(force.xpath("//p[@id='panel-text']")[0]) == \
                "dorset in 2023: <b>not bold</b>"
            assert not page(client.get("/forces/kent")).xpath("//section[@id='panel-zz_demo']")
    finally:
        parity.__path__.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("parity.zz_demo")]:
            del sys.modules[name]

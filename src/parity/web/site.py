"""The web package's own templates: sign-in, the private area's frame, the error page and the
API docs page (``web/templates``), over the shared layout of `parity.present.templating`."""

from __future__ import annotations

from pathlib import Path

from parity.present.templating import templates_for

TEMPLATES = Path(__file__).parent / "templates"
templates = templates_for(TEMPLATES)

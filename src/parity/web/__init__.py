"""The web front end: public pages and the open JSON API, on FastAPI.

`parity.web.app.create_app` builds the application (the engine is made there, never at import
time); `parity serve` runs it with uvicorn. Other domains add their own pages by shipping
``parity/<domain>/views.py`` with a ``router`` (see `parity.web.extensions` and docs/web.md).
"""

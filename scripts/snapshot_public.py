"""Write every public page, API answer and the HTML report to a folder, to compare two versions.

    python scripts/snapshot_public.py OUT_DIR

Loads the bundled official data into a fresh SQLite database (``parity import bundled``) with
``PARITY_TODAY`` fixed, then fetches, signed out, every GET route of the app: each route without
a path parameter, each force route for a representative set of forces (`FORCES`), and the
pages a fetched page links to on this site (breadth first, in a fixed order, up to `LIMIT`),
each page also as ``.json``. Then it builds the
HTML report (``parity report build``). Two runs on two versions of the code can be compared
with ``diff -r``; only the report's build date may differ.

Used for the layering change of issue 10: every public output unchanged, byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tempfile
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

TODAY = "2026-11-28"
LIMIT = 400
# A representative set of forces: an English county, a metropolitan force, the two City and
# Metropolitan forces, a Welsh force and British Transport Police (no area code).
FORCES = ("kent", "greater-manchester", "metropolitan-police", "city-of-london", "dyfed-powys",
          "british-transport-police")
LINK = re.compile(r'(?:href|src)="(/[^"#]*)')


def _name(url: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", url.strip("/")) or "index"
    if len(safe) > 120:
        safe = safe[:100] + "-" + hashlib.sha1(url.encode()).hexdigest()[:12]
    return safe


def _routes(routes, prefix: str = ""):  # noqa: ANN001, ANN202
    """(path, methods) of every route, routers included by the app walked into."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _routes(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
        elif hasattr(route, "path"):
            yield prefix + route.path, getattr(route, "methods", None) or {"GET"}


def public_routes(app, force_ids) -> list[str]:  # noqa: ANN001
    """Every GET address of `app` outside /static and /private: each route without a path
    parameter, and each force route for each of `force_ids`."""
    seeds: list[str] = []
    for path, methods in _routes(app.routes):
        if "GET" not in methods or path.startswith(("/static", "/private")):
            continue
        params = re.findall(r"{(\w+)}", path)
        if not params:
            seeds.append(path)
        elif params == ["force_id"]:
            seeds.extend(path.replace("{force_id}", fid) for fid in force_ids)
    return seeds


def main(out: Path) -> int:
    os.environ["PARITY_TODAY"] = TODAY
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="parity-snapshot-"))
    url = f"sqlite:///{work / 'parity.db'}"
    env = {**os.environ, "PARITY_DATABASE_URL": url, "PARITY_TODAY": TODAY}
    parity = str(Path(sys.executable).parent / "parity")
    subprocess.run([parity, "import", "bundled"], env=env, check=True, capture_output=True)
    subprocess.run([parity, "report", "build", "--out", str(out / "report")], env=env,
                   check=True, capture_output=True)

    from fastapi.testclient import TestClient

    from parity.forces import registry
    from parity.web.app import create_app

    app = create_app(url)
    known = {f.id for f in registry().forces}
    force_ids = [f for f in FORCES if f in known]
    seeds = public_routes(app, force_ids)
    for force_id in force_ids:
        seeds += [f"/api/v1/representation?area={force_id}", f"/api/v1/trend?area={force_id}"]
    queue = deque(dict.fromkeys(seeds))
    seen: set[str] = set(queue)
    index = []
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as client:
        while queue and len(index) < LIMIT:
            target = queue.popleft()
            response = client.get(target)
            body = response.content
            name = _name(target)
            (out / "pages").mkdir(exist_ok=True)
            (out / "pages" / name).write_bytes(body)
            index.append(f"{response.status_code} {response.headers.get('content-type', '')} "
                         f"{response.headers.get('location', '')} {target} -> {name}")
            if "html" in response.headers.get("content-type", ""):
                for link in LINK.findall(body.decode("utf-8", "replace")):
                    link = link.replace("&amp;", "&")
                    parts = urlsplit(link)
                    if parts.path.startswith(("/sign-", "/private")) or (
                            parts.query and "/forces/" in parts.path):
                        continue
                    candidates = [link]
                    if not parts.path.endswith((".json", ".css", ".svg", ".png", ".ico")) \
                            and not parts.path.startswith(("/static", "/api")):
                        json_path = (parts.path.rstrip("/") or "/index") + ".json"
                        candidates.append(json_path + (f"?{parts.query}" if parts.query else ""))
                    for c in candidates:
                        if c not in seen:
                            seen.add(c)
                            queue.append(c)
    (out / "index.txt").write_text("\n".join(index) + "\n", encoding="utf-8")
    print(f"{len(index)} responses written to {out} ({len(queue)} links left unfetched)")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))

#!/usr/bin/env bash
# Installs everything Parity and its tests need: the Python virtual environment with the
# package and its development tools, and the Debian packages used by the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
echo "setup: installing Python packages into .venv (log: .venv/pip.log)" >&2
if ! { .venv/bin/python -m pip install --quiet --upgrade pip &&
       .venv/bin/python -m pip install --quiet -e '.[dev]'; } >.venv/pip.log 2>&1; then
  cat .venv/pip.log >&2
  exit 1
fi

# Parity's own modules compiled to bytecode now, as pip does for an installed package (an
# editable install is not compiled, and some machines set PYTHONDONTWRITEBYTECODE, so every
# command would compile them again: ~0.2 s of each start).
.venv/bin/python -m compileall -q -j 0 src >/dev/null

# Debian packages (browser tests and PDF checks). Installed only where missing; root only.
need=()
for pkg in $(cat scripts/debian-packages.txt 2>/dev/null | grep -v '^#'); do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: missing Debian packages (install as root): ${need[*]}" >&2
  fi
fi

# axe-core for the accessibility browser test (tests/site/test_accessibility.py): the npm
# package, kept beside the virtual environment; installed where npm exists.
if command -v npm >/dev/null 2>&1 && [ ! -f .venv/axe/node_modules/axe-core/axe.min.js ]; then
  npm install --silent --no-audit --no-fund --prefix .venv/axe axe-core@4 >&2 || \
    echo "setup: could not install axe-core (the accessibility test will be skipped)" >&2
fi

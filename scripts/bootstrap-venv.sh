#!/usr/bin/env bash
# Create or refresh .venv with the project and its dev tools (called by make).
set -euo pipefail
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Python 3.11+ is required (found: $("$PY" --version 2>&1 || echo none))." >&2
  echo "Install it, e.g.: sudo apt-get install -y python3 python3-venv, or set PYTHON=python3.12" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv || {
    echo "creating .venv failed: sudo apt-get install -y python3-venv" >&2; exit 1; }
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
.venv/bin/python -m pip check

#!/usr/bin/env bash
# Shared set-up for scripts/demo and scripts/test: Debian packages, the virtualenv, the project.
# Usage: scripts/bootstrap.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
export PYTHON
scripts/system-packages.sh "$@"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
fi
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
  .venv/bin/pip install --quiet -e '.[test]'
  touch .venv/.installed
fi

#!/usr/bin/env bash
# Shared set-up for scripts/demo and scripts/test: Debian packages, the virtualenv, the project.
# Usage: scripts/bootstrap.sh [--test]
# Every Python package comes from a lock file with its hashes (requirements/app.lock, or
# requirements/test.lock with the test tools; `scripts/lock` updates them, see the README).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
export PYTHON
scripts/system-packages.sh "$@"
lock=requirements/app.lock
if [ "${1:-}" = "--test" ]; then
  lock=requirements/test.lock
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(basename "$lock" .lock)"
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/pip install --quiet --require-hashes -r "$lock"
  # The project itself (it has no hash): its dependencies are in the lock, setuptools too.
  .venv/bin/pip install --quiet --no-deps --no-build-isolation -e .
  touch "$stamp"
fi

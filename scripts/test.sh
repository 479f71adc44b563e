#!/usr/bin/env bash
# Run the whole test suite. Sets up everything on a fresh machine: .venv with the test extras
# (sentence-transformers on CPU torch, the Redis client), Debian's chromium, PostgreSQL and Redis, a throw-away
# PostgreSQL server (storage and API tests run on SQLite and on PostgreSQL), and the index.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh st,test,redis
# Known vulnerabilities in the installed packages fail the run. pip-audit's per-release lookups and OSV do
# not answer on this build machine; packages at their latest release are then audited from PyPI's project
# JSON, and the rest are listed as not audited (scripts/audit.py).
scripts/audit.sh --allow-unaudited
scripts/system_deps.sh
eval "$(scripts/test_postgres.sh start)"
trap 'scripts/test_postgres.sh stop' EXIT
.venv/bin/python -m pytest "$@"

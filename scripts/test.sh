#!/usr/bin/env bash
# Run the whole test suite. Sets up everything on a fresh machine: .venv with the test extras
# (sentence-transformers on CPU torch), Debian's chromium and PostgreSQL, a throw-away PostgreSQL
# server (storage and API tests run on SQLite and on PostgreSQL), and the index.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh st,test
# Known vulnerabilities in the installed packages fail the run. Where no advisory service answers (this
# build machine reaches PyPI's file index but not its JSON API, nor OSV) it says "nothing was audited".
scripts/audit.sh --allow-unaudited
scripts/system_deps.sh
eval "$(scripts/test_postgres.sh start)"
trap 'scripts/test_postgres.sh stop' EXIT
.venv/bin/python -m pytest "$@"

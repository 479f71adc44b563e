#!/usr/bin/env bash
# Run the whole test suite; installs the test extras (sentence-transformers on CPU torch) first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh st,test
exec .venv/bin/python -m pytest "$@"

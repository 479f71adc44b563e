#!/usr/bin/env bash
# Audit the installed Python environment for known vulnerabilities (pip-audit, with PyPI's latest-release
# advisory data where pip-audit's per-release lookups do not answer). Exit 1 on any known vulnerability;
# 3 when nothing could be audited (--allow-unaudited: 0). See scripts/audit.py.
# Usage: scripts/audit.sh [--allow-unaudited] [--ignore-vuln ID ...]   (.venv with the test extra)
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${KALLA_AUDIT_PYTHON:-.venv/bin/python}" scripts/audit.py "$@"

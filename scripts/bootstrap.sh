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
# Re-install only when pyproject.toml changed or an extra is asked for that is not installed yet
# (so scripts/run.sh after scripts/test.sh does not re-install: installed extras are kept and recorded).
hash="$(sha256sum pyproject.toml | cut -c1-16)"
stamp="$(cat .venv/.kalla-installed 2>/dev/null || true)"
have_hash="${stamp%%-*}"
have_extras="${stamp#*-}"
[ "$stamp" = "$have_hash" ] && have_extras=""
need=0
[ "$hash" != "$have_hash" ] && need=1 && have_extras=""
union="$have_extras"
for e in ${extras//,/ }; do
  case ",$have_extras," in *",$e,"*) ;; *) need=1; union="${union:+$union,}$e" ;; esac
done
if [ "$need" = 1 ]; then
  echo "[bootstrap] installing dependencies${union:+ (extras: $union)}"
  .venv/bin/python -m pip install --quiet --upgrade pip
  spec="."
  [ -n "$union" ] && spec=".[${union}]"
  .venv/bin/python -m pip install --quiet -e "$spec"
  echo "$hash-$union" > .venv/.kalla-installed
fi
.venv/bin/python scripts/build_native.py --if-stale
.venv/bin/python scripts/build_index.py --if-stale

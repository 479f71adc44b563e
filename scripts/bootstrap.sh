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
# pip's own output without its progress bars: a line per package as pip collects it, the summary, and on failure
# the end of the full log (.venv/pip-install.log). Minutes on a fresh machine; no longer minutes of silence.
pip_install() {
  local log=.venv/pip-install.log rc ticker start
  start=$(date +%s)
  # pip says nothing while it unpacks and installs (a minute for torch): a line every 30 s says it is still at it
  ( while sleep 30; do echo "[bootstrap] pip: still working ($(( $(date +%s) - start )) s)"; done ) &
  ticker=$!
  set +e
  .venv/bin/python -m pip install --progress-bar off "$@" 2>&1 | tee "$log" \
    | grep --line-buffered -E '^(Collecting|Building wheel for|Installing collected packages|Successfully installed)' \
    | sed -u -E 's/^(.{150}).+/\1 …/; s/^/[bootstrap] pip: /'
  rc=${PIPESTATUS[0]}
  kill "$ticker" 2>/dev/null
  wait "$ticker" 2>/dev/null
  set -e
  if [ "$rc" != 0 ]; then
    echo "[bootstrap] pip failed (exit $rc); the end of $log:" >&2
    tail -n 40 "$log" >&2
    return "$rc"
  fi
}
if [ "$need" = 1 ]; then
  echo "[bootstrap] installing dependencies${union:+ (extras: $union)}"
  t0=$SECONDS
  pip_install --upgrade pip
  spec="."
  [ -n "$union" ] && spec=".[${union}]"
  pip_install -e "$spec"
  echo "[bootstrap] dependencies installed in $((SECONDS - t0)) s"
  echo "$hash-$union" > .venv/.kalla-installed
fi
.venv/bin/python scripts/build_native.py --if-stale
.venv/bin/python scripts/build_index.py --if-stale

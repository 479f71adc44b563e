#!/usr/bin/env bash
# The scale-out of docker-compose.yml, checked with the real image: the compose `migrate` step, then two
# containers of the image sharing one PostgreSQL and one Redis, and tests/robustness/test_replicas.py
# (shared rate limit, one answer log, staff sessions valid on every replica) run against them.
# PostgreSQL is scripts/test_postgres.sh's, Redis is Debian's redis-server (both on the host network:
# this needs no registry images). Needs a Docker daemon and an image: docker build -t kalla .
# Usage: scripts/check_replicas_docker.sh [IMAGE]        (default kalla:latest)
set -euo pipefail
cd "$(dirname "$0")/.."
image="${1:-kalla:latest}"
ports=(18001 18002)
redis_port=56379
eval "$(scripts/test_postgres.sh start)"
pg_url="$KALLA_TEST_PG_URL"
psql_url="${pg_url/+psycopg/}"
PGOPTIONS='--client-min-messages=warning' psql "$psql_url" -qc "DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes >/dev/null
names=()
cleanup() {
  docker rm -f "${names[@]}" >/dev/null 2>&1 || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT
# The settings tests/robustness/test_replicas.py expects of its replicas (replica_env there).
env_args=(-e KALLA_ENVIRONMENT=production -e "KALLA_STAFF_SESSION_SECRET=replica-test-secret-$(printf 'x%.0s' {1..32})"
          -e KALLA_STAFF_COOKIE_SECURE=false -e "KALLA_DATABASE_URL=$pg_url"
          -e "KALLA_RATE_LIMIT_STORAGE_URI=redis://127.0.0.1:$redis_port/0"
          -e KALLA_RATE_LIMIT_CLIENT=6/minute -e KALLA_RATE_LIMIT_SITE=1000/minute -e KALLA_TRANSLATION=none
          -e KALLA_ALLOWED_HOSTS=localhost)
echo "[replicas] migrate (compose service 'migrate')"
docker run --rm --network host "${env_args[@]}" "$image" python -m app.cli migrate
for i in "${!ports[@]}"; do
  names+=("kalla-replica-$i")
  docker run -d --name "kalla-replica-$i" --network host --read-only --tmpfs /tmp "${env_args[@]}" \
    -e "KALLA_PORT=${ports[$i]}" "$image" \
    python -m uvicorn app.main:app --host 127.0.0.1 --port "${ports[$i]}" --proxy-headers >/dev/null
done
urls=()
for i in "${!ports[@]}"; do
  for _ in $(seq 120); do
    [ "$(docker inspect --format '{{.State.Health.Status}}' "kalla-replica-$i")" = healthy ] && break
    sleep 1
  done
  echo "[replicas] kalla-replica-$i: $(docker inspect --format '{{.State.Health.Status}}' "kalla-replica-$i"), $(docker exec "kalla-replica-$i" id -un)"
  urls+=("http://127.0.0.1:${ports[$i]}")
done
KALLA_REPLICA_URLS="$(IFS=,; echo "${urls[*]}")" KALLA_TEST_PG_URL="$pg_url" \
  .venv/bin/python -m pytest -q tests/robustness/test_replicas.py -p no:cacheprovider

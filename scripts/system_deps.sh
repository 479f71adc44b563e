#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium (+ driver) for real-browser tests, PostgreSQL for the
# storage tests, Redis for the replica test (shared rate-limit counters), Node/npm for axe-core.
# Idempotent; installs only what is missing. Needs root (CI is root).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v npm >/dev/null 2>&1 || need+=(npm)
# An Ethiopic font (Tigrinya, Amharic), so the screenshots show text rather than empty boxes (Chromium's
# DejaVu dependency covers the Latin, Cyrillic and Arabic scripts).
[ -d /usr/share/fonts/truetype/abyssinica ] || need+=(fonts-sil-abyssinica)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "[system] missing ${need[*]}: install them with apt-get (needs root)" >&2
    exit 1
  fi
  echo "[system] installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

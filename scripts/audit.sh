#!/usr/bin/env bash
# Audit the installed Python environment for known vulnerabilities with pip-audit (PyPI's advisory data).
# Exit 1 when any installed package has a known vulnerability; the table names package, version, advisory
# and the fixed version. Exit 3 when the advisory service could not be reached for any package (nothing
# was audited): that is not a pass. --allow-unaudited turns that case into a warning.
# Usage: scripts/audit.sh [--allow-unaudited] [PYTHON]     (default .venv/bin/python; needs the test extra)
set -euo pipefail
cd "$(dirname "$0")/.."
allow_unaudited=0
if [ "${1:-}" = "--allow-unaudited" ]; then allow_unaudited=1; shift; fi
py="${1:-.venv/bin/python}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
set +e
# --skip-editable: Källa itself is not on PyPI. Output as JSON so the count of skipped packages is exact.
"$py" -m pip_audit --progress-spinner off --skip-editable --format json --output "$out" 2> >(grep -v "^$" >&2)
status=$?
set -e
"$py" - "$out" "$status" "$allow_unaudited" <<'PY'
import json, sys
path, status, allow = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
try:
    data = json.load(open(path))
except ValueError:
    print(f"[audit] pip-audit failed (exit {status}) without a report"); sys.exit(status or 2)
deps = data.get("dependencies", [])
audited = [d for d in deps if "skip_reason" not in d]
vulnerable = [(d, v) for d in audited for v in d.get("vulns", [])]
for d, v in vulnerable:
    fixes = ", ".join(v.get("fix_versions", [])) or "no fixed version yet"
    print(f"[audit] VULNERABLE {d['name']} {d['version']}: {v['id']} (fixed in {fixes})")
print(f"[audit] {len(audited)} of {len(deps)} packages audited, {len(vulnerable)} known vulnerabilities")
if vulnerable:
    sys.exit(1)
if deps and not audited:
    print("[audit] the advisory service answered for no package: nothing was audited" +
          (" (allowed by --allow-unaudited)" if allow else ""))
    sys.exit(0 if allow else 3)
PY

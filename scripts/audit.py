#!/usr/bin/env python3
"""Audit installed Python packages for known vulnerabilities; exit 1 when any is found.

pip-audit asks PyPI's per-release JSON (or OSV) for each installed version. Some build machines (this
one, and CI behind the same registry mirror) reach PyPI's *project* JSON but not the per-release JSON
nor OSV, so pip-audit audits nothing there. Every route that answers is then used, and a known advisory
found through any of them fails the audit:

1. pip-audit (PyPI's per-release data or OSV) for every package it can look up;
2. PyPI's project JSON, which carries the advisories (`vulnerabilities`, from OSV) of the project's *latest*
   release: a package installed at its latest release is audited from it. A package *older* than its latest
   release is reported vulnerable when the latest release has an advisory — one that the newest release still
   has applies to the releases before it, as far as this data can tell (PyPI does not say where it began);
3. OSV's batch query, for what is still not audited, when OSV answers.

What no route could audit is listed by name, in the output and in --json: a gap, not a pass.

    python scripts/audit.py [--allow-unaudited] [--path DIR ...] [--ignore-vuln ID ...] [--json FILE]

Exit 0 clean, 1 known vulnerabilities, 3 nothing could be audited (0 with --allow-unaudited).
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
OSV_BATCH = "https://api.osv.dev/v1/querybatch"
Fetch = Callable[[str], "dict | None"]
# (name, version) pairs → per pair the advisory ids OSV knows, or None when OSV does not answer
AskOsv = Callable[[list[tuple[str, str]]], "list[list[str]] | None"]


@dataclass
class Finding:
    name: str
    version: str
    source: str = ""                 # "pip-audit", "pypi-latest", "pypi-latest-presumed", "osv" or "" (unaudited)
    vulns: list[dict] = field(default_factory=list)
    gap: str = ""                    # why it is unaudited


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def same_version(a: str, b: str) -> bool:
    try:
        from packaging.version import InvalidVersion, Version
        try:
            return Version(a) == Version(b)
        except InvalidVersion:
            return a == b
    except ImportError:
        return a == b


def fetch_project(name: str, timeout: float = 20.0) -> dict | None:
    """PyPI's project JSON, or None when PyPI does not answer for it (unknown project, no network)."""
    try:
        with urllib.request.urlopen(PROJECT_JSON.format(name=canonical(name)), timeout=timeout) as reply:
            return json.load(reply)
    except (urllib.error.URLError, TimeoutError, ValueError, OSError):
        return None


def _not_ignored(vulns: list[dict], ignore: set[str]) -> list[dict]:
    return [v for v in vulns if not v.get("withdrawn") and not ({v.get("id")} | set(v.get("aliases") or [])) & ignore]


def from_latest_release(name: str, version: str, fetch: Fetch, ignore: set[str]) -> Finding:
    """Audit one package from its project JSON: the latest release's advisories, which also hold for an older one."""
    project = fetch(name)
    if project is None:
        return Finding(name, version, gap="PyPI did not answer")
    latest = str(project.get("info", {}).get("version", ""))
    vulns = _not_ignored(project.get("vulnerabilities") or [], ignore)
    if same_version(latest, version):
        return Finding(name, version, source="pypi-latest", vulns=vulns)
    if vulns:       # still open in the newest release: the installed older one has it too, as far as PyPI tells
        return Finding(name, version, source="pypi-latest-presumed", vulns=vulns)
    return Finding(name, version, gap=f"older than the latest release {latest}")


def ask_osv(packages: list[tuple[str, str]], timeout: float = 20.0) -> list[list[str]] | None:
    """OSV's advisory ids for each (name, version), or None when OSV does not answer (blocked, offline)."""
    body = json.dumps({"queries": [{"package": {"ecosystem": "PyPI", "name": canonical(n)}, "version": v}
                                   for n, v in packages]}).encode()
    request = urllib.request.Request(OSV_BATCH, data=body, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            results = json.load(reply).get("results", [])
    except (urllib.error.URLError, TimeoutError, ValueError, OSError):
        return None
    if len(results) != len(packages):
        return None
    return [[v["id"] for v in r.get("vulns") or [] if v.get("id")] for r in results]


def from_osv(gaps: list[Finding], ask: AskOsv, ignore: set[str]) -> list[Finding]:
    """The packages no other route audited, asked of OSV in one batch; unchanged when OSV does not answer."""
    if not gaps:
        return gaps
    answers = ask([(f.name, f.version) for f in gaps])
    if answers is None:
        return gaps
    return [Finding(f.name, f.version, source="osv", vulns=[{"id": i} for i in ids if i not in ignore])
            for f, ids in zip(gaps, answers)]


def installed_versions(paths: list[str]) -> dict[str, str]:
    """pip-audit leaves the version out of a skipped package's entry; read it where pip-audit read it."""
    dists = importlib.metadata.distributions(path=paths) if paths else importlib.metadata.distributions()
    return {canonical(d.metadata["Name"]): d.version for d in dists if d.metadata["Name"]}


def audit(report: dict, installed: dict[str, str], fetch: Fetch, ignore: set[str],
          ask: AskOsv = lambda packages: None) -> list[Finding]:
    """Merge pip-audit's report with the other routes for what pip-audit skipped (module docstring)."""
    done, todo = [], []
    for dep in report.get("dependencies", []):
        if "editable" in dep.get("skip_reason", ""):
            continue                 # the project itself (--skip-editable): not on PyPI
        version = dep.get("version") or installed.get(canonical(dep["name"]), "")
        if "skip_reason" in dep:
            todo.append((dep["name"], version))
        else:
            done.append(Finding(dep["name"], version, source="pip-audit", vulns=dep.get("vulns", [])))
    with ThreadPoolExecutor(8) as pool:
        done += pool.map(lambda nv: from_latest_release(*nv, fetch, ignore), todo)
    gaps = [f for f in done if not f.source]
    done = [f for f in done if f.source] + from_osv(gaps, ask, ignore)
    return sorted(done, key=lambda f: canonical(f.name))


def run_pip_audit(paths: list[str], ignore: set[str]) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "--skip-editable",
               "--format", "json", "--output", out.name]
        cmd += [arg for p in paths for arg in ("--path", p)] + [arg for i in ignore for arg in ("--ignore-vuln", i)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        try:
            return json.loads(Path(out.name).read_text() or "{}")
        except ValueError:
            sys.exit(f"[audit] pip-audit failed (exit {proc.returncode}) without a report:\n{proc.stderr[-2000:]}")


SOURCES = {"pip-audit": "pip-audit", "pypi-latest": "PyPI latest-release data",
           "pypi-latest-presumed": "the latest release's advisories, installed older", "osv": "OSV"}


def summary(findings: list[Finding]) -> str:
    vulnerable = sum(len(f.vulns) for f in findings)
    audited = [f for f in findings if f.source]
    by = ", ".join(f"{label} {n}" for key, label in SOURCES.items() if (n := sum(f.source == key for f in findings)))
    return (f"{len(audited)} of {len(findings)} packages audited ({by or 'none'}), "
            f"{vulnerable} known vulnerabilities")


def print_report(findings: list[Finding]) -> tuple[int, int, int]:
    vulnerable = [(f, v) for f in findings for v in f.vulns]
    for f, v in vulnerable:
        fixes = ", ".join(v.get("fix_versions") or v.get("fixed_in") or []) or "no fixed version known"
        print(f"[audit] VULNERABLE {f.name} {f.version}: {v.get('id')} (fixed in {fixes}; via {SOURCES[f.source]})")
    gaps = [f for f in findings if not f.source]
    for f in gaps:
        print(f"[audit] not audited: {f.name} {f.version} ({f.gap})")
    print(f"[audit] {summary(findings)}")
    return len(findings) - len(gaps), len(gaps), len(vulnerable)


def write_json(path: Path, findings: list[Finding]) -> None:
    """What the test run shows at its end (tests/conftest.py) and what docs/deploy.md lists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "summary": summary(findings),
        "vulnerable": [{"name": f.name, "version": f.version, "id": v.get("id"), "via": f.source}
                       for f in findings for v in f.vulns],
        "not_audited": [{"name": f.name, "version": f.version, "why": f.gap} for f in findings if not f.source],
    }, indent=2), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow-unaudited", action="store_true", help="exit 0 when nothing could be audited")
    parser.add_argument("--path", action="append", default=[], help="audit only packages installed here")
    parser.add_argument("--ignore-vuln", action="append", default=[], help="advisory id to ignore")
    parser.add_argument("--json", type=Path, help="also write the findings here (scripts/test.sh: artifacts/audit.json)")
    args = parser.parse_args()
    ignore = set(args.ignore_vuln)
    findings = audit(run_pip_audit(args.path, ignore), installed_versions(args.path), fetch_project, ignore, ask_osv)
    audited, _gaps, vulnerable = print_report(findings)
    if args.json:
        write_json(args.json, findings)
    if vulnerable:
        return 1
    if findings and not audited:
        print("[audit] no advisory source answered: nothing was audited"
              + (" (allowed by --allow-unaudited)" if args.allow_unaudited else ""))
        return 0 if args.allow_unaudited else 3
    return 0


if __name__ == "__main__":
    sys.exit(main())

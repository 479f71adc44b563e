#!/usr/bin/env python3
"""Audit installed Python packages for known vulnerabilities; exit 1 when any is found.

pip-audit asks PyPI's per-release JSON (or OSV) for each installed version. Some build machines (this
one, and CI behind the same registry mirror) reach PyPI's *project* JSON but not the per-release JSON
nor OSV, so pip-audit audits nothing there. The project JSON carries the same advisory data (PyPI's
`vulnerabilities`, from OSV) for the project's *latest* release, so every package installed at its
latest release is audited from it instead. Packages older than their latest release stay unaudited
and are listed by name: that is a gap, not a pass.

    python scripts/audit.py [--allow-unaudited] [--path DIR ...] [--ignore-vuln ID ...]

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
Fetch = Callable[[str], "dict | None"]


@dataclass
class Finding:
    name: str
    version: str
    source: str = ""                 # "pip-audit", "pypi-latest" or "" (unaudited)
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


def from_latest_release(name: str, version: str, fetch: Fetch, ignore: set[str]) -> Finding:
    """Audit one package from its project JSON; only valid when it is installed at the latest release."""
    project = fetch(name)
    if project is None:
        return Finding(name, version, gap="PyPI did not answer")
    latest = str(project.get("info", {}).get("version", ""))
    if not same_version(latest, version):
        return Finding(name, version, gap=f"older than the latest release {latest}")
    vulns = [v for v in project.get("vulnerabilities") or []
             if not v.get("withdrawn") and not ({v.get("id")} | set(v.get("aliases") or [])) & ignore]
    return Finding(name, version, source="pypi-latest", vulns=vulns)


def installed_versions(paths: list[str]) -> dict[str, str]:
    """pip-audit leaves the version out of a skipped package's entry; read it where pip-audit read it."""
    dists = importlib.metadata.distributions(path=paths) if paths else importlib.metadata.distributions()
    return {canonical(d.metadata["Name"]): d.version for d in dists if d.metadata["Name"]}


def audit(report: dict, installed: dict[str, str], fetch: Fetch, ignore: set[str]) -> list[Finding]:
    """Merge pip-audit's report with the latest-release fallback for what pip-audit skipped."""
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


def print_report(findings: list[Finding]) -> tuple[int, int, int]:
    vulnerable = [(f, v) for f in findings for v in f.vulns]
    for f, v in vulnerable:
        fixes = ", ".join(v.get("fix_versions") or v.get("fixed_in") or []) or "no fixed version yet"
        print(f"[audit] VULNERABLE {f.name} {f.version}: {v.get('id')} (fixed in {fixes}; via {f.source})")
    gaps = [f for f in findings if not f.source]
    for f in gaps:
        print(f"[audit] not audited: {f.name} {f.version} ({f.gap})")
    audited = len(findings) - len(gaps)
    by = {s: sum(f.source == s for f in findings) for s in ("pip-audit", "pypi-latest")}
    print(f"[audit] {audited} of {len(findings)} packages audited (pip-audit {by['pip-audit']}, "
          f"PyPI latest-release data {by['pypi-latest']}), {len(vulnerable)} known vulnerabilities")
    return audited, len(gaps), len(vulnerable)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow-unaudited", action="store_true", help="exit 0 when nothing could be audited")
    parser.add_argument("--path", action="append", default=[], help="audit only packages installed here")
    parser.add_argument("--ignore-vuln", action="append", default=[], help="advisory id to ignore")
    args = parser.parse_args()
    ignore = set(args.ignore_vuln)
    findings = audit(run_pip_audit(args.path, ignore), installed_versions(args.path), fetch_project, ignore)
    audited, _gaps, vulnerable = print_report(findings)
    if vulnerable:
        return 1
    if findings and not audited:
        print("[audit] no advisory source answered: nothing was audited"
              + (" (allowed by --allow-unaudited)" if args.allow_unaudited else ""))
        return 0 if args.allow_unaudited else 3
    return 0


if __name__ == "__main__":
    sys.exit(main())

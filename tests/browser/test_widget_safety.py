"""Leaving without a trace, server text that tries to run code, and pages that may not use a site."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.widget import W, answers, ask, launcher, open_widget, panel

pytestmark = [pytest.mark.browser, pytest.mark.integration]
NEUTRAL = "https://www.google.com/"


def _storage(page) -> dict:
    return page.evaluate("({local: localStorage.length, session: sessionStorage.length, cookie: document.cookie})")


def test_nothing_is_stored_unless_the_resident_asks(kalla, context, page):
    open_widget(page, kalla.url + "/demo")
    ask(page, "Vad är återvandringsbidraget?")
    assert _storage(page) == {"local": 0, "session": 0, "cookie": ""}
    assert context.cookies() == []
    page.reload()
    open_widget(page, kalla.url + "/demo")
    expect(answers(page)).to_have_count(0)   # nothing came back


def test_remember_then_leave_quickly_leaves_no_storage_behind(kalla, context, page):
    context.route(NEUTRAL + "**", lambda route: route.fulfill(body="<title>neutral</title>", content_type="text/html"))
    open_widget(page, kalla.url + "/demo")
    page.locator(f"{W} .foot input[type=checkbox]").check()
    ask(page, "Vad är återvandringsbidraget?")
    assert page.evaluate("Object.keys(localStorage)") == ["kalla:conversation:demo"]
    page.reload()   # remembered: the conversation is back
    open_widget(page, kalla.url + "/demo")
    expect(answers(page)).to_have_count(1)
    expect(page.locator(f"{W} .foot input[type=checkbox]")).to_be_checked()
    with page.expect_navigation(url=NEUTRAL):
        page.locator(f"{W} button.leave").click()
    assert page.url == NEUTRAL
    state = context.storage_state()
    assert state["cookies"] == [] and all(not o.get("localStorage") for o in state["origins"])
    page.go_back()
    assert "/demo" not in page.url, "the page was replaced in the history, so Back does not return to it"
    page.goto(kalla.url + "/demo")
    assert _storage(page) == {"local": 0, "session": 0, "cookie": ""}
    open_widget(page, kalla.url + "/demo")
    expect(answers(page)).to_have_count(0)
    expect(page.locator(f"{W} .foot input[type=checkbox]")).not_to_be_checked()


def test_unticking_remember_forgets_at_once(kalla, page):
    open_widget(page, kalla.url + "/demo")
    box = page.locator(f"{W} .foot input[type=checkbox]")
    box.check()
    ask(page, "Vad är återvandringsbidraget?")
    assert _storage(page)["local"] == 1
    box.uncheck()
    assert _storage(page) == {"local": 0, "session": 0, "cookie": ""}


XSS = {
    "id": "0123456789abcdef0123456789abcdef", "status": "handoff", "language": "sv",
    "answer": 'Svar <img src=x onerror="window.__xss=1"> «<script>window.__xss=2</script>» [1]',
    "answer_language": "sv", "direction": "ltr",
    "citations": [{
        "passage_id": "x#1", "document_id": "x", "title": '<img src=x onerror="window.__xss=3">Titel',
        "authority": "<b>Myndighet</b>", "url": "javascript:window.__xss=4", "section": "<i>del</i>",
        "published": "2025-01-01", "status": "current", "language": "sv",
        "text": 'Före. <script>window.__xss=5</script> <img src=x onerror="window.__xss=6"> Efter.',
        "quote": "<script>window.__xss=5</script>", "translation": '<img src=x onerror="window.__xss=7">'}],
    "handoff": {"reason": "individual", "message": '<img src=x onerror="window.__xss=8">', "contacts": [
        {"name": '<svg onload="window.__xss=9">', "phone": "0771<script>", "phone_abroad": "",
         "url": "javascript:window.__xss=10", "hours": "<b>9–16</b>"}]},
    "notices": ["<img src=x onerror=window.__xss=11>"],
}


def test_server_text_that_looks_like_html_shows_as_text_and_runs_nothing(kalla, page):
    """The passage, title, contact and even the resident's own question hold <script> and <img onerror>."""
    # A real question through the real service first: the resident's own text is echoed as text.
    open_widget(page, kalla.url + "/demo")
    ask(page, '<img src=x onerror="window.__xss=12"> återvandringsbidraget')
    expect(page.locator(f"{W} .me").first).to_contain_text('<img src=x onerror="window.__xss=12">')
    # Then an answer whose every field is hostile (served in place of the API's reply).
    page.route("**/api/chat", lambda route: route.fulfill(status=200, content_type="application/json",
                                                          body=json.dumps(XSS)))
    answer = ask(page, "Vad är återvandringsbidraget?")
    answer.locator("details.src summary").first.click()
    expect(answer.locator(".passage").last).to_contain_text("<script>window.__xss=5</script>")
    expect(answer.locator(".passage mark").last).to_have_text("<script>window.__xss=5</script>")
    expect(answer.locator(".pair .badge.mt")).to_have_text("Maskinöversättning")
    expect(answer.locator("details.src summary")).to_contain_text('<img src=x onerror="window.__xss=3">Titel')
    expect(answer.locator(".text")).to_contain_text("«<script>window.__xss=2</script>»")
    expect(answer.locator("section.card h3 + p")).to_have_text('<img src=x onerror="window.__xss=8">')
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    root = "document.querySelector('kalla-widget').shadowRoot"
    assert page.evaluate(f"{root}.querySelectorAll('img, script, b, i, svg[onload], [onerror]').length") == 0
    hrefs = page.evaluate(f"Array.from({root}.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))")
    assert hrefs and all(not h.lower().startswith("javascript:") for h in hrefs)
    assert "tel:0771" in hrefs   # the phone number keeps only its digits


def test_a_page_on_an_allowed_origin_uses_its_site(kalla, municipal_site, page):
    """The real embedding: a municipality's page on another origin, with CORS."""
    url = municipal_site.origin("127.0.0.1") + "/page?site=kommun"
    open_widget(page, url)
    expect(launcher(page)).to_be_hidden()
    accent = page.locator(f"{W} .send").evaluate("el => getComputedStyle(el).backgroundColor")
    assert accent == "rgb(122, 31, 92)"   # the site's accent colour from the sites file
    answer = ask(page, "Jag vill veta vad som händer i mitt eget ärende, kan jag få bidraget?")
    card = answer.locator("section.card")
    expect(card).to_contain_text("Kommunens medborgarcenter")
    expect(card.locator('a[href="tel:0701740606"]')).to_be_visible()


def test_a_page_on_a_foreign_origin_is_refused(kalla, municipal_site, page):
    url = municipal_site.origin("localhost") + "/page?site=kommun"   # same server, origin not allowed
    page.goto(url)
    expect(launcher(page)).to_be_visible()
    launcher(page).click()
    expect(page.locator(f"{W} .msg.error")).to_have_text("Chatten kan inte användas på den här sidan just nu.")
    page.locator(f"{W} .ask textarea").fill("Vad är återvandringsbidraget?")
    page.locator(f"{W} .ask textarea").press("Enter")
    expect(page.locator(f"{W} .msg.error")).to_have_count(2)
    expect(answers(page)).to_have_count(0)
    for site in ("kommun", "demo"):
        outcome = page.evaluate("""async ([api, site]) => {
            try {
              const r = await fetch(api + '/api/chat', {method: 'POST', headers: {'content-type': 'application/json'},
                                    body: JSON.stringify({message: 'Vad är återvandringsbidraget?', site})});
              return 'status ' + r.status;
            } catch (e) { return 'refused'; } }""", [kalla.url, site])
        assert outcome == "refused"
    assert panel(page).is_visible()

"""A staff member in Debian's chromium: logs in, reviews an answer citation by citation, sees the
statistics change. Screenshots: artifacts/screenshots/staff_*.png."""
from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.staff.support import PASSWORD, ensure_user

pytestmark = pytest.mark.integration
EMAIL = "browser.reviewer@kalla.test"
AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => JSON.stringify(n.target)).join(', '));
}"""


def reviewed_citations(page) -> int:
    text = page.locator("#total-precision").locator("xpath=..").inner_text()
    return int(re.search(r"\((\d+) citations reviewed", text).group(1))


def test_staff_member_logs_in_reviews_an_answer_and_sees_the_stats_change(kalla, page, screenshots, axe_source):
    ensure_user(kalla.app, EMAIL, "reviewer")
    body = httpx.post(kalla.url + "/api/chat", timeout=60, json={
        "message": "Vad använder Kriminalvården för att informera sina medarbetare?", "language": "sv",
        "site": "demo"}).json()
    assert body["status"] == "answered" and body["citations"]
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(kalla.url + "/staff/stats")                           # not logged in: the login page
    expect(page).to_have_url(re.compile(r"/staff/login\?next="))
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("wrong")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/staff/stats$"))          # back where they were going
    before = reviewed_citations(page)

    page.get_by_role("link", name="Answers", exact=True).click()
    page.get_by_label("Site", exact=True).select_option("demo")
    page.get_by_label("Review", exact=True).select_option("no")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(f'a[href="/staff/answers/{body["id"]}"]')).to_be_visible()
    page.screenshot(path=str(screenshots / "staff_queue.png"), full_page=True)
    page.locator(f'a[href="/staff/answers/{body["id"]}"]').click()

    expect(page.get_by_role("heading", name="The answer as the resident saw it")).to_be_visible()
    citations = page.locator("article.citation")
    expect(citations).to_have_count(len(body["citations"]))
    for n, cit in enumerate(body["citations"]):
        art = citations.nth(n)
        expect(art.locator("mark").first).to_be_visible()
        marked = [m.strip().removeprefix("quoted:").strip() for m in art.locator("mark").all_inner_texts()]
        assert " ".join(marked) == cit["quote"]            # exactly the quoted sentences are highlighted
        art.get_by_role("radio", name="Supported", exact=True).check()
    page.get_by_role("group", name="Does the answer answer the question?").get_by_role(
        "radio", name="Correct: the quote answers the question", exact=True).check()
    comment = page.get_by_label("Comment (optional, no personal details)", exact=True)
    comment.fill("Rätt svar, ring 070-123 45 67 om frågor")
    citations.first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "staff_answer.png"), full_page=True)
    assert page.evaluate(axe_source + "; 1") == 1                  # through DevTools: not blocked by the CSP
    assert page.evaluate(AXE_RUN) == []
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_role("status")).to_contain_text("Review saved")
    expect(page.get_by_role("radio", name="Correct: the quote answers the question", exact=True)).to_be_checked()
    expect(page.locator("#h-reviews + ul")).to_contain_text("[telefon]")   # the comment was stored redacted

    page.get_by_role("link", name="Statistics").click()
    assert reviewed_citations(page) == before + len(body["citations"])
    expect(page.locator("#total-precision")).not_to_have_text("—")
    expect(page.locator("svg.chart").first).to_be_visible()
    page.evaluate(axe_source + "; 1")
    assert page.evaluate(AXE_RUN) == []
    page.screenshot(path=str(screenshots / "staff_stats.png"), full_page=True)

    page.get_by_role("link", name="Corpus").click()
    expect(page.get_by_role("heading", name="Corpus and index")).to_be_visible()
    expect(page.get_by_text("Only administrators can rebuild the index.")).to_be_visible()
    page.get_by_role("link", name=body["citations"][0]["title"]).first.click()
    expect(page.locator(f'li[id="p-{body["citations"][0]["passage_id"]}"]')).to_be_visible()
    page.screenshot(path=str(screenshots / "staff_document.png"), full_page=False)

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/staff/login$"))
    page.goto(kalla.url + "/staff")
    expect(page).to_have_url(re.compile(r"/staff/login\?next="))
    assert csp_errors == [], csp_errors

"""A municipality manages its own site in Debian's chromium: a national administrator makes the site and its
administrator's account (the person chooses a password from a one-time link); the site administrator checks
the embed snippet against a page address, changes the widget's colour and contact, proposes an origin that
the national administrator approves; a resident on the municipality's page gets the new colour and contact,
and using the contact's web link is reported once, without cookies. Screenshots (desktop):
artifacts/screenshots/staff_sites.png, staff_site.png, staff_accounts.png."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.test_staff_console import AXE_RUN
from tests.browser.widget import W, ask, launcher, open_widget
from tests.staff.support import PASSWORD, ensure_user

pytestmark = [pytest.mark.browser, pytest.mark.integration]
NATIONAL = "national.admin@kalla.test"
SITE_ADMIN = "webb@browserby.test"
SITE = "browserby"
PERSONAL = "Jag vill veta vad som händer i mitt eget ärende, kan jag få bidraget?"


def log_in(page, url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(url + "/staff/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def no_serious_axe_violations(page, axe_source) -> None:
    page.evaluate(axe_source + "; 1")
    assert page.evaluate(AXE_RUN) == []


def test_a_municipality_manages_its_site_and_residents_get_it(kalla, municipal_site, browser, context, page,
                                                             screenshots, axe_source):
    from app.store.models import FollowThrough

    ensure_user(kalla.app, NATIONAL, "admin")
    page_origin = municipal_site.origin("127.0.0.1")

    # A national administrator makes the site and its administrator's account.
    log_in(page, kalla.url, NATIONAL)
    page.get_by_role("link", name="Sites").click()
    page.get_by_label("Site id").fill(SITE)
    page.get_by_label("Name", exact=True).fill("Browserby kommun")
    page.get_by_label("Allowed origins").fill(page_origin + "/page")
    page.get_by_role("button", name="Create the site").click()
    expect(page.get_by_role("status")).to_have_text("Site created.")
    page.get_by_role("link", name="Accounts").click()
    new = page.locator('form[action="/staff/accounts"]')
    new.get_by_label("E-mail address").fill(SITE_ADMIN)
    new.get_by_label("Role").select_option("admin")
    new.get_by_role("group", name="Sites the account belongs to").get_by_label("Browserby kommun (browserby)").check()
    new.get_by_role("button", name="Create the account").click()
    link = page.locator("#setup-link code").inner_text()
    assert link.startswith(kalla.url + "/staff/setup?token=")

    # The web editor chooses a password from the link, in a browser of their own.
    theirs = browser.new_context(viewport={"width": 1280, "height": 900})
    editor = theirs.new_page()
    editor.goto(link)
    editor.get_by_label("New password").fill("browserby web team 2026")
    editor.get_by_label("The same password again").fill("browserby web team 2026")
    editor.get_by_role("button", name="Save my password").click()
    expect(editor.get_by_role("status")).to_have_text("Your password is set. Log in with it.")
    log_in(editor, kalla.url, SITE_ADMIN, "browserby web team 2026")

    # They see only their site, check a page against its origins and copy the snippet.
    editor.get_by_role("link", name="Sites").click()
    expect(editor.locator("#sites-table tbody tr")).to_have_count(1)
    editor.get_by_role("link", name=SITE, exact=True).click()
    expect(editor.locator("#snippet")).to_have_text(
        f'<script src="{kalla.url}/widget.js" data-site="{SITE}" async></script>')
    editor.get_by_label("Check a page address").fill(page_origin + "/page?site=browserby")
    editor.get_by_role("button", name="Check").click()
    expect(editor.locator("#check-result")).to_contain_text("is allowed")

    # They change the colour, corner and contact, and propose their production origin.
    editor.get_by_label("Accent colour").fill("#0b6e4f")
    editor.get_by_label("Corner of the launcher").select_option("left")
    editor.get_by_label("Name (Swedish (sv))").fill("Browserby kontaktcenter")
    editor.get_by_label("Phone", exact=True).fill("070-174 06 06")
    editor.get_by_label("Web page").fill("https://kommun.example/kontakt")
    editor.locator("details.names summary").click()
    editor.get_by_label("Arabic (ar)").fill("مركز الاتصال في براوزربي")
    editor.get_by_role("button", name="Save settings").click()
    expect(editor.get_by_role("status")).to_have_text("Settings saved. Residents see them within seconds.")
    editor.get_by_label("Origins, one per line").fill(f"{page_origin}\nhttps://www.browserby.se")
    editor.get_by_role("button", name="Propose these origins").click()
    expect(editor.get_by_role("status")).to_contain_text("Origin change proposed")
    expect(editor.locator(".proposal")).to_contain_text("add https://www.browserby.se")
    expect(editor.locator("#history-table")).to_contain_text("accent: #1f5f8b → #0b6e4f")
    no_serious_axe_violations(editor, axe_source)
    editor.screenshot(path=str(screenshots / "staff_site.png"), full_page=True)

    # The national administrator approves it.
    page.get_by_role("link", name="Sites").click()
    proposal = page.locator(".proposals > li").filter(has_text=SITE)
    expect(proposal).to_contain_text("add https://www.browserby.se")
    no_serious_axe_violations(page, axe_source)
    page.screenshot(path=str(screenshots / "staff_sites.png"), full_page=True)
    proposal.get_by_label("Note (optional)").fill("the municipality's own domain")
    proposal.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_have_text("Origin change approved.")
    page.get_by_role("link", name="Accounts").click()
    page.screenshot(path=str(screenshots / "staff_accounts.png"), full_page=True)
    theirs.close()

    # A resident on the municipality's page gets the new colour and contact, and calls... by the web link.
    context.add_cookies([{"name": "tracker", "value": "1", "url": kalla.url}])   # must never be sent
    sent = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/api/followthrough") else None)
    context.route(re.compile(r"^https://kommun\.example/"), lambda route: route.fulfill(body="kontakt"))
    open_widget(page, f"{page_origin}/page?site={SITE}")
    colour = launcher(page).evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(11, 110, 79)"
    answer = ask(page, PERSONAL)
    card = answer.locator("section.card")
    expect(card).to_contain_text("Browserby kontaktcenter")
    web = card.locator('a[href="https://kommun.example/kontakt"]')
    with page.expect_response(lambda r: r.url.endswith("/api/followthrough")) as response:
        with context.expect_page() as tab:
            web.click()
    tab.value.close()
    assert response.value.status == 200 and response.value.json() == {"counted": True}
    request = response.value.request
    assert request.post_data_json == {"answer_id": request.post_data_json["answer_id"], "contact": "site",
                                      "link": "web", "site": SITE}
    headers = request.all_headers()
    assert "cookie" not in headers and "referer" not in headers
    with context.expect_page() as tab:              # the same link again: not reported a second time
        web.click()
    tab.value.close()
    with page.expect_response(lambda r: r.url.endswith("/api/followthrough")):
        card.locator('a[href="https://www.migrationsverket.se/"]').evaluate(
            "a => { a.addEventListener('click', e => e.preventDefault()); a.click(); }")
    assert [r.post_data_json["contact"] + "/" + r.post_data_json["link"] for r in sent if r.method == "POST"] == [
        "site/web", "migrationsverket/web"]
    with kalla.app.state.kalla.store.Session() as db:
        stored = db.execute(select(FollowThrough.contact, FollowThrough.link)
                            .where(FollowThrough.answer_id == request.post_data_json["answer_id"])).all()
    assert sorted(tuple(s) for s in stored) == [("migrationsverket", "web"), ("site", "web")]
    expect(page.locator(f"{W} .panel")).to_be_visible()

    # The site administrator's statistics: their site only, the follow-through beside the handoff count.
    stats = browser.new_context(viewport={"width": 1280, "height": 900})
    mine = stats.new_page()
    log_in(mine, kalla.url, SITE_ADMIN, "browserby web team 2026")
    mine.get_by_role("link", name="Statistics").click()
    expect(mine.locator("#total-answers")).to_have_text("1")
    expect(mine.locator("#total-follow-rate")).to_have_text("100 %")
    expect(mine.locator("#follow-site")).to_contain_text("Migrationsverket, web: 1; the site's own contact, web: 1")
    expect(mine.locator("#national-withheld")).to_be_visible()
    no_serious_axe_violations(mine, axe_source)
    mine.locator("#follow-through").scroll_into_view_if_needed()
    mine.screenshot(path=str(screenshots / "staff_site_stats.png"), full_page=True)
    stats.close()

"""Keyboard only, screen sizes, reduced motion, axe-core, and the screenshots people look at."""
from __future__ import annotations


import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, MOBILE
from tests.browser.widget import (W, active_in_widget, ask, choose_language, launcher, open_widget, panel,
                                  scroll_to_top_of)

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_whole_flow_by_keyboard_alone(kalla, page):
    page.goto(kalla.url + "/demo")
    expect(launcher(page)).to_be_visible()
    for _ in range(30):   # Tab through the host page until the launcher has focus
        page.keyboard.press("Tab")
        focused = active_in_widget(page)
        if focused and "launcher" in focused["cls"]:
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    assert focused["outline"] != "none" and focused["outlineWidth"] != "0px", "focus must be visible"
    page.keyboard.press("Enter")
    expect(panel(page)).to_be_visible()
    assert active_in_widget(page)["tag"] == "textarea", "opening puts the cursor in the question box"
    page.keyboard.type("Vad är återvandringsbidraget?")
    page.keyboard.press("Enter")
    page.wait_for_function("() => !!document.querySelector('kalla-widget').shadowRoot.querySelector('article.bot')")
    expect(page.locator(f"{W} article.bot")).to_be_focused()   # focus moves to the new answer
    page.keyboard.press("Tab")
    focused = active_in_widget(page)
    assert focused["cls"] == "ref" and focused["text"] == "[1]"
    assert focused["outline"] != "none"
    page.keyboard.press("Enter")   # [1] opens source 1 and moves there
    expect(page.locator(f"{W} details.src").first).to_have_attribute("open", "")
    assert active_in_widget(page)["tag"] == "summary"
    page.keyboard.press("Enter")   # the summary closes and opens it again, by keyboard
    expect(page.locator(f"{W} details.src").first).not_to_have_attribute("open", "")
    for _ in range(20):            # on to the feedback buttons
        page.keyboard.press("Tab")
        if active_in_widget(page)["text"] == "Ja, det hjälpte":
            break
    else:
        pytest.fail("feedback cannot be reached with Tab")
    page.keyboard.press("Space")
    expect(page.locator(f"{W} article.bot [role=status]").first).to_have_text("Tack för dina synpunkter.")
    # Tab goes round inside the open panel
    page.locator(f"{W} .foot input").focus()
    page.keyboard.press("Tab")
    assert "close" in active_in_widget(page)["cls"]
    page.keyboard.press("Shift+Tab")
    assert active_in_widget(page)["tag"] == "input"
    page.keyboard.press("Escape")   # closing returns focus to the launcher
    expect(panel(page)).to_be_hidden()
    assert "launcher" in active_in_widget(page)["cls"]
    page.keyboard.press("Enter")
    expect(panel(page)).to_be_visible()
    assert active_in_widget(page)["tag"] == "textarea"


AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => JSON.stringify(n.target)).join(', '));
}"""


def _inject_axe(page, axe_source: str) -> None:
    page.evaluate(axe_source)   # through DevTools, so the page's Content-Security-Policy does not block it
    assert page.evaluate("typeof axe.run") == "function"


def test_axe_finds_no_serious_violation_left_to_right_and_right_to_left(kalla, page, axe_source):
    open_widget(page, kalla.url + "/demo")
    answer = ask(page, "Jag vill veta vad som händer i mitt eget ärende, kan jag få bidraget?")
    answer.locator("details.src summary").first.click()
    answer.get_by_role("button", name="Nej, det hjälpte inte").click()   # the reason form is open too
    _inject_axe(page, axe_source)
    assert page.evaluate("document.querySelector('kalla-widget').shadowRoot.querySelectorAll('details[open]').length") == 1
    assert page.evaluate(AXE_RUN) == []
    choose_language(page, "ar")
    expect(panel(page)).to_have_attribute("dir", "rtl")
    arabic = ask(page, "ما هي الشروط للحصول على دعم العودة إلى بلدي؟")
    if arabic.locator("details.src summary").count():
        arabic.locator("details.src summary").first.click()
    assert page.evaluate(AXE_RUN) == []


def test_usable_on_a_320_px_screen_and_at_400_percent_zoom(kalla, browser):
    # 320 x 640: a small phone. 320 x 200: a 1280 x 800 window at 400 % zoom (WCAG 1.4.10 reflow).
    for viewport in ({"width": 320, "height": 640}, {"width": 320, "height": 200}):
        ctx = browser.new_context(viewport=viewport, locale="sv-SE")
        page = ctx.new_page()
        open_widget(page, kalla.url + "/demo")
        box = panel(page).bounding_box()
        assert box["x"] == 0 and box["width"] == viewport["width"], "the panel fills a small screen"
        answer = ask(page, "Vad är återvandringsbidraget?")
        answer.locator("details.src summary").first.click()
        overflow = page.evaluate("""() => { const p = document.querySelector('kalla-widget').shadowRoot
                .querySelector('.panel'); return [p.scrollWidth - p.clientWidth,
                document.documentElement.scrollWidth - window.innerWidth]; }""")
        assert overflow == [0, 0], f"horizontal scrolling at {viewport}"
        for part in (".ask textarea", ".ask button.send", ".leave", ".close"):
            target = page.locator(f"{W} {part}")
            target.scroll_into_view_if_needed()
            expect(target).to_be_in_viewport()
        ctx.close()


def test_reduced_motion_is_respected(kalla, browser):
    behaviours = {}
    for motion in ("reduce", "no-preference"):
        ctx = browser.new_context(viewport=DESKTOP, reduced_motion=motion)
        page = ctx.new_page()
        open_widget(page, kalla.url + "/demo")
        behaviours[motion] = page.evaluate(
            "getComputedStyle(document.querySelector('kalla-widget').shadowRoot.querySelector('.log')).scrollBehavior")
        ctx.close()
    assert behaviours == {"reduce": "auto", "no-preference": "smooth"}


@pytest.mark.parametrize("language", ["sv", "ar"])
def test_screenshots_of_the_open_widget(kalla, browser, screenshots, language):
    """Saved under artifacts/screenshots/ for people to look at (desktop and a 360 px phone)."""
    question = {"sv": "Jag vill veta vad som händer i mitt eget ärende, kan jag få bidraget?",
                "ar": "ما هي الشروط للحصول على دعم العودة إلى بلدي؟"}[language]
    for name, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        ctx = browser.new_context(viewport=viewport, locale="sv-SE", reduced_motion="reduce",
                                  is_mobile=name == "mobile", has_touch=name == "mobile")
        page = ctx.new_page()
        open_widget(page, kalla.url + "/demo")
        if language != "sv":
            choose_language(page, language)
        answer = ask(page, question)
        expect(answer).to_be_focused()
        expect(panel(page)).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        page.locator(f"{W} .ask textarea").focus()
        scroll_to_top_of(answer)
        shots = [screenshots / f"widget-{language}-{name}.png"]
        page.screenshot(path=str(shots[-1]))
        source = answer.locator("details.src").first
        source.locator("summary").click()
        scroll_to_top_of(source)
        shots.append(screenshots / f"widget-{language}-{name}-source.png")
        page.screenshot(path=str(shots[-1]))
        assert all(p.stat().st_size > 10_000 for p in shots)
        ctx.close()

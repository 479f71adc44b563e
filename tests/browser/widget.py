"""Steps a resident takes in the widget, for the browser tests (Playwright locators pierce the Shadow DOM)."""
from __future__ import annotations

from playwright.sync_api import Page, expect

W = "kalla-widget"


def launcher(page: Page):
    return page.locator(f"{W} .launcher")


def panel(page: Page):
    return page.locator(f"{W} .panel")


def answers(page: Page):
    return page.locator(f"{W} article.bot")


def open_widget(page: Page, url: str) -> None:
    page.goto(url)
    expect(launcher(page)).to_be_visible()
    launcher(page).click()
    expect(panel(page)).to_be_visible()


def ask(page: Page, question: str):
    """Type a question, send it with Enter, and return the new answer once it is there."""
    before = answers(page).count()
    errors_before = page.locator(f"{W} .msg.error").count()
    box = page.locator(f"{W} .ask textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "([n, e]) => { const r = document.querySelector('kalla-widget').shadowRoot;"
        " return r.querySelectorAll('article.bot').length > n || r.querySelectorAll('.msg.error').length > e; }",
        arg=[before, errors_before])
    return answers(page).nth(before)


def active_in_widget(page: Page) -> dict:
    """What has focus inside the widget's shadow root (tag, class, text)."""
    return page.evaluate("""() => { const a = document.querySelector('kalla-widget').shadowRoot.activeElement;
        return a ? {tag: a.tagName.toLowerCase(), cls: a.className || '', text: (a.textContent || '').trim().slice(0, 80),
                    outline: getComputedStyle(a).outlineStyle, outlineWidth: getComputedStyle(a).outlineWidth} : null; }""")


def choose_language(page: Page, code: str) -> None:
    page.locator(f"{W} .bar select").select_option(code)


READS_LEFT_TO_RIGHT = """el => {
  const text = el.firstChild, range = document.createRange();
  const x = (i) => { range.setStart(text, i); range.setEnd(text, i + 1); return range.getBoundingClientRect().left; };
  return x(0) < x(text.length - 1);
}"""


def reads_left_to_right(locator) -> bool:
    """Whether the first character of the element's text is drawn left of its last one."""
    return locator.evaluate(READS_LEFT_TO_RIGHT)


def scroll_to_top_of(locator) -> None:
    """Scroll the widget's log (or the whole panel on a very low screen) so the element starts at the top."""
    locator.evaluate("""el => { const log = el.closest('.log'), panel = el.closest('.panel');
        const s = getComputedStyle(log).overflowY === 'visible' ? panel : log;
        s.scrollTop += el.getBoundingClientRect().top - s.getBoundingClientRect().top - 8; }""")

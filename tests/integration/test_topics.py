"""Resident topics and conversations on the real model and corpus: what residents ask gets the sentence that
answers it, or a plain 'the texts do not say' with who does; follow-ups are read with the question they lean on;
the suggested questions are answered. The figures over whole sets are in scripts/eval_resident.py and
scripts/eval_followup.py (docs/evaluation.md); these are the behaviours, asked as a resident asks them."""
import pytest

pytestmark = pytest.mark.integration

MIGRATIONSVERKET_PHONE = "0771-235 235"


def ask(pipeline, message, language=None, history=()):
    from app.pipeline.answer import Question, Turn

    return pipeline.answer(Question(message, language=language, history=tuple(Turn(*t) for t in history)))


def test_who_can_get_the_grant_quotes_the_eligibility_sentence_not_its_neighbour(pipeline):
    ans = ask(pipeline, "Vem kan söka återvandringsbidrag?", "sv")
    assert ans.status.value == "answered" and ans.topic == "eligibility"
    quotes = " ".join(c.quote for c in ans.citations)
    assert "skyddsbehövande" in quotes and "Antalet ansökningar" not in quotes


@pytest.mark.parametrize("language, message, topic", [
    ("en", "How much money will I get?", "amount"),
    ("ti", "ክንደይ ገንዘብ እየ ዝረክብ?", "amount"),
    ("so", "Sidee baan u codsadaa?", "how_to_apply"),
    ("sv", "Hur mycket pengar får man om man flyttar hem?", "amount"),
    ("ar", "كم من المال سأحصل عليه إذا عدت إلى بلدي؟", "amount"),
    # "do I lose my permit if I take the grant?" is about the permit, not about who can get the grant
    ("sv", "Försvinner mitt uppehållstillstånd om jag tar emot bidraget?", "residence_permit"),
])
def test_what_the_texts_do_not_answer_gets_no_quote_but_who_answers_it(pipeline, language, message, topic):
    """No sum of staff costs presented as the grant: no citation, a plain message in the resident's language naming
    Migrationsverket, its contacts, and the passages that only mention the topic kept apart as 'related'."""
    from app.i18n.catalogue import text

    ans = ask(pipeline, message, language)
    assert ans.status.value == "no_answer" and ans.topic == topic and not ans.citations
    assert ans.language == language and ans.answer_language == language
    assert "Migrationsverket" in ans.answer and ans.answer != text("no_answer", language)
    assert ans.handoff is not None and any(c.phone == MIGRATIONSVERKET_PHONE for c in ans.handoff.contacts)
    assert all(r.passage.document_id for r in ans.related)


@pytest.mark.parametrize("language, message", [
    ("sv", "Vilka tider kan man ringa?"),                   # names what it wants, close to a texts topic too
    ("en", "Is there a phone line for questions about the grant?"),
    ("ar", "وين مكتب الهجرة؟"),                              # "where is the office?": contact details answer it
    ("so", "Xafiiska Migrationsverket xaggee ku yaal?"),
    ("tr", "Göç idaresine nasıl ulaşabilirim?"),
    ("en", "What is Migrationsverket's phone number?"),
    ("sv", "Vad har Migrationsverket för telefonnummer?"),
    ("fa", "شماره تلفن اداره مهاجرت چیست؟"),
    ("prs", "آدرس کمون را میخایم"),                          # Dari, "I want the kommun's address"
])
def test_contact_questions_are_answered_from_data_not_from_a_quote(pipeline, language, message):
    ans = ask(pipeline, message, language)
    assert ans.status.value == "service" and ans.topic == "contact" and not ans.citations
    assert any(c.phone == MIGRATIONSVERKET_PHONE for c in ans.handoff.contacts)


@pytest.mark.parametrize("language, message", [
    ("en", "Are you a bot? can you approve my grant?"),
    ("sv", "Är du en robot? Är det du som avgör om jag får bidraget?"),
])
def test_a_question_about_kalla_with_a_grant_word_in_it_is_about_kalla(pipeline, language, message):
    """The classifier is sure it asks about Källa; the grant words must not turn it into an eligibility quote."""
    ans = ask(pipeline, message, language)
    assert ans.status.value == "service" and ans.topic == "about_kalla" and not ans.citations


def test_a_follow_up_is_read_with_the_question_it_leans_on(pipeline):
    first = ask(pipeline, "Har reglerna för återvandringsbidraget ändrats?", "sv")
    alone = ask(pipeline, "från när gäller det?", "sv")
    then = ask(pipeline, "från när gäller det?", "sv", [("Har reglerna för återvandringsbidraget ändrats?",
                                                        first.topic, False)])
    assert first.topic == "rule_changes" and then.follow_up and not alone.follow_up
    assert then.status.value == "answered" and then.topic == "rule_changes"
    assert "2026" in " ".join(c.quote for c in then.citations)


def test_a_question_of_its_own_after_another_is_not_a_follow_up(pipeline):
    history = [("Vem kan söka återvandringsbidrag?", "eligibility", False)]
    ans = ask(pipeline, "Vad har Migrationsverket för telefonnummer?", "sv", history)
    assert not ans.follow_up and ans.status.value == "service" and ans.topic == "contact"


def test_a_fragment_that_makes_sense_only_with_the_previous_question_leans_on_it(pipeline):
    """Close to a topic of its own alone ("can they help me apply?" reads like reintegration support), but it fits
    the previous question clearly better: a follow-up on the kommun's role."""
    history = [("Vad gör kommunen när det gäller återvandring?", "municipality_role", False)]
    ans = ask(pipeline, "kan de hjälpa mig att söka?", "sv", history)
    assert ans.follow_up and ans.topic == "municipality_role" and ans.status.value == "answered"


@pytest.mark.parametrize("language, first, then", [
    ("en", "Who can get the return grant?", "and for the children?"),
    ("ar", "من يحق له الحصول على منحة العودة؟", "و للأطفال؟"),
])
def test_a_follow_up_that_names_a_new_subject_is_about_that_subject(pipeline, language, first, then):
    """"And for the children?" after "who can get the grant?" asks about family members: read with the question it
    leans on, but about what it names itself (the texts do not say), not the eligibility sentence again."""
    asked = ask(pipeline, first, language)
    ans = ask(pipeline, then, language, [(first, asked.topic, False)])
    assert asked.topic == "eligibility" and asked.citations
    assert ans.follow_up and ans.topic == "family" and ans.status.value == "no_answer" and not ans.citations


@pytest.mark.parametrize("language, message, lacking, answered_by", [
    ("sv", "Vad är återvandringsbidraget och hur ansöker jag?", "how_to_apply", "1984"),
    ("sv", "Vem kan få bidraget och hur mycket får man?", "amount", "skyddsbehövande"),
    # read as "what is the grant" (which the texts answer) although "how" is asked too: the card says what they lack
    ("ar", "ما هي منحة العودة وكيف أقدم عليها؟", "how_to_apply", "1984"),
])
def test_a_two_part_question_gets_what_the_texts_say_and_who_answers_the_rest(pipeline, language, message, lacking,
                                                                              answered_by):
    """The texts say what the grant is (or who could apply) but not how to apply (or how much): the part they answer
    is quoted, the part they lack is said plainly in the card with who answers it; never one without the other."""
    ans = ask(pipeline, message, language)
    assert ans.status.value == "answered" and "not_covered" in ans.notices
    # the topic recorded (for staff statistics) is the first the question was read as: the lacking one, or the
    # one quoted when the texts answer the first part
    assert ans.topic == ("what_is_grant" if language == "ar" else lacking)
    assert ans.lacking_topic == (lacking if language == "ar" else "")     # counted beside it (tests/staff/test_stats.py)
    assert any(answered_by in c.quote for c in ans.citations)
    assert ans.handoff.reason == "not_covered" and ans.handoff.message.startswith(
        pipeline.resources().topics.text(lacking, language).not_covered)
    assert any(c.phone == MIGRATIONSVERKET_PHONE for c in ans.handoff.contacts)
    alone = ask(pipeline, "Hur ansöker jag om återvandringsbidraget?", "sv")
    assert alone.status.value == "no_answer" and not alone.citations     # one part, not covered: no quote at all


def test_a_whole_question_about_kalla_after_another_is_its_own(pipeline):
    history = [("How much is the return grant?", "amount", False)]
    ans = ask(pipeline, "does this chat decide who gets it?", "en", history)
    assert not ans.follow_up and ans.topic == "about_kalla" and ans.status.value == "service"


@pytest.mark.parametrize("message, language, crisis", [
    ("Is it safe at home now and are there hospitals?", "en", False),    # the home country: general information
    ("Hur är det hemma nu med säkerheten och sjukhusen?", "sv", False),
    ("I am not safe at home", "en", True),                                # the resident's home: a crisis
    ("Jag är inte trygg hemma", "sv", True),
    ("My children are scared of going back, is there help for them?", "en", False),   # a worry: counselling
    ("My husband hits the children and they are scared", "en", True),
])
def test_safety_and_fear_are_a_crisis_only_when_someone_is_not_safe(guarded, message, language, crisis):
    ans = ask(guarded, message, language)
    assert (ans.status.value == "crisis") is crisis, ans.status
    if not crisis:
        assert ans.topic in ("home_country_situation", "counselling")


@pytest.mark.parametrize("message, language", [("tolk میخایم", "prs"), ("ترجمان میخایم", "prs")])
def test_a_short_request_for_an_interpreter_is_a_question_not_a_cry_for_help(guarded, message, language):
    """Two Dari words, "I want an interpreter", sat nearer a crisis exemplar ("I want help") than anything general."""
    ans = ask(guarded, message, language)
    assert ans.status.value == "service" and ans.topic == "language_help"


@pytest.mark.parametrize("message, language", [
    ("Jag vill inte leva längre", "sv"),
    ("I don't want to live anymore", "en"),
])
def test_a_crisis_in_a_conversation_is_a_crisis(guarded, message, language):
    """The question the message follows never outweighs a crisis: it is judged on the message alone."""
    history = [("Vem kan söka återvandringsbidrag?", "eligibility", False)]
    ans = ask(guarded, message, language, history)
    assert ans.status.value == "crisis" and not ans.citations and not ans.suggestions
    assert any(c.phone == "112" for c in ans.handoff.contacts)


@pytest.mark.parametrize("language", ["sv", "ar", "so", "ti", "uk"])
def test_suggested_questions_get_a_cited_answer_on_their_topic(pipeline, bundle, language):
    """What the widget offers to ask was verified when the index was built; asked, it is answered."""
    start = bundle.suggestions.start(language)
    assert len(start) >= 2
    after = ask(pipeline, start[0].question, language)
    assert after.status.value == "answered" and after.citations and after.topic == start[0].topic
    for s in start[:3] + after.suggestions[:2]:
        ans = ask(pipeline, s.question, language)
        assert ans.status.value in ("answered", "service"), (s, ans.status, ans.answer[:120])
        assert ans.topic == s.topic and (ans.citations or ans.status.value == "service")


def test_history_over_the_api_is_read_validated_and_never_stored(client):
    from sqlalchemy import select

    from app.store.models import AnswerRecord

    marker = "Zanzibar-4471"
    history = [{"message": f"Har reglerna för återvandringsbidraget ändrats? {marker}", "topic": "rule_changes"}]
    body = client.post("/api/chat", json={"message": "från när gäller det?", "language": "sv",
                                          "history": history}).json()
    assert body["follow_up"] is True and marker not in str(body)
    too_many = client.post("/api/chat", json={"message": "Och barnen?", "history": history * 4})
    assert too_many.status_code == 422
    empty = client.post("/api/chat", json={"message": "Och barnen?", "history": [{"message": "  "}]})
    assert empty.status_code == 422
    with client.app.state.kalla.store.Session() as s:
        rows = s.scalars(select(AnswerRecord)).all()
    assert rows and not any(marker in (r.question or "") for r in rows)
    row = next(r for r in rows if r.id == body["id"])
    assert row.question == "från när gäller det?" and row.follow_up is True

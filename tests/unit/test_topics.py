"""The resident topics as data (corpus/topics), the cues read from them, follow-up anchoring and the suggestion
picking — without a model. The same behaviour with the real model and index: tests/integration/test_topics.py."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.corpus.document import CorpusError
from app.pipeline import clean, screen
from app.pipeline.answer import MAX_HISTORY, Question, Turn
from app.topics.catalogue import load_catalogue
from app.topics.classify import FollowUpCues, KindCues
from app.topics.coverage import Coverage, SentenceRef
from app.topics.suggest import Suggestions, all_suggestions
from tests.support.pipeline import context

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(ROOT / "corpus")


def test_every_topic_has_texts_in_every_language_and_a_reviewable_status(catalogue):
    from app.i18n.languages import LANGUAGES

    for lang in LANGUAGES:
        for tid in catalogue.topics:
            t = catalogue.texts.get((lang, tid))
            assert t is not None and t.name and t.not_covered, (lang, tid)
            if catalogue.topics[tid].answered_by == "texts":
                assert t.suggestion.strip().endswith(("?", "؟", "፧", "?")), (lang, tid, t.suggestion)
    assert catalogue.needs_review <= set(LANGUAGES)   # declared per file; shown on the staff corpus page


def test_suggestions_and_next_topics_name_real_topics(catalogue):
    assert catalogue.start and set(catalogue.start) <= set(catalogue.topics)
    for t in catalogue.topics.values():
        assert set(t.next) <= set(catalogue.topics) and t.id not in t.next, t.id


def test_an_unknown_next_topic_is_a_named_error(tmp_path):
    shutil.copytree(ROOT / "corpus" / "topics", tmp_path / "topics")
    main = tmp_path / "topics" / "topics.yaml"
    main.write_text(main.read_text(encoding="utf-8").replace("next: [amount, payment", "next: [amount, paymnet", 1)
                    .replace("    next: [amount, how_to_apply", "    next: [amount, how_to_aply", 1), encoding="utf-8")
    with pytest.raises(CorpusError, match="unknown topics"):
        load_catalogue(tmp_path)


@pytest.mark.parametrize("message, language, expected", [
    ("Vad gör kommunen när det gäller frivillig återvandring?", "sv", []),     # "when it comes to", not "when"
    ("När ändrades reglerna?", "sv", ["date_duration"]),
    ("Hur mycket får man, och när betalas det ut?", "sv", ["amount", "date_duration"]),
    ("كم المبلغ اللي باخده", "ar", ["amount"]),
    ("when it comes to the grant, who can get it?", "en", ["eligibility"]),
])
def test_kind_cues(catalogue, message, language, expected):
    assert KindCues(catalogue).kinds(message, language) == expected


@pytest.mark.parametrize("message, language, leans", [
    ("och barnen då?", "sv", True),
    ("vad gäller det för min fru?", "sv", True),
    ("Hur lång tid tar det?", "sv", True),               # "det" points back
    ("Hur lång tid tar handläggningen?", "sv", False),
    ("Vilka detaljer behövs i ansökan?", "sv", False),   # "det" only as the start of a word
    ("and for my wife?", "en", True),
    ("what about the children", "en", True),
    ("What is the phone number of Migrationsverket?", "en", False),
    ("وماذا عن الأطفال؟", "ar", True),
])
def test_follow_up_cues(catalogue, message, language, leans):
    assert FollowUpCues(catalogue).leans(message, language) is leans


def test_a_follow_up_leans_on_the_last_question_that_was_not_itself_a_follow_up():
    first = Turn("Vem kan få återvandringsbidrag?", "eligibility")
    chain = (first, Turn("och barnen?", "family", follow_up=True))
    assert clean.anchor(chain) == first
    assert clean.anchor((Turn("a"), Turn("b"))).message == "b"
    assert clean.anchor(()) is None
    long = tuple(Turn(f"q{i}", follow_up=True) for i in range(MAX_HISTORY + 2))
    assert clean.anchor(long) == long[-MAX_HISTORY], "no further back than the history the API takes"


def test_the_earlier_question_is_redacted_and_read_with_the_message():
    ctx = context("och min fru?", text="", history=(Turn("Mitt personnummer är 811218-9876, vem kan få bidraget?",
                                                          "eligibility"),))
    clean.run(ctx)
    screen.run(ctx)
    assert "811218-9876" not in ctx.context_text and ctx.context_text.endswith("och min fru?")
    assert ctx.context_text.startswith("Mitt personnummer är [personnummer]")
    assert ctx.previous_topic == "eligibility" and ctx.text == "och min fru?"
    alone = context("Vem kan få bidraget?", text="")
    clean.run(alone)
    screen.run(alone)
    assert alone.context_text == "" and alone.previous == ""


def _coverage(*topics):
    return Coverage({t: [SentenceRef("p", 0, "h", "pattern")] for t in topics}, {})


def test_only_covered_topics_with_a_suggestion_are_candidates(catalogue):
    cands = list(all_suggestions(catalogue, _coverage("eligibility", "contact")))
    assert {t for _, t, _ in cands} == {"eligibility"}, "contact is answered from data, never suggested"
    assert len(cands) == len({lang for lang, _, _ in cands}) == 16


def test_suggestions_start_in_catalogue_order_and_never_repeat_a_topic(catalogue):
    verified = {"sv": ["what_is_grant", "eligibility", "counselling", "who_handles", "municipality_role"],
                "ar": ["eligibility"]}
    s = Suggestions(catalogue, verified)
    start = [x.topic for x in s.start("sv")]
    assert start == [t for t in catalogue.start if t in verified["sv"]][:4]
    assert s.start("sv")[0].question == catalogue.text("what_is_grant", "sv").suggestion
    after = [x.topic for x in s.after("sv", "eligibility", asked={"what_is_grant"})]
    assert after and "eligibility" not in after and "what_is_grant" not in after and len(after) <= 3
    assert [x.topic for x in s.after("ar", "eligibility", set())] == [], "only verified topics, per language"
    assert [x.topic for x in s.start("so")] == [], "a language where none was verified gets none"
    assert Suggestions(catalogue, {}).count == 0


def test_the_question_carries_no_more_history_than_the_api_takes():
    assert MAX_HISTORY == 3
    q = Question("och barnen?", history=(Turn("Vem kan få bidraget?", "eligibility"),))
    assert q.history[0].topic == "eligibility"

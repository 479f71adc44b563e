"""Each step's branches on its own: retrieve (fusion, the one search path), compose (quote or no answer) and
localise (the four ways an answer ends), with the fake embedder and a three-document corpus."""
from __future__ import annotations


import numpy as np
import pytest

from app.api.schemas import PassageFields
from app.corpus.passages import PUBLIC_FIELDS
from app.i18n.catalogue import text
from app.i18n.languages import fallback_language, first_supported
from app.index.build import build_index
from app.index.bundle import IndexBundle
from app.pipeline import compose, localise, retrieve
from app.pipeline.answer import Answer, Status
from app.pipeline.context import Composition
from app.pipeline.threshold import Threshold
from app.staff.charts import STATUS_COLOURS
from tests.support.pipeline import context, passage, resources
from tests.unit.test_index_store import HIGH_WORDS, LOW_WORDS, _write


@pytest.fixture()
def bundle(tmp_path, fake_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus, id="kommun", title="Kommunens svar", authority="Kommunen", status="context", precedence=10,
           body=LOW_WORDS)
    _write(corpus, id="verket", title="Verkets rapport", authority="Migrationsverket", status="current",
           precedence=100, body=HIGH_WORDS)
    _write(corpus, id="gammal", title="Gammal rapport", authority="Migrationsverket", status="superseded",
           precedence=100, body=HIGH_WORDS.replace("kan sökas", "kunde sökas"))
    build_index(corpus, tmp_path / "index", fake_embedder)
    return IndexBundle.load(tmp_path / "index", corpus, fake_embedder.id)


def _ctx(bundle, embedder, message, language="sv", threshold=None, **kw):
    res = resources(bundle=bundle, embedder=embedder, threshold=threshold or Threshold(high=0.3, low=0.2, lexical=1.0),
                    **kw)
    ctx = context(message, language=language, res=res)
    ctx.query = embedder.encode_question(message, bundle.sparse_latents)
    return ctx


# --- retrieve -------------------------------------------------------------------------------------------

def test_fusion_shares_out_the_weight_of_missing_signals(bundle, fake_embedder):
    q = "Vem kan söka återvandringsbidraget?"
    signals = retrieve.collect_signals(bundle, q, fake_embedder.encode_question(q))
    assert signals.sparse is None and signals.bank is None and signals.bank_lexical is None   # none in this index
    fused = retrieve.fuse(signals)
    f = retrieve.DEFAULT_FUSION
    scale = (f.passage + f.sentence + f.lexical + f.sparse + f.question + f.question_lexical) / \
        (f.passage + f.sentence + f.lexical)
    top = int(np.argmax(fused))
    assert fused.max() <= scale + 1e-6 and fused[top] > 0
    ranked = retrieve.rank(bundle, signals, fused, 3)
    assert ranked[0].passage.document_id == "verket"
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)


def test_superseded_and_context_texts_weigh_less_than_current_ones(bundle, fake_embedder):
    q = "Återvandringsbidraget kan sökas av den som har uppehållstillstånd"
    cands = retrieve.hybrid_search(bundle, q, fake_embedder.encode_question(q), 3)
    by_doc = {c.passage.document_id: c for c in cands}
    assert by_doc["verket"].score > by_doc["gammal"].score, "same words, but the old text is superseded"


def test_search_boosts_passages_in_the_residents_language(bundle, fake_embedder, monkeypatch):
    q = "återvandringsbidraget uppehållstillstånd"
    vectors = fake_embedder.encode_question(q)
    base = {c.passage.id: c.score for c in retrieve.search(bundle, q, "en", vectors, 3).candidates}
    boosted = {c.passage.id: c.score for c in retrieve.search(bundle, q, "sv", vectors, 3).candidates}
    assert all(boosted[pid] == pytest.approx(base[pid] * retrieve.SAME_LANGUAGE_BOOST) for pid in base)


def test_search_expands_the_lexical_query_only_outside_the_corpus_language(bundle, fake_embedder):
    class Glossary:
        def expand(self, text):
            return "återvandringsbidraget"

    q = "return grant"
    vectors = fake_embedder.encode_question(q)
    assert retrieve.search(bundle, q, "en", vectors, 3, Glossary()).expanded_terms == "återvandringsbidraget"
    assert retrieve.search(bundle, q, "sv", vectors, 3, Glossary()).expanded_terms == ""


def test_retrieve_step_writes_candidates_and_the_bank_gate(bundle, fake_embedder):
    ctx = _ctx(bundle, fake_embedder, "Vem kan söka återvandringsbidraget?")
    retrieve.run(ctx)
    assert ctx.candidates and ctx.bank_best == 1.0, "no bank in this corpus: nothing to gate on"


# --- compose --------------------------------------------------------------------------------------------

def test_compose_quotes_current_text_and_never_superseded_when_current_answers(bundle, fake_embedder):
    ctx = _ctx(bundle, fake_embedder, "Återvandringsbidraget kan sökas av den som har uppehållstillstånd?")
    retrieve.run(ctx)
    compose.run(ctx)
    comp = ctx.composition
    assert comp is not None and not ctx.finished
    assert "gammal" not in {p.document_id for p in comp.passages}
    for p in comp.passages:
        assert comp.quotes[p.id] and all(s in p.sentences for s in comp.quotes[p.id])
        assert len(comp.quotes[p.id]) <= compose.MAX_SENTENCES and p.id in comp.scores


def test_compose_below_the_threshold_ends_as_no_answer_with_its_confidence(bundle, fake_embedder):
    ctx = _ctx(bundle, fake_embedder, "Vilken dag hämtas soporna?", threshold=Threshold(high=0.99, low=0.98, lexical=99))
    retrieve.run(ctx)
    compose.run(ctx)
    assert ctx.composition is None and ctx.answer.status is Status.NO_ANSWER
    assert ctx.answer.confidence == round(compose.confidence(ctx.candidates), 4) > 0


def test_a_sentence_too_short_to_say_anything_is_never_quoted():
    assert not compose.quotable("Se [Flytta från Sverige | Informationsverige.se].")
    assert compose.quotable("Bidraget har kunnat sökas främst av skyddsbehövande.")


# --- localise: the four ways an answer ends ---------------------------------------------------------------

def _composition(*pids, language="sv"):
    ps = [passage(p, language=language) for p in pids]
    return Composition(confidence=0.9, passages=ps, quotes={p.id: [p.text] for p in ps}, conflicts=[])


def test_localise_renders_a_composition_as_quotes_in_the_residents_frame():
    ctx = context("Vem kan få bidraget?", language="ar")
    ctx.composition = _composition("p1", "p2")
    localise.run(ctx)
    a = ctx.answer
    assert a.status is Status.ANSWERED and a.direction == "rtl" and a.language == "ar"
    assert a.answer.startswith(text("answer_intro", "ar")) and "«Text p1.» [1]" in a.answer and "[2]" in a.answer
    assert "translation_unavailable" in a.notices and a.answer_language == "sv" and a.handoff is None


def test_a_quoted_list_item_reads_without_its_dash():
    ctx = context("Vad planerar Migrationsverket?", language="sv")
    ctx.composition = _composition("p1")
    ctx.composition.quotes["p1"] = ["- arbeta vidare med rådgivning"]
    localise.run(ctx)
    assert "«arbeta vidare med rådgivning» [1]" in ctx.answer.answer
    assert ctx.answer.citations[0].quote == "- arbeta vidare med rådgivning"   # the source's own words, for lookup


def test_localise_hands_off_a_personal_question_after_the_general_information():
    ctx = context("Kan jag få bidraget? Jag kom 2016.", language="sv")
    ctx.handoff_reason = "individual"
    ctx.composition = _composition("p1")
    localise.run(ctx)
    a = ctx.answer
    assert a.status is Status.HANDOFF and a.citations and a.handoff.reason == "individual"
    assert a.answer.startswith(text("handoff_general_and_personal", "sv"))
    assert a.handoff.contacts[0].phone == "0771-235 235" and text("interpreter_notice", "sv") in a.handoff.message


def test_localise_gives_only_the_handoff_when_a_personal_question_has_nothing_to_quote():
    ctx = context("Varför fick jag avslag?", language="sv")
    ctx.handoff_reason = "individual"
    ctx.finish(Status.NO_ANSWER)
    localise.run(ctx)
    a = ctx.answer
    assert a.status is Status.HANDOFF and not a.citations and a.answer == text("handoff_individual", "sv")


def test_localise_says_plainly_when_nothing_answers_and_who_can_help():
    ctx = context("Vad kostar en bussbiljett?", language="so")
    ctx.finish(Status.NO_ANSWER)
    localise.run(ctx)
    a = ctx.answer
    assert a.status is Status.NO_ANSWER and a.answer == text("no_answer", "so") and a.handoff.reason == "no_answer"


@pytest.mark.parametrize("status, key", [(Status.CRISIS, "crisis_intro"), (Status.NO_ANSWER, "out_of_scope"),
                                         (Status.REJECTED, "rejected_empty")])
def test_localise_keeps_what_the_guard_said_when_it_ended_the_answer(status, key):
    ctx = context("x", language="fa")
    ctx.guard_reason = "guard"
    ctx.finish(status, answer=text(key, "fa"))
    localise.run(ctx)
    a = ctx.answer
    assert a.status is status and a.answer == text(key, "fa") and a.direction == "rtl" and a.answer_language == "fa"


# --- one place for each fact ----------------------------------------------------------------------------

def test_the_api_shows_exactly_the_passage_fields_the_passage_declares_public():
    assert list(PassageFields.model_fields) == ["passage_id", *PUBLIC_FIELDS]
    assert list(passage("p").public()) == ["passage_id", *PUBLIC_FIELDS]


def test_every_status_has_a_label_and_a_chart_colour():
    assert all(s.label and STATUS_COLOURS[s.value] for s in Status)


def test_the_language_fallback_order_is_choice_conversation_site_default_swedish():
    assert fallback_language("ar", "so", "en", "fa") == ("ar", "chosen")
    assert fallback_language(None, "so", "en", "fa") == ("so", "conversation")
    assert fallback_language("xx", None, "en-GB", "fa") == ("en", "site")
    assert fallback_language(None, None, None, "fa") == ("fa", "default")
    assert fallback_language() == ("sv", "default")
    assert first_supported("klingon", "sr", default="sv") == "bs"


def test_middleware_order_is_written_once_outermost_first():
    from app.api import middleware, origin
    from app.config import Settings
    from app.main import create_app, middleware_stack

    app = create_app(Settings(require_index=False, rate_limit_enabled=True))
    order = [cls for cls, _ in middleware_stack(app, app.state.kalla.settings)]
    assert order[:2] == [origin.OriginMiddleware, middleware.SecurityHeadersMiddleware]
    assert order.index(middleware.BodyLimitMiddleware) < order.index(middleware.RateLimitMiddleware)
    installed = [m.cls for m in app.user_middleware]
    assert installed == order


def test_an_answer_serialises_citations_flat_as_the_api_always_did():
    a = Answer(status=Status.ANSWERED, language="sv")
    ctx = context("q", language="sv")
    ctx.composition = _composition("p1")
    localise.run(ctx)
    d = ctx.answer.to_dict()
    assert d["status"] == "answered" and d["citations"][0]["passage_id"] == "p1"
    assert set(d["citations"][0]) == {"passage_id", *PUBLIC_FIELDS, "quote", "translation", "translation_language",
                                      "translation_status", "translation_reviewed_at", "translation_by", "score"}
    from app.api.schemas import CitationOut
    assert set(CitationOut.model_fields) == set(d["citations"][0]) - {"score"}, "the API shows every citation field"
    assert a.to_dict()["handoff"] is None

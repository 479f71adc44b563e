"""Step 3 — find passages: passage vectors (FAISS), best-sentence vectors and BM25, fused.

Score fusion (normalised cosines + normalised BM25) beat reciprocal-rank fusion on SweFAQ and on the
corpus eval set (docs/adr/0003-retrieval-fusion.md); RRF stays available for comparison.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.index.embedders import Embedder, encode_question
from app.index.store import IndexBundle
from app.pipeline.context import Candidate, Context

POOL = 50
RRF_K = 60
STATUS_WEIGHT = {"current": 1.0, "context": 0.9, "superseded": 0.5}


@dataclass(frozen=True)
class Fusion:
    method: str = "score"        # "score" | "rrf"
    passage: float = 0.60        # passage vector cosine
    sentence: float = 0.15       # best sentence cosine
    sparse: float = 0.20         # learned sparse terms (when the embedder has them; else shared out)
    lexical: float = 0.15        # BM25 on folded, stemmed tokens
    question: float = 0.50       # closest question-bank question (corpus/_questions; shared out when none)
    question_lexical: float = 0.30   # BM25 over the bank's questions, any language (shared out when none)


DEFAULT_FUSION = Fusion()


def _minmax(x: np.ndarray) -> np.ndarray:
    if len(x) == 0:
        return x
    span = float(x.max() - x.min())
    return (x - x.min()) / span if span > 1e-9 else np.ones_like(x)


def hybrid_search(bundle: IndexBundle, embedder: Embedder, query: str, k: int, qvec: np.ndarray | None = None,
                  lexical_query: str | None = None, fusion: Fusion = DEFAULT_FUSION,
                  qsparse: np.ndarray | None = None, bank: np.ndarray | None = None) -> tuple[list[Candidate], np.ndarray]:
    if qvec is None:
        qvec, qsparse = encode_question(embedder, query, bundle.sparse_latents)
    d_idx, _ = bundle.dense_search(qvec, POOL)
    sentence_all = bundle.best_sentence_scores(qvec)     # once: it ranks passages and scores the pool
    s_idx = np.argsort(-sentence_all)[:POOL]
    l_idx, l_scores = bundle.lexical.search(lexical_query or query, POOL)
    w_question = fusion.question if len(bundle.question_vectors) else 0.0
    w_bank_lex = fusion.question_lexical if bundle.bank_lexical is not None else 0.0
    if not w_question:
        bank = None
    elif bank is None:
        bank = bundle.best_question_scores(qvec)
    bank_lex = bundle.bank_lexical.passage_scores(query) if w_bank_lex else None
    b_idx = [int(i) for scores in (bank, bank_lex) if scores is not None for i in np.argsort(-scores)[:POOL]]
    pool = list(dict.fromkeys([int(i) for i in d_idx] + [int(i) for i in s_idx] + [int(i) for i in l_idx] + b_idx))
    if not pool:
        return [], qvec
    dense = (bundle.faiss.reconstruct_batch(np.asarray(pool, dtype=np.int64)) @ qvec).astype(np.float32)
    sentence = sentence_all[pool]
    lex_of = {int(i): float(s) for i, s in zip(l_idx, l_scores)}
    lexical = np.array([lex_of.get(i, 0.0) for i in pool], dtype=np.float32)
    w_sparse = fusion.sparse
    if w_sparse and bundle.sparse is not None and (qsparse is not None or hasattr(embedder, "query_sparse")):
        sparse = bundle.sparse_scores(qsparse if qsparse is not None else embedder.query_sparse(query), pool)
    else:
        sparse, w_sparse = np.zeros(len(pool), dtype=np.float32), 0.0
    if fusion.method == "rrf":
        fused = np.zeros(len(pool))
        pos = {i: j for j, i in enumerate(pool)}
        for ranked, w in ((d_idx, fusion.passage), (s_idx, fusion.sentence), (l_idx, fusion.lexical)):
            for rank, i in enumerate(ranked):
                fused[pos[int(i)]] += w / (RRF_K + rank + 1)
    else:
        top_lex = float(lexical.max()) if len(lexical) and lexical.max() > 0 else 1.0
        rest = fusion.passage + fusion.sentence + fusion.lexical
        absent = (fusion.sparse - w_sparse) + (fusion.question - w_question) + (fusion.question_lexical - w_bank_lex)
        scale = (rest + absent) / rest if rest else 1.0   # share out absent signals
        fused = scale * (fusion.passage * _minmax(dense) + fusion.sentence * _minmax(sentence) +
                         fusion.lexical * (lexical / top_lex)) + w_sparse * _minmax(sparse)
        if bank is not None:
            fused = fused + w_question * _minmax(np.maximum(bank[pool], 0.0))
        if bank_lex is not None:
            top_bank = float(bank_lex.max()) if bank_lex.max() > 0 else 1.0
            fused = fused + w_bank_lex * bank_lex[pool] / top_bank
    out = []
    for j, i in enumerate(pool):
        p = bundle.passages[i]
        out.append(Candidate(i, p, float(max(dense[j], sentence[j])), float(lexical[j]),
                             float(fused[j]) * STATUS_WEIGHT.get(p["status"], 1.0),
                             float(bank[i]) if bank is not None else 0.0))
    out.sort(key=lambda c: -c.fused)
    return out[:k], qvec


def question_bank_scores(bundle: IndexBundle, qvec: np.ndarray) -> tuple[np.ndarray | None, float]:
    """Per passage, the question's best cosine with one of its bank questions; and the best of all, which the
    answer threshold's scope gate reads (1.0 when the corpus has no bank: nothing to gate on)."""
    if not len(bundle.question_vectors):
        return None, 1.0
    bank = bundle.best_question_scores(qvec)
    return bank, float(bank.max())


SAME_LANGUAGE_BOOST = 1.25   # an official text in the resident's language beats a translation of it


def run(ctx: Context, bundle: IndexBundle, embedder: Embedder, k: int, glossary=None) -> None:
    lexical_query = ctx.text
    # Expansion helps questions in languages the corpus is not written in; in the corpus language it only adds noise.
    if glossary is not None and ctx.language not in bundle.languages:
        extra = glossary.expand(ctx.text)
        if extra:
            lexical_query = f"{ctx.text} {extra}"
            ctx.expanded_terms = extra
    if ctx.query_vector is None:
        ctx.query_vector, ctx.query_sparse = encode_question(embedder, ctx.text, bundle.sparse_latents)
    bank, ctx.bank_best = question_bank_scores(bundle, ctx.query_vector)
    cands, _ = hybrid_search(bundle, embedder, ctx.text, k, qvec=ctx.query_vector, lexical_query=lexical_query,
                             qsparse=ctx.query_sparse, bank=bank)
    for c in cands:
        if c.passage["language"] == ctx.language:
            c.fused *= SAME_LANGUAGE_BOOST
    cands.sort(key=lambda c: -c.fused)
    ctx.candidates = cands

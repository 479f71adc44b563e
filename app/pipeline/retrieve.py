"""Step — find passages: collect the signals (passage vectors, best sentences, learned sparse terms, BM25,
the question bank), fuse them into one score, and rank. One search path: the chat's retrieve step and
/api/search both call search().

Score fusion (normalised cosines + normalised BM25) beat reciprocal-rank fusion on SweFAQ and on the
corpus eval set (docs/adr/0003-retrieval-fusion.md); the comparison lives in scripts/eval_swefaq.py.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.index.bundle import IndexBundle
from app.index.embedders import QuestionVectors
from app.pipeline.context import Candidate, Context

POOL = 50
STATUS_WEIGHT = {"current": 1.0, "context": 0.9, "superseded": 0.5}
SAME_LANGUAGE_BOOST = 1.25   # an official text in the resident's language beats a translation of it


@dataclass(frozen=True)
class Fusion:
    passage: float = 0.60        # passage vector cosine
    sentence: float = 0.15       # best sentence cosine
    sparse: float = 0.20         # learned sparse terms (when the embedder has them; else shared out)
    lexical: float = 0.15        # BM25 on folded, stemmed tokens
    question: float = 0.50       # closest question-bank question (corpus/_questions; shared out when none)
    question_lexical: float = 0.30   # BM25 over the bank's questions, any language (shared out when none)


DEFAULT_FUSION = Fusion()


@dataclass
class Signals:
    """Every signal for the pooled passages (rows of the bundle): what fusion combines."""
    pool: list[int]
    passage_cosine: np.ndarray
    sentence_cosine: np.ndarray
    lexical: np.ndarray
    sparse: np.ndarray | None          # None: the embedder or the index has no sparse terms
    bank: np.ndarray | None            # per passage (all rows); None: no bank or its weight is 0
    bank_lexical: np.ndarray | None    # per passage (all rows); None: no bank or its weight is 0
    ranked: dict[str, np.ndarray]      # per signal, the rows it ranked best first (what the pool was made of)


def _minmax(x: np.ndarray) -> np.ndarray:
    if len(x) == 0:
        return x
    span = float(x.max() - x.min())
    return (x - x.min()) / span if span > 1e-9 else np.ones_like(x)


def collect_signals(bundle: IndexBundle, query: str, vectors: QuestionVectors, lexical_query: str | None = None,
                    fusion: Fusion = DEFAULT_FUSION, bank: np.ndarray | None = None) -> Signals:
    """Pool the best POOL passages of each signal, then score every pooled passage on every signal.

    bank: the question's best cosine per passage with its bank questions, when the caller has it already."""
    qvec = vectors.dense
    d_idx, _ = bundle.dense_search(qvec, POOL)
    sentence_all = bundle.best_sentence_scores(qvec)     # once: it ranks passages and scores the pool
    s_idx = np.argsort(-sentence_all)[:POOL]
    l_idx, l_scores = bundle.lexical.search(lexical_query or query, POOL)
    if not (fusion.question and bundle.has_bank):
        bank = None
    elif bank is None:
        bank = bundle.best_question_scores(qvec)
    bank_lex = (bundle.bank_lexical.passage_scores(query)
                if fusion.question_lexical and bundle.bank_lexical is not None else None)
    ranked = {"passage": d_idx, "sentence": s_idx, "lexical": l_idx}
    if bank is not None:
        ranked["question"] = np.argsort(-bank)[:POOL]
    if bank_lex is not None:
        ranked["question_lexical"] = np.argsort(-bank_lex)[:POOL]
    pool = list(dict.fromkeys(int(i) for rows in ranked.values() for i in rows))
    lex_of = {int(i): float(s) for i, s in zip(l_idx, l_scores)}
    use_sparse = fusion.sparse and bundle.sparse is not None and vectors.sparse is not None and pool
    return Signals(
        pool=pool,
        passage_cosine=bundle.passage_cosines(qvec, pool) if pool else np.zeros(0, np.float32),
        sentence_cosine=sentence_all[pool],
        lexical=np.array([lex_of.get(i, 0.0) for i in pool], dtype=np.float32),
        sparse=bundle.sparse_scores(vectors.sparse, pool) if use_sparse else None,
        bank=bank, bank_lexical=bank_lex, ranked=ranked)


def fuse(s: Signals, fusion: Fusion = DEFAULT_FUSION) -> np.ndarray:
    """One score per pooled passage: min-max normalised cosines and sparse terms, BM25 over its best; the weight
    of a signal this index or embedder lacks is shared out over passage, sentence and BM25."""
    w_sparse = fusion.sparse if s.sparse is not None else 0.0
    w_question = fusion.question if s.bank is not None else 0.0
    w_bank_lex = fusion.question_lexical if s.bank_lexical is not None else 0.0
    top_lex = float(s.lexical.max()) if len(s.lexical) and s.lexical.max() > 0 else 1.0
    rest = fusion.passage + fusion.sentence + fusion.lexical
    absent = (fusion.sparse - w_sparse) + (fusion.question - w_question) + (fusion.question_lexical - w_bank_lex)
    scale = (rest + absent) / rest if rest else 1.0
    fused = scale * (fusion.passage * _minmax(s.passage_cosine) + fusion.sentence * _minmax(s.sentence_cosine) +
                     fusion.lexical * (s.lexical / top_lex))
    if s.sparse is not None:
        fused = fused + w_sparse * _minmax(s.sparse)
    if s.bank is not None:
        fused = fused + w_question * _minmax(np.maximum(s.bank[s.pool], 0.0))
    if s.bank_lexical is not None:
        top_bank = float(s.bank_lexical.max()) if s.bank_lexical.max() > 0 else 1.0
        fused = fused + w_bank_lex * s.bank_lexical[s.pool] / top_bank
    return fused


def rank(bundle: IndexBundle, s: Signals, scores: np.ndarray, k: int) -> list[Candidate]:
    """The k best candidates by score, each weighted by its document's status (current > context > superseded);
    never a footnote (kept for reading, never quoted)."""
    out = []
    for j, i in enumerate(s.pool):
        if bundle.footnote[i]:
            continue
        p = bundle.passages[i]
        out.append(Candidate(i, p, float(max(s.passage_cosine[j], s.sentence_cosine[j])), float(s.lexical[j]),
                             float(scores[j]) * STATUS_WEIGHT.get(p.status, 1.0),
                             float(s.bank[i]) if s.bank is not None else 0.0))
    out.sort(key=lambda c: -c.score)
    return out[:k]


def hybrid_search(bundle: IndexBundle, query: str, vectors: QuestionVectors, k: int, lexical_query: str | None = None,
                  fusion: Fusion = DEFAULT_FUSION, bank: np.ndarray | None = None) -> list[Candidate]:
    """Collect, fuse, rank: the building block search() and the evaluation scripts share."""
    signals = collect_signals(bundle, query, vectors, lexical_query, fusion, bank)
    if not signals.pool:
        return []
    return rank(bundle, signals, fuse(signals, fusion), k)


def question_bank_scores(bundle: IndexBundle, qvec: np.ndarray) -> tuple[np.ndarray | None, float]:
    """Per passage, the question's best cosine with one of its bank questions; and the best of all, which the
    answer threshold's scope gate reads (1.0 when the corpus has no bank: nothing to gate on)."""
    if not bundle.has_bank:
        return None, 1.0
    bank = bundle.best_question_scores(qvec)
    return bank, float(bank.max())


@dataclass
class SearchResult:
    candidates: list[Candidate]
    expanded_terms: str      # Swedish glossary terms added to the BM25 query ("" when none)
    bank_best: float         # the question's best cosine with any bank question (1.0: no bank)


def search(bundle: IndexBundle, text: str, language: str, vectors: QuestionVectors, k: int,
           glossary=None, bank: np.ndarray | None = None) -> SearchResult:
    """The product's ranking, for the chat and for /api/search alike: glossary expansion for questions in a
    language the corpus is not written in (in the corpus language it only adds noise), fusion, and a boost for
    passages in the resident's own language."""
    lexical_query, expanded = text, ""
    if glossary is not None and language not in bundle.languages:
        expanded = glossary.expand(text)
        if expanded:
            lexical_query = f"{text} {expanded}"
    if bank is None:
        bank, bank_best = question_bank_scores(bundle, vectors.dense)
    else:
        bank_best = float(bank.max()) if len(bank) else 1.0
    cands = hybrid_search(bundle, text, vectors, k, lexical_query=lexical_query, bank=bank)
    for c in cands:
        if c.passage.language == language:
            c.score *= SAME_LANGUAGE_BOOST
    cands.sort(key=lambda c: -c.score)
    return SearchResult(cands, expanded, bank_best)


def run(ctx: Context) -> None:
    """Reads read_text, read_query (a follow-up: with the previous question), language, bank; writes candidates, expanded_terms."""
    r = ctx.resources
    result = search(r.bundle, ctx.read_text, ctx.language, ctx.read_query, r.retrieve_k, r.glossary, ctx.bank)
    ctx.candidates, ctx.expanded_terms = result.candidates, result.expanded_terms

"""Step — choose what to quote: the best sentences of the best passages, and the passages to cite.

No generative model: the answer only repeats sentences of the cited passages. Below the calibrated
threshold nothing is quoted and the answer ends as no_answer (localise adds who can help).
"""
from __future__ import annotations

import re

import numpy as np

from app.corpus.passages import Passage
from app.index.bundle import IndexBundle
from app.index.lexical import tokens
from app.pipeline.answer import Status
from app.pipeline.context import Candidate, Composition, Context
from app.pipeline.threshold import PASSAGES_CONSIDERED, Threshold
from app.text import word_count

MAX_SENTENCES = 3
SENTENCE_MARGIN = 0.025   # extra sentences must score within this of the best one
RANK_PENALTY = 0.02       # per place in the passage ranking: quotes lean to the best-ranked passage


def confidence(cands: list[Candidate]) -> float:
    return max((c.best_cosine for c in cands[:PASSAGES_CONSIDERED]), default=0.0)


def _apply_conflicts(bundle: IndexBundle, cands: list[Candidate]) -> tuple[list[Passage], list[dict]]:
    """Replace a passage that loses a recorded conflict with the prevailing one; report it for staff."""
    chosen, seen, conflicts = [], set(), []
    for c in cands:
        p = c.passage
        conflict = bundle.conflict_of.get(p.id)
        if conflict:
            side = next(s for s in conflict["sides"] if s["passage_id"] == p.id)
            if not side["prevails"]:
                winner = next(s for s in conflict["sides"] if s["prevails"])
                conflicts.append({"id": conflict["id"], "topic": conflict["topic"], "overridden": p.id,
                                  "prevailing": winner["passage_id"], "note": conflict["note"]})
                p = bundle.passage(winner["passage_id"])
        if p.id not in seen:
            seen.add(p.id)
            chosen.append(p)
    return chosen, conflicts


_ASIDE = re.compile(r"\[[^\]]*\]|\([^)]*\)|https?://\S+")


def quotable(sentence: str) -> bool:
    """Worth quoting on its own: five words outside brackets and links. Not list debris, a heading, or a
    footnote's "Se [title | publisher]." reference, which says nothing to a resident."""
    return sum(w.isalpha() for w in _ASIDE.sub(" ", sentence).split()) >= 5


def select(bundle: IndexBundle, qvec: np.ndarray, query: str, cands: list[Candidate], threshold: Threshold,
           max_words: int, bank_best: float = 1.0) -> Composition | None:
    """The passages and sentences to quote, or None when nothing reaches the threshold."""
    if not cands or not threshold.passes(cands, bank_best):
        return None
    top = cands[: PASSAGES_CONSIDERED * 2]
    # A superseded text is never cited when a current one answers too.
    if any(c.passage.status != "superseded" and threshold.passes([c]) for c in top):
        top = [c for c in top if c.passage.status != "superseded"]
    passages, conflicts = _apply_conflicts(bundle, top)
    passages = passages[:PASSAGES_CONSIDERED]
    q_terms = set(tokens(query))
    scored: list[tuple[float, int, int]] = []   # (score, passage rank, sentence index)
    for rank, p in enumerate(passages):
        vecs = bundle.sentence_vectors_of(bundle.by_id[p.id])
        sims = vecs @ qvec if len(vecs) else np.zeros(0)
        for j, sent in enumerate(p.sentences):
            if not quotable(sent):
                continue
            overlap = len(q_terms & set(tokens(sent))) / (len(q_terms) or 1)
            scored.append((float(sims[j]) + 0.05 * overlap - RANK_PENALTY * rank, rank, j))
    if not scored:
        return None
    scored.sort(reverse=True)
    best = scored[0][0]
    picked: list[tuple[int, int]] = []
    words = 0
    for score, rank, j in scored:
        if len(picked) >= MAX_SENTENCES or (picked and score < best - SENTENCE_MARGIN):
            break
        n = word_count(passages[rank].sentences[j])
        if picked and words + n > max_words:
            continue
        picked.append((rank, j))
        words += n
    used = sorted({rank for rank, _ in picked})
    quotes = {passages[rank].id: [passages[rank].sentences[j] for r, j in sorted(picked) if r == rank]
              for rank in used}
    cited = [passages[r] for r in used]
    # A conflict matters to this answer only when the prevailing passage is what it quotes.
    conflicts = [c for c in conflicts if c["prevailing"] in {p.id for p in cited}]
    cosine_of = {c.passage.id: c.best_cosine for c in cands}
    sentence_best = None
    scores = {}
    for p in cited:
        if p.id not in cosine_of:   # the prevailing side of a conflict, which retrieval did not rank
            sentence_best = bundle.best_sentence_scores(qvec) if sentence_best is None else sentence_best
            cosine_of[p.id] = float(sentence_best[bundle.by_id[p.id]])
        scores[p.id] = cosine_of[p.id]
    return Composition(confidence(cands), cited, quotes, conflicts, scores)


def run(ctx: Context) -> None:
    """Reads candidates, query, bank_best; writes composition, or ends the answer as no_answer."""
    r = ctx.resources
    ctx.composition = select(r.bundle, ctx.query.dense, ctx.text, ctx.candidates, r.threshold, r.max_words,
                             ctx.bank_best)
    if ctx.composition is None:
        ctx.finish(Status.NO_ANSWER, confidence=round(confidence(ctx.candidates), 4))

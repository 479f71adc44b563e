"""Step 4 — build a short extractive answer from the best sentences of the best passages, and cite them.

No generative model: the answer only repeats sentences of the cited passages. Below the calibrated
confidence the answer is an honest no_answer with Migrationsverket's contacts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from app.index.lexical import tokens
from app.index.store import IndexBundle
from app.pipeline.answer import Citation, Status
from app.pipeline.context import Candidate, Context
from app.text import word_count

PASSAGES_CONSIDERED = 3
MAX_SENTENCES = 3
SENTENCE_MARGIN = 0.025   # extra sentences must score within this of the best one
RANK_PENALTY = 0.02       # per place in the passage ranking: quotes lean to the best-ranked passage


@dataclass
class Composition:
    confidence: float
    passages: list[dict]              # cited passages, best first
    quotes: dict[str, list[str]]      # passage id -> sentences used, in passage order
    conflicts: list[dict]
    scores: dict[str, float] = None   # passage id -> best cosine with the question (for staff review)


@dataclass(frozen=True)
class Threshold:
    """Answer when the best cosine (passage or sentence) reaches `high`, or reaches `low` and the
    question's own words also occur (BM25 ≥ `lexical`), or the question is nearly one of the passage's
    bank questions (cosine ≥ `bank`: a resident's question in Arabic matches an Arabic bank question far
    more closely than Swedish prose). Calibrated per embedder: scripts/eval_corpus.py, scripts/eval_answer_rate.py."""
    high: float
    low: float
    lexical: float
    bank: float = 2.0     # > 1: never (embedders without a calibrated bank threshold)
    scope: float = 0.0    # the question must be at least this close to SOME bank question (0: no such gate)

    def passes(self, cands: list[Candidate], bank_best: float = 1.0) -> bool:
        """bank_best: the question's cosine with its closest bank question of any passage — the bank spans what
        the texts answer, so a question far from all of it is out of scope however close the prose seems."""
        if bank_best < self.scope:
            return False
        top = cands[:PASSAGES_CONSIDERED]
        return any(c.dense >= self.high or (c.dense >= self.low and c.lexical >= self.lexical) or c.bank >= self.bank
                   for c in top)


def _confidence(cands: list[Candidate]) -> float:
    return max((c.dense for c in cands[:PASSAGES_CONSIDERED]), default=0.0)


def _apply_conflicts(bundle: IndexBundle, cands: list[Candidate]) -> tuple[list[dict], list[dict]]:
    """Replace a passage that loses a recorded conflict with the prevailing one; report it for staff."""
    chosen, seen, conflicts = [], set(), []
    for c in cands:
        p = c.passage
        conflict = bundle.conflict_of.get(p["id"])
        if conflict:
            side = next(s for s in conflict["sides"] if s["passage_id"] == p["id"])
            if not side["prevails"]:
                winner = next(s for s in conflict["sides"] if s["prevails"])
                conflicts.append({"id": conflict["id"], "topic": conflict["topic"], "overridden": p["id"],
                                  "prevailing": winner["passage_id"], "note": conflict["note"]})
                p = bundle.passages[bundle.by_id[winner["passage_id"]]]
        if p["id"] not in seen:
            seen.add(p["id"])
            chosen.append(p)
    return chosen, conflicts


_ASIDE = re.compile(r"\[[^\]]*\]|\([^)]*\)|https?://\S+")


def quotable(sentence: str) -> bool:
    """Worth quoting on its own: five words outside brackets and links. Not list debris, a heading, or a
    footnote's "Se [title | publisher]." reference, which says nothing to a resident."""
    return sum(w.isalpha() for w in _ASIDE.sub(" ", sentence).split()) >= 5


def select(bundle: IndexBundle, qvec: np.ndarray, query: str, cands: list[Candidate], threshold: Threshold,
           max_words: int, bank_best: float = 1.0) -> Composition | None:
    confidence = _confidence(cands)
    if not cands or not threshold.passes(cands, bank_best):
        return None
    top = cands[: PASSAGES_CONSIDERED * 2]
    # A superseded text is never cited when a current one answers too.
    if any(c.passage["status"] != "superseded" and threshold.passes([c]) for c in top):
        top = [c for c in top if c.passage["status"] != "superseded"]
    passages, conflicts = _apply_conflicts(bundle, top)
    passages = passages[:PASSAGES_CONSIDERED]
    q_terms = set(tokens(query))
    scored: list[tuple[float, int, int]] = []   # (score, passage rank, sentence index)
    for rank, p in enumerate(passages):
        i = bundle.by_id[p["id"]]
        start = int(bundle.sentence_start[i])
        vecs = bundle.sentence_vectors[start:start + len(p["sentences"])]
        sims = vecs @ qvec if len(vecs) else np.zeros(0)
        for j, sent in enumerate(p["sentences"]):
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
        n = word_count(passages[rank]["sentences"][j])
        if picked and words + n > max_words:
            continue
        picked.append((rank, j))
        words += n
    quotes: dict[str, list[str]] = {}
    used = sorted({rank for rank, _ in picked})
    for rank in used:
        p = passages[rank]
        quotes[p["id"]] = [p["sentences"][j] for r, j in sorted(picked) if r == rank]
    scores = {c.passage["id"]: c.dense for c in cands}
    cited = [passages[r] for r in used]
    # A conflict matters to this answer only when the prevailing passage is what it quotes.
    conflicts = [c for c in conflicts if c["prevailing"] in {p["id"] for p in cited}]
    return Composition(confidence, cited, quotes, conflicts,
                       {p["id"]: scores.get(p["id"], float(bundle.best_sentence_scores(qvec)[bundle.by_id[p["id"]]]))
                        for p in cited})


def citation(p: dict, quote: list[str], score: float = 0.0) -> Citation:
    return Citation(
        passage_id=p["id"], document_id=p["document_id"], title=p["title"], authority=p["authority"],
        url=p["url"], section=p["section"], published=p["published"], status=p["status"], language=p["language"],
        text=p["text"], quote=" ".join(quote), translation=None, score=round(score, 4),
    )


def run(ctx: Context, bundle: IndexBundle, threshold: Threshold, max_words: int) -> Composition | None:
    """Sets no_answer on ctx when nothing answers; otherwise returns what the localise step renders."""
    comp = select(bundle, ctx.query_vector, ctx.text, ctx.candidates, threshold, max_words, ctx.bank_best)
    if comp is None:
        ctx.finish(Status.NO_ANSWER, confidence=round(_confidence(ctx.candidates), 4))
    return comp

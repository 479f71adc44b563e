"""Step — choose what to quote, or decide that the texts do not answer.

No generative model: the answer only repeats sentences of the cited passages.
- A resident topic (understand): only sentences the index knows answer that topic, of the kind asked for
  (app/topics/quote.py); none → no_answer, "not covered" (localise says so, and who answers instead). A topic
  answered from Källa's own data (contacts, what Källa is) ends as a service answer.
- A general question: the best sentences of the best passages, above the calibrated threshold, and of the kind
  asked for (an amount question is never answered with a sentence without a sum).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from app.corpus.passages import Passage
from app.corpus.sentences import is_footnote, quotable, source_hash
from app.index.bundle import IndexBundle
from app.index.lexical import tokens
from app.pipeline.answer import Status
from app.pipeline.context import Candidate, Composition, Context
from app.pipeline.threshold import PASSAGES_CONSIDERED, Threshold
from app.text import word_count
from app.topics.classify import SECOND_KINDS
from app.topics.kinds import holds
from app.topics.quote import TopicQuote, quote_topic

MAX_SENTENCES = 3
SENTENCE_MARGIN = 0.025   # extra sentences must score within this of the best one
RANK_PENALTY = 0.02       # per place in the passage ranking: quotes lean to the best-ranked passage
BANK_LEAN = 0.5           # per point of bank cosine below the best passage's (scripts/eval_answer_rate.py, quoted phrase)
GENERAL_KINDS = ("amount", "date_duration")   # kinds checked on the general route (app/topics/kinds.py)
NEAR_TOPIC = 0.85         # a question this close to a resident topic's examples is about it, whatever else it is


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


def is_list_item(sentence: str) -> bool:
    return sentence.lstrip().startswith(("- ", "* ", "• "))


def select(bundle: IndexBundle, qvec: np.ndarray, query: str, cands: list[Candidate], threshold: Threshold,
           max_words: int, bank_best: float = 1.0, kind: str = "") -> Composition | None:
    """The passages and sentences to quote, or None when nothing reaches the threshold. kind: only sentences
    holding that kind of answer are considered (an amount question is never answered without a sum)."""
    if not cands or not threshold.passes(cands, bank_best):
        return None
    top = cands[: PASSAGES_CONSIDERED * 2]
    # A superseded text is never cited when a current one answers too.
    if any(c.passage.status != "superseded" and threshold.passes([c]) for c in top):
        top = [c for c in top if c.passage.status != "superseded"]
    passages, conflicts = _apply_conflicts(bundle, top)
    passages = [p for p in passages if not is_footnote(p)][:PASSAGES_CONSIDERED]   # footnotes are never the answer
    q_terms = set(tokens(query))
    bank_of = {c.passage.id: c.bank for c in cands}
    best_bank = max((bank_of.get(p.id, 0.0) for p in passages), default=0.0)
    scored: list[tuple[float, int, int]] = []   # (score, passage rank, sentence index)
    for rank, p in enumerate(passages):
        # A passage whose bank questions are nearly the resident's question holds the answer: its sentences lean
        # ahead (cross-language sentence cosines are close together; the bank match in the resident's own
        # language is not).
        lean = BANK_LEAN * (bank_of.get(p.id, 0.0) - best_bank) if best_bank > 0 else 0.0
        vecs = bundle.sentence_vectors_of(bundle.by_id[p.id])
        sims = vecs @ qvec if len(vecs) else np.zeros(0)
        for j, sent in enumerate(p.sentences):
            if not quotable(sent) or not holds(kind, sent):
                continue
            overlap = len(q_terms & set(tokens(sent))) / (len(q_terms) or 1)
            scored.append((float(sims[j]) + 0.05 * overlap - RANK_PENALTY * rank + lean, rank, j))
    if not scored:
        return None
    scored.sort(reverse=True)
    best = scored[0][0]
    picked: list[tuple[int, int]] = []
    words = 0
    for score, rank, j in scored:
        if len(picked) >= MAX_SENTENCES or (picked and score < best - SENTENCE_MARGIN):
            break
        sentence = passages[rank].sentences[j]
        n = word_count(sentence)
        same = [passages[r].sentences[i] for r, i in picked if r == rank]
        if picked and words + n > max_words:
            continue
        if same and (is_list_item(sentence) or any(is_list_item(x) for x in same)):
            continue   # a list item is quoted alone: never run into its neighbours in one quote
        picked.append((rank, j))
        words += n
    used = list(dict.fromkeys(rank for rank, _ in picked))   # the passage of the best-scoring sentence first
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
    """Reads topic, candidates, read_query, read_text, bank_best; writes composition, or ends the answer (service / no_answer)."""
    r = ctx.resources
    match = ctx.topic
    topic = r.topics.topics.get(match.topic) if match and match.topic and r.topics else None
    if topic is not None and topic.answered_by == "data":
        ctx.finish(Status.SERVICE)
        return
    if topic is not None:
        found = quote_topic(r.bundle, r.bundle.coverage, topic.id, match.kind(topic.kind), ctx.read_query.dense)
        if found is None:
            found = answer_other_part(ctx)
            if found is not None:     # the texts answer the other part: quoted; the card says what they lack
                ctx.unanswered_part = topic.id
        elif lacking_other_part(ctx):     # the texts answer the first part and lack the second: the card says so
            ctx.unanswered_part = ctx.other_part.topic
        if found is None:
            ctx.not_covered = True
            ctx.finish(Status.NO_ANSWER, confidence=round(confidence(ctx.candidates), 4))
            return
        # The losing side of a recorded conflict never answers (coverage leaves it out); staff still see that the
        # question met the conflict.
        _, conflicts = _apply_conflicts(r.bundle, ctx.candidates[:PASSAGES_CONSIDERED * 2])
        ctx.composition = Composition(found.confidence, found.passages, found.quotes, conflicts, found.scores)
        return
    kind = match.kind("") if match else ""
    # Only an amount or a date has a form a sentence must show; "website" in a question about visitor numbers
    # does not make it a contact question (those go to the contact topic, answered from Källa's data).
    ctx.composition = select(r.bundle, ctx.read_query.dense, ctx.read_text, ctx.candidates, r.threshold, r.max_words,
                             ctx.bank_best, kind if kind in GENERAL_KINDS else "")
    nearest = r.topics.topics.get(match.nearest) if match and match.nearest and r.topics else None
    if ctx.composition is not None and nearest is not None and match.score >= NEAR_TOPIC and \
            only_mentions(r.bundle, ctx.composition, nearest.id):
        # The question is close to a resident topic the texts do not answer, and all the general route found are
        # sentences that merely name that topic (a list of what residents need to know): say it is not covered.
        ctx.composition, ctx.not_covered = None, True
        ctx.topic = dataclasses.replace(match, topic=nearest.id)
    if ctx.composition is None:
        ctx.finish(Status.NO_ANSWER, confidence=round(confidence(ctx.candidates), 4))


def answer_other_part(ctx: Context) -> TopicQuote | None:
    """The quote for a two-part question's other part, when the texts answer it (a topic they cover)."""
    r, other = ctx.resources, ctx.other_part
    topic = r.topics.topics.get(other.topic) if other is not None and other.topic else None
    if topic is None or topic.answered_by != "texts":
        return None
    return quote_topic(r.bundle, r.bundle.coverage, topic.id, other.kind(topic.kind), ctx.read_query.dense)


def lacking_other_part(ctx: Context) -> bool:
    """A two-part question's other part, named by a specific kind ("… and how do I apply?"), is a topic the texts do
    not cover: the answer to the first part must not read as the whole answer."""
    r, other = ctx.resources, ctx.other_part
    topic = r.topics.topics.get(other.topic) if other is not None and other.topic else None
    return topic is not None and topic.answered_by == "texts" and bool(other.kinds) and \
        other.kinds[0] in SECOND_KINDS and r.bundle.coverage is not None and not r.bundle.coverage.covered(topic.id)


def only_mentions(bundle: IndexBundle, comp: Composition, topic: str) -> bool:
    """True when every quoted sentence only mentions the topic (coverage.mentions), none answers it."""
    if bundle.coverage is None or bundle.coverage.covered(topic):
        return False
    mentions = {ref.hash for ref in bundle.coverage.mentions.get(topic, [])}
    quoted = [source_hash(s) for sents in comp.quotes.values() for s in sents]
    return bool(quoted) and all(h in mentions for h in quoted)

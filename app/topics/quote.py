"""Quote for a resident topic: only sentences the index knows answer that topic (coverage), and of the kind asked.

The sentence closest to the question comes first; a second one joins when it is nearly as close and adds a
sentence of its own (two sentences at most: a resident reads the answer, not the report). A list item is
quoted as itself, never run into its neighbours.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.corpus.passages import Passage
from app.index.bundle import IndexBundle
from app.topics.coverage import Coverage, SentenceRef
from app.topics.kinds import holds

MAX_SENTENCES = 2
SECOND_MARGIN = 0.05     # a second sentence must be this close to the first one's cosine


@dataclass(frozen=True)
class TopicQuote:
    passages: list[Passage]              # cited, in the order of their best sentence
    quotes: dict[str, list[str]]         # passage id -> sentences, in passage order
    scores: dict[str, float]             # passage id -> best sentence cosine
    confidence: float


def covering(bundle: IndexBundle, coverage: Coverage, topic: str) -> list[tuple[SentenceRef, Passage, str]]:
    """The topic's answering sentences still in this index (a rebuilt index may have moved them)."""
    out = []
    for ref in coverage.answers.get(topic, []):
        p = bundle.passage(ref.passage_id)
        if p is not None and ref.index < len(p.sentences):
            out.append((ref, p, p.sentences[ref.index]))
    return out


def quote_topic(bundle: IndexBundle, coverage: Coverage, topic: str, kind: str, qvec: np.ndarray) -> TopicQuote | None:
    """The sentences to quote for the topic, or None when no sentence answers it with the kind asked for."""
    found = [(ref, p, s) for ref, p, s in covering(bundle, coverage, topic) if holds(kind, s)]
    if not found:
        return None
    scored = []
    for ref, p, s in found:
        vec = bundle.sentence_vectors_of(bundle.by_id[p.id])[ref.index]
        scored.append((float(vec @ qvec), ref, p, s))
    scored.sort(key=lambda x: -x[0])
    best = scored[0][0]
    chosen = [x for x in scored[:MAX_SENTENCES] if x[0] >= best - SECOND_MARGIN]
    passages: list[Passage] = []
    picked: dict[str, list[tuple[int, str]]] = {}
    scores: dict[str, float] = {}
    for score, ref, p, s in chosen:
        if p.id not in picked:
            passages.append(p)
            picked[p.id] = []
            scores[p.id] = round(score, 4)
        picked[p.id].append((ref.index, s))
    quotes = {pid: [s for _, s in sorted(items)] for pid, items in picked.items()}
    return TopicQuote(passages, quotes, scores, best)

"""Which resident topic a question is about, and which kind of answer it asks for.

Topic: the question's vector against the example questions of every topic in every language (corpus/topics/,
embedded when the index is built): a Somali question meets Somali examples, which the small multilingual model
matches far better than Swedish prose. Kind: short cues per language ("how much", "when", "who can"), matched
at word starts in the folded question — the kind an answer must hold (an amount, a date, an eligibility rule).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from app.topics.catalogue import TopicCatalogue, fold_cue

# Which kind wins when a question holds cues of several ("when can I call?" is about contact, "how much and
# when" about the amount): the more specific kinds first.
KIND_PRIORITY = ("contact", "amount", "date_duration", "count", "eligibility", "procedure", "place_channel", "description",
                 "yes_no")
# The kinds that name a two-part question's second part ("… and how do I apply?"); a yes/no or a count does not.
SECOND_KINDS = frozenset({"amount", "eligibility", "procedure", "date_duration", "place_channel", "contact", "description"})


@dataclass(frozen=True)
class TopicScore:
    topic: str
    score: float         # the linear classifier's score (one-vs-rest; higher = more this topic than the others)
    similarity: float    # mean cosine of the question with the topic's 3 closest examples (how close it really is)


@dataclass(frozen=True)
class TopicScores:
    """Every topic's scores for one question, best classifier score first."""
    ranked: tuple[TopicScore, ...]
    nearest_example: float           # the question's cosine with the closest example of any topic

    @property
    def best(self) -> TopicScore | None:
        return self.ranked[0] if self.ranked else None


NEIGHBOURS = 3         # similarity = mean of the closest examples' cosines (one stray example does not decide)
RIDGE = 0.3            # regularisation of the classifier, chosen on the tuning set (docs/evaluation.md)


def train_classifier(vectors: np.ndarray, topic_row: np.ndarray, n_topics: int, ridge: float = RIDGE) -> np.ndarray:
    """One-vs-rest ridge regression on the examples' vectors (closed form, a second at build): a linear boundary
    between topics separates neighbours such as eligibility / residence permit far better than the nearest
    example does (tuning set: 89 % vs 79 % of questions to their topic)."""
    x = vectors.astype(np.float64)
    y = np.where(np.eye(n_topics)[topic_row] > 0, 1.0, -1.0)
    return np.linalg.solve(x.T @ x + ridge * np.eye(x.shape[1]), x.T @ y).astype(np.float32)


class TopicExamples:
    """The topic examples' vectors and the classifier trained on them (the index's topics.npz)."""

    def __init__(self, vectors: np.ndarray, topic_row: np.ndarray, topic_ids: list[str],
                 weights: np.ndarray | None = None) -> None:
        self.vectors = vectors
        self.topic_row = topic_row.astype(np.int64)
        self.topic_ids = topic_ids
        self.weights = weights if weights is not None else train_classifier(vectors, self.topic_row, len(topic_ids))
        order = np.argsort(self.topic_row, kind="stable")
        self._order = order
        self._starts = np.searchsorted(self.topic_row[order], np.arange(len(topic_ids)))
        self._ends = np.searchsorted(self.topic_row[order], np.arange(len(topic_ids)), side="right")

    def __len__(self) -> int:
        return len(self.vectors)

    def scores(self, qvec: np.ndarray) -> TopicScores:
        if not len(self.vectors):
            return TopicScores((), 0.0)
        q = qvec.astype(np.float32)
        sims = (self.vectors @ q)[self._order]
        classifier = q @ self.weights
        ranked = []
        for t, tid in enumerate(self.topic_ids):
            mine = sims[self._starts[t]:self._ends[t]]
            k = min(NEIGHBOURS, len(mine))
            similarity = float(np.partition(mine, len(mine) - k)[-k:].mean()) if k else -1.0
            ranked.append(TopicScore(tid, float(classifier[t]), similarity))
        ranked.sort(key=lambda s: -s.score)
        return TopicScores(tuple(ranked), float(sims.max()))


def _cue_regex(cues: tuple[str, ...]) -> re.Pattern | None:
    cues = tuple(c.lstrip() for c in cues if c.strip())
    if not cues:
        return None
    # A cue starts at a word start; a trailing space in a cue means the word must end there.
    alternatives = sorted({re.escape(c) for c in cues}, key=len, reverse=True)
    return re.compile(r"(?:(?<=\s)|^)(?:" + "|".join(alternatives) + ")")


def question_words(text: str) -> str:
    """The question as cues see it: folded, punctuation as spaces, one space between words."""
    return " ".join(re.sub(r"[^\w\s'’-]", " ", fold_cue(text)).split())


class KindCues:
    """Per language and kind, one regex of its cues (compiled once per catalogue)."""

    def __init__(self, catalogue: TopicCatalogue) -> None:
        self.by_language = {lang: {kind: rx for kind, cues in kinds.items() if kind != "not" and (rx := _cue_regex(cues))}
                            for lang, kinds in catalogue.kind_cues.items()}
        # Phrases that hold a cue without asking for its kind: "när det gäller" (as for) is no "när" (when).
        self.not_cues = {lang: rx for lang, kinds in catalogue.kind_cues.items() if (rx := _cue_regex(kinds.get("not", ())))}

    def kinds(self, text: str, language: str, written_in: str = "") -> list[str]:
        """The kinds the question's cues show, most specific first (cues of the question's language, of the language
        it is written in when the resident chose another, and English: residents mix in English words)."""
        folded = " " + question_words(text) + " "
        languages = tuple(lang for lang in dict.fromkeys((language, written_in, "en")) if lang)
        for lang in languages:
            if lang in self.not_cues:
                folded = self.not_cues[lang].sub(" ", folded)
        found = set()
        for lang in languages:
            for kind, rx in self.by_language.get(lang, {}).items():
                if rx.search(folded):
                    found.add(kind)
        return [k for k in KIND_PRIORITY if k in found]


class FollowUpCues:
    """How a follow-up starts ("and for ...?", "what about ...") or leans on the previous question ("it", "there"),
    per language (corpus/topics/<lang>.yaml follow_up_cues), compiled once per catalogue."""

    def __init__(self, catalogue: TopicCatalogue) -> None:
        self.starts = {lang: rx for lang, cues in catalogue.follow_up_cues.items()
                       if (rx := _cue_regex(cues.get("starts", ())))}
        # "det" points back, "detaljer" does not: a leaning word is matched whole
        self.leans_on = {lang: rx for lang, cues in catalogue.follow_up_cues.items()
                         if (rx := _cue_regex(tuple(c.strip() + " " for c in cues.get("leans_on", ()) if c.strip())))}

    def leans(self, text: str, language: str) -> bool:
        """True when the message starts like a follow-up or points back at the previous question."""
        words = question_words(text)
        for lang in dict.fromkeys((language, "en")):
            start = self.starts.get(lang)
            if start is not None and (m := start.search(words)) and m.start() == 0:
                return True
            back = self.leans_on.get(lang)
            if back is not None and back.search(" " + words + " "):
                return True
        return False


@dataclass(frozen=True)
class TopicMatch:
    """What the understand step decided (app/pipeline/understand.py)."""
    topic: str | None           # the resident topic the answer must be about (None: a general question)
    nearest: str | None         # the topic the classifier chose, also when the question did not go to it (for staff)
    score: float                # the question's similarity with that topic's closest examples
    runner_up: str | None
    runner_score: float
    kinds: tuple[str, ...]      # the kinds of answer the question's words ask for, most specific first

    def kind(self, default: str) -> str:
        """The kind of answer asked for: the question's cue, else the topic's own kind."""
        return self.kinds[0] if self.kinds else default

"""BM25 over accent-folded, stemmed tokens (bm25s), so 'atervandring' finds 'återvandring'."""
from __future__ import annotations

from functools import lru_cache

import bm25s
import numpy as np
import Stemmer

from app.text import fold, words

# Function words that carry no topic in Swedish and English questions.
STOPWORDS = set(fold(w) for w in """
och i att det som en på är av för med till den har de inte om ett han men var jag sig från vi så kan man när
år säga hon under också efter eller nu sin där vid mot ska skulle kommer ut får detta dessa blir bli vad hur
vilka vilken vilket varför vem finns du ni mig min mitt dig din ditt jag hej kan vill
the a an of to in and or is are was were be been for on with at by from as it this that these those what
how which who why when where do does did can could should would will i you my me your we our us about
""".split())


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("swedish")


@lru_cache(maxsize=65536)
def _term(word: str) -> str:
    """The index term of one word ('' for stopwords and single letters); cached, words repeat a lot."""
    low = word.lower()
    f = fold(low)
    if f in STOPWORDS or len(f) < 2:
        return ""
    return fold(_stemmer().stemWord(low))


def tokens(text: str) -> list[str]:
    return [t for t in map(_term, words(text)) if t]


class LexicalIndex:
    def __init__(self, texts: list[str]) -> None:
        self._bm25 = bm25s.BM25(k1=1.2, b=0.75)
        corpus_tokens = [tokens(t) or ["_empty_"] for t in texts]
        self._bm25.index(corpus_tokens, show_progress=False)
        self.size = len(texts)

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(indices, scores), best first; empty when the query has no indexed term."""
        q = tokens(query)
        if not q or self.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        k = min(k, self.size)
        scores = self._bm25.get_scores(q)
        order = np.argsort(-scores)[:k]
        keep = scores[order] > 0
        return order[keep].astype(np.int64), scores[order][keep].astype(np.float32)


class BankLexicalIndex:
    """BM25 over the question bank in any language: folded words cut to their first five letters.

    A crude stem that works across the bank's languages (Somali, Turkish, Kurdish and Slavic endings; Ge'ez
    syllables), because a Somali question shares words with the Somali bank questions, not with Swedish text.
    """

    PREFIX = 5

    def __init__(self, questions: list[str], passage_of: np.ndarray, passages: int) -> None:
        self._bm25 = bm25s.BM25(k1=1.2, b=0.75)
        self._bm25.index([self.tokens(q) or ["_empty_"] for q in questions], show_progress=False)
        self.passage_of, self.passages, self.size = passage_of, passages, len(questions)

    @classmethod
    def tokens(cls, text: str) -> list[str]:
        return [w[: cls.PREFIX] for w in words(fold(text)) if len(w) >= 2]

    def passage_scores(self, query: str) -> np.ndarray:
        """For every passage, the BM25 score of its best-matching bank question (0 when none matches)."""
        best = np.zeros(self.passages, dtype=np.float32)
        q = self.tokens(query)
        if q and self.size:
            np.maximum.at(best, self.passage_of, self._bm25.get_scores(q).astype(np.float32))
        return best

"""Sentence units of the corpus: the unit translations are aligned to and reviewed by.

A unit's id is its place in its document ("<document id>:<n>", n counting sentences over the document's
passages in order) and its hash is the hash of its text: a translation is served only for the exact source
text it was made from (the hash), whatever the place; a unit whose hash changed is "stale" for staff.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from app.corpus.passages import Passage
from app.text import normalise_space

FOOTNOTE_SECTIONS = ("Fotnoter", "Footnotes")
QUESTION_MARKS = ("?", "؟", "፧")    # Latin, Arabic/Persian, Ethiopic
_ASIDE = re.compile(r"\[[^\]]*\]|\([^)]*\)|https?://\S+")


def quotable(sentence: str) -> bool:
    """Worth quoting on its own: five words outside brackets and links, and a statement. Not list debris, a
    heading, a footnote's "Se [title | publisher]." reference, or a question (a survey question or an
    interpellation's question answers nothing)."""
    return sum(w.isalpha() for w in _ASIDE.sub(" ", sentence).split()) >= 5 and not sentence.rstrip().endswith(QUESTION_MARKS)


def source_hash(text: str) -> str:
    return hashlib.sha1(normalise_space(text).encode("utf-8")).hexdigest()[:16]


def is_footnote(passage: Passage) -> bool:
    """Footnotes are kept for the passage view, never quoted as an answer."""
    last = passage.section.rsplit(" › ", 1)[-1].strip()
    return last in FOOTNOTE_SECTIONS


@dataclass(frozen=True)
class SentenceUnit:
    id: str            # "<document id>:<n>"
    hash: str          # source_hash(text)
    text: str
    passage_id: str
    index: int         # the sentence's index in its passage
    footnote: bool


def sentence_units(passages: list[Passage]) -> list[SentenceUnit]:
    """Every sentence of the passages (in document order), numbered per document."""
    out, count = [], {}
    for p in passages:
        for j, s in enumerate(p.sentences):
            n = count.get(p.document_id, 0)
            count[p.document_id] = n + 1
            out.append(SentenceUnit(f"{p.document_id}:{n}", source_hash(s), s, p.id, j, is_footnote(p)))
    return out

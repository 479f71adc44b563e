"""Put each stored citation back inside its document: the passage, its quoted sentences, its neighbours.

A stored answer may cite a passage of an older index. Then the current index is searched for the quoted
words in the same document, and the page says plainly that the passage itself is gone.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from app.corpus.passages import Passage
from app.index.bundle import IndexBundle
from app.text import normalise_space


@dataclass
class Sentence:
    text: str
    quoted: bool


@dataclass
class CitationView:
    number: int
    stored: dict                     # what the answer log holds for this citation
    passage: Passage | None          # the passage in the current index, if it is still there
    paragraphs: list[list[Sentence]] = field(default_factory=list)
    before: Passage | None = None    # the previous passage of the same document
    after: Passage | None = None
    quote_found: bool = False        # the stored quote was located in the passage shown
    moved_to: Passage | None = None  # passage gone, but its quote is in this passage of the current index

    @property
    def passage_id(self) -> str:
        return self.stored.get("passage_id", "")

    @property
    def document_id(self) -> str:
        return self.stored.get("document_id", "")


def _mark_quoted(sentences: list[str], quote: str) -> tuple[list[bool], bool]:
    """The composer joins whole sentences of the passage, in passage order: find exactly those."""
    q = normalise_space(quote)
    marks = [False] * len(sentences)
    pos = 0
    for i, s in enumerate(sentences):
        s = normalise_space(s)
        if s and q.startswith(s, pos):
            marks[i] = True
            pos += len(s)
            while pos < len(q) and q[pos] == " ":
                pos += 1
    if q and pos >= len(q):
        return marks, True
    # Not a clean concatenation (older composer, edited text): fall back to long sentences inside the quote.
    marks = [len(normalise_space(s)) >= 25 and normalise_space(s) in q for s in sentences]
    return marks, any(marks)


def paragraphs(passage: Passage, marks: list[bool]) -> list[list[Sentence]]:
    """Sentences grouped back into the passage's paragraphs (blank lines in its text)."""
    text = passage.text
    out: list[list[Sentence]] = [[]]
    pos = 0
    for sentence, quoted in zip(passage.sentences, marks, strict=True):
        at = text.find(sentence, pos)
        if at >= 0:
            if out[-1] and "\n\n" in text[pos:at]:
                out.append([])
            pos = at + len(sentence)
        out[-1].append(Sentence(sentence, quoted))
    return [p for p in out if p]


def _neighbour(bundle: IndexBundle, i: int, step: int) -> Passage | None:
    j = i + step
    if 0 <= j < len(bundle.passages) and bundle.passages[j].document_id == bundle.passages[i].document_id:
        return bundle.passages[j]
    return None


def _find_quote(bundle: IndexBundle, document_id: str, quote: str) -> Passage | None:
    q = normalise_space(quote)
    if len(q) < 20:
        return None
    for p in bundle.passages:
        if p.document_id == document_id and q in normalise_space(p.text):
            return p
    return None


def citation_views(citations: list[dict], bundle: IndexBundle | None) -> list[CitationView]:
    views = []
    for n, stored in enumerate(citations or [], start=1):
        i = bundle.by_id.get(stored.get("passage_id", "")) if bundle is not None else None
        if i is None:
            moved = _find_quote(bundle, stored.get("document_id", ""), stored.get("quote", "")) if bundle else None
            views.append(CitationView(n, stored, None, moved_to=moved))
            continue
        p = bundle.passages[i]
        marks, found = _mark_quoted(list(p.sentences), stored.get("quote", ""))
        views.append(CitationView(n, stored, p, paragraphs(p, marks), _neighbour(bundle, i, -1),
                                  _neighbour(bundle, i, 1), found))
    return views


def document_passages(bundle: IndexBundle, document_id: str) -> list[Passage]:
    return [p for p in bundle.passages if p.document_id == document_id]

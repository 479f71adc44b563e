"""Split documents into passages along headings and paragraphs, sentence-aware, with stable ids."""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, fields

from app.corpus.document import Document
from app.text import fold, normalise_space, split_sentences, word_count

MIN_WORDS, MAX_WORDS = 40, 250
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


@dataclass(frozen=True)
class Passage:
    """One retrievable piece of a document, with the document's metadata: what the index stores and every
    answer, search hit and log row shows. The one place its fields are listed."""
    id: str
    document_id: str
    ordinal: int
    section: str          # heading path, e.g. "4 Resultatredovisning › 4.1 Informationsinsatser"
    text: str
    sentences: tuple[str, ...]
    title: str = ""
    authority: str = ""
    url: str = ""          # the document's own address, or "" (never a home page standing in for it)
    reference: str = ""    # where the text comes from when there is no address: report, reference number, date
    language: str = ""
    published: str = ""
    status: str = "current"    # current | superseded | context (app.corpus.document.STATUSES)
    precedence: int = 0
    translation_of: str = ""

    def to_dict(self) -> dict:
        d = asdict(self)
        d["sentences"] = list(self.sentences)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Passage":
        known = {f.name for f in fields(cls)}
        return cls(**{**{k: v for k, v in d.items() if k in known}, "sentences": tuple(d.get("sentences") or ())})

    def public(self) -> dict:
        """The fields every endpoint shows for a passage (app.api.schemas.PassageFields), in one place."""
        return {"passage_id": self.id, **{k: getattr(self, k) for k in PUBLIC_FIELDS}}


# What residents and staff see of a passage besides its id (sentences and ordinal are internal).
PUBLIC_FIELDS = ("document_id", "title", "authority", "url", "reference", "section", "published", "status", "language", "text")


def passage_id(document_id: str, text: str) -> str:
    """Same document and same text → same id, whatever else changed in the corpus."""
    digest = hashlib.sha1(f"{document_id}\n{fold(normalise_space(text))}".encode()).hexdigest()[:12]
    return f"{document_id}_{digest}"


def _sections(doc: Document) -> list[tuple[str, list[str]]]:
    """(heading path, paragraphs) in document order; the H1 title is not part of the path."""
    path: list[tuple[int, str]] = []
    out: list[tuple[str, list[str]]] = []
    paras: list[str] = []

    def flush() -> None:
        if paras:
            out.append((" › ".join(t for _, t in path), list(paras)))
            paras.clear()

    for block in re.split(r"\n\s*\n", doc.body):
        block = block.strip()
        if not block:
            continue
        m = _HEADING.match(block)
        if m and "\n" not in block:
            flush()
            level = len(m.group(1))
            if level == 1:
                path = []
                continue
            title = m.group(2).strip()
            num = re.match(r"^(\d+(?:\.\d+)*)\s", title)
            if num:
                level = 2 + num.group(1).count(".")
            else:  # an unnumbered heading sits under the numbered section it appears in
                numbered = [lvl for lvl, t in path if re.match(r"^\d", t)]
                level = numbered[-1] + 1 if numbered else level
            path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, m.group(2).strip())]
            continue
        paras.append(block)
    flush()
    return out


def _pieces(paragraph: str) -> list[str]:
    """A paragraph, or sentence groups of it when it is longer than a passage may be."""
    if word_count(paragraph) <= MAX_WORDS:
        return [paragraph]
    groups, cur = [], []
    for sent in split_sentences(paragraph):
        if cur and word_count(" ".join(cur + [sent])) > MAX_WORDS:
            groups.append(" ".join(cur))
            cur = []
        cur.append(sent)
    if cur:
        groups.append(" ".join(cur))
    return groups


def split_passages(doc: Document) -> list[Passage]:
    chunks: list[tuple[str, str]] = []
    for section, paras in _sections(doc):
        buf: list[str] = []
        for para in paras:
            for piece in _pieces(para):
                if buf and word_count("\n\n".join(buf + [piece])) > MAX_WORDS:
                    chunks.append((section, "\n\n".join(buf)))
                    buf = []
                buf.append(piece)
                if word_count("\n\n".join(buf)) >= MIN_WORDS * 3:
                    chunks.append((section, "\n\n".join(buf)))
                    buf = []
        if buf:
            tail = "\n\n".join(buf)
            # A short tail joins the previous passage of the same section when it fits.
            if chunks and chunks[-1][0] == section and word_count(tail) < MIN_WORDS and \
                    word_count(chunks[-1][1]) + word_count(tail) <= MAX_WORDS:
                chunks[-1] = (section, chunks[-1][1] + "\n\n" + tail)
            else:
                chunks.append((section, tail))
    passages, seen = [], set()
    for i, (section, text) in enumerate(chunks):
        pid = passage_id(doc.id, text)
        while pid in seen:
            pid += "x"
        seen.add(pid)
        sentences = tuple(s for s in split_sentences(text) if s)
        passages.append(Passage(pid, doc.id, i, section, text, sentences, title=doc.title, authority=doc.authority,
                                url=doc.url, reference=doc.reference, language=doc.language, published=doc.published, status=doc.status,
                                precedence=doc.precedence, translation_of=doc.translation_of))
    return passages

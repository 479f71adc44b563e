"""Small text helpers shared by corpus, index and pipeline: folding, tokens, sentences."""
from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
# Abbreviations after which a full stop does not end a Swedish or English sentence.
_ABBREV = {
    "t.ex", "bl.a", "s.k", "dvs", "d.v.s", "m.m", "ca", "nr", "kap", "jfr", "resp", "fr.o.m", "t.o.m",
    "o.s.v", "osv", "e.g", "i.e", "etc", "mr", "mrs", "dr", "st", "s", "f", "ff", "p", "pp", "vs", "dnr",
}
# A sentence ends at . ! ? … (and the Arabic ؟ and Ethiopic ። ፧) before a capital, a digit, a list mark, or a
# letter of a script without capitals (Arabic/Persian, Ethiopic): authorities publish in those too.
_SENT_END = re.compile(r"(?<=[.!?…؟።፧])[\"”»']?\s+(?=[\"“«(]?[A-ZÅÄÖÜ0-9•\-–\u0620-\u06ff\u1200-\u137f])")


def fold(text: str) -> str:
    """Lower-case and strip diacritics, so 'återvändande' and 'atervandande' meet."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(words(text))


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Sentence split that respects common Swedish abbreviations and keeps list items apart."""
    out: list[str] = []
    # A blank line ends a sentence (a heading-like line or a list item without a full stop must not run into
    # the next paragraph), and so does the start of a list item.
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*•]|\d+\.)\s)", text):
        block = normalise_space(block)
        if not block:
            continue
        start = 0
        for m in _SENT_END.finditer(block):
            head = block[start:m.start()].rstrip()
            last = head.rsplit(" ", 1)[-1].rstrip(".").lower()
            if last in _ABBREV:
                continue
            out.append(head)
            start = m.end()
        tail = block[start:].strip()
        if tail:
            out.append(tail)
    return [s for s in out if s]

"""Which words of a Swedish corpus text are neither Swedish (Hunspell sv_SE) nor on the reviewed allowlist.

The proofreading check behind corpus/_repairs/allowlist.txt: after proofreading, every word residents can see
is a Swedish word or a reviewed name (Seefar, Hjemrejsestyrelsen, Krimnet, ...). Real-word errors ("sitt"
for *sätt*) pass this check by nature; they are found by reading, and recorded in corpus/_repairs/proofread/.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ALLOWLIST = Path("_repairs") / "allowlist.txt"
_URL = re.compile(r"https?://\S+|\b[\w.-]+\.(?:se|org|com|nu|eu)\b\S*")
_WORD = re.compile(r"[^\W\d_](?:[^\W_]|[-’'][^\W\d_])*", re.UNICODE)
_SUSPECT = re.compile(r"[&¢®©{}\\]|\w\d|\d[^\W\d]")   # OCR debris: '&tervandring', 'i1', '1ag'
# Tokens that mix digits and letters on purpose: reference numbers (Ju2024/02612, SOU 2024:53, 1984:890),
# decades (1990-talet), page ranges (s.16-17), dates and diary numbers.
_LEGIT = re.compile(r"[\d\s.,:%/–-]+|\d+(?:[.:]\d+)*[a-z]?|\d{4}:\d+|[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,4}\d*[-/.:\d]*"
                    r"|\d+[:/.-]\d+[\w/.-]*|\d{4}-(?:talet|tal)|s\.\d+(?:-\d+)?")


def load_allowlist(corpus_dir: Path) -> set[str]:
    path = Path(corpus_dir) / ALLOWLIST
    if not path.exists():
        return set()
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(word)
    return words


def words_of(body: str) -> list[str]:
    return _WORD.findall(_URL.sub(" ", body))


def suspect_tokens(body: str) -> list[str]:
    """Whitespace tokens holding OCR debris (a digit or symbol inside a word), whatever the lexicon says."""
    out = []
    for tok in _URL.sub(" ", body).split():
        core = tok.strip("\"'“”«»()[].,;:!?’—–-*")
        if core and _SUSPECT.search(core) and not _LEGIT.fullmatch(core):
            out.append(core)
    return out


def unknown_words(body: str, lexicon, allowlist: set[str]) -> Counter:
    """Counter of words that are neither in the lexicon nor allowed (case-sensitive allowlist, then lower-case)."""
    found: Counter = Counter()
    for w in words_of(body):
        parts = [p for p in re.split(r"-", w) if p]
        for part in parts:
            if part in allowlist or part.lower() in allowlist or lexicon.is_word(part):
                continue
            found[part] += 1
    return found

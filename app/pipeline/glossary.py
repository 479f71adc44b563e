"""Expand the lexical query with the Swedish terms of a reviewed multilingual glossary.

A resident who writes 'return grant', 'منحة العودة' or 'deeqda dib-u-laabashada' gets
'återvandringsbidrag' added to the BM25 query, which closes much of the gap where the embedding
model is weak (app/i18n/glossary.yaml; measured in scripts/eval_multilingual.py).
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from app.datafile import load_yaml
from app.guard.classifier import strip_marks

GLOSSARY_FILE = Path(__file__).resolve().parent.parent / "i18n" / "glossary.yaml"


KEY = 3   # variants are at least this long; their first characters index them


class Glossary:
    """Variants indexed by their first KEY characters, so a question is scanned once, word start by word start."""

    def __init__(self, entries: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]) -> None:
        self.entries = entries   # (swedish terms, normalised variants)
        self._by_start: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for n, (_, variants) in enumerate(entries):
            for v in variants:
                self._by_start[v[:KEY]].append((v, n))
        self._key_lengths = sorted({len(k) for k in self._by_start})   # KEY, or shorter after diacritics went

    def expand(self, text: str) -> str:
        """The Swedish terms of every entry with a variant at the start of a word (stems may run on:
        Slavic, Turkish, Somali endings), in glossary order; empty when none. One pass over word starts."""
        low = strip_marks(text.lower())
        hit: set[int] = set()
        for i, ch in enumerate(low):
            if i and _is_word(low[i - 1]):
                continue
            for size in self._key_lengths:
                for variant, n in self._by_start.get(low[i:i + size], ()):
                    if low.startswith(variant, i):
                        hit.add(n)
        found = [term for n in sorted(hit) for term in self.entries[n][0]]
        return " ".join(dict.fromkeys(found))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


@lru_cache(maxsize=4)
def load_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    if not path.exists():
        return Glossary(())
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    entries = []
    for term in data.get("terms", []):
        swedish = tuple(term.get("sv") or [])
        variants = [v for lang, vs in term.items() if lang != "sv" for v in (vs or []) if len(v) >= 3]
        if swedish and variants:
            entries.append((swedish, tuple(dict.fromkeys(strip_marks(v.lower()) for v in variants))))
    return Glossary(tuple(entries))

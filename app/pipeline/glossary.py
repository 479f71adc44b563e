"""Expand the lexical query with the Swedish terms of a reviewed multilingual glossary.

A resident who writes 'return grant', 'منحة العودة' or 'deeqda dib-u-laabashada' gets
'återvandringsbidrag' added to the BM25 query, which closes much of the gap where the embedding
model is weak (app/i18n/glossary.yaml; measured in scripts/eval_multilingual.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from app.guard.classifier import strip_marks

GLOSSARY_FILE = Path(__file__).resolve().parent.parent / "i18n" / "glossary.yaml"


@dataclass(frozen=True)
class Glossary:
    entries: tuple[tuple[tuple[str, ...], tuple[re.Pattern, ...]], ...]   # (swedish terms, variant patterns)

    def expand(self, text: str) -> str:
        """The Swedish terms of every entry whose variants occur in the text (empty when none)."""
        low = strip_marks(text.lower())
        found: list[str] = []
        for swedish, patterns in self.entries:
            if any(p.search(low) for p in patterns):
                found.extend(swedish)
        return " ".join(dict.fromkeys(found))


def _variant_pattern(variant: str) -> re.Pattern:
    v = re.escape(strip_marks(variant.lower()))
    # Word start for scripts with spaces between words; stems may continue (Slavic, Turkish, Somali endings).
    return re.compile(rf"(?:^|[\s\W]){v}")


@lru_cache(maxsize=4)
def load_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    if not path.exists():
        return Glossary(())
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = []
    for term in data.get("terms", []):
        swedish = tuple(term.get("sv") or [])
        variants = [v for lang, vs in term.items() if lang != "sv" for v in (vs or []) if len(v) >= 3]
        if swedish and variants:
            entries.append((swedish, tuple(_variant_pattern(v) for v in variants)))
    return Glossary(tuple(entries))

"""Does a sentence hold an answer of the kind the question asks for?

An amount question needs a sum of money, a "when / how long" question a date or a duration, a contact question
a phone number or an address. Kinds without a surface form (eligibility, procedure, yes/no, description) are
decided by the topic's coverage instead. Written for Swedish and English authority prose.
"""
from __future__ import annotations

import re

_MONTHS = ("januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december|"
           "january|february|march|may|june|july|august|october")
SHAPES = {
    "amount": re.compile(r"\d[\d\s\u00a0]*(?:[.,]\d+)?\s?(?:kr\b|kronor|SEK|miljon(?:er)? kronor|euro|€)", re.I),
    "date_duration": re.compile(
        rf"\b\d{{1,2}}\s(?:{_MONTHS})\b|\b(?:{_MONTHS})\s\d{{4}}\b|\b(?:19|20)\d{{2}}\b|"
        r"\b\d+\s(?:dagar|veckor|månader|år|days|weeks|months|years)\b|\b(?:inom|senast|within|by)\s\w+", re.I),
    "contact": re.compile(r"\b0\d{2,3}[-\s]?\d|\+46|https?://|\bwww\.|\b\w+\.(?:se|org|com)\b", re.I),
}


def holds(kind: str, sentence: str) -> bool:
    """True when the sentence has the surface form the kind needs (always true for kinds without one)."""
    shape = SHAPES.get(kind)
    return True if shape is None else bool(shape.search(sentence))

"""Find and remove personal data before anything is stored, logged or echoed.

Swedish personnummer and samordningsnummer (checked with the Luhn digit), e-mail addresses, phone numbers,
Migrationsverket case/dossier numbers, LMA and UMA card numbers, passport numbers and street addresses, as
residents write them in any of the 16 languages.

Residents type digits in their own script (Arabic-Indic ١٩٨١, Persian ۱۹۸۱, full-width １９８１), dashes their
keyboard chooses (– — ‐ −) and spaces of every width. Matching therefore runs on a *matching form* of the
message: every Unicode decimal digit as 0-9, every dash as '-', every space as ' ', invisible format
characters dropped, accents and Arabic-script marks folded. Each character of that form remembers where it
came from, so what is found is cut out of the original message, and the original text stays as written
wherever nothing is found. The words that announce numbers and addresses in each language are data
(app/pipeline/redaction.yaml).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from app.datafile import load_yaml

WORDS_FILE = Path(__file__).with_name("redaction.yaml")
PLACEHOLDER = {"personnummer": "[personnummer]", "email": "[e-post]", "phone": "[telefon]", "case": "[ärendenummer]",
               "card": "[kortnummer]", "passport": "[passnummer]", "address": "[adress]"}

# Dashes that are not in Unicode's dash category (Pd) but are typed as one.
_EXTRA_DASHES = {"\u2212", "\u2043", "\ufe63", "\uff0d", "\u02d7", "\u2796"}
# Arabic letters written two ways: Arabic and Persian yeh and kaf, alef maksura, teh marbuta.
_FOLD = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u0629": "\u0647"})


@dataclass
class Redaction:
    text: str
    kinds: list[str]

    @property
    def found(self) -> bool:
        return bool(self.kinds)


@dataclass(frozen=True)
class MatchingForm:
    """The message as the patterns see it; origin[i] is the index in the original of character i."""
    text: str
    origin: tuple[int, ...]


def _fold_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if category == "Pd" or ch in _EXTRA_DASHES:
        return "-"
    if category == "Zs" or ch in "\t\r\v\f":
        return " "
    if category == "Cf" or category == "Mn":
        return ""            # zero-width joiners, soft hyphens, direction marks; stray combining marks
    if ch.isascii():
        return ch
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").translate(_FOLD)


def matching_form(text: str) -> MatchingForm:
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        chars.append(folded)
        origin.extend([i] * len(folded))
    return MatchingForm("".join(chars), tuple(origin))


def fold(text: str) -> str:
    return matching_form(text).text


# --- patterns on the matching form -------------------------------------------------------------------------

_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
# YYMMDD-NNNN or YYYYMMDDNNNN, with or without - or +; samordningsnummer add 60 to the day.
_PNR = re.compile(r"(?<!\d)((?:19|20)?\d{2})(\d{2})(\d{2}) {0,2}([-+]?) {0,2}(\d{3})(\d)(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+/])(?:\+|00)\d{1,3}[ -]?(?:\(0\))?[ -]?\d{1,4}(?:[ -]?\d{2,4}){2,4}(?!\d)"
                    r"|(?<![\w+/.-])0\d{1,3}[ -]?\d{2,3}(?:[ -]?\d{2,3}){1,3}(?![\d/])")
# Migrationsverket's own forms, without any word before them: "12-345678" (dossier), "UT2024-12345",
# and the LMA card's "12-345678-9".
_BARE_CARD = re.compile(r"(?<![\d-])\d{2}-\d{6}-\d(?![\d-])")
_BARE_CASE = re.compile(r"(?<![\d-])\d{1,2}-\d{6,7}(?!-?\d)|\b(?:UT|MIG|MIGR) ?\d{4}[-/]\d{3,6}\b")
_BARE_PASSPORT = re.compile(r"\b[A-Z]{1,2}\d{6,8}\b")
# A long number after a word that announces it: six digits or more, single separators between them.
# (A letter may follow: Sorani and Arabic write the copula or a clitic onto the number.)
_LONG_NUMBER = r"(?<![\w-])(?:[a-z]{1,3}-?)?\d(?:(?: ?[./-] ?| )?\d){5,}(?:-[a-z0-9](?!\w))?(?!\d)"
_PASSPORT_NUMBER = r"(?<!\w)(?:(?:[a-z]{1,2} ?)?\d{6,9}|(?=[a-z]*\d)[a-z0-9]{6,9})(?!\w)"
# No question or exclamation mark and no line break between a word and its number; at most a few words.
_GAP = r"[^\d\n?!؟።]{0,40}?"
_YEAR_OR_DATE = re.compile(r"(?:19|20)\d\d ?- ?(?:19|20)?\d\d|(?:19|20)\d\d[-./]\d\d?[-./]\d\d?|\d\d?[-./]\d\d?[-./](?:19|20)\d\d")
_HOUSE_NUMBER = r"(?<!\d)(?!(?:19|20)\d\d(?!\d))\d{1,4}(?!\d)(?: ?[a-z](?![^\W\d_]))?"
# Swedish streets ("Storgatan 12", "storvägen 5 B, 123 45 Örebro"), in the matching form: accents folded.
_SWEDISH_STREET = re.compile(
    r"(?<![^\W\d_])(?:[A-Z][a-z]+(?:gatan|vagen|grand|torget|allen|stigen|backen|plan|leden|gata|vag)"
    r"|[a-z]+(?:gatan|vagen|grand|torget|allen|stigen|backen|leden))"
    r" \d{1,4} ?[A-Za-z]?\b(?:,? ?\d{3} ?\d{2} [A-Z][a-z]+)?")
_POSTCODE_CITY = re.compile(r"(?<!\d)\d{3} \d{2} [A-Z][a-z]+\b")


def _alternatives(entries: list[str]) -> str:
    # Longest first, so "case number" is preferred over "case"; entries are folded as messages are.
    return "|".join(sorted({fold(e) for e in entries}, key=len, reverse=True))


def _announcing(words: dict[str, list[str]], prefixes: dict[str, str]) -> str:
    """One alternation of the words of every language, each with its language's clitic prefixes."""
    groups = []
    for lang, entries in words.items():
        groups.append(f"{prefixes.get(lang, '')}(?:{_alternatives(entries)})")
    return f"{_NOT_LETTER_BEFORE}(?:{'|'.join(groups)}){_NOT_LETTER_AFTER}"


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern
    check: Callable[[re.Match], bool] | None = None
    group: str | int = 0          # the part of the match that is removed


def _personnummer(m: re.Match) -> bool:
    yy, mm, dd, _, serial, check = m.groups()
    month, day = int(mm), int(dd)
    if day > 60:
        day -= 60  # samordningsnummer
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    return luhn_ok(yy[-2:] + mm + dd + serial + check)


def _not_a_year_or_date(m: re.Match) -> bool:
    return not _YEAR_OR_DATE.fullmatch(m.group("number"))


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """Every rule, in the order a conflict is decided (an earlier kind wins a span they share)."""
    data = load_yaml(WORDS_FILE.read_text(encoding="utf-8"))
    prefixes = {lang: fold(p) for lang, p in data.get("prefixes", {}).items()}
    words = data["number_words"]
    flags = re.IGNORECASE
    street_first = _announcing(data["street_first"], prefixes)
    street_last = data["street_last"]["en"]
    any_case = _alternatives(street_last["any"])
    capitalised = _alternatives(street_last["capitalised"])
    name = r"[^\W\d_][\w'’.-]*"
    capital_name = r"(?-i:[A-Z])[\w'’.-]*"
    return (
        Rule("email", _EMAIL),
        Rule("personnummer", _PNR, _personnummer),
        Rule("card", re.compile(f"{_announcing(words['card'], prefixes)}{_GAP}(?P<number>{_LONG_NUMBER})", flags),
             group="number"),
        Rule("card", _BARE_CARD),
        Rule("case", re.compile(f"{_announcing(words['case'], prefixes)}{_GAP}(?P<number>{_LONG_NUMBER})", flags),
             _not_a_year_or_date, group="number"),
        Rule("case", _BARE_CASE),
        Rule("passport", re.compile(f"{_announcing(words['passport'], prefixes)}{_GAP}(?P<number>{_PASSPORT_NUMBER})",
                                    flags), group="number"),
        Rule("passport", _BARE_PASSPORT),
        Rule("phone", _PHONE),
        Rule("address", _SWEDISH_STREET),
        Rule("address", _POSTCODE_CITY),
        # "12 Baker Street", "14 elm road"
        Rule("address", re.compile(
            rf"(?<!\d)\d{{1,5}}(?: ?[a-z])?,? (?:(?:{name} ){{1,3}}(?:{any_case})|(?:{capital_name} ){{1,3}}"
            rf"(?:{capitalised})){_NOT_LETTER_AFTER}\.?", flags)),
        # "Atatürk Caddesi No: 12", "ул. Ленина, д. 5", "شارع الملك فهد ١٢", "Calle Mayor 12"
        Rule("address", re.compile(
            rf"(?:(?-i:[A-Z])\w+ ){{0,2}}{street_first}{_GAP}(?:(?:no|nr|n|br|d)\.? ?:? ?)?{_HOUSE_NUMBER}",
            flags)),
        # "12 rue de la Paix", "5 bis, avenue Foch"
        Rule("address", re.compile(
            rf"(?<!\d)\d{{1,4}}(?: ?(?:bis|ter|[a-z]))?,? {street_first} (?:[\w'’.-]+ ){{0,3}}[\w'’.-]+", flags)),
        # "my address is Flat 3, 14 Elm Grove", "عنواني هو شارع ... ١٢"
        Rule("address", re.compile(
            rf"{_announcing(data['address_words'], prefixes)}(?P<rest>{_GAP}{_HOUSE_NUMBER}"
            r"(?:,? ?\d{3} ?\d{2}(?: [^\W\d_]+)?)?)", flags), group="rest"),
    )


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _spans(form: MatchingForm) -> list[tuple[int, int, str]]:
    """Spans of the matching form to remove, merged where they overlap (the earlier rule names the kind)."""
    taken: list[list] = []
    for rule in rules():
        for m in rule.pattern.finditer(form.text):
            if rule.check and not rule.check(m):
                continue
            start, end = m.span(rule.group)
            if start == end:
                continue
            for span in taken:
                if start < span[1] and end > span[0]:
                    span[0], span[1] = min(span[0], start), max(span[1], end)
                    break
            else:
                taken.append([start, end, rule.kind])
    taken.sort()
    merged: list[list] = []
    for span in taken:     # a widened span may now overlap the next one
        if merged and span[0] < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span[1])
        else:
            merged.append(span)
    return [(s, e, k) for s, e, k in merged]


def redact(text: str) -> Redaction:
    if not text:
        return Redaction(text, [])
    form = matching_form(text)
    spans = _spans(form)
    if not spans:
        return Redaction(text, [])
    out, at, kinds = [], 0, []
    for start, end, kind in spans:
        first, last = form.origin[start], form.origin[end - 1] + 1
        if first < at:           # two spans from one original character
            continue
        out.append(text[at:first])
        out.append(PLACEHOLDER[kind])
        at = last
        kinds.append(kind)
    out.append(text[at:])
    return Redaction("".join(out), list(dict.fromkeys(kinds)))

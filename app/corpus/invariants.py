"""What a translation must carry over unchanged from its Swedish source sentence.

Numbers (amounts, dates, percentages, counts), law and file references (1984:890, Ju2025/00949), URLs, phone
numbers and the names of authorities and organisations. A translation missing any of them is never served
and is listed for staff: a resident must never read a different sum, date or authority than the source says.

Numbers are compared by value, so "13 750", "13,750" and "١٣٧٥٠" are the same number, and "3,5" is "3.5".
Names are compared in Latin script (a translation keeps the Swedish name, and may add its own word beside it).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Swedish authorities and organisations that appear in the corpus and must keep their names in any language.
NAMES = (
    "Migrationsverket", "Arbetsförmedlingen", "Försäkringskassan", "Kriminalvården", "Polismyndigheten",
    "Statens servicecenter", "Delegationen för migrationsstudier", "Delmi", "Seefar", "Hjemrejsestyrelsen",
    "Dansk Flyktinghjälp", "Askersund", "Länsstyrelsen", "Statistiska Centralbyrån", "Sveriges Kommuner och Regioner",
    "Krimnet", "Infab", "UNHCR", "informationsverige.se", "Polisen.se", "FK.se", "arbetsformedlingen.se",
)
_URL = re.compile(r"https?://[^\s\])]+|\b[\w-]+(?:\.[\w-]+)*\.(?:se|org|com|eu|nu)\b", re.I)
_REFERENCE = re.compile(r"\b\d{4}:\d+\b|\b[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,4}\s?\d{4}[/:-]\d+\b|\b\d+(?:\.\d+){2,}(?:-\d+)+\b")
_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?")


def _ascii_digits(text: str) -> str:
    """Every Unicode decimal digit as 0-9 (Arabic-Indic, Persian, full-width...), and the Arabic decimal and
    thousands marks as '.' and ','."""
    out = []
    for ch in text:
        if ch.isdigit() and not ("0" <= ch <= "9"):
            try:
                out.append(str(unicodedata.decimal(ch)))
                continue
            except ValueError:
                pass
        out.append({"٫": ".", "٬": ",", "،": ","}.get(ch, ch))
    return "".join(out)


def _number_value(token: str) -> str:
    """'13 750' → '13750'; '3,5' → '3.5'; '1,234' (thousands) → '1234'."""
    t = re.sub(r"[ \u00a0\u202f]", "", token)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", t):      # English thousands separators
        t = t.replace(",", "")
    t = t.replace(",", ".")
    if re.fullmatch(r"\d+\.0+", t):
        t = t.split(".")[0]
    return t.lstrip("0") or "0"


def numbers(text: str) -> list[str]:
    """The numbers of a text by value, references and URLs taken out (they are checked whole)."""
    text = _ascii_digits(text)
    text = _URL.sub(" ", text)
    text = _REFERENCE.sub(" ", text)
    return sorted(_number_value(m.group()) for m in _NUMBER.finditer(text))


def references(text: str) -> list[str]:
    return sorted(re.sub(r"\s", "", m.group()) for m in _REFERENCE.finditer(_ascii_digits(text)))


def urls(text: str) -> list[str]:
    return sorted(m.group().rstrip(".,;").lower() for m in _URL.finditer(text))


def names(text: str) -> list[str]:
    low = text.lower()
    return sorted(n for n in NAMES if n.lower() in low)


@dataclass(frozen=True)
class InvariantCheck:
    missing: tuple[str, ...]      # what the source has and the translation lacks ("number 13750", "name Seefar")

    @property
    def ok(self) -> bool:
        return not self.missing


def check_translation(source: str, translation: str) -> InvariantCheck:
    """Every number, reference, URL and name of the source must be in the translation (numbers as a multiset)."""
    missing: list[str] = []
    have = numbers(translation)
    for n in numbers(source):
        if n in have:
            have.remove(n)
        else:
            missing.append(f"number {n}")
    refs = references(translation)
    missing += [f"reference {r}" for r in references(source) if r not in refs]
    trans_urls = urls(translation)
    missing += [f"url {u}" for u in urls(source) if u not in trans_urls]
    low = translation.lower()
    missing += [f"name {n}" for n in names(source) if n.lower() not in low]
    return InvariantCheck(tuple(missing))

"""Find and remove personal data before anything is stored, logged or echoed.

Swedish personnummer and samordningsnummer (checked with the Luhn digit), phone numbers, e-mail
addresses, Migrationsverket case/dossier numbers, passport numbers and street addresses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# YYMMDD-NNNN, YYYYMMDDNNNN, with or without -/+; samordningsnummer add 60 to the day.
_PNR = re.compile(r"(?<!\d)((?:19|20)?\d{2})(\d{2})(\d{2})\s?([-+]?)\s?(\d{3})(\d)(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)\d{1,3}[\s-]?(?:\(0\))?[\s-]?\d{1,4}(?:[\s-]?\d{2,4}){2,4}(?!\d)"
                    r"|(?<![\w+])0\d{1,3}[\s/-]?\d{2,3}(?:[\s-]?\d{2,3}){1,3}(?!\d)")
# Case and dossier numbers: "ärende 12-345678", "dossiernummer 1-234567", "UT2024-12345", "1.3.4-2025-12345".
_CASE = re.compile(r"(?i)\b(?:ärende(?:nummer|nr)?|ärendenr|dossier(?:nummer|nr)?|case(?:\s*(?:no|number))?|"
                   r"beslut(?:snummer)?|dnr|diarienummer)[\s.:#]*[A-ZÅÄÖ]{0,3}\d[\d.\-/ ]{4,}\d"
                   r"|\b\d{1,2}-\d{6,7}\b|\b(?:UT|MIG|MIGR)\s?\d{4}[-/]\d{3,6}\b")
_PASSPORT = re.compile(r"(?i)\b(?:pass(?:nummer|nr|port)?(?:\s*(?:no|number|nr))?|passport)[\s.:#]*[A-Z0-9]{6,9}\b"
                       r"|\b[A-Z]{1,2}\d{6,8}\b")
_ADDRESS = re.compile(r"\b[A-ZÅÄÖ][a-zåäöé]+(?:gatan|vägen|gränd|torget|allén|stigen|backen|plan|leden|gata|väg)"
                      r"\s+\d{1,4}\s?[A-Za-z]?\b(?:,?\s*\d{3}\s?\d{2}\s+[A-ZÅÄÖ][a-zåäö]+)?")
_POSTCODE_CITY = re.compile(r"\b\d{3}\s\d{2}\s+[A-ZÅÄÖ][a-zåäö]+\b")

PLACEHOLDER = {"personnummer": "[personnummer]", "email": "[e-post]", "phone": "[telefon]", "case": "[ärendenummer]",
               "passport": "[passnummer]", "address": "[adress]"}


@dataclass
class Redaction:
    text: str
    kinds: list[str]

    @property
    def found(self) -> bool:
        return bool(self.kinds)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _personnummer(m: re.Match) -> bool:
    yy, mm, dd, _, serial, check = m.groups()
    month, day = int(mm), int(dd)
    if day > 60:
        day -= 60  # samordningsnummer
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    return luhn_ok(yy[-2:] + mm + dd + serial + check)


def redact(text: str) -> Redaction:
    kinds: list[str] = []

    def sub(pattern: re.Pattern, kind: str, text: str, check=None) -> str:
        def repl(m: re.Match) -> str:
            if check and not check(m):
                return m.group(0)
            kinds.append(kind)
            return PLACEHOLDER[kind]
        return pattern.sub(repl, text)

    text = sub(_EMAIL, "email", text)
    text = sub(_PNR, "personnummer", text, _personnummer)
    text = sub(_CASE, "case", text)
    text = sub(_PASSPORT, "passport", text)
    text = sub(_PHONE, "phone", text)
    text = sub(_ADDRESS, "address", text)
    text = sub(_POSTCODE_CITY, "address", text)
    return Redaction(text, list(dict.fromkeys(kinds)))

"""Opening hours in the resident's language: "mon-fri 09:00-16:00" → "måndag–fredag, 09:00–16:00".

Hours are written once, in a small language-neutral form (days as mon..sun, ranges with '-', several spans with
';'), and shown with the catalogue's day names and format; text that is not in this form is shown as written
(a site may give its hours per language instead).
"""
from __future__ import annotations

import re

from app.i18n.catalogue import text

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^\s*(?P<d1>mon|tue|wed|thu|fri|sat|sun)(?:\s*[-–]\s*(?P<d2>mon|tue|wed|thu|fri|sat|sun))?\s+"
                   r"(?P<open>\d{1,2}(?::\d{2})?)\s*[-–]\s*(?P<close>\d{1,2}(?::\d{2})?)\s*$", re.I)
_TIME_ONLY = re.compile(r"^\s*(?P<open>\d{1,2}(?::\d{2})?)\s*[-–]\s*(?P<close>\d{1,2}(?::\d{2})?)\s*$")


def _clock(value: str) -> str:
    hours, _, minutes = value.partition(":")
    return f"{int(hours):02d}:{minutes or '00'}"


def localised_hours(spec: str, language: str) -> str:
    """The hours in `language`, or the spec unchanged when it is free text."""
    if not spec:
        return ""
    if _TIME_ONLY.match(spec):
        m = _TIME_ONLY.match(spec)
        return f"{_clock(m['open'])}–{_clock(m['close'])}"
    out = []
    for part in spec.split(";"):
        m = _SPAN.match(part)
        if not m:
            return spec
        days = text(f"day_{m['d1'].lower()}", language)
        if m["d2"]:
            days += "–" + text(f"day_{m['d2'].lower()}", language)
        out.append(text("hours_format", language, days=days, open=_clock(m["open"]), close=_clock(m["close"])))
    return "; ".join(out)

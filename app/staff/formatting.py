"""How staff pages show values: times, shares, language names, text direction, the notices residents saw."""
from __future__ import annotations

import datetime as dt

from app.i18n.catalogue import messages
from app.i18n.languages import LANGUAGES
from app.staff.auth import as_utc


def when(value) -> str:
    if not value:
        return ""
    return as_utc(value).strftime("%Y-%m-%d %H:%M UTC") if isinstance(value, dt.datetime) else str(value)


def pct(value) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


def language_name(code: str) -> str:
    lang = LANGUAGES.get(code or "")
    return f"{lang.name} ({code})" if lang else (code or "unknown")


def text_direction(code: str) -> str:
    lang = LANGUAGES.get(code or "")
    return lang.direction if lang else "auto"


def notice(key: str, language: str) -> str:
    """The catalogue text the resident saw for a notice, in their language."""
    texts = messages(language) or messages("en")
    return texts.get(key) or texts.get(f"{key}_notice") or key


def topic_namer(bundle):
    """topic id -> its English name (from the index's resident topics), for staff pages."""
    catalogue = bundle.catalogue if bundle is not None else None

    def name(topic: str) -> str:
        if topic and catalogue is not None and topic in catalogue.topics:
            return catalogue.text(topic, "en").name
        return topic or "general questions (no resident topic)"
    return name


def contact_namer(bundle):
    """follow-through contact key -> who that is, for staff pages (app/api/followthrough.py gives the keys)."""
    catalogue = bundle.catalogue if bundle is not None else None
    own = {"migrationsverket": "Migrationsverket", "site": "the site's own contact", "other": "another contact"}

    def name(key: str) -> str:
        if key in own:
            return own[key]
        if catalogue is not None and key in catalogue.authorities:
            return catalogue.authorities[key].name
        return key
    return name

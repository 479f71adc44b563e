"""The one table of supported languages: endonym, script, direction and what Källa can do in each."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str            # BCP 47
    name: str            # English name, for staff
    endonym: str         # shown in the widget's picker
    script: str          # ISO 15924
    direction: str       # "ltr" | "rtl"
    detectable: bool     # can be told from text (Dari cannot be told from Persian: chosen only)
    retrieval_measured: bool  # recall@3 measured on the translated eval set (scripts/eval_multilingual.py)


LANGUAGES: dict[str, Language] = {lang.code: lang for lang in [
    Language("sv", "Swedish", "Svenska", "Latn", "ltr", True, True),
    Language("en", "English", "English", "Latn", "ltr", True, True),
    Language("ar", "Arabic", "العربية", "Arab", "rtl", True, True),
    Language("fa", "Persian", "فارسی", "Arab", "rtl", True, True),
    Language("prs", "Dari", "دری", "Arab", "rtl", False, True),
    Language("so", "Somali", "Soomaali", "Latn", "ltr", True, True),
    Language("ti", "Tigrinya", "ትግርኛ", "Ethi", "ltr", True, True),
    Language("am", "Amharic", "አማርኛ", "Ethi", "ltr", True, True),
    Language("uk", "Ukrainian", "Українська", "Cyrl", "ltr", True, True),
    Language("ru", "Russian", "Русский", "Cyrl", "ltr", True, True),
    Language("ckb", "Kurdish (Sorani)", "کوردی (سۆرانی)", "Arab", "rtl", True, True),
    Language("kmr", "Kurdish (Kurmanji)", "Kurmancî", "Latn", "ltr", True, True),
    Language("tr", "Turkish", "Türkçe", "Latn", "ltr", True, True),
    Language("bs", "Bosnian/Croatian/Serbian", "Bosanski/Hrvatski/Srpski", "Latn", "ltr", True, True),
    Language("fr", "French", "Français", "Latn", "ltr", True, True),
    Language("es", "Spanish", "Español", "Latn", "ltr", True, True),
]}

# Codes residents or detectors may send that mean a supported language.
ALIASES = {"hr": "bs", "sr": "bs", "sh": "bs", "ku": "kmr", "fa-af": "prs", "sv-se": "sv", "en-gb": "en",
           "en-us": "en", "nb": "sv", "no": "sv", "da": "sv"}


def normalise_code(code: str | None) -> str | None:
    """A supported language code for what a resident or detector said, or None."""
    if not code:
        return None
    c = code.strip().lower().replace("_", "-")
    c = ALIASES.get(c, c)
    if c in LANGUAGES:
        return c
    base = c.split("-", 1)[0]
    base = ALIASES.get(base, base)
    return base if base in LANGUAGES else None


def direction(code: str) -> str:
    lang = LANGUAGES.get(code)
    return lang.direction if lang else "ltr"


def first_supported(*codes: str | None, default: str = "sv") -> str:
    """The first code that names a supported language, else default."""
    for code in codes:
        found = normalise_code(code)
        if found:
            return found
    return default


def fallback_language(chosen: str | None = None, previous: str | None = None, site: str | None = None,
                      default: str | None = None) -> tuple[str, str]:
    """(language, source) when the text itself does not say: the resident's choice, the conversation's language,
    the site's, the service's default, Swedish. The one place this order is written down."""
    for code, source in ((chosen, "chosen"), (previous, "conversation"), (site, "site"), (default, "default")):
        found = normalise_code(code)
        if found:
            return found, source
    return "sv", "default"

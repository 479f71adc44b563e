"""Step 1 — know the resident's language: explicit choice, then script rules, then a statistical detector.

Very short or ambiguous text falls back to the conversation's or the site's language instead of guessing.
"""
from __future__ import annotations

import re
from functools import lru_cache

from app.i18n.languages import fallback_language, normalise_code
from app.pipeline.context import Context

_ETHIOPIC = re.compile(r"[\u1200-\u137F]")
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_SORANI_ONLY = re.compile(r"[ەێۆڕڵۊ]")      # letters Sorani uses and Persian/Arabic do not
_PERSIAN_ONLY = re.compile(r"[پچژگکی]")      # letters Persian (and Sorani) use and Arabic does not
_ARABIC_ONLY = re.compile(r"[ةى]|(?:^|\s)ال")  # Arabic spelling: taa marbuta, alif maqsura, the article
_UKRAINIAN_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RUSSIAN_ONLY = re.compile(r"[ыэъЫЭЪё]")
# Common Tigrinya-only words; otherwise Ethiopic text is taken as Tigrinya unless the site says Amharic.
_TIGRINYA_LETTERS = re.compile(r"[\u1250-\u125F\u12B8-\u12BF\u12C0-\u12C5]")  # ቐ- and ኸ-series: Tigrinya only
_AMHARIC_LETTERS = re.compile(r"[ቸቹቺቻቼችቾሸሹሺሻሼሽሾኘኙኚኛኜኝኞዠዡዢዣዤዥዦ]")     # far commoner in Amharic
_AMHARIC_WORDS = re.compile(r"(እንዴት|ነው|እችላለሁ|ምንድን|የት|ስንት|መቼ|አለብኝ|ይቻላል|እፈልጋለሁ|ምን|ለምን|ገንዘብ|ልጆች)")
_TIGRINYA_WORDS = re.compile(r"(ከመይ|እዩ|ክንደይ|ኣሎ|ዶ|መዓስ|ኣበይ|እንታይ|ይኽእል|ክኽእል|ኣለኒ|ደልየ|ቆልዑ|ገንዘብ)")
# Arabic written in Latin letters ("Arabizi"): digits used as letters inside words, and frequent words.
_ARABIZI = re.compile(r"\b\w*[a-z][2357]\w*\b|\b(?:ana|ma3|shu|sho|kif|kaif|keef|bidi|baddi|3andi|mumkin|momken|"
                      r"ya3ni|wallah|inshallah|lazem|3am|biddi|ahl|flus|fulus|masari|raj3a|rjou3|el|al)\b", re.I)
MIN_DETECT_CHARS = 12   # below this (and with fewer than 3 words) we do not guess
# Names of Swedish authorities and benefits appear in questions in every language: they say nothing
# about the resident's language, so the statistical detector does not see them.
_SWEDISH_NAMES = re.compile(r"(?i)\b(migrationsverket\w*|arbetsförmedlingen\w*|försäkringskassan\w*|"
                            r"kriminalvården\w*|polisen\w*|polismyndigheten\w*|återvandrings?\w*|skatteverket\w*|"
                            r"socialtjänsten\w*|kommunen\w*|sfi|askersund\w*)\b")
_CYRILLIC_HINTS = {
    "uk": r"(?:^|\s)(як|що|чи|мені|мене|допомог\w*|заяв\w*|можна|повернення|будь|додому|скільки|гроші|дітей)(?=\s|$|[?,.!])",
    "ru": r"(?:^|\s)(как|что|можно|помощь|пособие|вернуться|мне|ли|сколько|деньги|детей|домой|получить)(?=\s|$|[?,.!])",
}
CLD3_LANGS = {"sv", "en", "ar", "fa", "so", "am", "uk", "ru", "ku", "tr", "bs", "hr", "sr", "fr", "es"}
_LATIN_HINTS = {
    # A few frequent function words per Latin-script language, to settle close calls on short text.
    "so": r"\b(waxaan|sidee|maxaa|miyaan|lacag|dalka|ku|ka|iyo|waa|haddii|ahay|aan|carruurta|dib)\b",
    "kmr": r"\b(ez|çawa|cawa|çi|dikarim|min|heye|pere|welat|vegerim|zarok|ji|bo|an|li|ku|dê|nîne|erê|çend|çiqas|"
           r"ciqas|wext|digire|bersiv|alîkarî|alikari|vegerîn|vegerin|welatê|dixwazim|divê|kengî|kengi)\b",
    "fr": r"\b(je|dois|est|les|des|pour|mon|ma|mes|argent|rembourser|vous|peux|puis|quels?|quelle|combien|"
          r"aide|retour|pays|enfants|avec|est-ce)\b|\b[lj]'",
    "es": r"\b(puedo|dinero|cuánto|cuanto|qué|que|para|mis|hijos|ayuda|volver|país|pais|tengo|cómo|como|"
          r"dónde|donde|los|las|el|una)\b",
    "bs": r"\b(kako|mogu|da|li|je|za|se|što|šta|koliko|novac|povratak|dobiti|djeca|deca|nazad|imam)\b",
    "tr": r"\b(nasıl|nasil|için|icin|mı|mi|mu|ne|kadar|para|geri|dönmek|donmek|çocuk|yardım|alabilir)\b",
    "sv": r"\b(hur|jag|och|det|är|ar|får|far|kan|vad|om|att|inte|för|pengar|pengarna|bidrag|hem|barn|till|"
          r"när|nar|betalas|ut|mitt|min|måste|maste|vilka|vem|var|finns)\b",
    "en": r"\b(how|can|the|what|is|my|get|back|money|grant|i|do|to|home|children|want|return)\b",
}


@lru_cache(maxsize=1)
def _cld3():
    import gcld3

    return gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)


def _script_rules(text: str, site_language: str | None) -> str | None:
    if _ETHIOPIC.search(text):
        # Tigrinya writes the glottal a as ኣ, Amharic as አ; Amharic marks possession with a word-initial የ.
        am = len(_AMHARIC_WORDS.findall(text)) + text.count("አ") + len(re.findall(r"(?:^|\s)የ", text)) + \
            len(_AMHARIC_LETTERS.findall(text))
        ti = len(_TIGRINYA_WORDS.findall(text)) + text.count("ኣ") + len(re.findall(r"(?:^|\s)ናይ", text)) + \
            2 * len(_TIGRINYA_LETTERS.findall(text))
        if am > ti:
            return "am"
        if ti > am:
            return "ti"
        return "am" if site_language == "am" else "ti"
    if _ARABIC.search(text):
        if _SORANI_ONLY.search(text):
            return "ckb"
        if _PERSIAN_ONLY.search(text) and not _ARABIC_ONLY.search(text):
            return "fa"
        return None  # decided by the detector among ar/fa
    if _CYRILLIC.search(text):
        if _UKRAINIAN_ONLY.search(text):
            return "uk"
        if _RUSSIAN_ONLY.search(text):
            return "ru"
        return None
    return None


def _statistical(text: str) -> tuple[str | None, float]:
    res = _cld3().FindTopNMostFreqLangs(text, num_langs=3)
    for r in res:
        code = r.language.split("-")[0]
        if code in CLD3_LANGS:
            lang = normalise_code({"ku": "kmr"}.get(code, code))
            return lang, float(r.probability)
    return None, 0.0


def _latin_hint(text: str) -> dict[str, int]:
    low = text.lower()
    return {lang: len(re.findall(p, low)) for lang, p in _LATIN_HINTS.items()}


def detect_language(text: str, site_language: str | None = None) -> tuple[str | None, str]:
    """(language or None, how it was decided) for a text with no explicit choice."""
    stripped = text.strip()
    words = re.findall(r"\w+", stripped)
    if len(stripped) < MIN_DETECT_CHARS and len(words) < 3:
        # Script alone is still safe for short text in a script only one supported language uses.
        return _script_rules(stripped, site_language) if (_ETHIOPIC.search(stripped) or _SORANI_ONLY.search(stripped)) \
            else None, "too-short"
    by_script = _script_rules(stripped, site_language)
    if by_script:
        return by_script, "script"
    if "¿" in stripped or "¡" in stripped:
        return "es", "script"
    if _CYRILLIC.search(stripped):
        low = stripped.lower()
        uk, ru = (len(re.findall(_CYRILLIC_HINTS[k], low)) for k in ("uk", "ru"))
        if uk != ru:
            return ("uk" if uk > ru else "ru"), "detector+hints"
    without_names = _SWEDISH_NAMES.sub(" ", stripped)
    if len(re.findall(r"\w+", without_names)) >= 2:
        stripped = without_names
    if re.search(r"[a-z]", stripped.lower()) and not _ARABIC.search(stripped) and \
            len(_ARABIZI.findall(stripped.lower())) >= 2 and re.search(r"[a-z][2357]|[2357][a-z]", stripped.lower()):
        return "ar", "arabizi"
    lang, prob = _statistical(stripped)
    if _ARABIC.search(stripped):
        return (lang if lang in ("ar", "fa") else "ar"), "detector"
    if _CYRILLIC.search(stripped):
        return (lang if lang in ("ru", "uk") else "ru"), "detector"
    hints = _latin_hint(stripped)
    best_hint = max(hints, key=hints.get)
    lead = hints[best_hint] - hints.get(lang or "", 0)
    if hints[best_hint] >= 2 and lead > 0 and (prob < 0.9 or lead >= 2):
        return best_hint, "detector+hints"
    if lang is None or prob < 0.2:
        return (best_hint if hints[best_hint] else None), "uncertain"
    return lang, "detector"


def run(ctx: Context) -> None:
    """Reads question (choice, site, history), text; writes language and language_source (and written_in)."""
    q = ctx.question
    if normalise_code(q.language):
        ctx.language, ctx.language_source = fallback_language(chosen=q.language)
        written, how = detect_language(ctx.text)
        ctx.written_in = written if written and written != ctx.language and how != "uncertain" else ""
        return
    lang, _how = detect_language(ctx.text, normalise_code(q.site_language))
    if lang:
        ctx.language, ctx.language_source = lang, "detected"
        return
    previous = q.previous_language
    if not previous and q.history:   # "och barnen?" is too short to tell: the conversation's language tells
        previous = next((lang for t in reversed(q.history) if (lang := detect_language(t.message)[0])), None)
    ctx.language, ctx.language_source = fallback_language(previous=previous, site=q.site_language,
                                                          default=ctx.resources.default_language)

"""Choose the translation backend from the settings (KALLA_TRANSLATION, KALLA_TRANSLATION_*)."""
from __future__ import annotations

import logging
import threading

from app.i18n.languages import normalise_code
from app.translate.protocol import Translator

log = logging.getLogger("kalla.translate")


def parse_languages(value: str | None) -> list[str]:
    """'ar, fa,uk' → ['ar', 'fa', 'uk'] (Källa codes; unknown codes are dropped with a warning)."""
    codes = []
    for raw in (value or "").replace(";", ",").split(","):
        if not raw.strip():
            continue
        code = normalise_code(raw)
        if code is None:
            log.warning("KALLA_TRANSLATION_LANGUAGES: %r is not a supported language, ignored", raw.strip())
        elif code not in codes:
            codes.append(code)
    return codes


def make_translator(settings) -> Translator | None:
    """The configured translator, or None (answers then keep the Swedish quote, clearly marked).

    A configured backend that cannot load is logged as an error and left out rather than stopping
    the service: residents still get the authority's original words.
    """
    backend = (getattr(settings, "translation", "none") or "none").strip().lower()
    if backend == "none":
        return None
    if backend != "argos":
        raise ValueError(f"KALLA_TRANSLATION must be 'none' or 'argos', not {backend!r}")
    from app.translate.argos import ArgosTranslator

    translator = ArgosTranslator(languages=parse_languages(settings.translation_languages),
                                 cache_size=settings.translation_cache_size,
                                 models_dir=settings.translation_models_dir or None)
    try:
        pairs = translator.installed_pairs()
    except ImportError as exc:
        log.error("KALLA_TRANSLATION=argos but argostranslate is not installed (pip install '.[translate]'): %s", exc)
        return None
    if not pairs:
        log.warning("KALLA_TRANSLATION=argos but no argos package is installed; "
                    "run scripts/install_translation_models.py (answers stay in Swedish until then)")
    else:
        log.info("argos translation: %d packages (%s)", len(pairs),
                 ", ".join(f"{a}→{b}" for a, b in sorted(pairs)))
        # Importing argos's translation code takes seconds: do it now, beside start-up, not in an answer.
        threading.Thread(target=_warm_up, args=(translator,), name="translation-warm-up", daemon=True).start()
    return translator


def _warm_up(translator) -> None:
    try:
        translator.warm_up()
    except Exception as exc:  # noqa: BLE001 - the first answer will report the same problem
        log.error("translation warm-up failed: %s: %s", type(exc).__name__, exc)

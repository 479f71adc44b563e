"""Machine translation of cited passages, behind the small `Translator` protocol.

The backend (argostranslate) is optional and imported only when KALLA_TRANSLATION=argos.
"""
from app.translate.factory import make_translator
from app.translate.protocol import TranslationError, TranslationFailed, TranslationUnavailable, Translator

__all__ = ["Translator", "TranslationError", "TranslationFailed", "TranslationUnavailable", "make_translator"]

"""What the pipeline needs from a machine-translation backend, and the errors a backend may raise.

The answer step asks `can_translate` first and treats any exception from `translate` as "no
translation": the Swedish quote is then shown alone with the notice `translation_unavailable`.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable


class TranslationError(RuntimeError):
    """Base of every translation failure; the answer falls back to the original text."""


class TranslationUnavailable(TranslationError):
    """No installed model (direct or through the pivot language) translates this pair."""


class TranslationFailed(TranslationError):
    """A model exists but failed (broken package, empty output, runtime error)."""


@runtime_checkable
class Translator(Protocol):
    def can_translate(self, source: str, target: str) -> bool:
        """True when `translate(…, source, target)` has a model to use (cheap: loads no model)."""
        ...

    def translate(self, text: str, source: str, target: str, cache_key: str | None = None) -> str:
        """`text` in `target`. `cache_key` (e.g. the passage id) names the text for the cache.

        Raises TranslationUnavailable when there is no model for the pair, TranslationFailed when
        the model fails. Never returns an empty string for non-empty text.
        """
        ...

"""Reviewed resident-facing texts, one YAML file per language in messages/. No runtime machine translation."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from app.datafile import load_yaml
from app.i18n.languages import LANGUAGES

MESSAGES_DIR = Path(__file__).with_name("messages")
SOURCE_LANGUAGE = "en"


@lru_cache(maxsize=None)
def messages(language: str) -> dict[str, str]:
    path = MESSAGES_DIR / f"{language}.yaml"
    if not path.exists():
        return {}
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    return {k: str(v) for k, v in data.items() if not k.startswith("_")}


@lru_cache(maxsize=None)
def meta(language: str) -> dict:
    path = MESSAGES_DIR / f"{language}.yaml"
    data = load_yaml(path.read_text(encoding="utf-8")) if path.exists() else {}
    return dict((data or {}).get("_meta", {}))


def preload() -> None:
    """Read every language's file now, at start-up, so no resident's first question pays for it."""
    for language in LANGUAGES:
        messages(language)


def text(key: str, language: str, **values: object) -> str:
    """The catalogue text for key in language; English only if a language file lacks it (tests forbid that)."""
    template = messages(language).get(key) or messages(SOURCE_LANGUAGE)[key]
    return template.format(**values) if values else template


def all_texts(language: str) -> dict[str, str]:
    """Every text for one language (the widget loads these)."""
    out = dict(messages(SOURCE_LANGUAGE))
    out.update(messages(language))
    return out


def supported() -> list[str]:
    return [code for code in LANGUAGES if (MESSAGES_DIR / f"{code}.yaml").exists()]

"""Fast checks of the translation wiring: settings → factory, the answer step's labels and fallbacks.

The real argostranslate path is tested in tests/integration/test_translation_argos.py; the fakes
here only stand in for a backend so that every label and fallback of the answer step is pinned.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import Settings
from app.pipeline.context import Composition
from app.pipeline.localise import answered
from app.translate import TranslationUnavailable, make_translator
from app.translate.factory import parse_languages
from tests.support.pipeline import context, passage, resources

ROOT = Path(__file__).resolve().parents[2]


def answer_in(lang: str, translator, passages=("p1", "p2")):
    ctx = context("q", language=lang, chosen=lang, res=resources(translator=translator))
    ps = [passage(p) for p in passages]
    comp = Composition(confidence=0.9, passages=ps, quotes={p.id: [p.text] for p in ps}, conflicts=[])
    return answered(ctx, comp)


class Upper:
    """Translates into 'ar' by upper-casing; knows no other target."""

    def __init__(self, only: set[str] | None = None, error: Exception | None = None):
        self.only, self.error, self.calls = only, error, []

    def can_translate(self, source, target):
        return target == "ar"

    def translate(self, text, source, target, cache_key=None):
        self.calls.append(cache_key)
        if self.error:
            raise self.error
        if self.only is not None and cache_key not in self.only:
            raise TranslationUnavailable("not this one")
        return text.upper()


def test_translated_quotes_are_labelled_and_keep_the_original():
    a = answer_in("ar", Upper())
    assert a.answer_language == "ar" and a.notices == ["machine_translation"]
    assert [(c.quote, c.translation) for c in a.citations] == [("Text p1.", "TEXT P1."), ("Text p2.", "TEXT P2.")]
    assert "TEXT P1." in a.answer and a.direction == "rtl"


def test_no_model_for_the_language_is_not_even_called():
    t = Upper()
    a = answer_in("so", t)
    assert t.calls == [] and a.answer_language == "sv" and a.notices == ["translation_unavailable"]
    assert all(c.translation is None for c in a.citations) and "Text p1." in a.answer


def test_any_exception_from_the_backend_falls_back_to_the_original(caplog):
    with caplog.at_level(logging.WARNING, logger="kalla.translate"):
        a = answer_in("ar", Upper(error=MemoryError("model too big")))
    assert a.answer_language == "sv" and a.notices == ["translation_unavailable"]
    assert all(c.translation is None for c in a.citations)
    assert "sv→ar of passage p1 failed: MemoryError" in caplog.text


def test_a_partly_translated_answer_says_both_things():
    a = answer_in("ar", Upper(only={"p1"}))
    assert [c.translation for c in a.citations] == ["TEXT P1.", None]
    assert a.answer_language == "sv"     # not all of it is in the resident's language
    assert a.notices == ["machine_translation", "translation_unavailable"]


def test_passages_already_in_the_residents_language_are_not_translated():
    t = Upper()
    a = answer_in("sv", t)
    assert t.calls == [] and a.notices == [] and a.answer_language == "sv"


def test_settings_choose_the_backend():
    assert make_translator(Settings(translation="none")) is None
    with pytest.raises(ValueError):
        Settings(translation="google")
    assert parse_languages(" ar, fa-AF ,xx;uk,ar") == ["ar", "prs", "uk"]


def test_the_default_service_never_imports_the_translation_libraries():
    code = (
        "import sys\n"
        "from app.config import Settings\n"
        "from app.translate import make_translator\n"
        "import app.main, app.api.state, app.pipeline.localise\n"
        "assert make_translator(Settings()) is None\n"
        "heavy = {'argostranslate', 'ctranslate2', 'stanza', 'spacy', 'sentencepiece'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "KALLA_TRANSLATION": "none", "HF_HUB_OFFLINE": "1"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"

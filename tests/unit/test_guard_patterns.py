"""The guard's pattern search: lowered patterns keep their escapes, and a message is searched only with the
patterns whose script it holds — the same verdicts as searching every pattern case-insensitively."""
from __future__ import annotations

import re

import numpy as np

from app.guard.classifier import GuardClassifier, lowered, pattern_scripts, scripts, strip_marks


class NoVectors:
    id, dim = "none", 384

    def encode(self, texts, kind="query"):
        return np.zeros((len(texts), self.dim), np.float32)


def test_lowering_keeps_escapes():
    assert lowered(r"\bJag VILL\S+\W\D [A-Z]") == r"\bjag vill\S+\W\D [a-z]"
    assert pattern_scripts(r"\b\w+\s\d{2}") == frozenset({"latin", "arabic", "ethiopic", "cyrillic"})
    assert pattern_scripts(r"\bتولک|tolk\b") == frozenset({"latin", "arabic"})
    assert scripts("tolk میخایم") == frozenset({"latin", "arabic"})


def test_prefiltered_search_gives_the_verdicts_of_a_full_search(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(r"""categories:
  crisis:
    patterns:
      en: ['\bTook A LOT of pills\b', '\bnot\S* breathing']
      ar: ['اخذت حبوب كتير']
      ru: ['\bвыпила все таблетки']
""", encoding="utf-8")
    guard = GuardClassifier(NoVectors(), rules_file=rules)
    full = [re.compile(strip_marks(p), re.IGNORECASE) for p in
            (r"\bTook A LOT of pills\b", r"\bnot\S* breathing", "اخذت حبوب كتير", r"\bвыпила все таблетки")]
    for message, lang in [("I took a lot of pills", "en"), ("he's NOT breathing", "en"), ("انا اخذت حبوب كتير", "ar"),
                          ("Я выпила все таблетки", "ru"), ("Migrationsverket: اخذت حبوب كتير", "ar"),
                          ("how much is the grant?", None), ("كم المنحة؟", None), ("сколько денег?", None)]:
        text = strip_marks(message)
        assert guard.match_pattern("crisis", text) == lang
        assert (lang is not None) == any(p.search(text) for p in full)

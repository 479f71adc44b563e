"""Classify a message before retrieval: crisis, personal matter, leading question, abuse, out of scope.

Two kinds of evidence, both data in rules.yaml: regular expressions per language (precise, reviewable)
and exemplar messages compared with the embedding model (catches paraphrases and other languages).
An exemplar verdict goes to the nearest category (in-scope included) if it reaches its calibrated cosine.
"""
from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.datafile import load_yaml

log = logging.getLogger("kalla.guard")
RULES_FILE = Path(__file__).with_name("rules.yaml")
CATEGORIES = ("crisis", "abuse", "leading", "personal", "out_of_scope")
# Exemplar decisions: the nearest category (in-scope included) wins if it reaches its cosine below.
# Crisis needs only to be at least as near as every other category and reach CRISIS_FLOOR: missing a
# crisis costs more than showing help numbers once too often. Calibrated with scripts/eval_guard.py on
# tests/data/guard_eval.jsonl; measured on the unseen tests/data/guard_holdout.jsonl (see README).
EXEMPLAR_THRESHOLD = {"abuse": 0.88, "personal": 0.90, "leading": 0.86, "out_of_scope": 0.84}
CRISIS_FLOOR = 0.86
# How far the general questions' counterweight (resident topic examples, question bank) may sit above a crisis
# exemplar and the message still count as a crisis: chosen on the tuning sets (guard_eval + resident tuning
# questions: every crisis found and one false crisis at 0.00–0.02, three at 0.03); docs/evaluation.md.
CRISIS_MARGIN = 0.02
# A crisis exemplar at least this far above the counterweight is a crisis: the answer is the help lines alone. Between
# the two (a worried or grieving question, or a crisis in words the exemplars barely reach) the resident gets both:
# the help lines first, then the answer to the question. Chosen on the tuning sets (docs/evaluation.md): on 40 hard
# messages × 16 languages (guard_parallel_validation) false crises 64 → 10, the worried band answered with the lines.
CRISIS_CERTAIN = 0.0
# A pattern can only match a message holding letters of its script: a Somali message is not searched with the
# Arabic-script and Ge'ez patterns (over 1,100 patterns: 20 ms for a 450-character message when all ran).
SCRIPTS = {"latin": re.compile(r"[A-Za-z\u00c0-\u024f]"), "arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"),
           "ethiopic": re.compile(r"[\u1200-\u139f\u2d80-\u2ddf]"), "cyrillic": re.compile(r"[\u0400-\u04ff]")}
ESCAPE = re.compile(r"\\.")


def scripts(text: str) -> frozenset[str]:
    """The scripts whose letters the text holds (a pattern's escapes such as \\b, \\w are not letters)."""
    return frozenset(name for name, letters in SCRIPTS.items() if letters.search(text))


def lowered(pattern: str) -> str:
    """The pattern for lower-cased text: its letters lowered, its escapes kept (\\S is not \\s). Searching lowered
    text without re.IGNORECASE takes half the time."""
    return re.sub(r"(\\.)|([^\\]+)", lambda m: m.group(1) or m.group(2).lower(), pattern)


def pattern_scripts(pattern: str) -> frozenset[str]:
    found = scripts(ESCAPE.sub("", pattern))
    return found or frozenset(SCRIPTS)     # no letters at all: searched in every message


def strip_marks(text: str) -> str:
    """Drop diacritics and harakat so 'kan jag få' and 'kan jag fa' meet the same pattern."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Verdict:
    category: str        # one of CATEGORIES, or "" for a general question
    evidence: str        # "pattern:<lang>" | "exemplar:<lang>" | ""
    score: float = 0.0
    support: bool = False   # near a crisis but not sure: the help lines go first, the answer follows


class GuardClassifier:
    def __init__(self, embedder, rules_file: Path = RULES_FILE, cache_dir: Path | None = None) -> None:
        raw = rules_file.read_text(encoding="utf-8")
        rules = load_yaml(raw)["categories"]
        self.embedder = embedder
        # Per category, one regex per pattern, with the scripts of its letters: a message is searched only with the
        # patterns it could match. Each pattern alone, not joined as alternatives: most start with a literal or a word
        # boundary the regex engine scans for quickly, which an alternation of ~100 long patterns defeats (guard step
        # 3.1 against 6.0 ms per answer over ~1,700 patterns; docs/evaluation.md).
        self.patterns: dict[str, list[tuple[str, frozenset[str], re.Pattern]]] = {}
        for cat, spec in rules.items():
            pats = []
            for lang, items in (spec.get("patterns") or {}).items():
                for p in items or []:
                    lowered_p = lowered(strip_marks(p))
                    pats.append((lang, pattern_scripts(lowered_p), re.compile(lowered_p)))
            self.patterns[cat] = pats
        # Everyday contexts that take the verdict from a category's patterns ("I don't want to wake up EARLY for the
        # interview" is no crisis): the exemplars still judge the message.
        self.unless: dict[str, re.Pattern] = {
            cat: re.compile("|".join(f"(?:{lowered(strip_marks(p))})" for items in spec["unless"].values()
                                     for p in items or []))
            for cat, spec in rules.items() if spec.get("unless")}
        self.exemplar_cat: list[str] = []
        self.exemplar_lang: list[str] = []
        texts: list[str] = []
        for cat, spec in rules.items():
            for lang, items in (spec.get("exemplars") or {}).items():
                for t in items or []:
                    self.exemplar_cat.append(cat)
                    self.exemplar_lang.append(lang)
                    texts.append(t)
        self.exemplar_rows = {cat: np.flatnonzero(np.array(self.exemplar_cat) == cat)
                              for cat in dict.fromkeys(self.exemplar_cat)}
        key = hashlib.sha256((raw + embedder.id).encode()).hexdigest()[:16]
        self.vectors = self._vectors(texts, key, cache_dir)

    def _vectors(self, texts: list[str], key: str, cache_dir: Path | None) -> np.ndarray:
        path = Path(cache_dir) / f"guard-{key}.npy" if cache_dir else None
        if path and path.exists():
            vecs = np.load(path)
            if len(vecs) == len(texts):
                return vecs
        vecs = self.embedder.encode(texts, kind="query") if texts else np.zeros((0, self.embedder.dim), np.float32)
        if path:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                np.save(path, vecs)
            except OSError:
                log.info("guard exemplar cache not writable; computed in memory")
        return vecs

    def match_pattern(self, category: str, stripped: str, present: frozenset[str] | None = None) -> str | None:
        """The language of the first pattern of this category found in the text (already strip_marks'ed);
        present: the text's scripts, when the caller has them."""
        present = scripts(stripped) if present is None else present
        text = stripped.lower()
        for lang, group, pat in self.patterns.get(category, []):
            if group & present and pat.search(text):
                unless = self.unless.get(category)
                return None if unless is not None and unless.search(text) else lang
        return None

    def nearest(self, qvec: np.ndarray) -> dict[str, tuple[float, str]]:
        """Per category, the cosine and language of its exemplar closest to the question (one product for all)."""
        sims = self.vectors @ qvec if len(self.vectors) else np.zeros(0, np.float32)
        out = {}
        for cat in CATEGORIES + ("in_scope",):
            rows = self.exemplar_rows.get(cat)
            if rows is None or not len(rows):
                out[cat] = (0.0, "")
                continue
            i = int(rows[np.argmax(sims[rows])])
            out[cat] = (float(sims[i]), self.exemplar_lang[i])
        return out

    def classify(self, text: str, qvec: np.ndarray, in_scope: float = 0.0, in_conversation: float = 0.0) -> Verdict:
        """Crisis first (pattern, then exemplar), then the other patterns, then the nearest exemplar category.

        in_scope: the question's best cosine with the resident topics' example questions (corpus/topics), ~6,000
        general questions in 16 languages, and with the question bank: the counterweight that keeps "can I talk to
        someone before I decide?" from reading as a crisis, or "can I get the grant?" as a personal case.
        in_conversation: the same for a follow-up read with the previous question ("and the children?" is general
        there); it never outweighs a crisis, which is judged on the message alone."""
        best = self.nearest(qvec)
        stripped = strip_marks(text)
        present = scripts(stripped)
        lang = self.match_pattern("crisis", stripped, present)
        if lang:
            return Verdict("crisis", f"pattern:{lang}", 1.0)
        crisis, crisis_lang = best["crisis"]
        # Missing a crisis costs more than showing help numbers once too often: the general questions' counterweight
        # must beat a crisis exemplar by a margin, not merely tie it.
        support = crisis >= CRISIS_FLOOR and crisis >= max(score for c, (score, _) in best.items() if c != "crisis") \
            and crisis >= in_scope - CRISIS_MARGIN
        # A reviewed pattern of another kind says what the message is about ("my wife wants to go back, I don't. who is
        # right?" is a leading question, however near a crisis exemplar it sits): it decides, and a message near a
        # crisis still gets the help lines first.
        for cat in CATEGORIES[1:]:
            lang = self.match_pattern(cat, stripped, present)
            if lang:
                return Verdict(cat, f"pattern:{lang}", 1.0, support)
        if support and crisis >= in_scope + CRISIS_CERTAIN:
            return Verdict("crisis", f"exemplar:{crisis_lang}", round(crisis, 4))
        if max(in_scope, in_conversation) > best["in_scope"][0]:
            best["in_scope"] = (max(in_scope, in_conversation), "topics")
        nearest = max(best, key=lambda c: best[c][0])
        score, lang = best[nearest]
        if nearest in EXEMPLAR_THRESHOLD and score >= EXEMPLAR_THRESHOLD[nearest]:
            return Verdict(nearest, f"exemplar:{lang}", round(score, 4), support)
        return Verdict("", "", round(best["in_scope"][0], 4), support)

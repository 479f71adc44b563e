"""The state one answer carries through the steps. A step that must end the answer calls finish()."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.pipeline.answer import Answer, Question, Status


@dataclass
class Candidate:
    index: int            # row in the index bundle
    passage: dict
    dense: float          # cosine with the question
    lexical: float        # BM25 score (0 when not found lexically)
    fused: float          # reciprocal-rank fusion score, status-adjusted
    bank: float = 0.0     # best cosine of the question with one of this passage's bank questions (corpus/_questions)


@dataclass
class Context:
    question: Question
    text: str                         # the message after cleaning and redaction
    language: str = "sv"
    language_source: str = "default"  # chosen | detected | conversation | site | default
    query_vector: np.ndarray | None = None
    query_sparse: np.ndarray | None = None   # the question's sparse terms, from the same model pass
    sparse_latents: np.ndarray | None = None  # the index's sparse terms: the only ones worth computing
    candidates: list[Candidate] = field(default_factory=list)
    bank_best: float = 1.0             # cosine of the closest bank question of any passage (1.0: no bank)
    answer: Answer | None = None       # set when a step ends the answer early
    notices: list[str] = field(default_factory=list)
    guard_reason: str = ""
    handoff_reason: str = ""           # set by the guard when a personal part must be handed off
    expanded_terms: str = ""           # Swedish glossary terms added to the lexical query

    def finish(self, status: Status, **kwargs) -> None:
        self.answer = Answer(status=status, language=self.language, notices=list(self.notices),
                             guard_reason=self.guard_reason, **kwargs)

    @property
    def finished(self) -> bool:
        return self.answer is not None

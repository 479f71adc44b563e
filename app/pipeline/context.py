"""The state one answer carries through the steps, and what the steps may use.

Each step is a module with `run(ctx)`; the fields below say which step writes them (a step reads only
fields written before it). A step that must end the answer calls ctx.finish(); the remaining steps are
skipped, except localise, which renders every answer.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from app.corpus.passages import Passage
from app.index.bundle import IndexBundle
from app.index.embedders import Embedder, QuestionVectors
from app.pipeline.answer import Answer, Contact, Question, Status
from app.pipeline.threshold import Threshold
from app.topics.catalogue import TopicCatalogue
from app.topics.classify import FollowUpCues, KindCues, TopicMatch, TopicScores


@dataclass(frozen=True)
class Resources:
    """What the steps use, fixed for one answer (the index stays the same even if a rebuild swaps it)."""
    bundle: IndexBundle
    embedder: Embedder
    threshold: Threshold
    retrieve_k: int = 8
    max_words: int = 120
    hours: str = ""
    guard: object | None = None        # app.guard.classifier.GuardClassifier; None = only input checks
    glossary: object | None = None     # app.pipeline.glossary.Glossary; None = no query expansion
    translator: object | None = None   # app.translate.protocol.Translator (machine); None = none
    corpus_translations: bool = True   # serve the corpus's own translations first (KALLA_CORPUS_TRANSLATIONS)
    default_language: str = "sv"       # KALLA_DEFAULT_LANGUAGE: when nothing else tells the resident's language
    max_question_tokens: int = 64      # KALLA_MAX_QUESTION_TOKENS: most tokens of a message the steps after screen read
    topics: TopicCatalogue | None = None   # resident topics (corpus/topics); None = general questions only
    kind_cues: KindCues | None = None
    follow_up_cues: FollowUpCues | None = None


@dataclass
class Candidate:
    """One passage as retrieval ranked it."""
    row: int              # the passage's row in the index bundle
    passage: Passage
    best_cosine: float    # the better of the passage vector's and its best sentence's cosine with the question
    lexical: float        # BM25 score (0 when not found lexically)
    score: float          # fused score (app.pipeline.retrieve.fuse), status-weighted, same-language boosted
    bank: float = 0.0     # best cosine of the question with one of this passage's bank questions (corpus/_questions)


@dataclass
class Composition:
    """What compose chose to quote; localise renders it."""
    confidence: float
    passages: list[Passage]           # cited passages, best first
    quotes: dict[str, list[str]]      # passage id -> sentences used, in passage order
    conflicts: list[dict]
    scores: dict[str, float] = field(default_factory=dict)   # passage id -> best cosine (for staff review)


@dataclass
class Context:
    question: Question                                   # input
    resources: Resources                                 # input
    contact_for: Callable[[str], Contact | None] | None = None   # input: the site's own contact, per language
    text: str = ""                                       # clean: the message after cleaning and redaction;
                                                         # screen: bounded to what the model may read
    full_text: str = ""                                  # screen: the whole cleaned, redacted message (for the log)
    previous: str = ""                                   # clean: the earlier question a follow-up may lean on
    previous_topic: str = ""                             # clean: the topic its answer was about (from the widget)
    context_text: str = ""                               # screen: previous + text ("" without a conversation)
    notices: list[str] = field(default_factory=list)     # clean, localise
    removed: tuple[str, ...] = ()                        # clean: the kinds of personal data redaction took out
    language: str = "sv"                                 # detect
    language_source: str = "default"                     # detect: chosen | detected | conversation | site | default
    written_in: str = ""                                 # detect: the language the text looks written in when the
                                                         # resident chose another (a Swedish question, Somali chosen)
    query: QuestionVectors | None = None                 # encode: the question's vectors
    context_query: QuestionVectors | None = None         # encode: context_text's vectors (None without one)
    bank: np.ndarray | None = None                       # understand: per passage, closest bank question's cosine
    bank_best: float = 1.0                               # understand: closest bank question of any passage
    topic_scores: TopicScores | None = None              # understand: per topic, closest example's cosine
    topic: TopicMatch | None = None                      # understand: the resident topic (or none) and answer kind
    follow_up: bool = False                              # understand: read together with the previous question
    own_scope: float = 0.0                               # understand: the message's own in-scope similarity (guard)
    gloss: str = ""                                      # understand: nearest Swedish bank question (for staff)
    guard_reason: str = ""                               # screen, guard
    support_lines: bool = False                          # guard: near a crisis, not sure — help lines before the answer
    handoff_reason: str = ""                             # guard: a personal or leading part to hand off
    gives_own_case: bool = False                         # guard: the message gives a case number, personnummer ...
    expanded_terms: str = ""                             # retrieve: Swedish glossary terms added to BM25
    candidates: list[Candidate] = field(default_factory=list)   # retrieve
    other_part: TopicMatch | None = None                 # understand: the other part of a two-part question
    not_covered: bool = False                            # compose: a resident topic the texts do not answer
    unanswered_part: str = ""                            # compose: the asked topic the texts lack, when they answer
                                                         # the question's other part ("what is it and how do I apply?")
    composition: Composition | None = None               # compose (None: nothing answers)
    answer: Answer | None = None                         # a step that ends the answer early; localise (final)

    @property
    def read_text(self) -> str:
        """The question as retrieval and quoting read it: a follow-up together with the question it leans on."""
        return self.context_text if self.follow_up else self.text

    @property
    def read_query(self) -> QuestionVectors | None:
        return self.context_query if self.follow_up else self.query

    @property
    def site_contact(self) -> Contact | None:
        """The embedding site's own contact in the resident's language (None when the site has none)."""
        return self.contact_for(self.language) if self.contact_for else None

    def finish(self, status: Status, **kwargs) -> None:
        self.answer = Answer(status=status, language=self.language, notices=list(self.notices),
                             guard_reason=self.guard_reason, **kwargs)

    @property
    def finished(self) -> bool:
        return self.answer is not None

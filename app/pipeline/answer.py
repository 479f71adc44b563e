"""What goes into and comes out of the pipeline. Status is an enum, never an ad-hoc string."""
from __future__ import annotations

import copy
import enum
import uuid
from dataclasses import asdict, dataclass, field, fields

from app.corpus.passages import Passage
from app.topics.suggest import Suggestion


class Status(str, enum.Enum):
    ANSWERED = "answered"      # quotes from the texts that answer the question
    SERVICE = "service"        # answered from Källa's own data: contact details, help in my language, what Källa is
    NO_ANSWER = "no_answer"    # the texts do not answer (or nothing could be made): who can help instead
    HANDOFF = "handoff"
    CRISIS = "crisis"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        """How staff pages and charts name the status (one place for it)."""
        return STATUS_LABELS[self]


STATUS_LABELS = {Status.ANSWERED: "answered", Status.SERVICE: "contact / service", Status.NO_ANSWER: "no answer",
                 Status.HANDOFF: "handed off", Status.CRISIS: "crisis", Status.REJECTED: "rejected"}


@dataclass(frozen=True)
class Turn:
    """An earlier question of the same conversation, as the widget keeps it in page memory (never stored here)."""
    message: str
    topic: str = ""            # the topic the answer to it was about (the response's `topic`)
    follow_up: bool = False    # it was itself read as a follow-up (the response's `follow_up`)


@dataclass(frozen=True)
class Question:
    message: str
    language: str | None = None       # the resident's explicit choice; always wins
    site: str | None = None
    site_language: str | None = None  # the embedding site's default language
    previous_language: str | None = None  # the conversation's language so far
    history: tuple[Turn, ...] = ()    # the conversation's earlier questions, oldest first (at most MAX_HISTORY)


MAX_HISTORY = 3   # earlier questions a follow-up may lean on (the widget sends no more; the API refuses more)


@dataclass
class Contact:
    name: str
    phone: str = ""
    url: str = ""
    hours: str = ""
    phone_abroad: str = ""
    look_for: str = ""       # what to search for on the website (a signpost never invents the page itself)


@dataclass
class Handoff:
    reason: str
    message: str
    contacts: list[Contact] = field(default_factory=list)


@dataclass(frozen=True)
class Citation:
    """A cited passage and the sentences of it the answer quotes (and their translation, when one was made)."""
    passage: Passage
    quote: str
    translation: str | None = None
    translation_language: str | None = None   # the resident's language, or "en" when only sv→en exists
    translation_status: str | None = None     # machine | unreviewed | reviewed | authority (app.translate.corpus)
    translation_reviewed_at: str | None = None
    translation_by: str | None = None         # the authority whose own translation it is
    score: float = 0.0

    # The passage's public fields, read through (so tests and templates can say citation.text)
    passage_id = property(lambda self: self.passage.id)
    document_id = property(lambda self: self.passage.document_id)
    title = property(lambda self: self.passage.title)
    authority = property(lambda self: self.passage.authority)
    url = property(lambda self: self.passage.url)
    reference = property(lambda self: self.passage.reference)
    section = property(lambda self: self.passage.section)
    published = property(lambda self: self.passage.published)
    status = property(lambda self: self.passage.status)
    language = property(lambda self: self.passage.language)
    text = property(lambda self: self.passage.text)

    def to_dict(self) -> dict:
        """The API's citation: the passage's public fields, then the quote and its translation."""
        return {**self.passage.public(), "quote": self.quote, "translation": self.translation,
                "translation_language": self.translation_language, "translation_status": self.translation_status,
                "translation_reviewed_at": self.translation_reviewed_at, "translation_by": self.translation_by,
                "score": self.score}

    def log_record(self) -> dict:
        """What the answer log keeps of a citation (the passage text itself is in the index)."""
        return {"passage_id": self.passage_id, "document_id": self.document_id, "score": self.score,
                "quote": self.quote, "translation": self.translation,
                "translation_language": self.translation_language, "translation_status": self.translation_status,
                "status": self.status, "language": self.language}


@dataclass(frozen=True)
class Related:
    """A sentence that mentions the question's topic without answering it: offered apart, never as a citation."""
    passage: Passage
    sentence: str
    translation: str | None = None            # the sentence in the resident's language (the corpus's own)
    translation_language: str | None = None
    translation_status: str | None = None     # unreviewed | reviewed | authority

    def to_dict(self) -> dict:
        return {**self.passage.public(), "sentence": self.sentence, "translation": self.translation,
                "translation_language": self.translation_language, "translation_status": self.translation_status}


@dataclass
class Answer:
    status: Status
    language: str
    answer: str = ""
    answer_language: str = ""
    citations: list[Citation] = field(default_factory=list)
    handoff: Handoff | None = None
    support: Handoff | None = None   # help lines put before an answer near a crisis (the guard was not sure)
    notices: list[str] = field(default_factory=list)
    direction: str = "ltr"
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    confidence: float = 0.0
    timings_ms: dict[str, float] = field(default_factory=dict)
    conflicts: list[dict] = field(default_factory=list)   # for staff: sources that disagreed
    index_version: str = ""
    guard_reason: str = ""
    question: str = ""            # the question after redaction: the only form ever stored
    language_source: str = ""     # chosen | detected | conversation | site | default
    topic: str = ""               # the resident topic the answer is about ("" = a general question)
    lacking_topic: str = ""       # the other part of a two-part question, a topic the texts do not answer (for staff)
    answer_kind: str = ""         # the kind of answer asked for (amount, eligibility, procedure, ...)
    related: list[Related] = field(default_factory=list)   # mentions the topic, does not answer it
    follow_up: bool = False       # the question was read with the previous one (a follow-up)
    gloss: str = ""               # for staff: the Swedish bank question nearest to a question in another language
    suggestions: list[Suggestion] = field(default_factory=list)   # what to ask next (verified to be answered)

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Status):
                value = value.value
            elif f.name in ("citations", "related", "suggestions"):
                value = [c.to_dict() for c in value]
            elif f.name in ("handoff", "support"):
                value = asdict(value) if value else None
            elif isinstance(value, (list, dict)):
                value = copy.deepcopy(value)
            out[f.name] = value
        return out

"""What goes into and comes out of the pipeline. Status is an enum, never an ad-hoc string."""
from __future__ import annotations

import enum
import uuid
from dataclasses import asdict, dataclass, field


class Status(str, enum.Enum):
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    HANDOFF = "handoff"
    CRISIS = "crisis"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Question:
    message: str
    language: str | None = None       # the resident's explicit choice; always wins
    site: str | None = None
    site_language: str | None = None  # the embedding site's default language
    previous_language: str | None = None  # the conversation's language so far


@dataclass
class Contact:
    name: str
    phone: str = ""
    url: str = ""
    hours: str = ""
    phone_abroad: str = ""


@dataclass
class Handoff:
    reason: str
    message: str
    contacts: list[Contact] = field(default_factory=list)


@dataclass
class Citation:
    passage_id: str
    document_id: str
    title: str
    authority: str
    url: str
    section: str
    published: str
    status: str
    language: str
    text: str
    quote: str
    translation: str | None = None
    translation_language: str | None = None   # the resident's language, or "en" when only sv→en exists
    score: float = 0.0


@dataclass
class Answer:
    status: Status
    language: str
    answer: str = ""
    answer_language: str = ""
    citations: list[Citation] = field(default_factory=list)
    handoff: Handoff | None = None
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

    def to_dict(self) -> dict:
        d = asdict(self)
        d["status"] = self.status.value
        return d

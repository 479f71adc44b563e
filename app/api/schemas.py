"""Request and response shapes of the public API (these are what /docs shows)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.config import get_settings
from app.pipeline.answer import Status
from app.pipeline.sanitize import clean_message
from app.pipeline.screen import has_words


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)
    message: str = Field(..., description="The resident's question, plain text.", examples=["Vad är återvandringsbidraget?"])
    language: str | None = Field(None, max_length=16, description="The resident's chosen language (BCP 47); wins over detection.")
    site: str | None = Field(None, max_length=64, description="Id of the embedding site.")

    @field_validator("message")
    @classmethod
    def _message(cls, v: str) -> str:
        if not v or not has_words(clean_message(v)):   # also only invisible, control or combining marks, emoji
            raise ValueError("message is empty: write a question")
        limit = get_settings().max_message_chars
        if len(v) > limit:
            raise ValueError(f"message is too long: at most {limit} characters")
        if "\x00" in v:
            raise ValueError("message must be plain text")
        return v


class ContactOut(BaseModel):
    name: str
    phone: str = ""
    phone_abroad: str = ""
    url: str = ""
    hours: str = ""
    look_for: str = Field("", description="What to search for on the website (Källa never invents the page itself).")


class HandoffOut(BaseModel):
    reason: str
    message: str
    contacts: list[ContactOut]


class PassageFields(BaseModel):
    """A passage with its document's metadata, as every endpoint that shows one gives it
    (app.corpus.passages.Passage.public(); a test holds the two to the same fields)."""
    passage_id: str
    document_id: str
    title: str
    authority: str
    url: str
    section: str
    published: str
    status: Literal["current", "superseded", "context"]
    language: str
    text: str = Field(description="The whole passage.")


class CitationOut(PassageFields):
    quote: str = Field(description="The sentences of the passage the answer uses.")
    translation: str | None = Field(None, description="The quote in the resident's language: the corpus's own "
                                    "translation, an authority's, or a machine translation (translation_status says which).")
    translation_language: str | None = Field(
        None, description="Language of `translation`: the resident's, or 'en' when no model serves the resident's "
                          "language but a Swedish→English one exists (the quote then stays in Swedish in the answer).")
    translation_status: Literal["machine", "unreviewed", "reviewed", "authority"] | None = Field(
        None, description="unreviewed = translated for Källa, not yet checked; reviewed = checked by a reviewer "
                          "(translation_reviewed_at); authority = the authority's own translation (translation_by); "
                          "machine = machine translation.")
    translation_reviewed_at: str | None = None
    translation_by: str | None = None


class RelatedOut(PassageFields):
    sentence: str = Field(description="A sentence that mentions the question's topic without answering it.")


class ChatResponse(BaseModel):
    id: str
    status: Status = Field(description="answered (quotes that answer) | service (from Källa's contact and service "
                                       "data) | no_answer (the texts do not answer; who does) | handoff | crisis | "
                                       "rejected")
    language: str
    answer: str
    answer_language: str
    direction: Literal["ltr", "rtl"] = "ltr"
    citations: list[CitationOut]
    handoff: HandoffOut | None = None
    notices: list[str]
    topic: str = Field("", description="The resident topic the question was read as ('' = a general question).")
    answer_kind: str = Field("", description="The kind of answer asked for: amount, eligibility, procedure, ...")
    related: list[RelatedOut] = Field(default_factory=list, description="Passages that mention the topic but do not "
                                      "answer it: offered apart, never as citations.")


class SearchHit(PassageFields):
    score: float = Field(description="Fused retrieval score, as the chat ranks passages.")
    dense: float = Field(description="The better of the passage vector's and its best sentence's cosine with the query.")
    lexical: float = Field(description="BM25 score of the query's words (0 when none occur).")


class SearchResponse(BaseModel):
    query: str
    language: str = Field(description="The language the query was ranked for (given, or detected).")
    hits: list[SearchHit]


class PassageResponse(PassageFields):
    provenance: str = ""
    sentences: list[str]
    neighbours: list[dict]


class FeedbackRequest(BaseModel):
    answer_id: str = Field(..., min_length=8, max_length=64, pattern=r"^[0-9a-f]+$")
    helpful: bool
    reason: str | None = Field(None, max_length=500, description="Optional, short; personal details are removed.")


class FeedbackResponse(BaseModel):
    saved: bool


class ErrorResponse(BaseModel):
    detail: str

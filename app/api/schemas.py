"""Request and response shapes of the public API (these are what /docs shows)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.config import get_settings
from app.pipeline.answer import Status
from app.pipeline.sanitize import clean_message


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)
    message: str = Field(..., description="The resident's question, plain text.", examples=["Vad är återvandringsbidraget?"])
    language: str | None = Field(None, max_length=16, description="The resident's chosen language (BCP 47); wins over detection.")
    site: str | None = Field(None, max_length=64, description="Id of the embedding site.")

    @field_validator("message")
    @classmethod
    def _message(cls, v: str) -> str:
        if not v or not clean_message(v):   # also a message of only invisible or control characters
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
    translation: str | None = Field(None, description="Machine translation of the quote, when one was made.")
    translation_language: str | None = Field(
        None, description="Language of `translation`: the resident's, or 'en' when no model serves the resident's "
                          "language but a Swedish→English one exists (the quote then stays in Swedish in the answer).")


class ChatResponse(BaseModel):
    id: str
    status: Status
    language: str
    answer: str
    answer_language: str
    direction: Literal["ltr", "rtl"] = "ltr"
    citations: list[CitationOut]
    handoff: HandoffOut | None = None
    notices: list[str]


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

"""Request and response shapes of the public API (these are what /docs shows)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.config import get_settings
from app.pipeline.answer import MAX_HISTORY, Status
from app.pipeline.sanitize import clean_message
from app.pipeline.screen import has_words


def _plain_text(v: str) -> str:
    limit = get_settings().max_message_chars
    if len(v) > limit:
        raise ValueError(f"message is too long: at most {limit} characters")
    if "\x00" in v:
        raise ValueError("message must be plain text")
    return v


class HistoryItem(BaseModel):
    """An earlier question of the conversation, kept by the widget in page memory and sent back with the next one.
    Read to understand a follow-up, never stored."""
    model_config = ConfigDict(extra="ignore")
    message: str = Field(..., min_length=1, description="The earlier question as the resident wrote it.")
    topic: str = Field("", max_length=64, description="The `topic` of the answer it got.")
    follow_up: bool = Field(False, description="The `follow_up` of the answer it got.")

    @field_validator("message")
    @classmethod
    def _message(cls, v: str) -> str:
        v = _plain_text(v)   # bounded first: the cleaning below never reads an overlong message
        if not has_words(clean_message(v)):
            raise ValueError("an earlier message in history is empty")
        return v


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)
    message: str = Field(..., description="The resident's question, plain text.", examples=["Vad är återvandringsbidraget?"])
    language: str | None = Field(None, max_length=16, description="The resident's chosen language (BCP 47); wins over detection.")
    site: str | None = Field(None, max_length=64, description="Id of the embedding site.")
    history: list[HistoryItem] = Field(
        default_factory=list, max_length=MAX_HISTORY,
        description=f"The conversation's earlier questions, oldest first (at most {MAX_HISTORY}): a follow-up such as "
                    "'and for the children?' is read with them. Redacted like the message; never stored.")

    @field_validator("message")
    @classmethod
    def _message(cls, v: str) -> str:
        if not v or not has_words(clean_message(v)):   # also only invisible, control or combining marks, emoji
            raise ValueError("message is empty: write a question")
        return _plain_text(v)


class ContactOut(BaseModel):
    name: str
    phone: str = ""
    phone_abroad: str = ""
    url: str = ""
    hours: str = ""
    look_for: str = Field("", description="What to search for on the website (Källa never invents the page itself).")
    key: str = Field("", description="Which contact this is (migrationsverket, site, an authority's id), for "
                                     "POST /api/followthrough; empty on crisis cards, which report nothing.")


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
    url: str = Field(description="The document's own address; empty when it has none (then `reference` says where "
                                 "the text comes from).")
    reference: str = Field("", description="Where the text comes from: report name, reference number, date.")
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
    translation: str | None = Field(None, description="The sentence in the resident's language, from the corpus's own "
                                                      "translations (labelled by translation_status).")
    translation_language: str | None = None
    translation_status: str | None = None


class SuggestionOut(BaseModel):
    topic: str
    question: str = Field(description="A question in the resident's language that the texts are known to answer.")


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
    support: HandoffOut | None = Field(None, description="Help lines shown before the answer when a message sits near "
                                       "a crisis without being one (notice support_lines): the same lines as in the "
                                       "text, as contacts to call.")
    notices: list[str]
    topic: str = Field("", description="The resident topic the question was read as ('' = a general question).")
    answer_kind: str = Field("", description="The kind of answer asked for: amount, eligibility, procedure, ...")
    related: list[RelatedOut] = Field(default_factory=list, description="Passages that mention the topic but do not "
                                      "answer it: offered apart, never as citations.")
    follow_up: bool = Field(False, description="The question was read together with the previous one in `history`.")
    suggestions: list[SuggestionOut] = Field(default_factory=list, description="Two or three questions to ask next, "
                                             "from topics the texts answer (none after a crisis).")


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


class FollowThroughRequest(BaseModel):
    """A resident used a handoff card's phone or web link. Exactly these fields: anything else is refused."""
    model_config = ConfigDict(extra="forbid")
    answer_id: str = Field(..., min_length=8, max_length=64, pattern=r"^[0-9a-f]+$")
    contact: str = Field(..., min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$",
                         description="The contact's `key` from the answer's handoff card.")
    link: Literal["phone", "web"]
    site: str | None = Field(None, max_length=64, description="Id of the embedding site.")


class FollowThroughResponse(BaseModel):
    counted: bool = Field(description="false when this link of this contact was already counted for the answer.")

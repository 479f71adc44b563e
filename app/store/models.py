"""Tables. Only redacted text is ever written here."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    pass


class AnswerRecord(Base):
    __tablename__ = "answers"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    site: Mapped[str | None] = mapped_column(String(64), index=True)
    question: Mapped[str] = mapped_column(Text)            # after redaction
    language: Mapped[str] = mapped_column(String(16), index=True)
    language_source: Mapped[str] = mapped_column(String(16), default="")
    status: Mapped[str] = mapped_column(String(16), index=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    answer_language: Mapped[str] = mapped_column(String(16), default="")
    citations: Mapped[list] = mapped_column(JSON, default=list)   # passage ids, scores, quotes, translations
    notices: Mapped[list] = mapped_column(JSON, default=list)
    conflicts: Mapped[list] = mapped_column(JSON, default=list)
    timings_ms: Mapped[dict] = mapped_column(JSON, default=dict)
    handoff_reason: Mapped[str] = mapped_column(String(32), default="")
    guard_reason: Mapped[str] = mapped_column(String(64), default="")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    index_version: Mapped[str] = mapped_column(String(128), default="")
    topic: Mapped[str] = mapped_column(String(40), default="", index=True)    # resident topic ("" = general)
    # the other part of a two-part question, answered from the topic above, that the texts do not answer
    lacking_topic: Mapped[str] = mapped_column(String(40), default="")
    answer_kind: Mapped[str] = mapped_column(String(24), default="")
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)           # read with the previous question
    gloss: Mapped[str] = mapped_column(Text, default="")     # nearest Swedish bank question, for staff reading
    feedback: Mapped[list["Feedback"]] = relationship(back_populates="answer", cascade="all, delete-orphan")


class Feedback(Base):
    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_id: Mapped[str] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    helpful: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")   # after redaction
    answer: Mapped[AnswerRecord] = relationship(back_populates="feedback")


class FollowThrough(Base):
    """A resident used a handoff card's phone or web link: which answer, which contact, which kind of link.
    Nothing else (no time of its own, no address, no browser): the answer's row already says when and where."""
    __tablename__ = "handoff_follow_through"
    __table_args__ = (UniqueConstraint("answer_id", "contact", "link", name="uq_follow_through_answer_contact_link"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_id: Mapped[str] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    contact: Mapped[str] = mapped_column(String(40))    # migrationsverket | site | an authority id | crisis_<number>
    link: Mapped[str] = mapped_column(String(8))        # phone | web


Index("ix_answers_site_created", AnswerRecord.site, AnswerRecord.created_at)

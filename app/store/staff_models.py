"""Tables of the staff console: accounts, sessions, login attempts, reviews and the audit trail.

Kept apart from models.py (the answer log) so the resident path never imports staff code. Reviews
hang off answers with ON DELETE CASCADE, so retention deletes them with the answer they judge.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.models import Base, utcnow
from app.store.site_models import SiteRecord  # noqa: F401 - the sites table, which accounts belong to

ROLES = ("reviewer", "admin")
# Does the answer help the resident? "correct" = the quote answers the question; "not_relevant" = a quote that does
# not answer it; "texts_lack_this" = the texts do not answer it (and Källa should have said so);
# "should_have_been_no_answer" = a quote was given where the right answer was "the texts do not say".
ANSWER_VERDICTS = ("correct", "not_relevant", "incorrect", "texts_lack_this", "should_have_been_no_answer",
                   "should_have_handed_off")
CITATION_VERDICTS = ("supported", "partly", "not_supported")


class StaffUser(Base):
    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)      # stored lower-case
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))          # Argon2id, PHC string
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # National accounts see every site; any other account sees only the sites listed in staff_user_sites (none:
    # nothing). New accounts are not national unless made so explicitly.
    national: Mapped[bool] = mapped_column(Boolean, default=False)
    # A one-time link for the person to choose their password (accounts made on the web): its keyed hash.
    setup_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    setup_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    site_links: Mapped[list["StaffUserSite"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def site_ids(self) -> frozenset[str]:
        return frozenset(link.site_id for link in self.site_links)


class StaffUserSite(Base):
    """An account belongs to this site (an account may belong to several)."""
    __tablename__ = "staff_user_sites"
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True, index=True)


class StaffSession(Base):
    """Server-side session: the cookie holds a random token, the table only its keyed hash."""
    __tablename__ = "staff_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    user: Mapped[StaffUser] = relationship()


class LoginAttempt(Base):
    """Failed and successful logins, for throttling. The typed e-mail (which may be a mistyped password) and
    the client address are kept only as keyed hashes."""
    __tablename__ = "staff_login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    account: Mapped[str] = mapped_column(String(32))
    client: Mapped[str] = mapped_column(String(32), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)


class AnswerReview(Base):
    """One reviewer's judgement of one answer; saving again replaces it."""
    __tablename__ = "answer_reviews"
    __table_args__ = (UniqueConstraint("answer_id", "reviewer_id", name="uq_answer_reviews_answer_reviewer"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_id: Mapped[str] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"), index=True)
    verdict: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")          # after redaction
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    citations: Mapped[list["CitationReview"]] = relationship(back_populates="review", cascade="all, delete-orphan",
                                                             order_by="CitationReview.position")
    reviewer: Mapped[StaffUser | None] = relationship()


class CitationReview(Base):
    """Does citation number `position` of the answer support what the answer says?"""
    __tablename__ = "citation_reviews"
    __table_args__ = (UniqueConstraint("review_id", "position", name="uq_citation_reviews_review_position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("answer_reviews.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    passage_id: Mapped[str] = mapped_column(String(128))
    verdict: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")          # after redaction
    review: Mapped[AnswerReview] = relationship(back_populates="citations")


class AuditEvent(Base):
    """Every staff action. Never holds a resident's question, only ids, filters and verdicts."""
    __tablename__ = "staff_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(String(254), default="")     # email, or "cli"; kept if the account goes
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


Index("ix_staff_login_attempts_account_created", LoginAttempt.account, LoginAttempt.created_at)


class TranslationReview(Base):
    """A reviewer's check of one corpus sentence's translation: confirmed as it stands, or corrected (the corrected
    text). The latest per (language, source hash) is served over the file; `python -m app.cli translations export`
    writes them back into corpus/_translations/."""
    __tablename__ = "translation_reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    language: Mapped[str] = mapped_column(String(16))
    sentence_id: Mapped[str] = mapped_column(String(200))
    source_hash: Mapped[str] = mapped_column(String(32))
    translation: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(16))        # reviewed | corrected
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    reviewer: Mapped[str] = mapped_column(String(254), default="")


Index("ix_translation_reviews_language_hash", TranslationReview.language, TranslationReview.source_hash)

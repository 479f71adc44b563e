"""Tables of source management (app/sources): drafts of new corpus documents and checks of published sources.

A draft holds everything needed to publish it (front matter, the extracted text, the body residents would read)
and what its preview found; nothing here is served to residents. A check records what an address served when it
was last fetched, so /staff/corpus can flag a changed or vanished source with its diff.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, utcnow

DRAFT_STATES = ("draft", "published", "rejected")
PREVIEW_STATES = ("pending", "running", "ready", "failed")
CHECK_OUTCOMES = ("unchanged", "changed", "vanished", "unreachable", "recorded")


class SourceDraft(Base):
    __tablename__ = "source_drafts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    document_id: Mapped[str] = mapped_column(String(100), index=True)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)           # the front matter it will be published with
    origin: Mapped[str] = mapped_column(String(1000), default="")    # the URL, or "upload: <file name>"
    kind: Mapped[str] = mapped_column(String(8), default="")         # html | pdf | docx | text
    extracted: Mapped[str] = mapped_column(Text, default="")         # the source's text as extracted
    body: Mapped[str] = mapped_column(Text, default="")              # the document body residents would read
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    notes: Mapped[list] = mapped_column(JSON, default=list)          # what extraction found (no text layer, RTL)
    preview: Mapped[dict] = mapped_column(JSON, default=dict)        # answers it would change (app/sources/preview)
    preview_state: Mapped[str] = mapped_column(String(16), default="pending")
    created_by: Mapped[str] = mapped_column(String(254), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    decided_by: Mapped[str] = mapped_column(String(254), default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    check_id: Mapped[int | None] = mapped_column(Integer)           # the source check whose new version this is


class SourceCheck(Base):
    __tablename__ = "source_checks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    document_id: Mapped[str] = mapped_column(String(100), index=True)
    url: Mapped[str] = mapped_column(String(1000))
    outcome: Mapped[str] = mapped_column(String(16))
    http_status: Mapped[int] = mapped_column(Integer, default=0)
    known_hash: Mapped[str] = mapped_column(String(64), default="")   # the published text's hash
    content_hash: Mapped[str] = mapped_column(String(64), default="")  # what the address serves now
    diff: Mapped[str] = mapped_column(Text, default="")
    extracted: Mapped[str] = mapped_column(Text, default="")           # the new text, for a draft of it
    kind: Mapped[str] = mapped_column(String(8), default="")
    message: Mapped[str] = mapped_column(String(500), default="")
    actor: Mapped[str] = mapped_column(String(254), default="")

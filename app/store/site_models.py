"""The sites that embed the widget, and every change made to them (the audit trail and origin proposals).

A site's settings are stored in the seed file's own form (`config/sites.yaml`, one entry), so the file, the
database and the export are one format, validated by one parser (app.sites.parse_site). The resident path
reads this table (app/store/site_store.py); only staff code writes it.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, utcnow

CHANGE_KINDS = ("seeded", "imported", "created", "settings", "origins")
CHANGE_STATES = ("applied", "pending", "approved", "rejected", "superseded")


class SiteRecord(Base):
    __tablename__ = "sites"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    settings: Mapped[dict] = mapped_column(JSON)        # the site's entry in the sites file's form
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SiteChange(Base):
    """One change to a site: applied at once (settings, seeding, imports, a national admin's own edits) or
    proposed and decided later (origins proposed by a site admin). `before`/`after` hold the changed settings."""
    __tablename__ = "site_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254), default="")         # e-mail or "cli"; kept if the account goes
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    decided_by: Mapped[str] = mapped_column(String(254), default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")                 # after redaction


Index("ix_site_changes_site_created", SiteChange.site_id, SiteChange.created_at)

"""The review queue and its CSV export: answers matching a filter, newest first, with feedback and reviews."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterator

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.staff.filters import AnswerFilter
from app.staff.scope import Scope
from app.store.models import AnswerRecord, Feedback
from app.store.staff_models import AnswerReview, CitationReview

EXPORT_CHUNK = 500
CSV_COLUMNS = ["id", "created_at_utc", "site", "language", "status", "question", "answer", "answer_language",
               "citations", "citation_scores", "index_version", "handoff_reason", "guard_reason", "confidence",
               "conflicts", "feedback_helpful", "feedback_not_helpful", "review_verdicts", "citation_verdicts"]


@dataclass
class Extras:
    helpful: int = 0
    not_helpful: int = 0
    verdicts: list[str] = field(default_factory=list)
    citation_verdicts: list[str] = field(default_factory=list)


@dataclass
class QueuePage:
    rows: list[tuple[AnswerRecord, Extras]]
    total: int
    page: int
    pages: int


def extras_for(db: Session, ids: list[str]) -> dict[str, Extras]:
    out: dict[str, Extras] = defaultdict(Extras)
    if not ids:
        return out
    helpful = func.sum(case((Feedback.helpful, 1), else_=0))
    for answer_id, yes, n in db.execute(select(Feedback.answer_id, helpful, func.count())
                                        .where(Feedback.answer_id.in_(ids)).group_by(Feedback.answer_id)):
        out[answer_id].helpful, out[answer_id].not_helpful = int(yes or 0), int(n) - int(yes or 0)
    for answer_id, verdict in db.execute(select(AnswerReview.answer_id, AnswerReview.verdict)
                                         .where(AnswerReview.answer_id.in_(ids)).order_by(AnswerReview.id)):
        out[answer_id].verdicts.append(verdict)
    for answer_id, pos, verdict in db.execute(
            select(AnswerReview.answer_id, CitationReview.position, CitationReview.verdict)
            .join(CitationReview.review).where(AnswerReview.answer_id.in_(ids))
            .order_by(AnswerReview.id, CitationReview.position)):
        out[answer_id].citation_verdicts.append(f"[{pos + 1}] {verdict}")
    return out


def queue_page(db: Session, f: AnswerFilter) -> QueuePage:
    where = f.conditions()
    total = db.scalar(select(func.count()).select_from(AnswerRecord).where(*where)) or 0
    pages = max(1, -(-total // f.per_page))
    page = min(f.page, pages)
    rows = db.scalars(select(AnswerRecord).where(*where)
                      .order_by(AnswerRecord.created_at.desc(), AnswerRecord.id)
                      .offset((page - 1) * f.per_page).limit(f.per_page)).all()
    extras = extras_for(db, [r.id for r in rows])
    return QueuePage([(r, extras[r.id]) for r in rows], total, page, pages)


def filter_options(db: Session, scope: Scope) -> tuple[list[str], list[str | None]]:
    """Languages and sites to filter by: only those of answers this viewer may see."""
    languages = sorted(x for x in db.scalars(select(AnswerRecord.language).where(scope.answers()).distinct()) if x)
    sites = sorted(db.scalars(select(AnswerRecord.site).where(scope.answers()).distinct()),
                   key=lambda s: (s is None, s or ""))
    return languages, sites


def _cell(value) -> str:
    """Spreadsheet-safe text: a resident's words must never run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r", "|", "%"):
        text = "'" + text
    return text


def export_rows(Session: sessionmaker, f: AnswerFilter) -> Iterator[str]:
    """CSV text in chunks, from its own database session (the response streams after the request's ends)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buf.getvalue()   # BOM: spreadsheet programs then read the file as UTF-8
    stmt = (select(AnswerRecord).where(*f.conditions())
            .order_by(AnswerRecord.created_at.desc(), AnswerRecord.id))
    with Session() as db:
        after: tuple | None = None    # keyset paging: answers arriving meanwhile neither repeat nor shift rows
        while True:
            page = stmt
            if after is not None:
                page = page.where(or_(AnswerRecord.created_at < after[0],
                                      and_(AnswerRecord.created_at == after[0], AnswerRecord.id > after[1])))
            rows = db.scalars(page.limit(EXPORT_CHUNK)).all()
            if not rows:
                break
            after = (rows[-1].created_at, rows[-1].id)
            extras = extras_for(db, [r.id for r in rows])
            buf.seek(0)
            buf.truncate()
            for r in rows:
                e = extras[r.id]
                cits = r.citations or []
                writer.writerow([_cell(v) for v in (
                    r.id, r.created_at.isoformat(timespec="seconds") if r.created_at else "", r.site or "",
                    r.language, r.status, r.question, r.answer, r.answer_language,
                    " ".join(c.get("passage_id", "") for c in cits),
                    " ".join(str(c.get("score", "")) for c in cits), r.index_version, r.handoff_reason,
                    r.guard_reason, r.confidence, " ".join(c.get("id", "") for c in (r.conflicts or [])),
                    e.helpful, e.not_helpful, " ".join(e.verdicts), "; ".join(e.citation_verdicts))])
            yield buf.getvalue()

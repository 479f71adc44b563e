"""Write answers and feedback to the database without ever blocking or breaking an answer."""
from __future__ import annotations

import datetime as dt
import logging
import threading

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app.pipeline.answer import Answer
from app.pipeline.redact import redact
from app.store.db import make_engine, migrate, prepare_sqlite_folder, session_factory
from app.store.models import AnswerRecord, Feedback, FollowThrough, utcnow

log = logging.getLogger("kalla.store")


class AnswerStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.Session = session_factory(self.engine)
        self.failures = 0
        self.last_error = ""
        self.problem = ""              # why the log is down, in words for /readyz (paths included: operators only)
        self._lock = threading.Lock()
        self.migrated = False

    def start(self) -> None:
        """Migrate to the newest schema. A database that is down is counted, not fatal."""
        try:
            folder_problem = prepare_sqlite_folder(self.url)
            migrate(self.url)
            self.migrated = True
            self.problem = ""
        except Exception as exc:  # noqa: BLE001
            first_line = (str(exc).splitlines() or [""])[0][:300]
            where = self.engine.url.render_as_string(hide_password=True)
            self.problem = folder_problem or f"cannot migrate the answer log at {where} ({type(exc).__name__}: " \
                                             f"{first_line})"
            self._failed("migrate", exc)

    def _failed(self, what: str, exc: Exception) -> None:
        with self._lock:
            self.failures += 1
            self.last_error = f"{what}: {type(exc).__name__}"
        log.warning("answer log %s failed (%s); the answer was still served", what, type(exc).__name__)

    def record_answer(self, answer: Answer, site: str | None) -> bool:
        try:
            row = AnswerRecord(
                id=answer.id, created_at=utcnow(), site=site, question=answer.question,
                language=answer.language, language_source=answer.language_source, status=answer.status.value,
                answer=answer.answer, answer_language=answer.answer_language,
                citations=[c.log_record() for c in answer.citations],
                notices=list(answer.notices), conflicts=list(answer.conflicts), timings_ms=dict(answer.timings_ms),
                handoff_reason=answer.handoff.reason if answer.handoff else "", guard_reason=answer.guard_reason,
                confidence=float(answer.confidence), index_version=answer.index_version,
                topic=answer.topic, lacking_topic=answer.lacking_topic, answer_kind=answer.answer_kind, follow_up=answer.follow_up,
                gloss=redact(answer.gloss).text if answer.gloss else "",
            )
            with self.Session.begin() as s:
                s.add(row)
            return True
        except Exception as exc:  # noqa: BLE001 - never let logging break an answer
            self._failed("write", exc)
            return False

    def record_feedback(self, answer_id: str, helpful: bool, reason: str | None) -> bool:
        """False when the answer is unknown (or already deleted by retention)."""
        with self.Session.begin() as s:
            if s.get(AnswerRecord, answer_id) is None:
                return False
            s.add(Feedback(answer_id=answer_id, helpful=helpful, reason=redact(reason or "").text[:500]))
        return True

    def record_follow_through(self, answer_id: str, site: str | None, contact: str, link: str) -> bool | None:
        """True when counted, False when this link of this contact was already counted for the answer, None when
        there is no such answer with a (non-crisis) handoff card asked on this site."""
        try:
            with self.Session.begin() as s:
                row = s.get(AnswerRecord, answer_id)
                if row is None or row.site != site or not row.handoff_reason or row.handoff_reason == "crisis":
                    return None
                if s.scalar(select(FollowThrough.id).where(FollowThrough.answer_id == answer_id,
                                                           FollowThrough.contact == contact,
                                                           FollowThrough.link == link)) is not None:
                    return False
                s.add(FollowThrough(answer_id=answer_id, contact=contact, link=link))
        except IntegrityError:
            return False          # the same link, counted by a parallel request a moment ago
        return True

    def purge(self, older_than_days: int) -> int:
        cutoff = utcnow() - dt.timedelta(days=older_than_days)
        try:
            with self.Session.begin() as s:
                ids = select(AnswerRecord.id).where(AnswerRecord.created_at < cutoff)
                s.execute(delete(Feedback).where(Feedback.answer_id.in_(ids)))
                s.execute(delete(FollowThrough).where(FollowThrough.answer_id.in_(ids)))
                return s.execute(delete(AnswerRecord).where(AnswerRecord.created_at < cutoff)).rowcount or 0
        except Exception as exc:  # noqa: BLE001
            self._failed("retention", exc)
            return 0

    def count(self) -> int:
        with self.Session() as s:
            return s.scalar(select(func.count()).select_from(AnswerRecord)) or 0

    def status(self) -> dict:
        return {"database": self.engine.url.get_backend_name(), "write_failures": self.failures,
                "last_error": self.last_error, "ready": self.migrated, "problem": self.problem}

"""A logged-in staff member's HTTP client for the staff tests, and ways to put answers in the log."""
from __future__ import annotations

import datetime as dt
import re
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.staff.auth import StaffAuth
from app.store.models import AnswerRecord, Feedback
from app.store.staff_models import StaffUser

BASE = "https://testserver"      # the session cookie is Secure (__Host-), so the tests speak HTTPS
PASSWORD = "a long test password 4 staff"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    m = _CSRF.search(html)
    assert m, "the page has no CSRF field"
    return m.group(1)


def ensure_user(app, email: str, role: str, password: str = PASSWORD, sites: tuple[str, ...] = ()) -> None:
    """An account that sees the given sites, or every site (national) when none are given."""
    with app.state.kalla.store.Session.begin() as db:
        if db.scalar(select(StaffUser).where(StaffUser.email == email)) is None:
            StaffAuth.add_user(db, email, role, password, national=not sites, sites=sites)


class StaffClient:
    """One browser-like session: its own cookie jar on the shared app (no second lifespan)."""

    def __init__(self, app, address: str = "testclient") -> None:
        self.app = app
        self.http = TestClient(app, base_url=BASE, follow_redirects=False, client=(address, 50000))
        self.csrf = ""

    def login(self, email: str, password: str = PASSWORD):
        page = self.http.get("/staff/login")
        r = self.http.post("/staff/login", data={"email": email, "password": password, "csrf_token": csrf_of(page.text),
                                                 "next": "/staff"})
        if r.status_code == 303:
            self.csrf = csrf_of(self.http.get("/staff").text)
        return r

    def get(self, url: str, **kw):
        return self.http.get(url, **kw)

    def post(self, url: str, data: dict | None = None, csrf: bool = True, **kw):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf)
        return self.http.post(url, data=data, **kw)


def add_answer(app, *, site: str, language: str = "sv", status: str = "answered", question: str = "Vad är Krimnet?",
               citations: list | None = None, days_ago: float = 0, conflicts: list | None = None,
               helpful: list[bool] = (), answer: str = "Så här säger de officiella texterna:",
               notices: list[str] = (), topic: str = "", lacking_topic: str = "") -> str:
    """A row as the recorder writes it, for tests that need exact counts (statuses, dates, feedback)."""
    answer_id = uuid.uuid4().hex
    with app.state.kalla.store.Session.begin() as db:
        db.add(AnswerRecord(
            id=answer_id, created_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago), site=site,
            question=question, language=language, language_source="chosen", status=status, answer=answer,
            answer_language=language, citations=citations or [], notices=list(notices), conflicts=conflicts or [],
            timings_ms={"retrieve": 1.0}, handoff_reason="no_answer" if status == "no_answer" else "",
            guard_reason="", confidence=0.9, index_version=app.state.kalla.pipeline.bundle.manifest.version,
            topic=topic, lacking_topic=lacking_topic))
        for h in helpful:
            db.add(Feedback(answer_id=answer_id, helpful=h, reason=""))
    return answer_id


def citation_of(app, passage_index: int = 0, quote_sentences: int = 1, **extra) -> dict:
    """A citation dict for a real passage of the live index, quoting its first sentence(s)."""
    p = app.state.kalla.pipeline.bundle.passages[passage_index]
    return {"passage_id": p.id, "document_id": p.document_id, "score": 0.87,
            "quote": " ".join(p.sentences[:quote_sentences]), "translation": None, "status": p.status,
            "language": p.language, **extra}

"""The queue's filters, read leniently from the query string (a bad value is dropped and reported, never a 422).

A filter always carries the viewer's scope, and its conditions always include it: a query built from a filter
cannot reach another site's answers, whatever the query string says."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from urllib.parse import urlencode

from sqlalchemy import exists, select
from sqlalchemy.sql.elements import ColumnElement

from app.pipeline.answer import Status
from app.staff.scope import Scope
from app.store.models import AnswerRecord, Feedback
from app.store.staff_models import AnswerReview

NO_SITE = "-"   # filter value for answers asked outside any site
FEEDBACK_CHOICES = {"": "any or none", "any": "some feedback", "helpful": "marked helpful",
                    "not_helpful": "marked not helpful", "none": "no feedback"}
REVIEWED_CHOICES = {"": "reviewed or not", "yes": "reviewed", "no": "not reviewed"}
PER_PAGE_CHOICES = (25, 50, 100)
STATUSES = tuple(s.value for s in Status)


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class AnswerFilter:
    scope: Scope
    language: str = ""
    site: str = ""
    status: str = ""
    feedback: str = ""
    reviewed: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = 1
    per_page: int = 25
    problems: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_query(cls, params, scope: Scope) -> "AnswerFilter":
        problems: list[str] = []
        values: dict = {"scope": scope}
        for name in ("language", "site"):
            values[name] = (params.get(name) or "").strip()[:64]
        values["site"] = scope.site_filter(values["site"], problems)
        for name, allowed in (("status", ("",) + STATUSES), ("feedback", tuple(FEEDBACK_CHOICES)),
                              ("reviewed", tuple(REVIEWED_CHOICES))):
            v = (params.get(name) or "").strip()
            if v in allowed:
                values[name] = v
            else:
                problems.append(f"unknown {name} {v!r} ignored")
        for name in ("date_from", "date_to"):
            try:
                values[name] = _date((params.get(name) or "").strip())
            except ValueError:
                problems.append(f"{name.replace('_', ' ')} must be a date like 2026-01-31; ignored")
        try:
            values["page"] = max(1, int(params.get("page") or 1))
        except ValueError:
            values["page"] = 1
        try:
            per_page = int(params.get("per_page") or 25)
            values["per_page"] = per_page if per_page in PER_PAGE_CHOICES else 25
        except ValueError:
            values["per_page"] = 25
        if values.get("date_from") and values.get("date_to") and values["date_from"] > values["date_to"]:
            problems.append("the date range was reversed; swapped")
            values["date_from"], values["date_to"] = values["date_to"], values["date_from"]
        return cls(**values, problems=tuple(problems))

    def params(self, **overrides) -> dict[str, str]:
        """Non-empty filters as query parameters (page 1 and 25 per page are left out)."""
        f = replace(self, **overrides)
        out = {}
        for fl in fields(f):
            if fl.name in ("problems", "scope"):
                continue
            v = getattr(f, fl.name)
            if v in (None, "") or (fl.name == "page" and v == 1) or (fl.name == "per_page" and v == 25):
                continue
            out[fl.name] = v.isoformat() if isinstance(v, dt.date) else str(v)
        return out

    def query(self, **overrides) -> str:
        return urlencode(self.params(**overrides))

    def for_audit(self) -> dict:
        return self.params(page=1)

    def conditions(self) -> list[ColumnElement]:
        a = AnswerRecord
        where: list[ColumnElement] = [self.scope.answers()]
        if self.language:
            where.append(a.language == self.language)
        if self.site == NO_SITE:
            where.append(a.site.is_(None))
        elif self.site:
            where.append(a.site == self.site)
        if self.status:
            where.append(a.status == self.status)
        fb = select(Feedback.id).where(Feedback.answer_id == a.id)
        if self.feedback == "any":
            where.append(exists(fb))
        elif self.feedback == "none":
            where.append(~exists(fb))
        elif self.feedback == "helpful":
            where.append(exists(fb.where(Feedback.helpful)))
        elif self.feedback == "not_helpful":
            where.append(exists(fb.where(~Feedback.helpful)))
        rv = select(AnswerReview.id).where(AnswerReview.answer_id == a.id)
        if self.reviewed == "yes":
            where.append(exists(rv))
        elif self.reviewed == "no":
            where.append(~exists(rv))
        if self.date_from:
            where.append(a.created_at >= day_start(self.date_from))
        if self.date_to:
            where.append(a.created_at < day_start(self.date_to + dt.timedelta(days=1)))
        return where

"""Where Källa falls short, counted in the database: answers per day, by language, site, resident topic and
status; handoff and no-answer rates; how many answers reviewers judged to answer the question; citation
precision from reviews; share of helpful feedback; how often a handoff card was followed through (a resident
used its phone or web link). Topics the texts do not cover, most asked first, say which authority text to
load next."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from app.staff.filters import NO_SITE, day_start
from app.staff.scope import Scope
from app.store.models import AnswerRecord, Feedback, FollowThrough, utcnow
from app.store.staff_models import AnswerReview, CitationReview

DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass
class Group:
    """Counts for one slice (all answers, one language or one site) and the rates drawn from them."""
    key: str
    answers: int = 0
    statuses: Counter = field(default_factory=Counter)
    helpful: int = 0
    not_helpful: int = 0
    citations: Counter = field(default_factory=Counter)      # supported / partly / not_supported
    verdicts: Counter = field(default_factory=Counter)       # app.store.staff_models.ANSWER_VERDICTS
    cards: int = 0                                           # answers that showed a handoff card
    followed: int = 0                                        # ... of which a resident used a phone or web link
    links: Counter = field(default_factory=Counter)          # (contact, phone|web) -> links used
    support: int = 0                                         # answers with the help lines first (near a crisis)
    lacking: int = 0     # by topic: answers to another topic whose question also asked this one, which the texts lack

    @property
    def asked(self) -> int:
        """Questions that asked about this topic: read as it, or as the part of a two-part question the texts lack."""
        return self.answers + self.lacking

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def handoff_rate(self) -> float | None:
        return self._share(self.statuses["handoff"], self.answers)

    @property
    def no_answer_rate(self) -> float | None:
        return self._share(self.statuses["no_answer"], self.answers)

    @property
    def reviewed(self) -> int:
        return sum(self.verdicts.values())

    @property
    def relevance(self) -> float | None:
        """Answers reviewers judged to answer the question, over all reviewed answers: a low no-answer rate is
        only good news when this is high."""
        return self._share(self.verdicts["correct"], self.reviewed)

    @property
    def cited(self) -> int:
        return self.statuses["answered"] + self.statuses["handoff"]

    @property
    def reviewed_citations(self) -> int:
        return sum(self.citations.values())

    @property
    def precision(self) -> float | None:
        """Supported citations over all reviewed citations (partly supported counts as not supported)."""
        return self._share(self.citations["supported"], self.reviewed_citations)

    @property
    def feedback(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def helpful_share(self) -> float | None:
        return self._share(self.helpful, self.feedback)

    @property
    def follow_rate(self) -> float | None:
        """Handoff cards followed through (a phone or web link used at least once) over cards shown."""
        return self._share(self.followed, self.cards)


@dataclass
class StatsFilter:
    scope: Scope                   # always part of the conditions (see app/staff/scope.py)
    date_from: dt.date
    date_to: dt.date
    language: str = ""
    site: str = ""
    problems: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, params, scope: Scope, today: dt.date | None = None) -> "StatsFilter":
        today = today or utcnow().date()
        problems = []
        dates = {}
        for name, default in (("date_from", today - dt.timedelta(days=DEFAULT_DAYS - 1)), ("date_to", today)):
            raw = (params.get(name) or "").strip()
            try:
                dates[name] = dt.date.fromisoformat(raw) if raw else default
            except ValueError:
                problems.append(f"{name.replace('_', ' ')} must be a date like 2026-01-31; showing the default")
                dates[name] = default
        lo, hi = sorted((dates["date_from"], dates["date_to"]))
        if (hi - lo).days >= MAX_DAYS:
            lo = hi - dt.timedelta(days=MAX_DAYS - 1)
            problems.append(f"at most {MAX_DAYS} days at once; the range was shortened")
        site = scope.site_filter((params.get("site") or "").strip()[:64], problems)
        return cls(scope, lo, hi, (params.get("language") or "").strip()[:64], site, tuple(problems))

    def conditions(self) -> list:
        a = AnswerRecord
        where = [self.scope.answers(), a.created_at >= day_start(self.date_from),
                 a.created_at < day_start(self.date_to + dt.timedelta(days=1))]
        if self.language:
            where.append(a.language == self.language)
        if self.site == NO_SITE:
            where.append(a.site.is_(None))
        elif self.site:
            where.append(a.site == self.site)
        return where

    def days(self) -> list[dt.date]:
        return [self.date_from + dt.timedelta(days=i) for i in range((self.date_to - self.date_from).days + 1)]

    def params(self) -> dict[str, str]:
        out = {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}
        if self.language:
            out["language"] = self.language
        if self.site:
            out["site"] = self.site
        return out


@dataclass
class Stats:
    filter: StatsFilter
    total: Group
    per_day: dict[dt.date, Counter]            # day -> status -> answers
    per_day_language: dict[dt.date, Counter]   # day -> language -> answers
    per_day_site: dict[dt.date, Counter]       # day -> site -> answers
    by_language: dict[str, Group]
    by_site: dict[str, Group]
    by_topic: dict[str, Group]                 # "" = general questions (no resident topic)
    by_reason: dict[str, Group]                # handoff reason -> answers that showed a card for it


def _day_expr(db: Session):
    """The UTC calendar day of an answer, in each database's own words."""
    if db.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", AnswerRecord.created_at))
    return func.date(AnswerRecord.created_at)


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def site_key(site: str | None) -> str:
    return site if site else NO_SITE


def compute(db: Session, f: StatsFilter) -> Stats:
    a = AnswerRecord
    where = f.conditions()
    total = Group("all")
    by_language: dict[str, Group] = {}
    by_site: dict[str, Group] = {}
    by_topic: dict[str, Group] = {}
    by_reason: dict[str, Group] = {}
    per_day: dict[dt.date, Counter] = defaultdict(Counter)
    per_day_language: dict[dt.date, Counter] = defaultdict(Counter)
    per_day_site: dict[dt.date, Counter] = defaultdict(Counter)
    slices = (a.language, a.site, a.topic, a.handoff_reason)

    def groups(language: str, site: str | None, topic: str | None, reason: str | None) -> tuple[Group, ...]:
        out = (total, by_language.setdefault(language, Group(language)),
               by_site.setdefault(site_key(site), Group(site_key(site))),
               by_topic.setdefault(topic or "", Group(topic or "")))
        return out + (by_reason.setdefault(reason, Group(reason)),) if reason else out

    day = _day_expr(db)
    for d, language, site, topic, reason, status, n in db.execute(
            select(day, *slices, a.status, func.count()).where(*where).group_by(day, *slices, a.status)):
        day_ = _as_date(d)
        per_day[day_][status] += n
        per_day_language[day_][language] += n
        per_day_site[day_][site_key(site)] += n
        for g in groups(language, site, topic, reason):
            g.answers += n
            g.statuses[status] += n
            g.cards += n if reason else 0
    for language, site, topic, reason, helpful, n in db.execute(
            select(*slices, Feedback.helpful, func.count()).join(Feedback, Feedback.answer_id == a.id)
            .where(*where).group_by(*slices, Feedback.helpful)):
        for g in groups(language, site, topic, reason):
            if helpful:
                g.helpful += n
            else:
                g.not_helpful += n
    for language, site, topic, reason, verdict, n in db.execute(
            select(*slices, CitationReview.verdict, func.count())
            .join(AnswerReview, AnswerReview.answer_id == a.id)
            .join(CitationReview, CitationReview.review_id == AnswerReview.id)
            .where(*where).group_by(*slices, CitationReview.verdict)):
        for g in groups(language, site, topic, reason):
            g.citations[verdict] += n
    for language, site, topic, reason, verdict, n in db.execute(
            select(*slices, AnswerReview.verdict, func.count()).join(AnswerReview, AnswerReview.answer_id == a.id)
            .where(*where).group_by(*slices, AnswerReview.verdict)):
        for g in groups(language, site, topic, reason):
            g.verdicts[verdict] += n
    # Follow-through: every answer falls in exactly one slice, so distinct answers per slice add up.
    for language, site, topic, reason, n in db.execute(
            select(*slices, func.count(func.distinct(FollowThrough.answer_id)))
            .join(FollowThrough, FollowThrough.answer_id == a.id).where(*where, a.handoff_reason != "")
            .group_by(*slices)):
        for g in groups(language, site, topic, reason):
            g.followed += n
    for language, site, topic, reason, contact, link, n in db.execute(
            select(*slices, FollowThrough.contact, FollowThrough.link, func.count())
            .join(FollowThrough, FollowThrough.answer_id == a.id).where(*where, a.handoff_reason != "")
            .group_by(*slices, FollowThrough.contact, FollowThrough.link)):
        for g in groups(language, site, topic, reason):
            g.links[(contact, link)] += n
    # The help lines put before an answer (notice support_lines): how often the guard met distress it was not sure
    # was a crisis. The notices are a JSON list; its text form is searched, the same in PostgreSQL and SQLite.
    for language, site, topic, reason, n in db.execute(
            select(*slices, func.count()).where(*where, cast(a.notices, String).like('%"support_lines"%'))
            .group_by(*slices)):
        for g in groups(language, site, topic, reason):
            g.support += n
    # "What is it and how do I apply?" is recorded under what it is (quoted); how to apply, which the texts lack, is
    # counted beside it: it was asked too, and is a text to load.
    for topic, n in db.execute(select(a.lacking_topic, func.count()).where(*where, a.lacking_topic != "")
                               .group_by(a.lacking_topic)):
        by_topic.setdefault(topic, Group(topic)).lacking += n
    order = lambda d: dict(sorted(d.items(), key=lambda kv: (-kv[1].asked, kv[0])))  # noqa: E731
    days = f.days()
    return Stats(f, total, {d: per_day.get(d, Counter()) for d in days},
                 {d: per_day_language.get(d, Counter()) for d in days},
                 {d: per_day_site.get(d, Counter()) for d in days}, order(by_language), order(by_site),
                 order(by_topic), order(by_reason))


def topics_to_load(st: Stats, covered: set[str]) -> list[Group]:
    """Resident topics the texts do not cover, most asked first (also as the lacking part of a two-part question):
    the authority texts to load next."""
    return [g for key, g in sorted(st.by_topic.items(), key=lambda kv: -kv[1].asked)
            if key and key not in covered]


"""A site's figures beside the national ones, without naming any other site.

The national figures are totals over every answer in the period (all sites, and questions asked outside any
site), by language, topic and handoff reason — never by site. With fewer than MIN_SITES sites answering in
the period they are withheld: "national minus mine" would then be one other municipality's figures.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.staff.scope import NATIONAL
from app.staff.stats import Group, Stats, StatsFilter, compute
from app.store.models import AnswerRecord

MIN_SITES = 3


@dataclass(frozen=True)
class Share:
    """One row of a comparison: this view's share and the national share of the same thing."""
    key: str
    mine: float | None
    national: float | None


@dataclass(frozen=True)
class Comparison:
    sites: int                          # sites with answers in the period, nationally
    total: Group | None                 # None: withheld (fewer than MIN_SITES sites)
    languages: list[Share]
    topics: list[Share]
    reasons: list[Share]                # follow-through rate per handoff reason

    @property
    def withheld(self) -> bool:
        return self.total is None


def _shares(mine: dict[str, Group], national: dict[str, Group], mine_total: int, national_total: int) -> list[Share]:
    keys = list(mine) + [k for k in national if k not in mine]
    return [Share(k, mine[k].answers / mine_total if k in mine and mine_total else None,
                  national[k].answers / national_total if k in national and national_total else None) for k in keys]


def compare(db: Session, st: Stats) -> Comparison:
    """The national figures for the same period and language as `st` (which is one viewer's sites)."""
    f: StatsFilter = replace(st.filter, scope=NATIONAL, site="")
    sites = db.scalar(select(func.count(func.distinct(AnswerRecord.site))).where(*f.conditions(),
                                                                                  AnswerRecord.site.is_not(None))) or 0
    if sites < MIN_SITES:
        return Comparison(sites, None, [], [], [])
    national = compute(db, f)
    reasons = [Share(k, st.by_reason[k].follow_rate if k in st.by_reason else None, g.follow_rate)
               for k, g in national.by_reason.items()]
    return Comparison(sites, national.total,
                      _shares(st.by_language, national.by_language, st.total.answers, national.total.answers),
                      _shares(st.by_topic, national.by_topic, st.total.answers, national.total.answers), reasons)

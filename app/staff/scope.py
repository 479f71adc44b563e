"""Which sites an account may see: all of them (national) or the ones it belongs to.

Every staff query over residents' answers takes its condition from here (`Scope.answers()`), so an account
scoped to Askersund cannot read Malmö's questions by typing an id or a filter into the address bar. Answers
asked outside any site (no `site`) belong to no municipality: only national accounts see them.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, true
from sqlalchemy.sql.elements import ColumnElement

from app.store.models import AnswerRecord


@dataclass(frozen=True)
class Scope:
    national: bool
    sites: frozenset[str] = frozenset()

    def answers(self) -> ColumnElement[bool]:
        """The condition every query over answers (and what hangs off them) must carry."""
        if self.national:
            return true()
        if not self.sites:
            return false()
        return AnswerRecord.site.in_(sorted(self.sites))

    def sees(self, site_id: str | None) -> bool:
        return self.national or (site_id is not None and site_id in self.sites)

    def site_filter(self, value: str, problems: list[str]) -> str:
        """A site chosen in a filter, if it is one of this scope's; else nothing (and a problem that does not
        repeat the value: a page must not echo another municipality's id back as if it were known)."""
        if self.national or not value or value in self.sites:
            return value
        problems.append("the chosen site is not one of your sites; showing all of yours")
        return ""

    def covers(self, other: "Scope") -> bool:
        """Whether everything `other` may see, this scope may see too (who may manage whose account)."""
        return self.national or (not other.national and bool(other.sites) and other.sites <= self.sites)

    def label(self) -> str:
        return "national" if self.national else (", ".join(sorted(self.sites)) or "no site")


NATIONAL = Scope(national=True)

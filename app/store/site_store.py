"""The sites table as the registry's source, and the one way a site's row is written (with its trail entry).

The seed file fills an empty table (at start-up, in the CLI, or when the database comes back); after that the
table is the truth and the file is the import/export format (`python -m app.cli sites import|export`).
"""
from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import app.store.staff_models  # noqa: F401 - site_changes refers to staff accounts
from app.sites import Site, SitesError, parse_site
from app.store.db import migrate
from app.store.models import utcnow
from app.store.recorder import AnswerStore
from app.store.site_models import SiteChange, SiteRecord

log = logging.getLogger("kalla.sites")


class SitesUnavailable(RuntimeError):
    """The database cannot be read right now."""


def read_sites(db: Session) -> dict[str, Site]:
    """Every stored site, validated as the file is; SitesError names the first one that cannot be used."""
    out = {}
    for row in db.scalars(select(SiteRecord).order_by(SiteRecord.id)):
        try:
            out[row.id] = parse_site(row.id, row.settings)
        except SitesError as exc:
            raise SitesError(f"sites table: {exc}") from None
    return out


def write_site(db: Session, site: Site, *, kind: str, actor: str, actor_id: int | None = None,
               before: dict | None = None, state: str = "applied") -> SiteChange:
    """Store the site (new or changed) and the change that made it, in the caller's transaction."""
    raw = site.to_raw()
    row = db.get(SiteRecord, site.id)
    now = utcnow()
    if row is None:
        db.add(SiteRecord(id=site.id, settings=raw, created_at=now, updated_at=now))
        db.flush()
    else:
        row.settings, row.updated_at = raw, now
    change = SiteChange(site_id=site.id, created_at=now, kind=kind, state=state, actor_id=actor_id, actor=actor[:254],
                        before=before or {}, after=raw if before is None else {k: raw.get(k) for k in before})
    db.add(change)
    return change


def seed_if_empty(db: Session, sites: dict[str, Site], source: str) -> int:
    """Copy the seed file's sites into an empty table; 0 if the table already has sites."""
    if db.scalar(select(func.count()).select_from(SiteRecord)):
        return 0
    for site in sites.values():
        write_site(db, site, kind="seeded", actor=source)
    return len(sites)


class DatabaseSites:
    """SiteRegistry's source: the sites table; seeds it from the file the first time it finds it empty."""

    def __init__(self, store: AnswerStore, seed: dict[str, Site], seed_name: str) -> None:
        self.store = store
        self.seed = seed
        self.seed_name = seed_name
        self._seeded = False

    def _ready(self) -> None:
        if not self.store.migrated:
            try:                        # the database may have come back (not counted as an answer-log failure)
                migrate(self.store.url)
            except Exception as exc:  # noqa: BLE001
                raise SitesUnavailable(f"the database is not reachable ({type(exc).__name__})") from None
            self.store.migrated = True
        if not self._seeded:
            try:
                with self.store.Session.begin() as db:
                    n = seed_if_empty(db, self.seed, self.seed_name)
                if n:
                    log.info("sites table seeded from %s: %d sites", self.seed_name, n)
            except IntegrityError:
                pass                    # another replica seeded it at the same moment
            self._seeded = True

    def version(self) -> object:
        self._ready()
        with self.store.Session() as db:
            count, updated = db.execute(select(func.count(SiteRecord.id), func.max(SiteRecord.updated_at))).one()
            last_change = db.scalar(select(func.max(SiteChange.id)))
        return count, str(updated), last_change

    def load(self) -> dict[str, Site]:
        self._ready()
        with self.store.Session() as db:
            return read_sites(db)

"""The sites in service, one interface whatever feeds it: the database (staff edit sites there) or the file.

A broken edit keeps the last good version in service (and is logged) instead of taking the widget down.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Protocol

from app.sites import Site, SitesError, load_sites, origin_or_none

log = logging.getLogger("kalla.sites")


class SiteSource(Protocol):
    """Where the registry reads sites when a database is attached (app/store/site_store.py)."""

    def version(self) -> object:
        """Cheap; changes whenever any site changes."""

    def load(self) -> dict[str, Site]:
        """Every site; SitesError if one cannot be used."""


class SiteRegistry:
    """The sites in service, one interface whatever feeds it.

    From the file: re-read when its modification time changes. With a database attached (`attach`): every
    worker and replica looks for a newer version at most every `refresh_seconds`, in a background thread, so a
    request never waits on the database; staff edits reach all of them without a restart. While the database
    cannot be read, the last version read from it stays in service; until one was read, the file serves.
    """

    def __init__(self, path: Path, refresh_seconds: float = 5.0):
        self.path = Path(path)
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._mtime = self._stat()
        self._install(load_sites(self.path))   # a broken file at start is fatal: fail loudly
        self.file_sites = self._sites
        self.error = ""
        self.source: SiteSource | None = None
        self.served_from = "file"              # file | database
        self._version: object = None
        self._checked = 0.0
        self._refreshing = False
        self._last_warning = 0.0

    def _install(self, sites: dict[str, Site]) -> None:
        origins: dict[str, frozenset[str]] = {}
        for site in sites.values():
            for origin in site.allowed_origins:
                origins[origin] = origins.get(origin, frozenset()) | {site.id}
        self._sites, self._origins = sites, origins     # two plain assignments: readers never see a mix for long

    def _stat(self) -> float:
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return -1

    def _refresh_file(self) -> None:
        mtime = self._stat()
        if mtime == self._mtime:
            return
        with self._lock:
            if mtime == self._mtime or self.served_from != "file":
                return
            self._mtime = mtime
            try:
                self._install(load_sites(self.path))
                self.file_sites = self._sites
                self.error = ""
                log.info("sites file reloaded: %d sites", len(self._sites))
            except SitesError as exc:
                self.error = str(exc)
                log.error("sites file not reloaded, keeping the last good version: %s", exc)

    # --- the database ------------------------------------------------------------------------------------
    def attach(self, source: SiteSource) -> None:
        """Serve the database's sites from now on (read once here; the file stays the fallback until then)."""
        self.source = source
        self.reload()

    def reload(self) -> bool:
        """Read the database now, in the caller's thread (after a staff change, so this process serves it at
        once). True when a new version was installed."""
        source = self.source
        if source is None:
            return False
        try:
            version = source.version()
            if version == self._version and self.served_from == "database":
                return False
            sites = source.load()
        except SitesError as exc:
            self.error = str(exc)
            log.error("sites in the database not loaded, keeping the last good version: %s", exc)
            return False
        except Exception as exc:  # noqa: BLE001 - database down: keep serving what we have
            self.error = f"database unavailable ({type(exc).__name__}); serving the sites from the " + (
                "last database read" if self.served_from == "database" else "sites file")
            now = time.monotonic()
            if now - self._last_warning > 60:
                self._last_warning = now
                log.warning("sites: %s", self.error)
            return False
        with self._lock:
            self._install(sites)
            self._version = version
            self.served_from = "database"
            self.error = ""
        log.info("sites loaded from the database: %d sites", len(sites))
        return True

    def _background_reload(self) -> None:
        try:
            self.reload()
        finally:
            self._refreshing = False

    def _refresh(self) -> None:
        if self.source is not None:
            now = time.monotonic()
            if not self._refreshing and now - self._checked >= self.refresh_seconds:
                self._checked = now
                self._refreshing = True
                threading.Thread(target=self._background_reload, daemon=True, name="kalla-sites").start()
        if self.served_from == "file":
            self._refresh_file()

    # --- what the service asks ---------------------------------------------------------------------------
    def get(self, site_id: str | None) -> Site | None:
        if not site_id:
            return None
        self._refresh()
        return self._sites.get(site_id)

    def origin_known(self, origin: str | None) -> bool:
        """Whether any site allows this origin (used for CORS preflights, which do not name a site)."""
        normalised = origin_or_none(origin)
        if normalised is None:
            return False
        self._refresh()
        return normalised in self._origins

    def ids(self) -> list[str]:
        self._refresh()
        return sorted(self._sites)

    def status(self) -> dict:
        return {"served_from": self.served_from, "count": len(self._sites), "error": self.error}

    def all(self) -> list[Site]:
        self._refresh()
        return [self._sites[k] for k in sorted(self._sites)]

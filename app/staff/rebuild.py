"""Admin-started index rebuild: build beside the live index, load and verify it, switch, then persist.

Answers in flight keep the bundle they started with (Pipeline.answer reads it once), and a failed
build or a corpus that does not load leaves the live index untouched. The new folder replaces the
index folder only after the switch, so a restart serves the same index.
"""
from __future__ import annotations

import logging
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from app.index.embedders import make_embedder
from app.index.build import build_index
from app.index.bundle import IndexBundle
from app.staff.audit import audit
from app.store.models import utcnow

log = logging.getLogger("kalla.staff")


@dataclass
class RebuildStatus:
    state: str = "idle"            # idle | running | done | failed
    requested_by: str = ""
    started_at: object = None
    finished_at: object = None
    old_version: str = ""
    new_version: str = ""
    message: str = ""


class IndexRebuilder:
    def __init__(self, state) -> None:
        self.state = state
        self.status = RebuildStatus()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self.status.state == "running"

    def start(self, user_id: int, email: str) -> bool:
        """False when a rebuild is already running (one at a time)."""
        with self._lock:
            if self.running:
                return False
            bundle = self.state.pipeline.bundle if self.state.pipeline else None
            self.status = RebuildStatus("running", email, utcnow(),
                                        old_version=bundle.manifest.version if bundle else "")
            self._thread = threading.Thread(target=self._run, args=(user_id, email), daemon=True,
                                            name="kalla-index-rebuild")
            self._thread.start()
            return True

    def wait(self, timeout: float | None = None) -> RebuildStatus:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.status

    def _run(self, user_id: int, email: str) -> None:
        s = self.state.settings
        target = Path(s.index_dir)
        staging = target.with_name(f"{target.name}.staff-build")
        try:
            # A fresh embedder: the live one serialises encode() behind a lock, and residents come first.
            embedder = make_embedder(s.embedder, s.embedder_model, s.fused_query)
            build_index(s.corpus_dir, staging, embedder, s.approximate_index_above, cache_dir=s.cache_dir)
            bundle = IndexBundle.load(staging, s.corpus_dir, embedder.id)
            if self.state.ready:
                self.state.swap_bundle(bundle)
            persisted = self._persist(staging, target)
            if not self.state.ready and persisted:
                self.state.load()          # the service had no index at all: it has one now
            m = bundle.manifest
            self._finish("done", new_version=m.version,
                         message=f"{m.documents} documents, {m.passages} passages"
                                 + ("" if persisted else f"; could not replace {target}, a restart will "
                                                           "serve the old index"))
        except Exception as exc:  # noqa: BLE001 - the live index stays; the admin reads why
            shutil.rmtree(staging, ignore_errors=True)
            log.warning("index rebuild failed: %s", exc)
            self._finish("failed", message=f"{type(exc).__name__}: {exc}")
        self._audit(user_id, email)

    @staticmethod
    def _persist(staging: Path, target: Path) -> bool:
        previous = target.with_name(f"{target.name}.previous")
        try:
            readme = target / "README.md"
            if readme.exists():
                shutil.copy2(readme, staging / "README.md")
            shutil.rmtree(previous, ignore_errors=True)
            if target.exists():
                os.replace(target, previous)
            os.replace(staging, target)
            shutil.rmtree(previous, ignore_errors=True)
            return True
        except OSError as exc:
            log.warning("rebuilt index switched in memory but not persisted: %s", exc)
            return False

    def _finish(self, state: str, **values) -> None:
        with self._lock:
            for k, v in values.items():
                setattr(self.status, k, v)
            self.status.state, self.status.finished_at = state, utcnow()

    def _audit(self, user_id: int, email: str) -> None:
        store = self.state.store
        st = self.status
        try:
            with store.Session.begin() as db:
                audit(db, f"index_rebuild_{st.state}", user_id=user_id, actor=email, target=st.new_version,
                      detail={"old_version": st.old_version, "message": st.message[:500]})
        except Exception as exc:  # noqa: BLE001
            log.warning("could not audit the index rebuild: %s", type(exc).__name__)

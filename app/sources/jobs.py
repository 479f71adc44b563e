"""Background work for sources, one job at a time: draft previews (a draft index and re-asked questions) and
source checks, started from the staff console or by the schedule (KALLA_SOURCES_CHECK_HOURS).

Results go to the database, so any replica's console shows them. Residents come first: the jobs use their own
embedder (the live one serialises its calls), made once when the first job needs it.
"""
from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections.abc import Callable

from app.sources.check import check_sources, last_check_time
from app.sources.drafts import draft_document, draft_passages
from app.sources.preview import preview_answers, questions_to_ask, topic_impact
from app.store.audit import audit
from app.store.models import utcnow
from app.store.source_models import SourceDraft

log = logging.getLogger("kalla.sources")


def run_preview(store, pipeline, embedder, settings, draft_id: str, actor: str) -> str:
    """Compute and store one draft's answer preview; returns the preview state (ready | failed | skipped)."""
    with store.Session.begin() as db:
        draft = db.get(SourceDraft, draft_id)
        if draft is None or draft.state != "draft":
            return "skipped"
        stamp, doc = draft.updated_at, draft_document(draft)
        bundle = pipeline.bundle if pipeline is not None else None
        questions = questions_to_ask(db, bundle, topic_impact(draft_passages(draft), bundle), doc.language)
        draft.preview_state = "running"
    try:
        if pipeline is None:
            raise RuntimeError("no live index is loaded, so there is nothing to compare with")
        result, state = preview_answers(pipeline, embedder, settings, doc, questions), "ready"
    except Exception as exc:  # noqa: BLE001 - the draft stays; staff read why and can try again
        log.warning("preview of draft %s failed: %s", draft_id, exc)
        result, state = {"error": f"{type(exc).__name__}: {exc}"[:500]}, "failed"
    with store.Session.begin() as db:
        draft = db.get(SourceDraft, draft_id)
        if draft is None or draft.state != "draft" or draft.updated_at != stamp:
            return "skipped"             # edited meanwhile: the edit asked for a new preview
        draft.preview, draft.preview_state = result, state
        audit(db, f"source_preview_{state}", actor=actor, target=draft_id,
              detail={"asked": result.get("asked", 0), "changed": len(result.get("changed", []))})
    return state


class SourceJobs:
    def __init__(self, state, embedder_factory: Callable | None = None) -> None:
        self.state = state
        self.settings = state.settings
        self._factory = embedder_factory
        self.embedder = None
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # --- what the console and the schedule ask for -----------------------------------------------------------
    def preview(self, draft_id: str, actor: str) -> None:
        self._submit(("preview", draft_id, actor))

    def check(self, actor: str, user_id: int | None = None) -> None:
        self._submit(("check", actor, user_id))

    def idle(self, timeout: float = 300) -> bool:
        """Wait until every submitted job has finished (for tests and orderly shutdowns)."""
        done = threading.Event()

        def waiter() -> None:
            self._queue.join()
            done.set()
        threading.Thread(target=waiter, daemon=True).start()
        return done.wait(timeout)

    def start_schedule(self, hours: float) -> None:
        """Check every source every `hours`; with several replicas, whichever finds the last check old enough."""
        if hours <= 0:
            return
        threading.Thread(target=self._schedule, args=(hours,), daemon=True, name="kalla-sources-schedule").start()

    def stop(self) -> None:
        self._stop.set()

    # --- the worker ------------------------------------------------------------------------------------------
    def _submit(self, job: tuple) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, daemon=True, name="kalla-sources")
                self._thread.start()
        self._queue.put(job)

    def _embedder(self):
        if self.embedder is None:
            if self._factory is not None:
                self.embedder = self._factory()
            else:
                from app.index.embedders import make_embedder

                s = self.settings
                self.embedder = make_embedder(s.embedder, s.embedder_model, s.fused_query)
        return self.embedder

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job[0] == "preview":
                    run_preview(self.state.store, self.state.pipeline, self._embedder(), self.settings, job[1], job[2])
                else:
                    with self.state.store.Session.begin() as db:
                        check_sources(db, self.settings.corpus_dir, self.settings.source_max_bytes, actor=job[1],
                                      user_id=job[2])
            except Exception as exc:  # noqa: BLE001 - one failed job must not stop the worker
                log.warning("source job %s failed: %s", job[0], exc)
            finally:
                self._queue.task_done()

    def _schedule(self, hours: float) -> None:
        interval = hours * 3600
        while not self._stop.wait(min(interval, 600)):
            store = self.state.store
            if store is None or not store.migrated:
                continue
            try:
                with store.Session() as db:
                    last = last_check_time(db)
                if check_due(last, utcnow(), hours):
                    self.check("schedule")
            except Exception as exc:  # noqa: BLE001
                log.warning("scheduled source check not started: %s", type(exc).__name__)


def check_due(last: dt.datetime | None, now: dt.datetime, hours: float) -> bool:
    """A scheduled check is due when none ran in the last `hours` (by any replica: the time is in the database)."""
    if hours <= 0:
        return False
    if last is None:
        return True
    last = last if last.tzinfo else last.replace(tzinfo=dt.timezone.utc)   # SQLite keeps no zone
    return (now - last).total_seconds() >= hours * 3600

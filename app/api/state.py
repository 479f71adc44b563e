"""The loaded service: settings, embedder, index bundle and pipeline; swapped whole on index reload."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from app.config import Settings
from app.guard.classifier import GuardClassifier
from app.pipeline.glossary import load_glossary
from app.i18n import catalogue
from app.index.embedders import Embedder, make_embedder
from app.index.bundle import IndexBundle
from app.index.manifest import IndexNotReady, read_manifest
from app.pipeline.pipeline import Pipeline
from app.store.recorder import AnswerStore
from app.translate.factory import make_translator

log = logging.getLogger("kalla")


@dataclass
class ServiceState:
    settings: Settings
    embedder: Embedder | None = None
    pipeline: Pipeline | None = None
    store: AnswerStore | None = None
    translator: object | None = None  # app.translate: made once, kept across index reloads
    error: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _index_checked: float = 0.0
    _following: bool = False
    _unloadable: str = ""             # a newer index version that failed to load (not retried)

    @property
    def ready(self) -> bool:
        return self.pipeline is not None

    def open_store(self) -> None:
        """Connect the answer log, migrate, apply retention. Failures are counted, never fatal."""
        if self.settings.environment == "production" and self.settings.database_url.startswith("sqlite"):
            # allowed (one small site, a volume for data/), but each replica would keep its own log
            log.warning("answer log is SQLite in production: it lives in this process's file system and "
                        "replicas do not share it; set KALLA_DATABASE_URL to PostgreSQL (docs/deploy.md)")
        self.store = AnswerStore(self.settings.database_url)
        self.store.start()
        if not self.store.migrated:   # e.g. a SQLite folder that cannot be made: answers go on, /readyz says why
            log.error("answer log unavailable: %s; answers are served and not logged, the staff console says the "
                      "database is down", self.store.problem)
        self.load_translation_reviews()
        if self.store.migrated:
            removed = self.store.purge(self.settings.retention_days)
            if removed:
                log.info("retention: deleted %d answers older than %d days", removed, self.settings.retention_days)

    def load(self) -> None:
        """Load model and index; on failure keep the reason (shown on /readyz) instead of crashing."""
        s = self.settings
        try:
            if self.embedder is None:
                self.embedder = make_embedder(s.embedder, s.embedder_model, s.fused_query)
            bundle = IndexBundle.load(s.index_dir, s.corpus_dir, self.embedder.id)
            guard = GuardClassifier(self.embedder, cache_dir=s.cache_dir) if s.guard_enabled else None
            catalogue.preload()
        except IndexNotReady as exc:
            self.error = str(exc)
            log.error("index not ready: %s", exc)
            raise
        with self._lock:
            self.pipeline = Pipeline(bundle, self.embedder, retrieve_k=s.retrieve_k, max_words=s.answer_max_words,
                                     threshold=s.min_confidence or None, translator=self.pipeline_translator(),
                                     hours=s.migrationsverket_hours, guard=guard, glossary=load_glossary(),
                                     default_language=s.default_language,
                                     corpus_translations=s.corpus_translations,
                                     max_question_tokens=s.max_question_tokens)
            self.error = ""
        log.info("index loaded: %s (%d passages)", bundle.manifest.version, bundle.manifest.passages)

    def pipeline_translator(self):
        """The translation backend, if one is configured (see app/translate); made once, kept across reloads."""
        if self.translator is None:
            self.translator = make_translator(self.settings)
        return self.translator

    def follow_index(self) -> None:
        """Switch to a newer index another worker or replica wrote to the shared index folder.

        Called on requests; at most one manifest read per KALLA_INDEX_FOLLOW_SECONDS, and the new index
        loads in a background thread while this one keeps answering (so no worker serves a stale index
        for long after a staff rebuild, and none stalls a resident while it loads).
        """
        interval = self.settings.index_follow_seconds
        now = time.monotonic()
        if not interval or self.pipeline is None or self._following or now - self._index_checked < interval:
            return
        self._index_checked = now
        try:
            version = read_manifest(self.settings.index_dir).version
        except IndexNotReady:
            return                       # mid-swap or removed: keep serving what is loaded
        if version in (self.pipeline.bundle.manifest.version, self._unloadable):
            return
        self._following = True
        threading.Thread(target=self._load_newer, args=(version,), daemon=True, name="kalla-index-follow").start()

    def _load_newer(self, version: str) -> None:
        s = self.settings
        try:
            bundle = IndexBundle.load(s.index_dir, s.corpus_dir, self.embedder.id if self.embedder else None)
            self.swap_bundle(bundle)
            log.info("switched to index %s written by another worker", bundle.manifest.version)
        except Exception as exc:  # noqa: BLE001 - a broken new index must not take down the working one
            self._unloadable = version
            log.warning("index %s in %s could not be loaded (%s); still serving %s", version, s.index_dir,
                        type(exc).__name__, self.pipeline.bundle.manifest.version)
        finally:
            self._following = False

    def swap_bundle(self, bundle: IndexBundle) -> None:
        """Atomic switch to a rebuilt index; answers in flight keep the bundle they started with."""
        self._apply_reviews_to(bundle)
        with self._lock:
            if self.pipeline is not None:
                self.pipeline.bundle = bundle

    # --- staff reviews of the corpus's translations, served over the files at once -----------------------
    _reviews: dict | None = None

    def apply_translation_reviews(self, reviews: dict) -> None:
        self._reviews = reviews
        if self.pipeline is not None:
            self._apply_reviews_to(self.pipeline.bundle)

    def load_translation_reviews(self) -> None:
        """The latest staff review of each translated sentence, from the database (none while it is down)."""
        if self.store is None or not self.store.migrated:
            return
        from app.staff.translations import review_renderings   # staff code only when a store is open

        try:
            with self.store.Session() as db:
                self.apply_translation_reviews(review_renderings(db))
        except Exception as exc:  # noqa: BLE001 - reviews are an overlay: the files still serve
            log.warning("translation reviews not loaded (%s); serving the corpus files", type(exc).__name__)

    def _apply_reviews_to(self, bundle: IndexBundle) -> None:
        if self._reviews is not None and bundle is not None and bundle.translations is not None:
            bundle.translations.apply_reviews(self._reviews)

"""The loaded service: settings, embedder, index bundle and pipeline; swapped whole on index reload."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from app.config import Settings
from app.guard.classifier import GuardClassifier
from app.pipeline.glossary import load_glossary
from app.i18n import catalogue
from app.index.embedders import Embedder, make_embedder
from app.index.store import IndexBundle, IndexNotReady
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
    error: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ready(self) -> bool:
        return self.pipeline is not None

    def open_store(self) -> None:
        """Connect the answer log, migrate, apply retention. Failures are counted, never fatal."""
        self.store = AnswerStore(self.settings.database_url)
        self.store.start()
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
                                     hours=s.migrationsverket_hours, guard=guard, glossary=load_glossary())
            self.error = ""
        log.info("index loaded: %s (%d passages)", bundle.manifest.version, bundle.manifest.passages)

    def pipeline_translator(self):
        """The translation backend, if one is configured (see app/translate); made once, kept across reloads."""
        if getattr(self, "translator", None) is None:
            self.translator = make_translator(self.settings)
        return self.translator

    def swap_bundle(self, bundle: IndexBundle) -> None:
        """Atomic switch to a rebuilt index; answers in flight keep the bundle they started with."""
        with self._lock:
            if self.pipeline is not None:
                self.pipeline.bundle = bundle

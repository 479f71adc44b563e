"""Vectors already computed, kept by (embedder, kind, text) across index builds and test runs.

Building the index embeds every passage, sentence, question-bank question and topic example: about 13,000
texts, minutes on two cores. Most of them do not change between builds, so a build embeds only the texts it
has not seen (KALLA_CACHE_DIR/embeddings/<embedder>/<kind>.npz). A vector is found only for the exact text,
kind and embedder id, so a new model or an edited question is always embedded afresh.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from app.index.embedders import SPARSE_TOP_K

log = logging.getLogger("kalla.index")
SPARSE_TABLE = f"sparse{SPARSE_TOP_K}"   # rows of the default top-k terms (app/index/embedders.py)


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, folder: Path | None, embedder) -> None:
        self.embedder = embedder
        safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in embedder.id)
        self.folder = Path(folder) / "embeddings" / safe if folder else None
        self._tables: dict[str, dict[str, np.ndarray]] = {}
        self._dirty: set[str] = set()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def _table(self, kind: str) -> dict[str, np.ndarray]:
        if kind not in self._tables:
            table: dict[str, np.ndarray] = {}
            path = self.folder / f"{kind}.npz" if self.folder else None
            if path and path.exists():
                try:
                    with np.load(path) as z:
                        table = dict(zip((str(k) for k in z["keys"]), z["vectors"]))
                except Exception as exc:  # noqa: BLE001 - a damaged cache is only a slower build
                    log.warning("embedding cache %s unreadable (%s); starting it afresh", path, type(exc).__name__)
            self._tables[kind] = table
        return self._tables[kind]

    def encode(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray:
        """Vectors for texts (in order), embedding only the ones not in the cache, in one batch."""
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        with self._lock:
            table = self._table(kind)
            keys = [_key(t) for t in texts]
            todo = list(dict.fromkeys(k for k in keys if k not in table))
            self.hits += len(keys) - len(todo)
            self.misses += len(todo)
        if todo:
            first = {k: t for t, k in zip(texts, keys)}
            vectors = self.embedder.encode([first[k] for k in todo], kind=kind)
            with self._lock:
                table.update(zip(todo, np.asarray(vectors, dtype=np.float32)))
                self._dirty.add(kind)
        return np.stack([table[k] for k in keys]).astype(np.float32)

    def encode_sparse(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The embedder's learned sparse terms of texts, computing only the ones not cached. Most of an index
        build's time went here (long passages, every build); a row is kept as its indices then its values
        (float64 holds both exactly)."""
        if not texts:
            return self.embedder.encode_sparse(list(texts))
        with self._lock:
            table = self._table(SPARSE_TABLE)
            keys = [_key(t) for t in texts]
            todo = list(dict.fromkeys(k for k in keys if k not in table))
        if todo:
            first = {k: t for t, k in zip(texts, keys)}
            idx, val = self.embedder.encode_sparse([first[k] for k in todo])
            rows = np.concatenate([idx.astype(np.float64), val.astype(np.float64)], axis=1)
            with self._lock:
                table.update(zip(todo, rows))
                self._dirty.add(SPARSE_TABLE)
        rows = np.stack([table[k] for k in keys])
        half = rows.shape[1] // 2
        return rows[:, :half].astype(np.int32), rows[:, half:].astype(np.float32)

    def save(self) -> None:
        """Write what was added (atomically: a concurrent build reads the old file or the new one)."""
        if not self.folder:
            return
        with self._lock:
            dirty, self._dirty = self._dirty, set()
            for kind in dirty:
                table = self._tables[kind]
                try:
                    self.folder.mkdir(parents=True, exist_ok=True)
                    fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".npz")
                    os.close(fd)
                    np.savez(tmp, keys=np.array(list(table)), vectors=np.stack(list(table.values())))
                    os.replace(tmp, self.folder / f"{kind}.npz")
                except OSError as exc:
                    log.info("embedding cache not writable (%s); vectors kept in memory only", exc)

"""The index folder's manifest: what an index was built from, and whether it still fits the corpus and model.

The service refuses an index built for another corpus, embedder or format, and says what to run.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from app.corpus.document import corpus_hash

FORMAT_VERSION = 1


class IndexNotReady(RuntimeError):
    """The index is missing, corrupt or was built for another embedder or corpus; says what to run."""


@dataclass
class Manifest:
    format: int
    embedder_id: str
    dim: int
    corpus_hash: str
    built_at: str
    documents: int
    passages: int
    sentences: int
    index_type: str
    version: str = ""
    conflicts: list = field(default_factory=list)
    questions: int = 0              # question-bank entries indexed (corpus/_questions)
    question_orphans: int = 0       # bank entries whose passage is no longer in the corpus (skipped)
    ef_search: int = 0              # HNSW only: the efSearch calibrated at build
    recall_at_10: float = 1.0       # of the FAISS index against exact search, on the calibration questions
    fused_query: bool = False       # the build's embedder took a question's dense and sparse terms from one pass
    topic_examples: int = 0         # resident topic example questions indexed (corpus/topics)
    topics_digest: str = ""         # hash of corpus/topics/*.yaml the coverage was computed with
    coverage: dict = field(default_factory=dict)   # {"covered": {topic: sentences}, "not_covered": [topic, ...]}
    embedded: int = 0               # texts embedded by this build (the rest came from the embedding cache)
    translations: dict = field(default_factory=dict)   # language -> {units, translated, reviewed, stale, failing}
    suggestions: int = 0            # suggested questions (language × topic) verified to get a cited answer


def _rebuild_hint(corpus_dir: Path, index_dir: Path) -> str:
    return f"run: python scripts/build_index.py --corpus {corpus_dir} --index {index_dir}"


def read_manifest(index_dir: Path) -> Manifest:
    path = Path(index_dir) / "manifest.json"
    if not path.exists():
        raise IndexNotReady(f"no index in {index_dir}")
    try:
        return Manifest(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise IndexNotReady(f"unreadable index manifest {path}: {exc}") from exc


def check_index(index_dir: Path, corpus_dir: Path, embedder_id: str | None = None) -> Manifest:
    """Raise IndexNotReady (with the command to run) unless the index matches corpus and embedder."""
    hint = _rebuild_hint(corpus_dir, index_dir)
    try:
        manifest = read_manifest(index_dir)
    except IndexNotReady as exc:
        raise IndexNotReady(f"{exc}; {hint}") from exc
    if manifest.format != FORMAT_VERSION:
        raise IndexNotReady(f"index format {manifest.format} is not {FORMAT_VERSION}; {hint}")
    current = corpus_hash(corpus_dir)
    if manifest.corpus_hash != current:
        raise IndexNotReady(f"index was built from another corpus ({manifest.corpus_hash} ≠ {current}); {hint}")
    if embedder_id and manifest.embedder_id != embedder_id:
        raise IndexNotReady(f"index was built with embedder {manifest.embedder_id}, "
                            f"the service is set to {embedder_id}; {hint}")
    return manifest

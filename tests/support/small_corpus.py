"""A small corpus of a test's own, with the real resident topics, indexed with the session's model: approving or
adding a source there changes nothing shared. The embedding cache is copied, so the build embeds only what is new."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def build_small_index(root: Path, embedder, documents: dict[str, str]) -> tuple[Path, Path, Path]:
    """Write `documents` (id → Markdown) and the topics under root/corpus, build root/index; (corpus, index, cache)."""
    from app.index.build import build_index

    corpus, index, cache = root / "corpus", root / "index", root / "cache"
    corpus.mkdir()
    for doc_id, text in documents.items():
        (corpus / f"{doc_id}.md").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "corpus" / "topics", corpus / "topics")
    if (ROOT / "data" / "cache").exists():
        shutil.copytree(ROOT / "data" / "cache", cache)
    build_index(corpus, index, embedder, cache_dir=cache)
    return corpus, index, cache

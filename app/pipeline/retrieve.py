"""Step 3 — find passages: dense (FAISS) and lexical (BM25) results fused by reciprocal rank."""
from __future__ import annotations

import numpy as np

from app.index.embedders import Embedder
from app.index.store import IndexBundle
from app.pipeline.context import Candidate, Context

RRF_K = 60
POOL = 50
STATUS_WEIGHT = {"current": 1.0, "context": 0.9, "superseded": 0.5}


def hybrid_search(bundle: IndexBundle, embedder: Embedder, query: str, k: int,
                  qvec: np.ndarray | None = None, dense_weight: float = 1.0,
                  lexical_weight: float = 1.0) -> tuple[list[Candidate], np.ndarray]:
    if qvec is None:
        qvec = embedder.encode([query], kind="query")[0]
    d_idx, d_scores = bundle.dense_search(qvec, POOL)
    l_idx, l_scores = bundle.lexical.search(query, POOL)
    fused: dict[int, float] = {}
    for rank, i in enumerate(d_idx):
        fused[int(i)] = fused.get(int(i), 0.0) + dense_weight / (RRF_K + rank + 1)
    for rank, i in enumerate(l_idx):
        fused[int(i)] = fused.get(int(i), 0.0) + lexical_weight / (RRF_K + rank + 1)
    dense_of = {int(i): float(s) for i, s in zip(d_idx, d_scores)}
    lex_of = {int(i): float(s) for i, s in zip(l_idx, l_scores)}
    missing = [i for i in fused if i not in dense_of]
    if missing:  # lexical-only hits still need a cosine for the confidence check
        vecs = np.vstack([bundle.faiss.reconstruct(i) for i in missing])
        for i, s in zip(missing, vecs @ qvec):
            dense_of[i] = float(s)
    out = []
    for i, score in fused.items():
        p = bundle.passages[i]
        out.append(Candidate(i, p, dense_of[i], lex_of.get(i, 0.0), score * STATUS_WEIGHT.get(p["status"], 1.0)))
    out.sort(key=lambda c: -c.fused)
    return out[:k], qvec


def run(ctx: Context, bundle: IndexBundle, embedder: Embedder, k: int) -> None:
    ctx.candidates, ctx.query_vector = hybrid_search(bundle, embedder, ctx.text, k)

"""Step — the question's vectors, once: the guard compares them with its exemplars and retrieval with the
index. The sparse terms are computed only for the index's own latents (ADR 0007), so they must come from
the same index the answer searches."""
from __future__ import annotations

from app.pipeline.context import Context


def run(ctx: Context) -> None:
    """Reads text; writes query."""
    r = ctx.resources
    ctx.query = r.embedder.encode_question(ctx.text, r.bundle.sparse_latents)

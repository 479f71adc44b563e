"""Step — the question's vectors, once: the guard compares them with its exemplars and retrieval with the
index. The sparse terms are computed only for the index's own latents (ADR 0007), so they must come from
the same index the answer searches. In a conversation the message is also encoded together with the previous
question: understand decides which of the two readings the answer follows (a follow-up, or a new question)."""
from __future__ import annotations

from app.pipeline.context import Context


def run(ctx: Context) -> None:
    """Reads text, context_text; writes query and context_query."""
    r = ctx.resources
    ctx.query = r.embedder.encode_question(ctx.text, r.bundle.sparse_latents)
    if ctx.context_text:
        ctx.context_query = r.embedder.encode_question(ctx.context_text, r.bundle.sparse_latents)

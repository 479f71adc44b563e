"""Step (final, after localise) — questions the resident may ask next: two or three from topics the texts answer
(app/topics/suggest.py), related to the one just answered, never one the conversation has already been on. None
after a crisis, abuse or a rejected message: those answers stay as they are."""
from __future__ import annotations

from app.pipeline.answer import Status
from app.pipeline.context import Context

QUIET = (Status.CRISIS, Status.REJECTED)


def run(ctx: Context) -> None:
    """Reads answer (status, topic, language), question.history; writes answer.suggestions."""
    answer = ctx.answer
    suggestions = ctx.resources.bundle.suggestions if ctx.resources.bundle is not None else None
    if suggestions is None or answer.status in QUIET or ctx.guard_reason.startswith("abuse"):
        return
    asked = {t.topic for t in ctx.question.history if t.topic}
    answer.suggestions = suggestions.after(answer.language, answer.topic, asked)

"""Step 2 — decide whether to retrieve at all: empty input is rejected here."""
from __future__ import annotations

from app.i18n.catalogue import text
from app.pipeline.answer import Status
from app.pipeline.context import Context


def run(ctx: Context) -> None:
    if not ctx.text:
        ctx.guard_reason = "empty"
        ctx.finish(Status.REJECTED, answer=text("rejected_empty", ctx.language))

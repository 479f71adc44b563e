"""Step — refuse what is not a question before any model pass: an empty message, binary dumps, base64 blobs,
text with almost no letters."""
from __future__ import annotations

import re

from app.i18n.catalogue import text
from app.pipeline.answer import Status
from app.pipeline.context import Context

_BINARY = re.compile(r"[A-Za-z0-9+/=]{120,}|(?:\\x[0-9a-f]{2}){8,}|(?:%[0-9A-F]{2}){12,}")


def unreadable(message: str) -> bool:
    """Binary dumps, base64 blobs and text with almost no letters are not questions."""
    letters = sum(ch.isalpha() for ch in message)
    return bool(_BINARY.search(message)) or (len(message) >= 20 and letters / len(message) < 0.3)


def run(ctx: Context) -> None:
    """Reads text, language; ends the answer as rejected (guard_reason empty | unreadable) when it is no question."""
    if not ctx.text:
        ctx.guard_reason = "empty"
        ctx.finish(Status.REJECTED, answer=text("rejected_empty", ctx.language))
    elif unreadable(ctx.text):
        ctx.guard_reason = "unreadable"
        ctx.finish(Status.REJECTED, answer=text("rejected_invalid", ctx.language))

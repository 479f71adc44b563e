"""Step — make the message safe to handle: drop control and zero-width characters, then remove personal data
before anything is stored, logged or echoed (app/pipeline/sanitize.py, app/pipeline/redact.py). The conversation's
earlier questions (sent by the widget from page memory) are cleaned the same way; they are read, never stored."""
from __future__ import annotations

from app.pipeline.answer import MAX_HISTORY, Turn
from app.pipeline.context import Context
from app.pipeline.redact import redact
from app.pipeline.sanitize import clean_message


def anchor(history: tuple[Turn, ...]) -> Turn | None:
    """The question a follow-up leans on: the last one that was not itself a follow-up ("Who can get the grant?"
    → "and the children?" → "and my wife?" all lean on the first)."""
    for turn in reversed(history[-MAX_HISTORY:]):
        if not turn.follow_up:
            return turn
    return history[-MAX_HISTORY] if history else None


def run(ctx: Context) -> None:
    """Reads question.message and question.history; writes text, the personal_data_removed notice when something
    was removed (and which kinds: removed), and for a conversation the previous question it may lean on (previous,
    previous_topic)."""
    redaction = redact(clean_message(ctx.question.message))
    ctx.text = redaction.text
    if redaction.found:
        ctx.notices.append("personal_data_removed")
        ctx.removed = tuple(redaction.kinds)
    turn = anchor(ctx.question.history)
    earlier = redact(clean_message(turn.message)).text if turn else ""
    if earlier and ctx.text:
        ctx.previous, ctx.previous_topic = earlier, turn.topic

"""Step — make the message safe to handle: drop control and zero-width characters, then remove personal data
before anything is stored, logged or echoed (app/pipeline/sanitize.py, app/pipeline/redact.py)."""
from __future__ import annotations

from app.pipeline.context import Context
from app.pipeline.redact import redact
from app.pipeline.sanitize import clean_message


def run(ctx: Context) -> None:
    """Reads question.message; writes text, and the personal_data_removed notice when something was removed."""
    redaction = redact(clean_message(ctx.question.message))
    ctx.text = redaction.text
    if redaction.found:
        ctx.notices.append("personal_data_removed")

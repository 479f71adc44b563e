"""Step — refuse what is not a question and bound what the rest may cost, before any model pass.

Refused: a message without a letter or a digit (only invisible or combining marks, emoji, punctuation), binary
dumps, base64 blobs, text with almost no letters, text made of overlong runs of letters.

Bounded: the model's cost grows with the tokens it reads (a 1,000-character unbroken word of Ethiopic or Han
characters is ~1,000 tokens and took seconds, a question is 10–50), so the steps after this one read at most
MAX_WORD_CHARS characters of a word and Resources.max_question_tokens tokens of the message
(KALLA_MAX_QUESTION_TOKENS, 64: all but four of the 12,600 questions of the bank and the test sets fit). The worst
message then costs what a long ordinary question costs. The whole message (cleaned, redacted) is what the log keeps.
"""
from __future__ import annotations

import re

from app.i18n.catalogue import text
from app.pipeline.answer import Status
from app.pipeline.context import Context

# Longest word the steps read; the longest word of the 12,600 questions in the test sets and the bank is 34.
MAX_WORD_CHARS = 40
_BINARY = re.compile(r"[A-Za-z0-9+/=]{120,}|(?:\\x[0-9a-f]{2}){8,}|(?:%[0-9A-F]{2}){12,}")
_LINK = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)


def has_words(message: str) -> bool:
    """A letter or a digit somewhere: a message of only marks, emoji or punctuation asks nothing."""
    return any(ch.isalpha() or ch.isdigit() for ch in message)


def unreadable(message: str) -> bool:
    """Binary dumps, base64 blobs, text with almost no letters, and text whose letters are mostly in runs far longer
    than any word (links excepted) are not questions."""
    letters = sum(ch.isalpha() for ch in message)
    if _BINARY.search(message) or (len(message) >= 20 and letters / len(message) < 0.3):
        return True
    overlong = sum(len(w) for w in message.split() if len(w) > 2 * MAX_WORD_CHARS and not _LINK.match(w))
    return overlong > len(message) / 2


def bounded(message: str, count_tokens, max_tokens: int) -> str:
    """The message with every word cut to MAX_WORD_CHARS and then its longest run of whole words within max_tokens."""
    words = [w[:MAX_WORD_CHARS] for w in message.split()]
    short = " ".join(words)
    if count_tokens(short) <= max_tokens:
        return short
    lo, hi = 0, len(words)                  # words[:lo] fits; a few tokenisations, never a model pass
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count_tokens(" ".join(words[:mid])) <= max_tokens:
            lo = mid
        else:
            hi = mid - 1
    if lo:
        return " ".join(words[:lo])
    first = words[0]                        # one word over the whole budget: as many of its characters as fit
    lo, hi = 0, len(first)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count_tokens(first[:mid]) <= max_tokens:
            lo = mid
        else:
            hi = mid - 1
    return first[:lo]


def run(ctx: Context) -> None:
    """Reads text, previous, language; writes full_text, the bounded text and context_text (the previous question,
    bounded alike, and this one), or ends the answer as rejected (guard_reason empty | unreadable) when it is no
    question."""
    ctx.full_text = ctx.text
    if not has_words(ctx.text):
        ctx.guard_reason = "empty"
        ctx.finish(Status.REJECTED, answer=text("rejected_empty", ctx.language))
    elif unreadable(ctx.text):
        ctx.guard_reason = "unreadable"
        ctx.finish(Status.REJECTED, answer=text("rejected_invalid", ctx.language))
    else:
        r = ctx.resources
        previous = ctx.previous
        if r.embedder is not None:          # unit tests of single steps run without a model
            ctx.text = bounded(ctx.text, r.embedder.count_tokens, r.max_question_tokens)
            previous = bounded(previous, r.embedder.count_tokens, r.max_question_tokens) if previous else ""
        if previous:                        # a follow-up may be read with the question it leans on
            ctx.context_text = f"{previous} {ctx.text}"

"""The screen step: no question without a letter or digit, no overlong runs of letters, and never more of a message
for the model than its token budget, whatever the script."""
from __future__ import annotations

import pytest

from app.pipeline import screen
from app.pipeline.answer import Status
from app.pipeline.sanitize import clean_message
from tests.support.pipeline import context, resources


def _screened(message: str, embedder=None, max_tokens: int = 64):
    ctx = context(message, text=clean_message(message), language="sv",
                  res=resources(embedder=embedder, max_question_tokens=max_tokens))
    screen.run(ctx)
    return ctx


@pytest.mark.parametrize("message", ["\u200b\u0301\u0301", "\u0301" * 50, "!!! ???", "\U0001F44D\U0001F44D", "—…—",
                                     "\u064b\u064c\u064d"])
def test_a_message_without_a_letter_or_digit_is_rejected_as_empty(message):
    ctx = _screened(message)
    assert ctx.answer.status is Status.REJECTED and ctx.guard_reason == "empty"


@pytest.mark.parametrize("message", ["ሰ" * 1000, "中" * 1000, "x" * 30 + " " + "ሰ" * 900, "ب" * 500 + " ok"])
def test_overlong_runs_of_letters_are_unreadable(message):
    ctx = _screened(message)
    assert ctx.answer.status is Status.REJECTED and ctx.guard_reason == "unreadable"


@pytest.mark.parametrize("message", ["7", "Hej", "LMA?", "Vad står det på https://www.migrationsverket.se/English/"
                                     "Private-individuals/Leaving-Sweden/Return-grant/Who-can-apply-for-the-grant.html ?"])
def test_short_questions_and_long_links_pass(message):
    assert not _screened(message).finished


def test_every_word_is_cut_and_the_message_bounded_to_the_token_budget(fake_embedder):
    long_word = "återvandringsbidragsansökningshandläggningstiderna"          # 51 characters
    message = f"{long_word} " + "Hur många ansökningar kom in under förra året? " * 20
    ctx = _screened(message, fake_embedder, max_tokens=64)
    assert not ctx.finished
    assert ctx.full_text == clean_message(message)                          # the log keeps all of it
    assert fake_embedder.count_tokens(ctx.text) <= 64
    assert ctx.text.split()[0] == long_word[:screen.MAX_WORD_CHARS]
    assert clean_message(message).replace(long_word, long_word[:screen.MAX_WORD_CHARS]).startswith(ctx.text)
    assert len(ctx.text.split()) > 10                                       # whole words, as many as fit


def test_a_message_within_the_budget_is_read_as_written(fake_embedder):
    message = "Hur många ansökningar om återvandringsbidrag kom in 2025?"
    ctx = _screened(message, fake_embedder)
    assert ctx.text == ctx.full_text == message


def test_bounding_cuts_one_word_over_the_whole_budget_by_characters():
    counted = lambda s: len(s) + 2          # noqa: E731 - a token per character, as for unknown scripts
    assert screen.bounded("ab " + "ሰ" * 30, counted, 10) == "ab"
    assert screen.bounded("ሰ" * 30, counted, 10) == "ሰ" * 8

"""Small builders for unit tests of single steps: a context without an index, passages without a corpus."""
from __future__ import annotations

from app.corpus.passages import Passage
from app.pipeline.answer import Question
from app.pipeline.context import Context, Resources
from app.pipeline.threshold import Threshold


def resources(**kw) -> Resources:
    """Resources for a step that needs none of the index or model (detect, localise, screen)."""
    base = dict(bundle=None, embedder=None, threshold=Threshold(high=0.8, low=0.7, lexical=1.0))
    return Resources(**{**base, **kw})


def context(message: str = "q", *, text: str | None = None, language: str | None = None, res: Resources | None = None,
            **question) -> Context:
    ctx = Context(question=Question(message=message, language=question.pop("chosen", None), **question),
                  resources=res or resources(), text=message if text is None else text)
    if language:
        ctx.language = language
    return ctx


def passage(pid: str, language: str = "sv", text: str | None = None, **kw) -> Passage:
    text = text or f"Text {pid}."
    base = dict(id=pid, document_id="d", ordinal=0, section="S", text=text, sentences=(text,), title="T",
                authority="Migrationsverket", url="https://x", language=language, published="2026-01-01",
                status="current")
    return Passage(**{**base, **kw})

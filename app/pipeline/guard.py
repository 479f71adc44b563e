"""Step 2 — decide before retrieval: crisis first, then abuse, personal matters, leading questions,
out-of-scope questions. Rules and exemplars are data (app/guard/rules.yaml); see app/guard/classifier.py.

A personal or leading question still gets the general information (retrieval goes on) and is then
handed off; crisis, abuse, out-of-scope and unreadable input end the answer here.
"""
from __future__ import annotations

import re

from app.guard.classifier import GuardClassifier
from app.i18n.catalogue import text
from app.index.embedders import encode_question
from app.pipeline.answer import Contact, Handoff, Status
from app.pipeline.context import Context

CRISIS_LINES = ("crisis_emergency", "crisis_healthcare", "crisis_suicide_line")
_BINARY = re.compile(r"[A-Za-z0-9+/=]{120,}|(?:\\x[0-9a-f]{2}){8,}|(?:%[0-9A-F]{2}){12,}")


def crisis_contacts(language: str) -> list[Contact]:
    return [
        Contact(name=text("crisis_emergency", language), phone="112"),
        Contact(name=text("crisis_healthcare", language), phone="1177", url="https://www.1177.se"),
        Contact(name=text("crisis_suicide_line", language), phone="90101", url="https://mind.se"),
    ]


def crisis_text(language: str) -> str:
    lines = [text("crisis_intro", language)] + [text(k, language) for k in CRISIS_LINES]
    if language != "sv":   # the Swedish line beside it, for whoever helps the resident call
        lines += ["", "—", text("crisis_intro", "sv")] + [text(k, "sv") for k in CRISIS_LINES]
    return "\n".join(lines)


def unreadable(message: str) -> bool:
    """Binary dumps, base64 blobs and text with almost no letters are not questions."""
    letters = sum(ch.isalpha() for ch in message)
    return bool(_BINARY.search(message)) or (len(message) >= 20 and letters / len(message) < 0.3)


def run(ctx: Context, classifier: GuardClassifier | None, embedder) -> None:
    lang = ctx.language
    if not ctx.text:
        ctx.guard_reason = "empty"
        ctx.finish(Status.REJECTED, answer=text("rejected_empty", lang))
        return
    if unreadable(ctx.text):
        ctx.guard_reason = "unreadable"
        ctx.finish(Status.REJECTED, answer=text("rejected_invalid", lang))
        return
    if classifier is None:
        return
    # retrieval reuses both, so the sparse terms are those of the index it searches
    ctx.query_vector, ctx.query_sparse = encode_question(embedder, ctx.text, ctx.sparse_latents)
    verdict = classifier.classify(ctx.text, ctx.query_vector)
    if not verdict.category:
        return
    ctx.guard_reason = f"{verdict.category}:{verdict.evidence}"
    if verdict.category == "crisis":
        ctx.finish(Status.CRISIS, answer=crisis_text(lang),
                   handoff=Handoff(reason="crisis", message=text("crisis_intro", lang), contacts=crisis_contacts(lang)))
    elif verdict.category == "abuse":
        ctx.finish(Status.NO_ANSWER, answer=text("abuse_reply", lang))
    elif verdict.category == "out_of_scope":
        ctx.finish(Status.NO_ANSWER, answer=text("out_of_scope", lang))
    else:  # personal or leading: general information still helps; the handoff follows
        ctx.handoff_reason = "individual" if verdict.category == "personal" else "leading"

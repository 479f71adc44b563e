"""The whole answer in one readable place: the steps in order, each timed, each `run(ctx)`.

    clean → detect → screen → encode → understand → guard → retrieve → compose → localise → suggest

A step that ends the answer (rejected, crisis, out of scope, nothing to quote) calls ctx.finish(); the
steps after it are skipped, except localise, which renders every answer in the resident's language, and
suggest, which offers what to ask next.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from app.index.bundle import IndexBundle
from app.index.embedders import Embedder
from app.pipeline import clean, compose, detect, encode, guard, localise, retrieve, screen, suggest, understand
from app.pipeline.answer import Answer, Contact, Question
from app.pipeline.context import Context, Resources
from app.pipeline.threshold import default_threshold

STEPS = (("clean", clean.run), ("detect", detect.run), ("screen", screen.run), ("encode", encode.run),
         ("understand", understand.run), ("guard", guard.run), ("retrieve", retrieve.run), ("compose", compose.run))
FINAL_STEPS = (("localise", localise.run), ("suggest", suggest.run))   # run for every answer


@dataclass
class Pipeline:
    bundle: IndexBundle
    embedder: Embedder
    retrieve_k: int = 8
    max_words: int = 120
    threshold: float | None = None
    translator: object | None = None
    hours: str = ""
    guard: object | None = None      # app.guard.classifier.GuardClassifier; None = only input checks
    glossary: object | None = None   # app.pipeline.glossary.Glossary; None = no query expansion
    default_language: str = "sv"
    corpus_translations: bool = True
    max_question_tokens: int = 64

    def resources(self) -> Resources:
        bundle = self.bundle   # one index for the whole answer, even if a rebuild swaps it meanwhile
        return Resources(bundle=bundle, embedder=self.embedder,
                         threshold=default_threshold(bundle.manifest.embedder_id, self.threshold),
                         retrieve_k=self.retrieve_k, max_words=self.max_words, hours=self.hours, guard=self.guard,
                         glossary=self.glossary, translator=self.translator, default_language=self.default_language,
                         topics=bundle.catalogue, kind_cues=bundle.kind_cues, follow_up_cues=bundle.follow_up_cues,
                         corpus_translations=self.corpus_translations,
                         max_question_tokens=self.max_question_tokens)

    def answer(self, question: Question, site_contact: Contact | Callable[[str], Contact | None] | None = None) -> Answer:
        """site_contact: the embedding site's own contact, or a function giving it in a language (Site.contact_for)."""
        resources = self.resources()
        contact_for = site_contact if callable(site_contact) else ((lambda _lang: site_contact) if site_contact else None)
        ctx = Context(question=question, resources=resources, contact_for=contact_for)
        timings: dict[str, float] = {}
        for name, run in STEPS:
            if ctx.finished:
                break
            t0 = time.perf_counter()
            run(ctx)
            timings[name] = round((time.perf_counter() - t0) * 1000, 2)
        for name, run in FINAL_STEPS:
            t0 = time.perf_counter()
            run(ctx)
            timings[name] = round((time.perf_counter() - t0) * 1000, 2)
        result = ctx.answer
        result.timings_ms = timings
        result.index_version = resources.bundle.manifest.version
        result.question = ctx.full_text or ctx.text   # the whole message, not only what the model read
        result.language_source = ctx.language_source
        result.gloss = ctx.gloss
        result.follow_up = ctx.follow_up
        if "personal_data_removed" in ctx.notices and "personal_data_removed" not in result.notices:
            result.notices.append("personal_data_removed")
        return result

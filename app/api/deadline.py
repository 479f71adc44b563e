"""A deadline for every answer: a slow or failing step ends as no_answer + Migrationsverket, never a hung request.

The pipeline runs in a bounded worker pool; the request waits at most KALLA_ANSWER_TIMEOUT_SECONDS. A step
that overruns cannot be killed (Python threads cannot be), so its result is dropped when it finally
arrives; the pool's bound keeps a stuck step from eating every thread, and queued work that missed its
deadline is cancelled before it starts.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from app import metrics
from app.i18n.catalogue import text
from app.i18n.languages import direction, fallback_language
from app.pipeline.answer import Answer, Contact, Question, Status
from app.pipeline.contacts import handoff
from app.pipeline.redact import redact
from app.pipeline.sanitize import clean_message

log = logging.getLogger("kalla.deadline")

# Small on purpose: the model runs one question at a time per process (its lock), so more threads only
# wait; queued questions whose deadline passes are cancelled before they start (load shedding), and a
# few stuck steps still leave threads free. Fewer threads also keep memory flat under bursts.
_POOL = ThreadPoolExecutor(max_workers=max(4, 4 * (os.cpu_count() or 1)), thread_name_prefix="kalla-answer")


async def answer_with_deadline(state, question: Question, site_contact: Contact | Callable[[str], Contact | None] | None = None,
                               timeout: float | None = None) -> Answer:
    """state.pipeline.answer(question) if it finishes in time, else a no_answer with the handoff.

    Awaited on the event loop (no request thread waits on another thread): one thread hop, to the pool.
    """
    settings = state.settings
    timeout = settings.answer_timeout_seconds if timeout is None else timeout
    pipeline = state.pipeline
    t0 = time.perf_counter()
    future = _POOL.submit(pipeline.answer, question, site_contact)
    reason = ""
    try:
        answer = await asyncio.wait_for(asyncio.wrap_future(future), timeout)
    except TimeoutError:
        future.cancel()   # only succeeds if it never started; otherwise its result is ignored
        reason = "timeout"
        answer = fallback_answer(question, "timeout", settings, pipeline, site_contact, t0)
        log.warning("answer deadline of %.1f s passed; served no_answer with handoff", timeout)
    except Exception as exc:  # noqa: BLE001 - a bug in a step must still give the resident somewhere to go
        reason = "error"
        answer = fallback_answer(question, "error", settings, pipeline, site_contact, t0)
        log.error("answer failed in the pipeline (%s); served no_answer with handoff", type(exc).__name__)
    if reason:
        metrics.FALLBACKS.labels(reason).inc()
    metrics.observe_answer(answer, time.perf_counter() - t0)
    return answer


def fallback_answer(question: Question, reason: str, settings, pipeline,
                    site_contact: Contact | Callable[[str], Contact | None] | None,
                    t0: float) -> Answer:
    """The honest reply when no answer could be made: "try again", plus who can help, in the resident's language."""
    lang, source = fallback_language(question.language, question.previous_language, question.site_language,
                                     settings.default_language)
    message = text("error_generic", lang)
    bundle = getattr(pipeline, "bundle", None)
    return Answer(
        status=Status.NO_ANSWER, language=lang, answer=message, answer_language=lang, direction=direction(lang),
        handoff=handoff(reason, message, lang, settings.migrationsverket_hours,
                        site_contact(lang) if callable(site_contact) else site_contact),
        guard_reason=reason, question=redact(clean_message(question.message)).text, language_source=source,
        timings_ms={"deadline": round((time.perf_counter() - t0) * 1000, 2)},
        index_version=bundle.manifest.version if bundle is not None else "",
    )

"""Step — render the answer in the resident's language: catalogue frame, quotes, direction, notices, handoff.

Every answer passes here, however it ended: a composition is rendered as quotes (handed off too when the
question had a personal or leading part), a no-answer gets who can help, and answers the guard ended get
their language and direction. The authority's words are never disguised: quotes stay in the source language
unless a translation backend is installed, and then the original is always kept beside the translation.
"""
from __future__ import annotations

import dataclasses
import logging

from app.i18n.catalogue import text
from app.i18n.languages import direction
from app.pipeline.answer import Answer, Citation, Status
from app.pipeline.contacts import handoff
from app.pipeline.context import Composition, Context

log = logging.getLogger("kalla.translate")
FALLBACK_LANGUAGE = "en"   # shown beside the Swedish quote when the resident's language has no model
HANDOFF_TEXT = {"individual": "handoff_individual", "leading": "handoff_leading"}


def run(ctx: Context) -> None:
    """Reads composition or answer (and language, notices, handoff_reason); writes the final answer."""
    if ctx.composition is not None:
        ctx.answer = answered(ctx, ctx.composition)
    elif ctx.answer is not None and ctx.answer.status is Status.NO_ANSWER and ctx.handoff_reason:
        handoff_only(ctx, ctx.answer)
    elif ctx.answer is not None and ctx.answer.status is Status.NO_ANSWER and not ctx.guard_reason:
        no_answer(ctx, ctx.answer)
    else:
        finish_early(ctx, ctx.answer)


def _frame(language: str, quotes: list[tuple[int, str]]) -> str:
    lines = [text("answer_intro", language), ""]
    for n, quote in quotes:
        lines.append(f"«{quote}» [{n}]")
    return "\n".join(lines).strip()


def _translate(translator, quote: str, source: str, target: str, passage_id: str) -> str | None:
    """The machine translation of a quote, or None when no model serves the pair or the model fails."""
    try:
        if not translator.can_translate(source, target):
            return None
        return translator.translate(quote, source, target, cache_key=passage_id) or None
    except Exception as exc:  # noqa: BLE001 - a failing backend must never break an answer
        log.warning("translation %s→%s of passage %s failed: %s: %s", source, target, passage_id,
                    type(exc).__name__, exc)
        return None


def _citation(comp: Composition, p, lang: str, translator) -> Citation:
    quote = " ".join(comp.quotes[p.id])
    cit = Citation(p, quote, score=round(comp.scores.get(p.id, 0.0), 4))
    if p.language == lang or translator is None:
        return cit
    translation = _translate(translator, quote, p.language, lang, p.id)
    if translation:
        return dataclasses.replace(cit, translation=translation, translation_language=lang)
    if FALLBACK_LANGUAGE not in (lang, p.language):
        # No model for the resident's language: the quote stays in Swedish, with English beside it.
        translation = _translate(translator, quote, p.language, FALLBACK_LANGUAGE, p.id)
        if translation:
            return dataclasses.replace(cit, translation=translation, translation_language=FALLBACK_LANGUAGE)
    return cit


def answered(ctx: Context, comp: Composition) -> Answer:
    lang = ctx.language
    r = ctx.resources
    notices = list(ctx.notices)
    citations = [_citation(comp, p, lang, r.translator) for p in comp.passages]
    numbered = [(n, c.translation if c.translation_language == lang else c.quote)
                for n, c in enumerate(citations, start=1)]
    answer_language = comp.passages[0].language if comp.passages else lang
    if any(c.language != lang for c in citations):
        if any(c.translation for c in citations):    # every machine translation is labelled as one
            notices.append("machine_translation")
        if all(c.translation_language == lang for c in citations if c.language != lang):
            answer_language = lang
        elif lang not in {c.language for c in citations}:
            notices.append("translation_unavailable")
    if comp.conflicts:
        notices.append("sources_disagree")
    status, card, frame = Status.ANSWERED, None, _frame(lang, numbered)
    if ctx.handoff_reason:
        status = Status.HANDOFF
        card = handoff(ctx.handoff_reason, text(HANDOFF_TEXT[ctx.handoff_reason], lang), lang, r.hours, ctx.site_contact)
        frame = text("handoff_general_and_personal" if ctx.handoff_reason == "individual" else "handoff_leading",
                     lang) + "\n\n" + frame
    return Answer(status=status, language=lang, answer=frame, answer_language=answer_language,
                  citations=citations, handoff=card, notices=list(dict.fromkeys(notices)), direction=direction(lang),
                  confidence=round(comp.confidence, 4), conflicts=comp.conflicts, guard_reason=ctx.guard_reason)


def handoff_only(ctx: Context, answer: Answer) -> None:
    """A personal or leading question with no general passage to show: the handoff alone."""
    lang = ctx.language
    message = text(HANDOFF_TEXT[ctx.handoff_reason], lang)
    answer.status = Status.HANDOFF
    answer.answer, answer.answer_language, answer.direction = message, lang, direction(lang)
    answer.handoff = handoff(ctx.handoff_reason, message, lang, ctx.resources.hours, ctx.site_contact)


def no_answer(ctx: Context, answer: Answer) -> None:
    lang = ctx.language
    message = text("no_answer", lang)
    answer.answer, answer.answer_language, answer.direction = message, lang, direction(lang)
    answer.handoff = handoff("no_answer", message, lang, ctx.resources.hours, ctx.site_contact)


def finish_early(ctx: Context, answer: Answer) -> None:
    """Answers a guard ended (rejected, crisis, ...) only need direction and language filled in."""
    answer.answer_language = answer.answer_language or ctx.language
    answer.direction = direction(ctx.language)

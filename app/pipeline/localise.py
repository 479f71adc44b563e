"""Step 5 — render the answer in the resident's language: catalogue frame, quotes, direction, notices.

The authority's words are never disguised: quotes stay in the source language unless a translation
backend is installed, and then the original is always kept beside the translation.
"""
from __future__ import annotations

import logging

from app.i18n.catalogue import text
from app.i18n.languages import direction
from app.pipeline.answer import Answer, Handoff, Status
from app.pipeline.compose import Composition, citation
from app.pipeline.contacts import contacts_for
from app.pipeline.context import Context

log = logging.getLogger("kalla.translate")
FALLBACK_LANGUAGE = "en"   # shown beside the Swedish quote when the resident's language has no model


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


def answered(ctx: Context, comp: Composition, translator=None, hours: str = "", site_contact=None) -> Answer:
    lang = ctx.language
    citations = []
    notices = list(ctx.notices)
    numbered: list[tuple[int, str]] = []
    answer_language = comp.passages[0]["language"] if comp.passages else lang
    for n, p in enumerate(comp.passages, start=1):
        quote = " ".join(comp.quotes[p["id"]])
        cit = citation(p, comp.quotes[p["id"]], (comp.scores or {}).get(p["id"], 0.0))
        if p["language"] != lang and translator is not None:
            cit.translation = _translate(translator, quote, p["language"], lang, p["id"])
            cit.translation_language = lang if cit.translation else None
            if not cit.translation and FALLBACK_LANGUAGE not in (lang, p["language"]):
                # No model for the resident's language: the quote stays in Swedish, with English beside it.
                cit.translation = _translate(translator, quote, p["language"], FALLBACK_LANGUAGE, p["id"])
                cit.translation_language = FALLBACK_LANGUAGE if cit.translation else None
        numbered.append((n, cit.translation if cit.translation_language == lang else quote))
        citations.append(cit)
    if any(c.language != lang for c in citations):
        if any(c.translation for c in citations):    # every machine translation is labelled as one
            notices.append("machine_translation")
        if all(c.translation_language == lang for c in citations if c.language != lang):
            answer_language = lang
        elif lang not in {c.language for c in citations}:
            notices.append("translation_unavailable")
    if comp.conflicts:
        notices.append("sources_disagree")
    status = Status.ANSWERED
    handoff = None
    frame = _frame(lang, numbered)
    if ctx.handoff_reason:
        status = Status.HANDOFF
        handoff = handoff_for(ctx, hours, site_contact)
        frame = text("handoff_general_and_personal" if ctx.handoff_reason == "individual" else "handoff_leading",
                     lang) + "\n\n" + frame
    return Answer(status=status, language=lang, answer=frame, answer_language=answer_language,
                  citations=citations, handoff=handoff, notices=_unique(notices), direction=direction(lang),
                  confidence=round(comp.confidence, 4), conflicts=comp.conflicts, guard_reason=ctx.guard_reason)


HANDOFF_TEXT = {"individual": "handoff_individual", "leading": "handoff_leading"}


def handoff_for(ctx: Context, hours: str, site_contact=None) -> Handoff:
    lang = ctx.language
    return Handoff(reason=ctx.handoff_reason, message=text(HANDOFF_TEXT[ctx.handoff_reason], lang) + " " +
                   text("interpreter_notice", lang), contacts=contacts_for(lang, hours, site_contact))


def handoff_only(ctx: Context, answer: Answer, hours: str = "", site_contact=None) -> Answer:
    """A personal or leading question with no general passage to show: the handoff alone."""
    lang = ctx.language
    answer.status = Status.HANDOFF
    answer.answer = text(HANDOFF_TEXT[ctx.handoff_reason], lang)
    answer.answer_language = lang
    answer.direction = direction(lang)
    answer.handoff = handoff_for(ctx, hours, site_contact)
    return answer


def no_answer(ctx: Context, answer: Answer, hours: str = "", site_contact=None) -> Answer:
    lang = ctx.language
    answer.answer = text("no_answer", lang)
    answer.answer_language = lang
    answer.direction = direction(lang)
    answer.handoff = Handoff(reason="no_answer", message=text("no_answer", lang) + " " + text("interpreter_notice", lang),
                             contacts=contacts_for(lang, hours, site_contact))
    return answer


def finish_early(ctx: Context, answer: Answer) -> Answer:
    """Answers a guard ended (rejected, crisis, handoff...) only need direction and language filled in."""
    answer.answer_language = answer.answer_language or ctx.language
    answer.direction = direction(ctx.language)
    return answer


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))

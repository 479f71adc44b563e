"""Step — render the answer in the resident's language: catalogue frame, quotes, direction, notices, handoff.

Every answer passes here, however it ended: a composition is rendered as quotes (handed off too when the
question had a personal or leading part); a resident topic the texts do not answer says so plainly, with who
answers it and the passages that only mention it (apart, never as citations); a service answer gives contact
details or what Källa is from Källa's own data; a no-answer gets who can help; answers the guard ended get
their language and direction. The authority's words are never disguised: quotes stay in the source language
unless a translation backend is installed, and then the original is always kept beside the translation.
"""
from __future__ import annotations

import dataclasses
import logging
import re

from app.i18n.catalogue import text
from app.i18n.languages import direction
from app.pipeline.answer import Answer, Citation, Contact, Handoff, Related, Status
from app.pipeline.contacts import contacts_for, handoff, migrationsverket
from app.pipeline.guard import crisis_contacts, support_text
from app.pipeline.context import Composition, Context
from app.translate.corpus import weakest

log = logging.getLogger("kalla.translate")
FALLBACK_LANGUAGE = "en"   # shown beside the Swedish quote when the resident's language has no model
HANDOFF_TEXT = {"individual": "handoff_individual", "leading": "handoff_leading"}


def run(ctx: Context) -> None:
    """Reads composition or answer (and language, notices, topic, handoff_reason, gives_own_case); writes the final
    answer."""
    if ctx.composition is not None:
        ctx.answer = answered(ctx, ctx.composition)
    elif ctx.answer.status is Status.SERVICE and not ctx.gives_own_case:
        service(ctx, ctx.answer)
    elif ctx.answer.status in (Status.NO_ANSWER, Status.SERVICE) and ctx.handoff_reason:
        # "My case number is …, when will they answer me?" is about the resident's own case: the handoff, which
        # carries Migrationsverket's contacts, rather than the contact details alone.
        handoff_only(ctx, ctx.answer)
    elif ctx.answer.status is Status.NO_ANSWER and ctx.not_covered:
        not_covered(ctx, ctx.answer)
    elif ctx.answer.status is Status.NO_ANSWER and not ctx.guard_reason:
        no_answer(ctx, ctx.answer)
    else:
        finish_early(ctx, ctx.answer)
    if ctx.support_lines and ctx.answer.status is not Status.CRISIS and not ctx.guard_reason.startswith("abuse"):
        # A worried or grieving message, or a crisis in words the guard is not sure of: the help lines come first.
        ctx.answer.answer = support_text(ctx.language) + "\n\n" + ctx.answer.answer
        ctx.answer.support = Handoff(reason="support_lines", message=text("support_intro", ctx.language),
                                     contacts=crisis_contacts(ctx.language))
        ctx.answer.notices.append("support_lines")
    ctx.answer.topic = (ctx.topic.topic or "") if ctx.topic else ""
    if ctx.unanswered_part != ctx.answer.topic and ctx.answer.status in (Status.ANSWERED, Status.HANDOFF):
        ctx.answer.lacking_topic = ctx.unanswered_part   # recorded beside the quoted topic, for staff statistics
    if ctx.topic:
        topic = ctx.resources.topics.topics.get(ctx.topic.topic or "") if ctx.resources.topics else None
        ctx.answer.answer_kind = ctx.topic.kind(topic.kind if topic else "")


LIST_MARK = re.compile(r"^\s*[-–—•*]\s+")


def _frame(language: str, quotes: list[tuple[int, str]]) -> str:
    """The answer text: the intro, then each quote in guillemets (a list item's dash dropped: «- further work»)."""
    lines = [text("answer_intro", language), ""]
    for n, quote in quotes:
        lines.append(f"«{LIST_MARK.sub('', quote)}» [{n}]")
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


def _corpus_rendering(ctx: Context, sentences: list[str], source: str,
                      target: str) -> tuple[str, str, str | None, str | None] | None:
    """The quote's sentences in `target` from the corpus's own (or an authority's) translations — all of them,
    or None — as the fields a citation carries."""
    r = ctx.resources
    corpus = r.bundle.translations if r.bundle is not None and r.corpus_translations else None
    if corpus is None:
        return None
    renderings = [corpus.render(s, source, target) for s in sentences]
    if not renderings or any(r is None for r in renderings):
        return None
    status = weakest([r.status for r in renderings])
    reviewed = max((r.reviewed_at for r in renderings if r.reviewed_at), default="") if status == "reviewed" else ""
    by = renderings[0].by if status == "authority" else ""
    return " ".join(r.text for r in renderings), status, reviewed or None, by or None


def _citation(ctx: Context, comp: Composition, p, lang: str) -> Citation:
    """The citation of passage p, with its quote in the resident's language when a translation serves it: the
    corpus's own (reviewed or not) or an authority's first, a machine translation second; failing both and when
    an English one exists, English beside the Swedish."""
    sentences = comp.quotes[p.id]
    quote = " ".join(sentences)
    cit = Citation(p, quote, score=round(comp.scores.get(p.id, 0.0), 4))
    if p.language == lang:
        return cit
    for target in (lang, FALLBACK_LANGUAGE) if FALLBACK_LANGUAGE not in (lang, p.language) else (lang,):
        own = _corpus_rendering(ctx, sentences, p.language, target)
        if own is not None:
            text, status, reviewed_at, by = own
            return dataclasses.replace(cit, translation=text, translation_language=target, translation_status=status,
                                       translation_reviewed_at=reviewed_at, translation_by=by)
        if ctx.resources.translator is not None:
            machine = _translate(ctx.resources.translator, quote, p.language, target, p.id)
            if machine:
                return dataclasses.replace(cit, translation=machine, translation_language=target,
                                           translation_status="machine")
    return cit


def answered(ctx: Context, comp: Composition) -> Answer:
    lang = ctx.language
    r = ctx.resources
    notices = list(ctx.notices)
    citations = [_citation(ctx, comp, p, lang) for p in comp.passages]
    numbered = [(n, c.translation if c.translation_language == lang else c.quote)
                for n, c in enumerate(citations, start=1)]
    answer_language = comp.passages[0].language if comp.passages else lang
    if any(c.language != lang for c in citations):
        if any(c.translation_status == "machine" for c in citations):    # every machine translation is labelled
            notices.append("machine_translation")
        if all(c.translation_language == lang for c in citations if c.language != lang):
            answer_language = lang
        elif lang not in {c.language for c in citations}:
            notices.append("translation_unavailable")
    if comp.conflicts:
        notices.append("sources_disagree")
    status, card, frame = Status.ANSWERED, None, _frame(lang, numbered)
    if ctx.unanswered_part:   # "what is it and how do I apply?": what the texts say, then the card for what they lack
        card = signposted(ctx, ctx.unanswered_part)[1]
        notices.append("not_covered")
    if ctx.handoff_reason:
        status = Status.HANDOFF
        card = handoff(ctx.handoff_reason, text(HANDOFF_TEXT[ctx.handoff_reason], lang), lang, r.hours, ctx.site_contact)
        frame = text("handoff_general_and_personal" if ctx.handoff_reason == "individual" else "handoff_leading",
                     lang) + "\n\n" + frame
    return Answer(status=status, language=lang, answer=frame, answer_language=answer_language,
                  citations=citations, handoff=card, notices=list(dict.fromkeys(notices)), direction=direction(lang),
                  confidence=round(comp.confidence, 4), conflicts=comp.conflicts, guard_reason=ctx.guard_reason)


def signposted(ctx: Context, topic_id: str) -> tuple[str, Handoff]:
    """"The texts do not say …; <who> can answer this", and the handoff to whoever answers the topic (its signpost)."""
    lang, topic = ctx.language, ctx.resources.topics.topics[topic_id]
    contacts = signpost_contacts(ctx, topic.signpost.authorities, topic.signpost.look_for)
    names = ", ".join(dict.fromkeys(c.name.split(" (")[0] for c in contacts[:2]))
    message = ctx.resources.topics.text(topic_id, lang).not_covered + " " + \
        text("not_covered_who", lang, authorities=names)
    return message, Handoff(reason="not_covered", message=message + " " + text("interpreter_notice", lang),
                            contacts=contacts)


def handoff_only(ctx: Context, answer: Answer) -> None:
    """A personal or leading question with no general passage to show: the handoff alone (and, when the texts
    do not cover its topic, that they do not)."""
    lang = ctx.language
    message = text(HANDOFF_TEXT[ctx.handoff_reason], lang)
    if ctx.not_covered:
        message = _topic_texts(ctx).not_covered + " " + message
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


def _topic_texts(ctx: Context):
    return ctx.resources.topics.text(ctx.topic.topic, ctx.language)


def signpost_contacts(ctx: Context, authority_ids: tuple[str, ...], look_for: str = "") -> list[Contact]:
    """The authorities that answer a topic, as contacts in the resident's language (the site's own contact for
    "your municipality"); Migrationsverket when the topic names no one."""
    lang, r = ctx.language, ctx.resources
    out: list[Contact] = []
    for aid in authority_ids or ("migrationsverket",):
        a = r.topics.authorities.get(aid)
        if a is None:
            continue
        if a.site_contact:
            if ctx.site_contact is not None:
                out.append(ctx.site_contact)
            continue
        if aid == "migrationsverket":
            contact = migrationsverket(lang, r.hours)
        else:
            contact = Contact(name=a.name, phone=a.phone, phone_abroad=a.phone_abroad, url=a.url)
        if look_for and contact.url:
            contact.look_for = text("signpost_look_for", lang, words=look_for)
        out.append(contact)
    if ctx.site_contact is not None and ctx.site_contact not in out:
        out.append(ctx.site_contact)
    return out


def not_covered(ctx: Context, answer: Answer) -> None:
    """The texts do not answer this topic: say so plainly, say who does, offer what only mentions it."""
    lang = ctx.language
    message, answer.handoff = signposted(ctx, ctx.topic.topic)
    answer.answer, answer.answer_language, answer.direction = message, lang, direction(lang)
    answer.related = related(ctx, ctx.topic.topic)
    answer.notices.append("not_covered")


RELATED_MAX = 2


def related(ctx: Context, topic: str) -> list[Related]:
    """Sentences that mention the topic without answering it, closest to the question first (at most two)."""
    bundle = ctx.resources.bundle
    refs = bundle.coverage.mentions.get(topic, []) if bundle.coverage else []
    scored = []
    for ref in refs:
        p = bundle.passage(ref.passage_id)
        if p is None or ref.index >= len(p.sentences):
            continue
        vec = bundle.sentence_vectors_of(bundle.by_id[p.id])[ref.index]
        scored.append((float(vec @ ctx.read_query.dense), p, p.sentences[ref.index]))
    scored.sort(key=lambda x: -x[0])
    out = []
    for _, p, s in scored[:RELATED_MAX]:   # in the resident's language too, when the corpus has it
        own = _corpus_rendering(ctx, [s], p.language, ctx.language) if p.language != ctx.language else None
        out.append(Related(p, s, own[0], ctx.language, own[1]) if own else Related(p, s))
    return out


def service(ctx: Context, answer: Answer) -> None:
    """Answered from Källa's own data: contact details (with the site's own contact), help in the resident's
    language, or what Källa is and what it stores."""
    lang, r = ctx.language, ctx.resources
    topic = r.topics.topics[ctx.topic.topic]
    own = _topic_texts(ctx).answer
    message = own or text("service_contact_intro", lang)
    contacts = contacts_for(lang, r.hours, ctx.site_contact) if topic.kind == "contact" else \
        signpost_contacts(ctx, topic.signpost.authorities)
    answer.answer, answer.answer_language, answer.direction = message, lang, direction(lang)
    answer.handoff = Handoff(reason=topic.id, message=text("interpreter_notice", lang), contacts=contacts)

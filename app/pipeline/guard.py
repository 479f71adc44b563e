"""Step — decide before retrieval: crisis first, then abuse, personal matters, leading questions,
out-of-scope questions. Rules and exemplars are data (app/guard/rules.yaml); see app/guard/classifier.py.

A personal or leading question still gets the general information (retrieval goes on) and is then
handed off; crisis, abuse and out-of-scope end the answer here.
"""
from __future__ import annotations

from app.i18n.catalogue import text
from app.pipeline.answer import Contact, Handoff, Status
from app.pipeline.context import Context

CRISIS_LINES = ("crisis_emergency", "crisis_healthcare", "crisis_suicide_line")
# A message that gives a case number, a personal identity number, an LMA card or a passport number is about the
# resident's own case, in whatever language it is written ("my case number is 23-114455, when do I get an answer?").
OWN_CASE_DATA = ("case", "personnummer", "card", "passport")


def crisis_contacts(language: str) -> list[Contact]:
    return [
        Contact(name=text("crisis_emergency", language), phone="112"),
        Contact(name=text("crisis_healthcare", language), phone="1177", url="https://www.1177.se"),
        Contact(name=text("crisis_suicide_line", language), phone="90101", url="https://mind.se"),
    ]


def support_text(language: str) -> str:
    """The help lines put before an answer when a message sits near a crisis without being sure to be one."""
    return "\n".join([text("support_intro", language)] + [text(k, language) for k in CRISIS_LINES])


def crisis_text(language: str) -> str:
    lines = [text("crisis_intro", language)] + [text(k, language) for k in CRISIS_LINES]
    if language != "sv":   # the Swedish lines beside them, labelled, for whoever helps the resident call
        lines += ["", "—", text("crisis_swedish_copy", language), text("crisis_intro", "sv")] + \
            [text(k, "sv") for k in CRISIS_LINES]
    return "\n".join(lines)


def run(ctx: Context) -> None:
    """Reads text, removed, query, own_scope, follow_up, topic_scores, bank, language; writes guard_reason,
    gives_own_case, support_lines and handoff_reason, or ends the answer."""
    classifier = ctx.resources.guard
    if classifier is None:
        return
    # General questions in every language: the resident topics' examples, and the question bank (what the texts
    # say). A question close to either is a general question, however it is phrased; a follow-up is also judged
    # with the question it leans on, except for a crisis.
    in_conversation = 0.0
    if ctx.follow_up:
        in_conversation = max(ctx.topic_scores.nearest_example if ctx.topic_scores else 0.0,
                              ctx.bank_best if ctx.bank is not None else 0.0)
    verdict = classifier.classify(ctx.text, ctx.query.dense, ctx.own_scope, in_conversation)
    category, evidence = verdict.category, verdict.evidence
    ctx.support_lines = verdict.support
    given = next((kind for kind in OWN_CASE_DATA if kind in ctx.removed), None)
    ctx.gives_own_case = given is not None
    if not category and given:
        category, evidence = "personal", f"gives:{given}"
    if not category:
        return
    lang = ctx.language
    ctx.guard_reason = f"{category}:{evidence}"
    if category == "crisis":
        ctx.finish(Status.CRISIS, answer=crisis_text(lang),
                   handoff=Handoff(reason="crisis", message=text("crisis_intro", lang), contacts=crisis_contacts(lang)))
    elif category == "abuse":
        ctx.finish(Status.NO_ANSWER, answer=text("abuse_reply", lang))
    elif category == "out_of_scope":
        ctx.finish(Status.NO_ANSWER, answer=text("out_of_scope", lang))
    else:  # personal or leading: general information still helps; the handoff follows
        ctx.handoff_reason = "individual" if category == "personal" else "leading"

"""Resident-facing API: ask a question, search passages, read one passage."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Query, Request

from app.api.deadline import answer_with_deadline
from app.api.followthrough import label_contacts
from app.api.origin import SiteFromQuery, check_site
from app.api.schemas import (ChatRequest, ChatResponse, FeedbackRequest, FeedbackResponse, PassageResponse, SearchHit,
                             SearchResponse)
from app.api.state import ServiceState
from app.i18n.languages import normalise_code
from app.pipeline.answer import Question, Turn
from app.pipeline.detect import detect_language
from app.pipeline.retrieve import search as rank_passages
from app.pipeline.sanitize import clean_message
from app.pipeline.screen import bounded, has_words

router = APIRouter(prefix="/api", tags=["answers"])


async def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.kalla
    if not state.ready:
        # the reason (with server paths) is for operators: logs and /readyz, never a resident's error body
        raise HTTPException(503, detail="Källa is not ready: no valid index is loaded (operators: see /readyz)")
    state.follow_index()
    return state


StateDep = Annotated[ServiceState, Depends(get_state)]


@router.post("/chat", response_model=ChatResponse, responses={422: {"description": "Invalid question"}})
async def chat(body: ChatRequest, state: StateDep, background: BackgroundTasks, request: Request) -> dict:
    site = check_site(request, body.site)   # 403 for an unknown site or a page not allowed to use it
    question = Question(message=body.message, language=body.language, site=site.id if site else None,
                        site_language=site.default_language if site else None,
                        history=tuple(Turn(h.message, h.topic, h.follow_up) for h in body.history))
    answer = await answer_with_deadline(state, question, site.contact_for if site else None)
    if state.store is not None:
        background.add_task(state.store.record_answer, answer, question.site)  # after the reply is sent
    return label_contacts(answer.to_dict(), site, state)


@router.post("/feedback", response_model=FeedbackResponse, responses={404: {"description": "Unknown answer"}})
def feedback(body: FeedbackRequest, request: Request, _site: SiteFromQuery) -> dict:
    store = request.app.state.kalla.store
    try:
        known = store is not None and store.record_feedback(body.answer_id, body.helpful, body.reason)
    except Exception:  # noqa: BLE001 - database down: say so plainly
        raise HTTPException(503, detail="feedback cannot be saved right now; please try again later") from None
    if not known:
        raise HTTPException(404, detail="no answer with that id (answers are kept for a limited time)")
    return {"saved": True}


@router.get("/search", response_model=SearchResponse)
def search(state: StateDep, q: Annotated[str, Query(min_length=1, max_length=1000)],
           k: Annotated[int, Query(ge=1, le=50)] = 10,
           language: Annotated[str | None, Query(max_length=16, description="The query's language (else detected)")] = None,
           ) -> dict:
    """Passages ranked exactly as the chat ranks them (glossary, fusion, same-language boost)."""
    pipeline = state.pipeline
    resources = pipeline.resources()
    # the chat's bounds before the model pass: what the model reads of a query, and no query of only marks
    text = bounded(clean_message(q), resources.embedder.count_tokens, resources.max_question_tokens)
    if not has_words(text):
        raise HTTPException(422, detail="q is empty: write a question")
    lang = normalise_code(language) or detect_language(text)[0] or resources.default_language
    vectors = resources.embedder.encode_question(text, resources.bundle.sparse_latents)
    result = rank_passages(resources.bundle, text, lang, vectors, k, resources.glossary)
    hits = [SearchHit(**c.passage.public(), score=round(c.score, 6), dense=round(c.best_cosine, 4),
                      lexical=round(c.lexical, 4)) for c in result.candidates]
    return {"query": q, "language": lang, "hits": hits}


@router.get("/passages/{passage_id:path}", response_model=PassageResponse, responses={404: {"description": "Unknown passage"}})
def passage(passage_id: str, state: StateDep) -> dict:
    bundle = state.pipeline.bundle
    i = bundle.by_id.get(passage_id)
    if i is None:
        raise HTTPException(404, detail=f"no passage {passage_id!r} in the current index")
    p = bundle.passages[i]
    return {**p.public(), "sentences": list(p.sentences),
            "neighbours": [{"passage_id": n.id, "section": n.section, "text": n.text} for n in bundle.neighbours(i)]}

"""The queue of answers, one answer checked citation by citation, and the CSV export of the queue."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.staff.audit import audit
from app.staff.deps import DbDep, FormDep, StaffDep, console, guard
from app.staff.evidence import citation_views
from app.staff.formatting import contact_namer, topic_namer
from app.staff.filters import FEEDBACK_CHOICES, NO_SITE, PER_PAGE_CHOICES, REVIEWED_CHOICES, STATUSES, AnswerFilter
from app.staff.queue import export_rows, filter_options, queue_page
from app.staff.reviews import (ANSWER_VERDICT_LABELS, CITATION_VERDICT_LABELS, ReviewForm, ReviewInvalid,
                               reviews_of, save_review)
from app.store.models import AnswerRecord, FollowThrough, utcnow

router = APIRouter(prefix="/staff", include_in_schema=False, dependencies=[Depends(guard)])


@router.get("")
def queue(request: Request, db: DbDep, staff: StaffDep) -> Response:
    f = AnswerFilter.from_query(request.query_params, staff.scope)
    page = queue_page(db, f)
    languages, sites = filter_options(db, staff.scope)
    audit(db, "view_queue", user_id=staff.id, actor=staff.email, detail=f.for_audit())
    return console(request).render(request, "queue.html", {
        "staff": staff, "f": f, "page": page, "languages": languages, "sites": sites, "statuses": STATUSES,
        "feedback_choices": FEEDBACK_CHOICES, "reviewed_choices": REVIEWED_CHOICES, "NO_SITE": NO_SITE,
        "per_page_choices": PER_PAGE_CHOICES, "verdict_labels": ANSWER_VERDICT_LABELS})


@router.get("/export.csv")
def export(request: Request, db: DbDep, staff: StaffDep) -> Response:
    f = AnswerFilter.from_query(request.query_params, staff.scope)
    audit(db, "export_csv", user_id=staff.id, actor=staff.email, detail=f.for_audit())
    name = f"kalla-answers-{utcnow():%Y%m%d-%H%M%S}.csv"
    return StreamingResponse(export_rows(console(request).state.store.Session, f), media_type="text/csv; charset=utf-8",
                             headers={"content-disposition": f'attachment; filename="{name}"'})


def _answer_page(request: Request, db, staff, answer: AnswerRecord, error: str = "", status: int = 200,
                 submitted=None) -> Response:
    state = console(request).state
    bundle = state.pipeline.bundle if state.pipeline is not None else None
    reviews = reviews_of(db, answer.id)
    mine = next((r for r in reviews if r.reviewer_id == staff.id), None)
    n = len(answer.citations or [])
    if submitted is not None:        # a form sent back with an error keeps what the reviewer chose
        prefill = {"verdict": submitted.get("verdict", ""), "comment": submitted.get("comment", ""),
                   "citations": {i: (submitted.get(f"citation-{i}-verdict", ""),
                                     submitted.get(f"citation-{i}-comment", "")) for i in range(n)}}
    elif mine is not None:
        prefill = {"verdict": mine.verdict, "comment": mine.comment,
                   "citations": {c.position: (c.verdict, c.comment) for c in mine.citations}}
    else:
        prefill = {"verdict": "", "comment": "", "citations": {}}
    name = contact_namer(bundle)
    links = [f"{name(c)}, {link}" for c, link in db.execute(
        select(FollowThrough.contact, FollowThrough.link).where(FollowThrough.answer_id == answer.id)
        .order_by(FollowThrough.id))]
    return console(request).render(request, "answer.html", {
        "links_used": links,
        "staff": staff, "a": answer, "views": citation_views(answer.citations, bundle), "bundle": bundle,
        "reviews": reviews, "mine": mine, "error": error, "prefill": prefill,
        "saved": request.query_params.get("saved") == "1", "verdict_labels": ANSWER_VERDICT_LABELS,
        "citation_labels": CITATION_VERDICT_LABELS, "topic_name": topic_namer(bundle),
        "feedback": sorted(answer.feedback, key=lambda fb: fb.created_at or utcnow()),
    }, status)


def _load(db, answer_id: str, staff) -> AnswerRecord | None:
    """The answer, if this person may see it (another site's answer is as absent as a deleted one)."""
    return db.scalar(select(AnswerRecord).options(selectinload(AnswerRecord.feedback))
                     .where(AnswerRecord.id == answer_id[:32], staff.scope.answers()))


def _not_found(request: Request, staff) -> Response:
    return console(request).render(request, "message.html", {
        "staff": staff, "title": "No such answer",
        "message": "There is no answer with that id. Answers are deleted after the retention period."}, 404)


@router.get("/answers/{answer_id}")
def answer_page(answer_id: str, request: Request, db: DbDep, staff: StaffDep) -> Response:
    answer = _load(db, answer_id, staff)
    if answer is None:
        return _not_found(request, staff)
    audit(db, "view_answer", user_id=staff.id, actor=staff.email, target=answer.id)
    return _answer_page(request, db, staff, answer)


@router.post("/answers/{answer_id}/review")
def review(answer_id: str, request: Request, db: DbDep, staff: StaffDep, form: FormDep) -> Response:
    answer = _load(db, answer_id, staff)
    if answer is None:
        return _not_found(request, staff)
    try:
        parsed = ReviewForm.from_form(form, len(answer.citations or []))
    except ReviewInvalid as exc:
        return _answer_page(request, db, staff, answer, str(exc), 422, form)
    saved = save_review(db, answer, staff, parsed)
    audit(db, "review_saved", user_id=staff.id, actor=staff.email, target=answer.id,
          detail={"verdict": saved.verdict, "citations": {str(p + 1): v for p, (v, _) in parsed.citations.items()}})
    return RedirectResponse(f"/staff/answers/{answer.id}?saved=1#review", status_code=303)

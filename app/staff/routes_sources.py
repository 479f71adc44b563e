"""/staff/corpus: add a source (upload or address) as a draft, see what it would change, approve it into the
corpus; check published sources at their addresses and turn a changed one into a draft of its new version.
The corpus is shared by every site: national administrators act, national accounts may look (a draft's preview
re-asks questions residents of every site asked). Every step is audited."""
from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from app.corpus.document import CorpusError, load_corpus
from app.corpus.extract import ExtractError
from app.i18n.languages import LANGUAGES
from app.sources.check import FLAGGED, draft_from_check, source_rows
from app.sources.drafts import (DraftMeta, create_draft, draft_passages, meta_of, read_address, read_upload,
                                update_meta)
from app.sources.fetch import FetchError
from app.sources.preview import logged_questions, topic_impact
from app.sources.publish import NotPublishable, problems, publish, reject
from app.staff.audit import audit
from app.staff.deps import DbDep, FormDep, NationalAdminDep, NationalDep, console, guard
from app.store.source_models import SourceCheck, SourceDraft

router = APIRouter(prefix="/staff", include_in_schema=False, dependencies=[Depends(guard)])
UPLOAD_PATH = "/staff/corpus/drafts"          # the one route with a body larger than KALLA_MAX_BODY_BYTES
META_FIELDS = ("id", "title", "authority", "url", "reference", "language", "published", "status", "precedence",
               "translation_of", "supersedes", "provenance", "ocr_repair")


def _documents(c) -> list:
    try:
        return load_corpus(c.settings.corpus_dir)
    except (CorpusError, OSError):
        return []


def _bundle(c):
    return c.state.pipeline.bundle if c.state.pipeline is not None else None


def sources_context(db, c) -> dict:
    """What /staff/corpus shows of drafts and source checks."""
    drafts = db.scalars(select(SourceDraft).order_by(SourceDraft.created_at.desc()).limit(50)).all()
    rows = source_rows(db, _documents(c))
    return {"drafts": [d for d in drafts if d.state == "draft"], "decided": [d for d in drafts if d.state != "draft"][:10],
            "sources": rows, "flagged": [r for r in rows if r.flagged]}


def _form_page(request, c, staff, meta: DraftMeta, error: str = "", status: int = 200, address: str = "") -> Response:
    return c.render(request, "source_add.html", {
        "staff": staff, "meta": meta, "error": error, "address": address, "languages": sorted(LANGUAGES),
        "documents": _documents(c)}, status)


def _meta_from(form) -> DraftMeta:
    return DraftMeta.from_dict({k: form.get(k, "") for k in META_FIELDS})


@router.get("/corpus/sources/add")
def add_form(request: Request, staff: NationalAdminDep) -> Response:
    return _form_page(request, console(request), staff, DraftMeta(language=""))


@router.post(UPLOAD_PATH.removeprefix("/staff"))
def add(request: Request, db: DbDep, staff: NationalAdminDep, form: FormDep, background: BackgroundTasks) -> Response:
    c = console(request)
    meta, address = _meta_from(form), str(form.get("address") or "").strip()
    upload = form.get("file")
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            data = upload.file.read(c.settings.source_max_bytes + 1)
            if len(data) > c.settings.source_max_bytes:
                raise ExtractError(f"the file is larger than {c.settings.source_max_bytes} bytes")
            source = read_upload(upload.filename, data, upload.content_type or "")
        elif address:
            source = read_address(address, c.settings.source_max_bytes)
        else:
            return _form_page(request, c, staff, meta, "Choose a file or give an address.", 422, address)
    except (ExtractError, FetchError) as exc:
        audit(db, "source_add_failed", user_id=staff.id, actor=staff.email, target=address[:200],
              detail={"reason": str(exc)[:300]})
        return _form_page(request, c, staff, meta, f"Nothing was added: {exc}.", 422, address)
    draft = create_draft(db, source, meta, {d.id for d in _documents(c)}, actor=staff.email, user_id=staff.id)
    background.add_task(c.sources.preview, draft.id, staff.email)   # after the commit: the worker reads it
    return RedirectResponse(f"/staff/corpus/drafts/{draft.id}", status_code=303)


def _draft_or_404(request, db, staff, draft_id: str):
    draft = db.get(SourceDraft, draft_id[:32])
    if draft is None:
        return None, console(request).render(request, "message.html", {
            "staff": staff, "title": "No such draft", "message": f"No draft {draft_id!r}."}, 404)
    return draft, None


@router.get("/corpus/drafts/{draft_id}")
def draft_page(draft_id: str, request: Request, db: DbDep, staff: NationalDep) -> Response:
    c = console(request)
    draft, missing = _draft_or_404(request, db, staff, draft_id)
    if missing:
        return missing
    passages = draft_passages(draft)
    bundle = _bundle(c)
    audit(db, "view_source_draft", user_id=staff.id, actor=staff.email, target=draft.id)
    return c.render(request, "draft.html", {
        "staff": staff, "draft": draft, "meta": meta_of(draft), "passages": passages,
        "impact": topic_impact(passages, bundle), "problems": problems(db, draft, c.settings.corpus_dir),
        "asked": logged_questions(db, draft.preview),
        "languages": sorted(LANGUAGES), "documents": _documents(c), "rebuild": c.rebuilder.status,
        "message": request.query_params.get("message", "")})


@router.post("/corpus/drafts/{draft_id}/meta")
def edit(draft_id: str, request: Request, db: DbDep, staff: NationalAdminDep, form: FormDep,
         background: BackgroundTasks) -> Response:
    c = console(request)
    draft, missing = _draft_or_404(request, db, staff, draft_id)
    if missing:
        return missing
    if draft.state != "draft":
        return RedirectResponse(f"/staff/corpus/drafts/{draft.id}", status_code=303)
    update_meta(db, draft, _meta_from(form), actor=staff.email, user_id=staff.id)
    background.add_task(c.sources.preview, draft.id, staff.email)   # after the commit: the worker reads it
    return RedirectResponse(f"/staff/corpus/drafts/{draft.id}?message=saved#meta", status_code=303)


@router.post("/corpus/drafts/{draft_id}/preview")
def recompute(draft_id: str, request: Request, db: DbDep, staff: NationalAdminDep, background: BackgroundTasks) -> Response:
    draft, missing = _draft_or_404(request, db, staff, draft_id)
    if missing:
        return missing
    draft.preview_state = "pending"
    audit(db, "source_preview_requested", user_id=staff.id, actor=staff.email, target=draft.id)
    background.add_task(console(request).sources.preview, draft.id, staff.email)
    return RedirectResponse(f"/staff/corpus/drafts/{draft.id}#changes", status_code=303)


@router.post("/corpus/drafts/{draft_id}/approve")
def approve(draft_id: str, request: Request, db: DbDep, staff: NationalAdminDep) -> Response:
    c = console(request)
    draft, missing = _draft_or_404(request, db, staff, draft_id)
    if missing:
        return missing
    try:
        publish(db, draft, c.settings.corpus_dir, actor=staff.email, user_id=staff.id)
    except NotPublishable as exc:
        return c.render(request, "message.html", {"staff": staff, "title": "Not published",
                                                  "message": f"The draft was not published: {exc}."}, 422)
    started = c.rebuilder.start(staff.id, staff.email)
    audit(db, "index_rebuild_requested", user_id=staff.id, actor=staff.email,
          detail={"started": started, "reason": f"published draft {draft.id}" if started else "a rebuild was running"})
    return RedirectResponse(f"/staff/corpus?started={int(started)}#rebuild", status_code=303)


@router.post("/corpus/drafts/{draft_id}/reject")
def reject_draft(draft_id: str, request: Request, db: DbDep, staff: NationalAdminDep, form: FormDep) -> Response:
    draft, missing = _draft_or_404(request, db, staff, draft_id)
    if missing:
        return missing
    try:
        reject(db, draft, actor=staff.email, user_id=staff.id, reason=str(form.get("reason") or ""))
    except NotPublishable:
        pass
    return RedirectResponse("/staff/corpus#drafts", status_code=303)


@router.post("/corpus/sources/check")
def check_now(request: Request, db: DbDep, staff: NationalAdminDep, background: BackgroundTasks) -> Response:
    audit(db, "sources_check_requested", user_id=staff.id, actor=staff.email)
    background.add_task(console(request).sources.check, staff.email, staff.id)
    return RedirectResponse("/staff/corpus?checking=1#sources", status_code=303)


@router.get("/corpus/checks/{check_id}")
def check_page(check_id: int, request: Request, db: DbDep, staff: NationalDep) -> Response:
    c = console(request)
    check = db.get(SourceCheck, check_id)
    if check is None:
        return c.render(request, "message.html", {"staff": staff, "title": "No such check",
                                                  "message": f"No source check {check_id}."}, 404)
    doc = next((d for d in _documents(c) if d.id == check.document_id), None)
    drafts = db.scalars(select(SourceDraft).where(SourceDraft.check_id == check.id)).all()
    audit(db, "view_source_check", user_id=staff.id, actor=staff.email, target=str(check.id))
    return c.render(request, "source_check.html", {"staff": staff, "check": check, "doc": doc, "drafts": drafts,
                                                   "flagged": check.outcome in FLAGGED})


@router.post("/corpus/checks/{check_id}/draft")
def new_version(check_id: int, request: Request, db: DbDep, staff: NationalAdminDep, background: BackgroundTasks) -> Response:
    c = console(request)
    check = db.get(SourceCheck, check_id)
    open_ = db.scalars(select(SourceDraft).where(SourceDraft.check_id == check_id, SourceDraft.state == "draft")).first() \
        if check is not None else None
    if open_ is not None:
        return RedirectResponse(f"/staff/corpus/drafts/{open_.id}", status_code=303)
    try:
        if check is None:
            raise ValueError(f"no source check {check_id}")
        draft = draft_from_check(db, check, c.settings.corpus_dir, actor=staff.email, user_id=staff.id)
    except ValueError as exc:
        return c.render(request, "message.html", {"staff": staff, "title": "No draft made", "message": str(exc)}, 422)
    background.add_task(c.sources.preview, draft.id, staff.email)   # after the commit: the worker reads it
    return RedirectResponse(f"/staff/corpus/drafts/{draft.id}", status_code=303)

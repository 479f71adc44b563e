"""/staff/corpus: documents and passages with status and provenance; admins rebuild the index here."""
from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from app.corpus.document import CorpusError, corpus_hash, load_corpus
from app.corpus.passages import Passage
from app.staff.audit import audit
from app.staff.accounts import audit_condition
from app.staff.deps import AdminDep, DbDep, NationalAdminDep, StaffDep, console, guard
from app.staff.evidence import document_passages
from app.staff.formatting import topic_namer
from app.staff.routes_sources import sources_context
from app.store.staff_models import AuditEvent

router = APIRouter(prefix="/staff", include_in_schema=False, dependencies=[Depends(guard)])
AUDIT_PAGE = 200


def _folder(settings) -> tuple[dict, str, str]:
    """Documents in the corpus folder (with provenance), its hash, and the error if it cannot be read."""
    try:
        return {d.id: d for d in load_corpus(settings.corpus_dir)}, corpus_hash(settings.corpus_dir), ""
    except (CorpusError, OSError) as exc:
        return {}, "", str(exc)


@router.get("/corpus")
def corpus(request: Request, db: DbDep, staff: StaffDep) -> Response:
    c = console(request)
    bundle = c.state.pipeline.bundle if c.state.pipeline is not None else None
    folder, folder_hash, folder_error = _folder(c.settings)
    indexed: dict[str, Passage] = {}
    counts: Counter = Counter()
    for p in bundle.passages if bundle else []:
        indexed.setdefault(p.document_id, p)
        counts[p.document_id] += 1
    rows = []
    for doc_id in sorted(set(indexed) | set(folder)):
        p, d = indexed.get(doc_id), folder.get(doc_id)
        meta = d.meta() if d else {k: getattr(p, k) for k in ("title", "authority", "url", "reference", "language",
                                                              "published", "status", "precedence")}
        rows.append({"id": doc_id, **meta, "passages": counts[doc_id], "provenance": d.provenance if d else "",
                     "state": "indexed" if p and d else ("not yet indexed" if d else "removed from the folder")})
    audit(db, "view_corpus", user_id=staff.id, actor=staff.email)
    return c.render(request, "corpus.html", {**sources_context(db, c),
        "checking": request.query_params.get("checking") == "1", "check_hours": c.settings.sources_check_hours,
        "staff": staff, "bundle": bundle, "rows": rows, "folder_error": folder_error,
        "stale": bool(bundle and folder_hash and folder_hash != bundle.manifest.corpus_hash),
        "rebuild": c.rebuilder.status, "index_error": c.state.error, "corpus_dir": c.settings.corpus_dir,
        "topic_name": topic_namer(bundle),
        "already_running": request.query_params.get("started") == "0"})


@router.get("/corpus/documents/{document_id}")
def document(document_id: str, request: Request, db: DbDep, staff: StaffDep) -> Response:
    c = console(request)
    bundle = c.state.pipeline.bundle if c.state.pipeline is not None else None
    passages = document_passages(bundle, document_id) if bundle else []
    folder, _, _ = _folder(c.settings)
    doc = folder.get(document_id)
    if not passages and doc is None:
        return c.render(request, "message.html", {"staff": staff, "title": "No such document",
                                                  "message": f"No document {document_id!r} in the corpus."}, 404)
    audit(db, "view_document", user_id=staff.id, actor=staff.email, target=document_id)
    return c.render(request, "document.html", {"staff": staff, "doc": doc, "passages": passages,
                                               "document_id": document_id, "bundle": bundle})


@router.post("/corpus/rebuild")
def rebuild(request: Request, db: DbDep, staff: NationalAdminDep) -> Response:
    c = console(request)
    started = c.rebuilder.start(staff.id, staff.email)
    audit(db, "index_rebuild_requested", user_id=staff.id, actor=staff.email,
          detail={"started": started, "reason": "" if started else "a rebuild was already running"})
    return RedirectResponse(f"/staff/corpus?started={int(started)}#rebuild", status_code=303)


@router.get("/audit")
def audit_log(request: Request, db: DbDep, staff: AdminDep) -> Response:
    try:
        before = int(request.query_params.get("before") or 0)
    except ValueError:
        before = 0
    stmt = select(AuditEvent).where(audit_condition(staff.scope)).order_by(AuditEvent.id.desc()).limit(AUDIT_PAGE)
    if before:
        stmt = stmt.where(AuditEvent.id < before)
    events = db.scalars(stmt).all()
    audit(db, "view_audit", user_id=staff.id, actor=staff.email)
    return console(request).render(request, "audit.html", {
        "staff": staff, "events": events, "more": len(events) == AUDIT_PAGE})

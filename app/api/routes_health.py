"""Liveness and readiness for load balancers and orchestrators."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    state = request.app.state.kalla
    if not state.ready:
        return JSONResponse({"status": "not ready", "reason": state.error or "loading"}, status_code=503)
    m = state.pipeline.bundle.manifest
    return JSONResponse({"status": "ready", "index_version": m.version, "embedder": m.embedder_id,
                         "passages": m.passages, "documents": m.documents,
                         # one model pass per question (the compiled fused pass) or two (app/index/native)
                         "fused_query": state.pipeline.embedder.fused_question,
                         # who translates quotes: the corpus's own translations first, then a machine backend
                         "translation": {"corpus": state.pipeline.bundle.translations.languages()
                                         if state.pipeline.bundle.translations else [],
                                         "machine": state.settings.translation if state.pipeline.translator else None},
                         "topics": {"covered": len((m.coverage or {}).get("covered", {})),
                                    "not_covered": len((m.coverage or {}).get("not_covered", []))},
                         "answer_log": state.store.status() if state.store else None,
                         # where the sites come from: the database, or the file while the database cannot be read
                         "sites": request.app.state.sites.status()})

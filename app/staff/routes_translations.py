"""/staff/translations: the corpus's translations per language, failing and stale first; review or correct one."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from app.i18n.languages import LANGUAGES, normalise_code
from app.staff.audit import audit
from app.staff.deps import DbDep, FormDep, NationalDep, StaffDep, console, guard
from app.staff.translations import review_renderings, rows, save_review

router = APIRouter(prefix="/staff", include_in_schema=False, dependencies=[Depends(guard)])
STATE_LABELS = {"failing": "fails the number/name check (not served)", "stale": "stale: made from an older text (not served)",
                "missing": "no translation", "unreviewed": "not yet reviewed", "reviewed": "reviewed"}


def _bundle(request: Request):
    c = console(request)
    return c.state.pipeline.bundle if c.state.pipeline is not None else None


@router.get("/translations")
def translations_page(request: Request, db: DbDep, staff: StaffDep) -> Response:
    c = console(request)
    bundle = _bundle(request)
    language = normalise_code(request.query_params.get("language")) or ""
    if language == "sv":
        language = ""
    listing = rows(bundle, c.settings.corpus_dir, language, db) if bundle and language else []
    audit(db, "view_translations", user_id=staff.id, actor=staff.email, detail={"language": language})
    return c.render(request, "translations.html", {
        "staff": staff, "language": language, "rows": listing, "state_labels": STATE_LABELS,
        "languages": [code for code in LANGUAGES if code != "sv"],
        "coverage": bundle.manifest.translations if bundle else {}, "saved": request.query_params.get("saved")})


@router.post("/translations/{language}/{sentence_id}")
def review(language: str, sentence_id: str, request: Request, db: DbDep, staff: NationalDep, form: FormDep) -> Response:
    c = console(request)
    bundle = _bundle(request)
    lang = normalise_code(language)
    row = next((r for r in rows(bundle, c.settings.corpus_dir, lang, db) if r.sentence_id == sentence_id), None) \
        if bundle and lang else None
    if row is None:
        return c.render(request, "message.html", {"staff": staff, "title": "No such sentence",
                                                  "message": "That sentence is not in the current index."}, 404)
    action = "corrected" if form.get("action") == "correct" else "reviewed"
    text = str(form.get("translation") or "") if action == "corrected" else row.translation
    problem = save_review(db, lang, row.sentence_id, row.source_hash, row.source, text, action, staff)
    if problem:
        return c.render(request, "message.html", {"staff": staff, "title": "Not saved", "message": problem}, 422)
    audit(db, f"translation_{action}", user_id=staff.id, actor=staff.email, target=f"{lang}:{row.sentence_id}")
    db.flush()
    c.state.apply_translation_reviews(review_renderings(db))
    return RedirectResponse(f"/staff/translations?language={lang}&saved={row.sentence_id}#s-{row.source_hash}",
                            status_code=303)

"""/staff/sites: each municipality's widget settings, its allowed origins and the snippet to embed it.

Everyone sees the sites of their scope; a site's administrators edit its settings and propose origins;
national administrators approve origins and make new sites. Changes reach this process right after the
response and every other worker and replica within KALLA_SITES_REFRESH_SECONDS.
"""
from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import RedirectResponse, Response

from app.i18n.languages import LANGUAGES
from app.sites import POSITIONS, Site
from app.staff import site_admin
from app.staff.audit import audit
from app.staff.auth import Staff
from app.staff.deps import AdminDep, DbDep, FormDep, NationalAdminDep, StaffDep, StaffForbidden, console, guard
from app.staff.site_admin import SiteChangeRefused
from app.store.site_models import SiteChange
from app.store.site_store import read_sites

router = APIRouter(prefix="/staff", include_in_schema=False, dependencies=[Depends(guard)])


def _not_found(request: Request, staff: Staff) -> Response:
    return console(request).render(request, "message.html", {
        "staff": staff, "title": "No such site", "message": "There is no site with that id among your sites."}, 404)


def _visible(db, staff: Staff, site_id: str) -> Site | None:
    """The site, if this person may see it (another municipality's site is as absent as a missing one)."""
    return site_admin.load_site(db, site_id) if staff.scope.sees(site_id) else None


def _editor(staff: Staff, site: Site) -> None:
    if not (staff.is_admin and staff.scope.sees(site.id)):
        raise StaffForbidden("Only the site's administrators can change it.")


def _reload_sites(request: Request, background: BackgroundTasks) -> None:
    """After the commit (the response is sent first), so this process serves the change at once."""
    background.add_task(request.app.state.sites.reload)


@router.get("/sites")
def sites_page(request: Request, db: DbDep, staff: StaffDep) -> Response:
    sites = [s for s in read_sites(db).values() if staff.scope.sees(s.id)]
    proposals = site_admin.pending(db, None if staff.scope.national else [s.id for s in sites])
    audit(db, "view_sites", user_id=staff.id, actor=staff.email)
    return console(request).render(request, "sites.html", {
        "staff": staff, "sites": sites, "proposals": proposals, "languages": LANGUAGES,
        "created": request.query_params.get("created", ""), "error": ""})


@router.post("/sites")
def create_site(request: Request, db: DbDep, staff: NationalAdminDep, form: FormDep,
                background: BackgroundTasks) -> Response:
    try:
        site = site_admin.create_site(db, staff, form)
    except SiteChangeRefused as exc:
        sites = read_sites(db).values()
        return console(request).render(request, "sites.html", {
            "staff": staff, "sites": list(sites), "proposals": site_admin.pending(db), "languages": LANGUAGES,
            "created": "", "error": str(exc), "submitted": form}, 422)
    _reload_sites(request, background)
    return RedirectResponse(f"/staff/sites/{site.id}?saved=created", status_code=303)


def _site_page(request: Request, db, staff: Staff, site: Site, error: str = "", status: int = 200,
               submitted=None, origins_error: str = "", origins_text: str | None = None) -> Response:
    check = request.query_params.get("check", "")
    base = str(request.base_url).rstrip("/")
    return console(request).render(request, "site.html", {
        "staff": staff, "site": site, "values": submitted or site_admin.form_values(site), "error": error,
        "origins_error": origins_error,
        "origins_text": origins_text if origins_text is not None else "\n".join(sorted(site.allowed_origins)),
        "languages": LANGUAGES, "positions": POSITIONS, "history": site_admin.history(db, site.id),
        "proposals": site_admin.pending(db, [site.id]), "can_edit": staff.is_admin and staff.scope.sees(site.id),
        "check": site_admin.check_page(site, check) if check else None, "base": base,
        "saved": request.query_params.get("saved", ""), "served": request.app.state.sites.get(site.id)}, status)


@router.get("/sites/{site_id}")
def site_page(site_id: str, request: Request, db: DbDep, staff: StaffDep) -> Response:
    site = _visible(db, staff, site_id)
    if site is None:
        return _not_found(request, staff)
    audit(db, "view_site", user_id=staff.id, actor=staff.email, target=site.id)
    return _site_page(request, db, staff, site)


@router.post("/sites/{site_id}")
def save_settings(site_id: str, request: Request, db: DbDep, staff: AdminDep, form: FormDep,
                  background: BackgroundTasks) -> Response:
    site = _visible(db, staff, site_id)
    if site is None:
        return _not_found(request, staff)
    _editor(staff, site)
    try:
        changed = site_admin.save_settings(db, staff, site, form)
    except SiteChangeRefused as exc:
        return _site_page(request, db, staff, site, str(exc), 422, {k: str(form.get(k) or "") for k in
                                                                    site_admin.form_values(site)})
    if changed:
        _reload_sites(request, background)
    return RedirectResponse(f"/staff/sites/{site.id}?saved={'settings' if changed else 'nothing'}#settings",
                            status_code=303)


@router.post("/sites/{site_id}/origins")
def change_origins(site_id: str, request: Request, db: DbDep, staff: AdminDep, form: FormDep,
                   background: BackgroundTasks) -> Response:
    site = _visible(db, staff, site_id)
    if site is None:
        return _not_found(request, staff)
    _editor(staff, site)
    text = str(form.get("allowed_origins") or "")[:5000]
    try:
        change = site_admin.change_origins(db, staff, site, text)
    except SiteChangeRefused as exc:
        return _site_page(request, db, staff, site, status=422, origins_error=str(exc), origins_text=text)
    outcome = "nothing" if change is None else ("origins" if change.state == "applied" else "proposed")
    if outcome == "origins":
        _reload_sites(request, background)
    return RedirectResponse(f"/staff/sites/{site.id}?saved={outcome}#origins", status_code=303)


@router.post("/sites/{site_id}/proposals/{change_id}")
def decide(site_id: str, change_id: int, request: Request, db: DbDep, staff: NationalAdminDep, form: FormDep,
           background: BackgroundTasks) -> Response:
    change = db.get(SiteChange, change_id)
    site = _visible(db, staff, site_id)
    if change is None or site is None or change.site_id != site.id:
        return _not_found(request, staff)
    try:
        site_admin.decide(db, staff, change, form.get("decision") == "approve", str(form.get("note") or ""))
    except SiteChangeRefused:
        pass                        # already decided: the page shows how
    if change.state == "approved":
        _reload_sites(request, background)
    return RedirectResponse(f"/staff/sites/{site.id}?saved={change.state}#origins", status_code=303)

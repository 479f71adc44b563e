"""/staff/accounts (administrators: the accounts of their sites) and /staff/setup (a new account's one-time
link to choose a password; the one page besides the login form open without a session)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from app.staff import accounts
from app.staff.accounts import AccountForm, AccountRefused
from app.staff.audit import audit
from app.staff.auth import Staff, scope_of
from app.staff.deps import AdminDep, DbDep, FormDep, console, cross_site_check, guard
from app.store.site_store import read_sites
from app.store.staff_models import ROLES

protected = APIRouter(prefix="/staff", dependencies=[Depends(guard)])
public = APIRouter(prefix="/staff")


def _page(request: Request, db, staff: Staff, status: int = 200, **extra) -> Response:
    sites = [s for s in read_sites(db).values() if staff.scope.sees(s.id)]
    return console(request).render(request, "accounts.html", {
        "staff": staff, "accounts": accounts.accounts(db, staff.scope), "sites": sites, "roles": ROLES,
        "scope_of": scope_of, "error": "", "setup_url": "", "setup_for": "", "submitted": None, **extra}, status)


def _setup_url(request: Request, token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/staff/setup?token={token}"


@protected.get("/accounts")
def accounts_page(request: Request, db: DbDep, staff: AdminDep) -> Response:
    audit(db, "view_accounts", user_id=staff.id, actor=staff.email)
    return _page(request, db, staff, saved=request.query_params.get("saved", ""))


@protected.post("/accounts")
def create_account(request: Request, db: DbDep, staff: AdminDep, form: FormDep) -> Response:
    email = str(form.get("email") or "")[:254]
    try:
        user, token = accounts.create(db, console(request).auth, staff, email, AccountForm.from_form(form, staff))
    except AccountRefused as exc:
        return _page(request, db, staff, 422, error=str(exc), submitted=form)
    db.flush()
    return _page(request, db, staff, setup_url=_setup_url(request, token), setup_for=user.email)


@protected.post("/accounts/{user_id}")
def change_account(user_id: int, request: Request, db: DbDep, staff: AdminDep, form: FormDep) -> Response:
    user = accounts.account(db, staff.scope, user_id)
    if user is None:
        return console(request).render(request, "message.html", {
            "staff": staff, "title": "No such account", "message": "There is no such account among yours."}, 404)
    try:
        token = accounts.change(db, console(request).auth, staff, user, str(form.get("action") or ""), form)
    except AccountRefused as exc:
        return _page(request, db, staff, 422, error=str(exc))
    if token:
        return _page(request, db, staff, setup_url=_setup_url(request, token), setup_for=user.email)
    return RedirectResponse(f"/staff/accounts?saved={user.id}#account-{user.id}", status_code=303)


def _setup_page(request: Request, token: str, email: str = "", error: str = "", status: int = 200) -> Response:
    return console(request).render(request, "setup.html", {"token": token, "email": email, "error": error}, status)


@public.get("/setup")
def setup_form(request: Request, db: DbDep, token: str = "") -> Response:
    user = accounts.setup_user(db, console(request).auth, token)
    if user is None:
        return _setup_page(request, "", error="This link has expired or was already used. Ask your administrator "
                                              "for a new one.", status=404)
    return _setup_page(request, token, user.email)


@public.post("/setup", dependencies=[Depends(cross_site_check)])
def setup(request: Request, db: DbDep, form: FormDep) -> Response:
    token = str(form.get("token") or "")
    user = accounts.setup_user(db, console(request).auth, token)
    if user is None:
        return _setup_page(request, "", error="This link has expired or was already used. Ask your administrator "
                                              "for a new one.", status=404)
    try:
        accounts.finish_setup(db, user, str(form.get("password") or ""), str(form.get("password_again") or ""))
    except AccountRefused as exc:
        return _setup_page(request, token, user.email, str(exc), 422)
    return RedirectResponse("/staff/login?ready=1", status_code=303)


router = APIRouter(include_in_schema=False)
router.include_router(public)
router.include_router(protected)

"""Log in and out. The login form is the one staff page open to anonymous visitors; its CSRF token is
tied to a short-lived cookie of its own, since there is no session yet."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from app.staff.deps import (LOGIN_NONCE_COOKIE, DbDep, FormDep, StaffDep, console, cross_site_check, guard,
                            session_cookie_name)
from app.staff.security import new_token, same

public = APIRouter(prefix="/staff")
protected = APIRouter(prefix="/staff", dependencies=[Depends(guard)])
# tests/staff/test_access.py holds us to it; /staff/setup is a new account's one-time link (routes_accounts.py)
PUBLIC_ROUTES = {("GET", "/staff/login"), ("POST", "/staff/login"), ("GET", "/staff/setup"), ("POST", "/staff/setup")}


def _safe_next(value: str | None) -> str:
    """Only back into the console: no open redirect to another site."""
    if value and value.startswith("/staff") and not value.startswith("//") and "\\" not in value:
        return value
    return "/staff"


def _login_page(request: Request, nonce: str, next_url: str, error: str = "", status: int = 200,
                email: str = "") -> Response:
    c = console(request)
    response = c.render(request, "login.html", {"csrf": c.auth.login_csrf_for(nonce), "next": next_url,
                                                "error": error, "email": email}, status)
    response.set_cookie(LOGIN_NONCE_COOKIE, nonce, max_age=3600, path="/staff/login", httponly=True,
                        secure=c.settings.staff_cookie_secure, samesite="strict")
    return response


@public.get("/login")
def login_form(request: Request, db: DbDep, next: str = "/staff") -> Response:
    c = console(request)
    if c.auth.staff_for(db, request.cookies.get(session_cookie_name(request), "")):
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_page(request, request.cookies.get(LOGIN_NONCE_COOKIE) or new_token(), _safe_next(next))


@public.post("/login", dependencies=[Depends(cross_site_check)])
def login(request: Request, db: DbDep, form: FormDep) -> Response:
    c = console(request)
    nonce = request.cookies.get(LOGIN_NONCE_COOKIE, "")
    next_url = _safe_next(str(form.get("next") or ""))
    email = str(form.get("email") or "")[:254]
    if not nonce or not same(c.auth.login_csrf_for(nonce), str(form.get("csrf_token") or "")):
        return _login_page(request, nonce or new_token(), next_url, "The form had expired. Please try again.", 403,
                           email)
    address = request.client.host if request.client else ""
    result = c.auth.login(db, email, str(form.get("password") or ""), address)
    if result.retry_after_minutes:
        minutes = result.retry_after_minutes
        return _login_page(request, nonce, next_url, f"Too many failed attempts. Try again in {minutes} "
                           f"minute{'' if minutes == 1 else 's'}.", 429, email)
    if result.staff is None:
        return _login_page(request, nonce, next_url, "The e-mail address or the password is wrong.", 401, email)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(session_cookie_name(request), result.staff.token, path="/", httponly=True,
                        secure=c.settings.staff_cookie_secure, samesite="lax",
                        max_age=int(c.settings.staff_session_hours * 3600))
    response.delete_cookie(LOGIN_NONCE_COOKIE, path="/staff/login")
    return response


@protected.post("/logout")
def logout(request: Request, db: DbDep, staff: StaffDep) -> Response:
    console(request).auth.logout(db, staff)
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(session_cookie_name(request), path="/")
    return response


router = APIRouter(include_in_schema=False)
router.include_router(public)
router.include_router(protected)

"""Request dependencies: database session, the logged-in staff member, and the cross-site guard.

Every route on the protected router gets `guard` (login + CSRF on anything but GET/HEAD), so a new
route cannot forget it; tests/staff/test_access.py enumerates the app's routes to prove it.
"""
from __future__ import annotations

from typing import Annotated, Iterator
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.staff.auth import Staff

SESSION_COOKIE_SECURE = "__Host-kalla_staff"   # __Host-: HTTPS only, this host only, path /
SESSION_COOKIE_PLAIN = "kalla_staff"
LOGIN_NONCE_COOKIE = "kalla_staff_login"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class StaffAuthRequired(Exception):
    """No valid session: GET pages redirect to the login page, anything else gets 401."""


class StaffForbidden(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StaffUnavailable(Exception):
    """The database behind the console is down; the resident service carries on regardless."""


def console(request: Request):
    return request.app.state.staff


def session_cookie_name(request: Request) -> str:
    return SESSION_COOKIE_SECURE if console(request).settings.staff_cookie_secure else SESSION_COOKIE_PLAIN


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request, committed when the route returns without an error."""
    store = console(request).state.store
    if store is None or not store.migrated:
        if store is not None:
            store.start()            # the database may have come back since start-up
        if store is None or not store.migrated:
            raise StaffUnavailable()
    with store.Session.begin() as db:
        yield db


DbDep = Annotated[Session, Depends(get_db, scope="function")]


def _same_origin(request: Request) -> bool:
    """Refuse requests a browser marks as coming from another site (Sec-Fetch-Site, else Origin, else Referer)."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site:                      # set by the browser itself; pages cannot forge it
        return fetch_site in ("same-origin", "none")
    own = f"{request.url.scheme}://{request.url.netloc}".lower()
    origin = request.headers.get("origin")
    if origin is not None:
        return origin.lower() == own
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}".lower() == own
    return True   # non-browser clients send neither; the CSRF token still has to match


async def cross_site_check(request: Request) -> None:
    if request.method not in SAFE_METHODS and not _same_origin(request):
        raise StaffForbidden("This form was sent from another site, so it was refused.")


async def form_token(request: Request) -> str:
    if request.method in SAFE_METHODS:
        return ""
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return ""
    form = await request.form()
    return str(form.get("csrf_token") or "")


async def _form(request: Request) -> FormData:
    """Parsed once (Starlette caches it), so sync routes never read the body on the event loop."""
    return await request.form()


FormDep = Annotated[FormData, Depends(_form)]


def current_staff(request: Request, db: DbDep) -> Staff:
    token = request.cookies.get(session_cookie_name(request), "")
    staff = console(request).auth.staff_for(db, token)
    if staff is None:
        raise StaffAuthRequired()
    return staff


StaffDep = Annotated[Staff, Depends(current_staff)]


async def guard(request: Request, _cross: Annotated[None, Depends(cross_site_check)], staff: StaffDep,
                submitted: Annotated[str, Depends(form_token)]) -> None:
    """Router-wide: a logged-in staff member, and for any change a CSRF token that matches the session."""
    if request.method not in SAFE_METHODS and not console(request).auth.csrf_ok(staff, submitted):
        raise StaffForbidden("The form had expired or was not sent from Källa's staff pages. Reload and try again.")


def admin(staff: StaffDep) -> Staff:
    if not staff.is_admin:
        raise StaffForbidden("Only administrators can do this.")
    return staff


AdminDep = Annotated[Staff, Depends(admin)]


def national_admin(staff: StaffDep) -> Staff:
    """For what touches every site: the shared index, new sites, origins (a security boundary)."""
    if not staff.is_national_admin:
        raise StaffForbidden("Only national administrators can do this.")
    return staff


NationalAdminDep = Annotated[Staff, Depends(national_admin)]


def national(staff: StaffDep) -> Staff:
    """For changes to what residents of every site are shown (the corpus's translations)."""
    if not staff.scope.national:
        raise StaffForbidden("Only national accounts can change what residents of every site are shown.")
    return staff


NationalDep = Annotated[Staff, Depends(national)]

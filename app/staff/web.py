"""Wiring: the console object on app.state, templates, static files, security headers and error pages."""
from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from app.config import DEV_SESSION_SECRET
from app.corpus.document import is_home_page
from app.staff import (routes_accounts, routes_auth, routes_corpus, routes_review, routes_sites, routes_sources,
                       routes_stats, routes_translations)
from app.staff.auth import StaffAuth
from app.staff.formatting import language_name, notice, pct, text_direction, when
from app.staff.deps import StaffAuthRequired, StaffForbidden, StaffUnavailable, session_cookie_name
from app.staff.rebuild import IndexRebuilder
from app.staff.site_admin import describe as describe_change

log = logging.getLogger("kalla.staff")
HERE = Path(__file__).parent
PREFIX = "/staff"
# No script at all; styles and images only from this origin; never inside a frame. The referrer stays
# within the console ("same-origin"): with "no-referrer" browsers send `Origin: null` on our own forms.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
HEADERS = [(b"x-frame-options", b"DENY"), (b"content-security-policy", CSP.encode()),
           (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
           (b"cross-origin-opener-policy", b"same-origin")]


class StaffConsole:
    def __init__(self, state) -> None:
        self.state = state
        self.settings = state.settings
        self.auth = StaffAuth(state.settings)
        self.rebuilder = IndexRebuilder(state)
        from app.sources.jobs import SourceJobs   # app/sources uses the staff audit trail: imported once both exist

        self.sources = SourceJobs(state)       # draft previews and source checks (app/sources)

    def render(self, request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"staff": None, **context}, status_code=status_code)


class StaffSecurityHeaders:
    """Pure ASGI: frame, content and referrer policies on every /staff response; pages are never cached."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            return await self.app(scope, receive, send)
        static = scope["path"].startswith(f"{PREFIX}/static/")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() not in dict(HEADERS)]
                headers += HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters.update(when=when, pct=pct, language_name=language_name, direction=text_direction,
                             home_page=is_home_page)
templates.env.globals.update(notice=notice, PREFIX=PREFIX, describe_change=describe_change)


def _page(request: Request, title: str, message: str, status: int) -> HTMLResponse:
    return request.app.state.staff.render(request, "message.html", {"title": title, "message": message}, status)


def install(app: FastAPI) -> None:
    """Called once by app.main.create_app."""
    state = app.state.kalla
    app.state.staff = StaffConsole(state)
    if state.settings.staff_session_secret.get_secret_value() == DEV_SESSION_SECRET:
        log.warning("staff console uses the development session secret: set KALLA_STAFF_SESSION_SECRET")
    for module in (routes_auth, routes_review, routes_stats, routes_corpus, routes_sources, routes_translations,
                   routes_sites, routes_accounts):
        app.include_router(module.router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=str(HERE / "static")), name="staff-static")

    @app.exception_handler(StaffAuthRequired)
    async def _login_first(request: Request, exc: StaffAuthRequired) -> Response:
        if request.method in ("GET", "HEAD"):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            response: Response = RedirectResponse(f"{PREFIX}/login?next={quote(target, safe='')}", status_code=303)
        else:
            response = _page(request, "Please log in", "Your session has ended. Log in again.", 401)
        response.delete_cookie(session_cookie_name(request), path="/")
        return response

    @app.exception_handler(StaffForbidden)
    async def _forbidden(request: Request, exc: StaffForbidden) -> Response:
        return _page(request, "Not allowed", exc.reason, 403)

    @app.exception_handler(StaffUnavailable)
    async def _unavailable(request: Request, exc: StaffUnavailable) -> Response:
        return _page(request, "Database unavailable",
                     "The staff console cannot reach its database right now. Residents still get answers; "
                     "failed log writes are counted on /readyz.", 503)

"""The FastAPI application: app.main:app (uvicorn)."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from app import metrics, staff
from app.api import middleware, routes_answers, routes_health
from app.api import followthrough, origin, routes_widget
from app.api.state import ServiceState
from app.config import Settings, get_settings
from app.index.manifest import IndexNotReady
from app.logging_setup import configure_logging
from app.staff.routes_sources import UPLOAD_PATH
from app.staff.web import StaffSecurityHeaders

log = logging.getLogger("kalla")


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path"))
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {msg}" if where else msg)
    return "; ".join(parts) or "invalid request"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    state = ServiceState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        try:
            state.load()
        except IndexNotReady as exc:
            if settings.require_index:
                raise RuntimeError(f"Källa cannot start: {exc}") from None
        state.open_store()
        origin.attach_database(app, state.store)   # sites from the database from now on
        app.state.staff.sources.start_schedule(settings.sources_check_hours)   # KALLA_SOURCES_CHECK_HOURS
        yield
        app.state.staff.sources.stop()

    app = FastAPI(title="Källa", version="0.1.0", lifespan=lifespan,
                  description="Answers about voluntary return from Sweden, only from vetted authority texts, "
                              "always with the passage they rest on.")
    app.state.kalla = state

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and "parsing the body" in str(exc.detail):
            return JSONResponse({"detail": "the request body must be JSON in UTF-8 text"}, status_code=422)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    app.include_router(routes_health.router)
    app.include_router(routes_answers.router, responses=middleware.ERROR_RESPONSES)
    app.include_router(followthrough.router, responses=middleware.ERROR_RESPONSES)
    app.include_router(metrics.router)
    staff.install(app)   # /staff: review console (routes, static files, error pages)
    app.include_router(routes_widget.router)
    origin.load_sites(app, settings)
    middleware.document_errors(app)
    for cls, options in reversed(middleware_stack(app, settings)):   # Starlette runs the last added first
        app.add_middleware(cls, **options)
    return app


def middleware_stack(app: FastAPI, settings: Settings) -> list[tuple[type, dict]]:
    """Every middleware, outermost first: the one place their order is decided.

    CORS outermost, so its headers reach 413 and 429 answers too; security headers on everything that
    follows; a Host header that is not the service's (KALLA_ALLOWED_HOSTS) is refused with 400 before anything
    builds a link or a redirect from it; metrics see every answer, refusals included; the body limit before anything reads a body; the
    rate limit reads the (bounded) body for the site and language; the staff console's own headers last."""
    stack: list[tuple[type, dict]] = [
        (origin.OriginMiddleware, {"get_registry": lambda: app.state.sites}),
        (middleware.SecurityHeadersMiddleware, {}),
        (TrustedHostMiddleware, {"allowed_hosts": settings.trusted_hosts(), "www_redirect": False}),
        (metrics.MetricsMiddleware, {}),
        (middleware.BodyLimitMiddleware, {"max_bytes": settings.max_body_bytes,     # staff upload sources:
                                          "larger": {UPLOAD_PATH: settings.source_max_bytes + 65536}}),
    ]
    if settings.rate_limit_enabled:
        stack.append((middleware.RateLimitMiddleware, {"settings": settings}))
    stack.append((StaffSecurityHeaders, {}))
    return stack


configure_logging()
app = create_app()

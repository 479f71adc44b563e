"""What every request passes before a route: security headers, a body size limit, rate limits.

Pure ASGI middleware (no per-request threads, no buffering of responses except the two API-docs pages),
so the cost per request stays in microseconds. Their order is decided in one place, app.main.middleware_stack.
See docs/adr/0005-scale-out.md.
"""
from __future__ import annotations

import json
import logging
import math
import secrets
import time
from typing import Any, Callable
from urllib.parse import parse_qs

import anyio
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter
from pydantic import BaseModel, Field

from app import metrics
from app.api.origin import site_spending
from app.api.schemas import ErrorResponse
from app.config import Settings
from app.i18n.catalogue import text
from app.i18n.languages import first_supported

log = logging.getLogger("kalla.limits")

Scope = dict[str, Any]
ASGIApp = Callable[..., Any]

# Scripts only from this origin, never inline; nothing may frame the service (staff pages included).
# Inline *styles* stay allowed: they cannot run code, and the staff console and widget use a few.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
# FastAPI's /docs and /redoc pages load their bundles from a CDN and start them with one inline script:
# they get a per-response nonce instead of 'unsafe-inline'.
DOCS_PATHS = {"/docs", "/redoc", "/docs/oauth2-redirect"}
DOCS_CDN = "https://cdn.jsdelivr.net"
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
}
# The endpoints that cost an answer or a search (cheap GETs — passages, texts, health — are not counted), and where
# each reads the site it speaks for: the JSON body (ChatRequest.site), the query string (?site=, SiteFromQuery) or
# nowhere (search serves any page and names no site, so it spends only the client's allowance).
RATE_LIMITED: dict[tuple[str, str], str | None] = {("POST", "/api/chat"): "body", ("POST", "/api/feedback"): "query",
                                                   ("POST", "/api/followthrough"): "body",
                                                   ("GET", "/api/search"): None}
BODY_METHODS = {"POST", "PUT", "PATCH"}



class RateLimitedResponse(BaseModel):
    detail: str = Field(description="Catalogue text `rate_limited` in the resident's language.")
    language: str
    retry_after: int = Field(description="Seconds to wait; also in the Retry-After header.")


# Documented on every API route (OpenAPI), so clients and the schemathesis fuzz know these answers.
ERROR_RESPONSES: dict[int | str, dict] = {
    403: {"model": ErrorResponse, "description": "Unknown site, or a web page not allowed to use the site it names"},
    413: {"model": ErrorResponse, "description": "Request body larger than KALLA_MAX_BODY_BYTES"},
    422: {"model": ErrorResponse, "description": "Invalid request; `detail` says what to fix"},
    429: {"model": RateLimitedResponse, "description": "Too many requests; wait Retry-After seconds"},
    503: {"model": ErrorResponse, "description": "Not ready (no valid index) or the answer log is unavailable"},
}


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", ()):
        if k == name:
            return v.decode("latin-1")
    return None


async def _send_json(send, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    hdrs = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    hdrs += [(k.lower().encode(), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": hdrs})
    await send({"type": "http.response.body", "body": raw})


class SecurityHeadersMiddleware:
    """Adds the security headers to every response that does not set its own (a route may opt out)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["path"] in DOCS_PATHS:
            return await self._docs(scope, receive, send)

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_defaults(message.get("headers", []), CSP)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _docs(self, scope: Scope, receive, send) -> None:
        nonce = secrets.token_urlsafe(16)
        csp = (f"default-src 'self'; script-src 'self' 'nonce-{nonce}' {DOCS_CDN}; "
               f"style-src 'self' 'unsafe-inline' {DOCS_CDN}; img-src 'self' data: https:; connect-src 'self'; "
               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
        start: dict = {}
        chunks: list[bytes] = []

        async def buffer(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks).replace(b"<script", f'<script nonce="{nonce}"'.encode())
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": _with_defaults(headers, csp)})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffer)


def _with_defaults(headers: list, csp: str) -> list:
    have = {k.lower() for k, _ in headers}
    out = list(headers)
    if b"content-security-policy" not in have:
        out.append((b"content-security-policy", csp.encode()))
    for k, v in SECURITY_HEADERS.items():
        if k.encode() not in have:
            out.append((k.encode(), v.encode()))
    return out


class _BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuses bodies above max_body_bytes with 413 before any parsing; keeps the body for the rate limiter.

    The declared Content-Length is checked first (nothing is read); a chunked body is counted as it arrives.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}      # path -> its own limit (the staff console's source upload)

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            return await self.app(scope, receive, send)
        limit = self.larger.get(scope["path"], self.max_bytes)
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await self._too_large(send, limit)
        try:
            body = await self._read(receive, limit)
        except _BodyTooLarge:
            return await self._too_large(send, limit)
        scope["kalla.body"] = body
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, receive, limit: int) -> bytes:
        parts, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _BodyTooLarge
            parts.append(chunk)
            if not message.get("more_body"):
                break
        return b"".join(parts)

    async def _too_large(self, send, limit: int) -> None:
        await _send_json(send, 413, {"detail": f"the request body is too large: at most {limit} bytes"},
                         {"connection": "close"})


def _hints(scope: Scope) -> dict:
    """site and language from a small JSON body, if there is one (the body limit already bounded it)."""
    body = scope.get("kalla.body") or b""
    if not body.startswith(b"{"):
        return {}
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: data[k] for k in ("site", "language") if isinstance(data.get(k), str) and len(data[k]) <= 64}


def _query_site(scope: Scope) -> str | None:
    """?site= as the route reads it (the last value wins, as in Starlette's QueryParams)."""
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("site")
    return values[-1] if values and len(values[-1]) <= 64 else None


def resident_language(scope: Scope, hints: dict, default: str) -> str:
    """The language to speak to the resident in: their choice in the body, else Accept-Language, else default."""
    accepted = [part.split(";", 1)[0].strip() for part in (_header(scope, b"accept-language") or "").split(",")]
    return first_supported(hints.get("language"), *accepted, default) 


class RateLimitMiddleware:
    """Per client IP and per embedding site, on the expensive endpoints; 429 + Retry-After in the resident's language.

    Counters live in `limits` storage: memory:// for one process, Redis or memcached shared by all replicas.
    If that storage is unreachable the request is let through and the error counted (fail open: a broken
    counter must not silence the service for residents).
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.client_limits: list[RateLimitItem] = parse_many(settings.rate_limit_client)
        self.site_limits: list[RateLimitItem] = parse_many(settings.rate_limit_site)
        uri = settings.rate_limit_storage_uri
        self.in_process = uri.startswith("memory://")
        self.limiter = SlidingWindowCounterRateLimiter(storage_from_string(uri))
        self._last_error_log = 0.0

    async def __call__(self, scope: Scope, receive, send) -> None:
        route = (scope["method"], scope["path"].rstrip("/")) if scope["type"] == "http" else None
        if route not in RATE_LIMITED:
            return await self.app(scope, receive, send)
        hints = _hints(scope)
        keys = self._keys(scope, hints, RATE_LIMITED[route])
        if self.in_process:
            blocked = self._check(keys)
        else:
            blocked = await anyio.to_thread.run_sync(self._check, keys)
        if blocked is None:
            return await self.app(scope, receive, send)
        which, retry_after = blocked
        metrics.RATE_LIMITED.labels(which).inc()
        lang = resident_language(scope, hints, self.settings.default_language)
        await _send_json(send, 429, {"detail": text("rate_limited", lang), "language": lang, "retry_after": retry_after},
                         {"retry-after": str(retry_after)})

    def _keys(self, scope: Scope, hints: dict, site_from: str | None) -> list[tuple[str, list[RateLimitItem], str]]:
        client = (scope.get("client") or ("unknown", 0))[0]
        keys = [("client", self.client_limits, client)]
        # A site's allowance is spent only by requests that pass the route's own origin check for the site the
        # route reads (origin.site_spending): a request refused with 403, or one naming the site where the route
        # does not look for it, spends nothing. (A trusted Host, app.main, keeps "own origin" from being forged.)
        registry = getattr(getattr(scope.get("app"), "state", None), "sites", None)
        site_id = hints.get("site") if site_from == "body" else _query_site(scope) if site_from == "query" else None
        if registry is not None and site_id:
            site = site_spending(registry, site_id, _header(scope, b"origin"), _header(scope, b"host"))
            if site is not None:
                keys.append(("site", self.site_limits, site.id))
        return keys

    def _check(self, keys) -> tuple[str, int] | None:
        """None if the request may pass (and then it is counted), else (which limit, seconds to wait)."""
        try:
            for which, items, ident in keys:
                for item in items:
                    if not self.limiter.test(item, which, ident):
                        reset = self.limiter.get_window_stats(item, which, ident).reset_time
                        return which, max(1, math.ceil(reset - time.time()))
            for which, items, ident in keys:
                for item in items:
                    self.limiter.hit(item, which, ident)
        except Exception as exc:  # noqa: BLE001 - storage down: let residents through, count it
            metrics.RATE_LIMIT_ERRORS.inc()
            now = time.monotonic()
            if now - self._last_error_log > 60:
                self._last_error_log = now
                log.warning("rate-limit storage unavailable (%s); requests are let through", type(exc).__name__)
        return None


def document_errors(app) -> None:
    """Make /openapi.json tell the truth about error bodies on every route, including routes added later.

    The app's handler answers every validation error as {"detail": "<what to fix>"} (app/main.py), not
    FastAPI's default list, and the middleware above may answer any body with 413 and the expensive
    endpoints with 429. Clients (and the schemathesis fuzz) read the schema, so it must say so.
    """
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["HTTPValidationError"] = {
            "title": "HTTPValidationError", "type": "object", "required": ["detail"],
            "properties": {"detail": {"title": "Detail", "type": "string", "description": "What to fix."}}}
        components.setdefault("ErrorResponse", ErrorResponse.model_json_schema())
        components.setdefault("RateLimitedResponse", RateLimitedResponse.model_json_schema())
        for path, item in schema.get("paths", {}).items():
            for method, op in item.items():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                responses = op["responses"]
                if "requestBody" in op:
                    responses.setdefault("413", _ref_response(ERROR_RESPONSES[413]["description"], "ErrorResponse"))
                if (method.upper(), path.rstrip("/")) in RATE_LIMITED:
                    responses.setdefault("429", _ref_response(ERROR_RESPONSES[429]["description"],
                                                              "RateLimitedResponse"))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi


def _ref_response(description: str, model: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}}}

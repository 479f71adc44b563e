"""Which web pages may use the API: each site's allowed origins, plus the service's own pages.

Two locks, because browsers and servers differ: CORS headers tell a browser which pages may read the
API's answers, and the per-request Origin check refuses a widget request whose page is not allowed for the
site it names (403 with a message that says what to add to the sites file). Requests without an Origin
header (servers, curl, tests) are not browser pages: they may name a known site or none.
"""
from __future__ import annotations

import json
from typing import Annotated, Any, Callable

from fastapi import Depends, HTTPException, Query, Request
from starlette.datastructures import Headers, MutableHeaders

from app.config import Settings
from app.site_registry import SiteRegistry
from app.store.recorder import AnswerStore
from app.store.site_store import DatabaseSites
from app.sites import Site, normalise_origin, origin_or_none

Scope = dict[str, Any]
# Answers are personal: no browser or proxy may keep them.
NO_STORE_PATHS = {"/api/chat", "/api/feedback", "/api/followthrough"}
# Public catalogue texts: any page may read them (the widget shows its error text from here).
OPEN_PREFIXES = ("/api/texts/",)
PREFLIGHT_MAX_AGE = "600"


def is_own_origin(origin: str | None, host: str | None) -> bool:
    """True when the page is served by this service itself (/demo, /docs). Scheme is not compared:
    a TLS-terminating proxy makes the service see http while the browser says https."""
    normalised = origin_or_none(origin)
    if normalised is None or not host:
        return False
    scheme = normalised.split("://", 1)[0]
    try:
        return normalise_origin(f"{scheme}://{host}") == normalised
    except Exception:  # noqa: BLE001 - a malformed Host header is simply not our origin
        return False


def registry(request: Request) -> SiteRegistry:
    return request.app.state.sites


def page_may_use(site: Site, origin: str | None, host: str | None) -> bool:
    """The origin check of a request that names a known site: a page of the site, or the service's own page."""
    return site.allows(origin) or is_own_origin(origin, host)


def site_spending(sites: SiteRegistry, site_id: str | None, origin: str | None, host: str | None) -> Site | None:
    """The site whose allowance a request spends (app/api/middleware.py): only a request that names a known site
    and comes from a page that passes the site's origin check — the requests check_site() accepts with an Origin.
    A request it refuses (403) and one without an Origin (a script may type any site id) spend nothing."""
    site = sites.get(site_id) if site_id else None
    return site if site is not None and origin is not None and page_may_use(site, origin, host) else None


def check_site(request: Request, site_id: str | None) -> Site | None:
    """The site a request speaks for, or None; 403 if the site is unknown or the page's origin not allowed."""
    origin = request.headers.get("origin")
    host = request.headers.get("host")
    if not site_id:
        if origin is None or is_own_origin(origin, host):
            return None
        raise HTTPException(403, detail=f"a request from the web page at {origin} must name its site "
                                        "(data-site on the widget's script tag)")
    site = registry(request).get(site_id)
    if site is None:
        raise HTTPException(403, detail=f"unknown site {site_id!r}: no site has this id")
    if origin is None or page_may_use(site, origin, host):
        return site
    raise HTTPException(403, detail=f"the web page at {origin} is not allowed to use site {site_id!r}: "
                                    "the site's administrators can propose this origin in the staff console "
                                    "(/staff/sites)")


def site_from_query(request: Request, site: Annotated[str | None, Query(max_length=64, description=(
        "Id of the embedding site; required when the request comes from a web page."))] = None) -> Site | None:
    return check_site(request, site)


SiteFromQuery = Annotated[Site | None, Depends(site_from_query)]


class OriginMiddleware:
    """CORS for /api/*: answers preflights and adds Access-Control-Allow-Origin for origins some site allows.

    Preflights carry no body, so they cannot say which site: an origin allowed for any site passes here
    and the route's check_site() then holds it to the site the request names.
    """

    def __init__(self, app: Callable, get_registry: Callable[[], SiteRegistry]) -> None:
        self.app = app
        self.get_registry = get_registry

    async def __call__(self, scope: Scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/api/"):
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        no_store = path.rstrip("/") in NO_STORE_PATHS
        open_cors = path.startswith(OPEN_PREFIXES)
        allowed = origin is not None and (open_cors or is_own_origin(origin, headers.get("host"))
                                          or self.get_registry().origin_known(origin))
        if origin is not None and scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            return await self._preflight(send, origin, allowed, open_cors)
        if not allowed and not no_store:
            return await self.app(scope, receive, send)

        async def send_with_cors(message: dict) -> None:
            if message["type"] == "http.response.start":
                h = MutableHeaders(scope=message)
                if allowed:
                    h["access-control-allow-origin"] = "*" if open_cors else origin
                    h.add_vary_header("Origin")
                if no_store:
                    h["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(self, send, origin: str, allowed: bool, open_cors: bool) -> None:
        if not allowed:
            body = json.dumps({"detail": f"the web page at {origin} is not allowed by any site"})
            raw = body.encode("utf-8")
            await send({"type": "http.response.start", "status": 403, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode()),
                (b"vary", b"Origin")]})
            await send({"type": "http.response.body", "body": raw})
            return
        await send({"type": "http.response.start", "status": 204, "headers": [
            (b"access-control-allow-origin", (b"*" if open_cors else origin.encode("latin-1"))),
            (b"access-control-allow-methods", b"GET, POST"),
            (b"access-control-allow-headers", b"content-type"),
            (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
            (b"vary", b"Origin")]})
        await send({"type": "http.response.body", "body": b""})


def load_sites(app, settings: Settings) -> SiteRegistry:
    """Load the sites file (a broken one stops the start, with the reason); OriginMiddleware reads app.state.sites."""
    sites = SiteRegistry(settings.sites_file, settings.sites_refresh_seconds)
    app.state.sites = sites
    return sites


def attach_database(app, store: AnswerStore | None) -> None:
    """From now on the sites come from the database (seeded from the file when its table is empty)."""
    registry: SiteRegistry = app.state.sites
    if store is not None:
        registry.attach(DatabaseSites(store, registry.file_sites, str(registry.path)))

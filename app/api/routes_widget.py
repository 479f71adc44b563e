"""The resident's widget: the script (GET /widget.js), its public settings and texts, and a demo page.

The widget is plain JavaScript in app/static/widget/, served as one file: its parts are joined in name
order inside one function scope, with the stylesheet as a string. No build tool, no framework, no
third-party request; the bundle is rebuilt when a source file changes.
"""
from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import threading
from pathlib import Path
from string import Template
from typing import Annotated

from fastapi import APIRouter, Path as PathParam, Query, Request, Response
from fastapi.responses import HTMLResponse

from app.api.origin import check_site
from app.i18n.catalogue import all_texts
from app.i18n.languages import LANGUAGES, direction, first_supported, normalise_code

WIDGET_DIR = Path(__file__).resolve().parent.parent / "static" / "widget"
router = APIRouter(tags=["widget"])


class _Bundle:
    """widget.js built from the sources, cached until one of them changes."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._key: tuple = ()
        self.body = b""
        self.gzipped = b""
        self.etag = ""
        self._lock = threading.Lock()

    def _sources(self) -> list[Path]:
        return sorted(self.folder.glob("[0-9][0-9]-*.js")) + [self.folder / "styles.css"]

    def get(self) -> tuple[bytes, bytes, str]:
        files = self._sources()
        key = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
        if key != self._key:
            with self._lock:
                scripts = [_slim(p.read_text(encoding="utf-8")) for p in files if p.suffix == ".js"]
                css = re.sub(r"/\*.*?\*/", "", (self.folder / "styles.css").read_text(encoding="utf-8"), flags=re.S)
                css = re.sub(r"\s*\n\s*", "\n", css).strip()
                text = ("/*! Källa widget: one script tag, Shadow DOM, no third-party resources. See docs/widget.md */\n"
                        "(function () {\n\"use strict\";\n"
                        f"const WIDGET_CSS = {json.dumps(css, ensure_ascii=False)};\n"
                        + "\n".join(scripts) + "\n})();\n")
                self.body = text.encode("utf-8")
                # Compressed once here: a resident on a slow mobile connection downloads a third of the bytes.
                self.gzipped = gzip.compress(self.body, compresslevel=9, mtime=0)
                self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'
                self._key = key
        return self.body, self.gzipped, self.etag


def _slim(js: str) -> str:
    """Drop comments and indentation (a third of the bytes); the sources keep them. Only whole-line
    comments and '  // ...' line ends are removed, so strings and regular expressions are never touched."""
    out, in_block = [], False
    for line in js.splitlines():
        s = line.strip()
        if in_block:
            in_block = "*/" not in s
            continue
        if s.startswith("/*"):
            in_block = "*/" not in s
            continue
        s = re.sub(r"\s{2,}// .*$", "", s)
        if s and not s.startswith("//"):
            out.append(s)
    return "\n".join(out)


BUNDLE = _Bundle(WIDGET_DIR)


def texts_payload(language: str) -> dict:
    """Everything the widget shows in one language, and the list of languages it offers (endonyms)."""
    return {"language": language, "direction": direction(language), "texts": all_texts(language),
            "languages": [{"code": lang.code, "endonym": lang.endonym, "direction": lang.direction}
                          for lang in LANGUAGES.values()]}


def start_suggestions(state, language: str) -> list[dict]:
    """The questions the widget opens with, in the language: verified at index build to get a cited answer."""
    if not state.ready:
        return []
    return [x.to_dict() for x in state.pipeline.bundle.suggestions.start(language)]


@router.get("/widget.js", include_in_schema=False)
def widget_js(request: Request) -> Response:
    body, gzipped, etag = BUNDLE.get()
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300", "Vary": "Accept-Encoding",
               # Any site may load the script, also with Subresource Integrity (which needs CORS).
               "Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        return Response(gzipped, media_type="application/javascript; charset=utf-8",
                        headers={**headers, "Content-Encoding": "gzip"})
    return Response(body, media_type="application/javascript; charset=utf-8", headers=headers)


@router.get("/api/sites/{site_id}", responses={403: {"description": "Unknown site, or this page's origin is not allowed"}})
def site_settings(request: Request, site_id: Annotated[str, PathParam(max_length=64)],
                  language: Annotated[str | None, Query(max_length=16, description="Language of the texts")] = None,
                  ) -> Response:
    """The widget's public settings for one site, with its texts in the requested (else the site's) language and
    the questions it opens with."""
    site = check_site(request, site_id)
    lang = first_supported(language, site.default_language)
    state = request.app.state.kalla
    body = {"site": site.public(), "max_message_chars": state.settings.max_message_chars, **texts_payload(lang),
            "suggestions": start_suggestions(state, lang)}
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json",
                    headers={"Cache-Control": "public, max-age=300", "Vary": "Origin"})


@router.get("/api/texts/{language}")
def texts(request: Request, language: Annotated[str, PathParam(max_length=16)]) -> Response:
    """The catalogue in one language, else the default one (any page may read it): what the widget shows
    when its site is refused."""
    lang = first_supported(language, request.app.state.kalla.settings.default_language)
    return Response(json.dumps(texts_payload(lang), ensure_ascii=False), media_type="application/json",
                    headers={"Cache-Control": "public, max-age=300"})


DEMO = Template((WIDGET_DIR / "demo.html").read_text(encoding="utf-8"))
SITE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@router.get("/demo", response_class=HTMLResponse, include_in_schema=False)
def demo(request: Request, site: str | None = None, language: str | None = None, position: str | None = None) -> HTMLResponse:
    """A plain sample municipal page with the widget, to try it (?language=ar, ?position=left, ?site=ID)."""
    site_id = site if site and SITE_ID.match(site) else request.app.state.kalla.settings.demo_site
    extra = ""
    lang = normalise_code(language)
    if lang:
        extra += f' data-language="{html.escape(lang)}"'
    if position in ("left", "right"):
        extra += f' data-position="{position}"'
    page = DEMO.substitute(site=html.escape(site_id), extra=extra)
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})

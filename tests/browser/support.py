"""Servers for the browser tests: Källa itself (uvicorn in a thread) and a stand-in municipal website."""
from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.support.live_server import LiveServer, free_port


KallaServer = LiveServer   # the real service for the browser tests (one per test session)


PAGE = """<!doctype html><html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Kommunen</title></head>
<body><h1>Kommunens webbplats</h1><p>En sida på en annan webbplats än Källa.</p>
<script src="{api}/widget.js" data-site="{site}" async></script></body></html>"""


class MunicipalSite:
    """A municipality's website on another origin: GET /page?site=ID embeds the widget from Källa."""

    def __init__(self, kalla_url: str | None = None) -> None:
        self.kalla_url = kalla_url
        self.port = free_port()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                site = parse_qs(parts.query).get("site", ["demo"])[0]
                body = PAGE.format(api=html.escape(outer.kalla_url or ""), site=html.escape(site)).encode()
                self.send_response(200)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def origin(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}"

    def __enter__(self) -> "MunicipalSite":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

"""An authority's website on a loopback port for the source tests: pages the test can change or remove between
two checks, as a real site does."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SourceSite:
    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {}      # path -> (content type, body)
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site.requests.append(self.path)
                page = site.pages.get(self.path.split("?", 1)[0])
                if page is None:
                    self.send_response(404)
                    self.send_header("content-type", "text/html; charset=utf-8")
                    self.end_headers()
                    self.wfile.write("<html><body><h1>Sidan finns inte</h1></body></html>".encode())
                    return
                ctype, body = page
                self.send_response(200)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def serve(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> str:
        self.pages[path] = (content_type, body)
        return self.url(path)

    def remove(self, path: str) -> None:
        self.pages.pop(path, None)

    def __enter__(self) -> "SourceSite":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

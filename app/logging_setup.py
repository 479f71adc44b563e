"""Logging without personal data: access log lines lose query strings and client addresses."""
from __future__ import annotations

import logging


class AccessLogPrivacy(logging.Filter):
    """uvicorn.access records carry (client_addr, method, full_path, http_version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            _, method, path, version, status = args
            record.args = ("-", method, str(path).split("?", 1)[0], version, status)
        return True


def configure_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLogPrivacy) for f in access.filters):
        access.addFilter(AccessLogPrivacy())
    for noisy in ("bm25s", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

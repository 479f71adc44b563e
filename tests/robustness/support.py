"""Helpers for the robustness tests: settings with high limits, apps on the shared model, a live server."""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import select

from app.config import Settings
from app.main import create_app
from app.store.models import AnswerRecord


def make_settings(built_index: Path, corpus_dir: Path, database_url: str, **overrides) -> Settings:
    # High default limits: tests that are not about rate limiting must never meet one.
    values = dict(index_dir=built_index, corpus_dir=corpus_dir, database_url=database_url,
                  rate_limit_client="100000/minute", rate_limit_site="100000/minute",
                  cache_dir=Path(built_index).parent / "cache")
    values.update(overrides)
    return Settings(**values)


def make_app(settings: Settings, embedder):
    app = create_app(settings)
    app.state.kalla.embedder = embedder
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving one app on a free loopback port, in a thread of this process."""

    def __init__(self, app) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("live server did not become ready")

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def wait_for_row(session, answer_id: str, timeout: float = 5.0) -> AnswerRecord:
    """The stored answer (it is written after the reply, by a background task)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = session.scalar(select(AnswerRecord).where(AnswerRecord.id == answer_id))
        if row is not None:
            return row
        time.sleep(0.05)
        session.expire_all()
    raise AssertionError(f"answer {answer_id} was not stored within {timeout} s")

"""Helpers for the robustness tests: settings with high limits, apps on the shared model, a live server."""
from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select

from tests.support.live_server import LiveServer, free_port  # noqa: F401 - re-exported for the robustness tests

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

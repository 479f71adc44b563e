"""The migrations build exactly the tables the models describe, on SQLite and on PostgreSQL."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import app.store.staff_models  # noqa: F401 - the staff tables are part of the metadata
from app.store.models import Base

pytestmark = pytest.mark.integration


def test_migrations_match_the_models(staff_app):
    engine = staff_app.state.kalla.store.engine
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        tables = set(inspect(conn).get_table_names())
    assert diff == []
    assert {"staff_users", "staff_sessions", "staff_login_attempts", "answer_reviews", "citation_reviews",
            "staff_audit", "sites", "site_changes", "staff_user_sites", "handoff_follow_through"} <= tables

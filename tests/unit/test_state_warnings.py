import logging

from app.api.state import ServiceState
from app.config import Settings

SECRET = "s" * 40


def test_sqlite_answer_log_in_production_is_warned_about(tmp_path, caplog):
    state = ServiceState(Settings(environment="production", staff_session_secret=SECRET,
                                  database_url=f"sqlite:///{tmp_path / 'kalla.db'}"))
    with caplog.at_level(logging.WARNING, logger="kalla"):
        state.open_store()
    state.store.engine.dispose()
    assert any("SQLite in production" in r.getMessage() for r in caplog.records)


def test_sqlite_in_development_is_not_warned_about(tmp_path, caplog):
    state = ServiceState(Settings(database_url=f"sqlite:///{tmp_path / 'kalla.db'}"))
    with caplog.at_level(logging.WARNING, logger="kalla"):
        state.open_store()
    state.store.engine.dispose()
    assert not any("SQLite" in r.getMessage() for r in caplog.records)

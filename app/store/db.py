"""Engine, sessions and migrations (Alembic, run programmatically at start-up)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")


def prepare_sqlite_folder(url: str) -> str:
    """Create the folder of a SQLite answer log. '' when it is there (or the log is not SQLite); else why it cannot
    be made, in words for /readyz and the log. It must not stop the service: answers go on, the log counts as down,
    as for a file that cannot be written."""
    if not url.startswith("sqlite:///"):
        return ""
    folder = Path(url.removeprefix("sqlite:///")).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"the folder {folder} of the SQLite answer log cannot be created ({type(exc).__name__}: " \
               f"{exc.strerror or exc})"
    return ""


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        prepare_sqlite_folder(url)     # the engine connects lazily: a missing folder fails (and is counted) there
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            # WAL + NORMAL: a commit survives a crash of the service (not of the machine) without an fsync
            # per answer; a single-host SQLite log can lose the last answers on power loss, PostgreSQL none.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args={"connect_timeout": 3}
                         if url.startswith("postgresql") else {})


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str) -> None:
    """Bring the database to the newest schema."""
    command.upgrade(alembic_config(url), "head")


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)

"""Accounts, Argon2 hashes, login throttling, cookie flags, session lifetime, the CLI, the secret check."""
from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from pydantic import ValidationError
from sqlalchemy import delete, select, update

from app.config import Settings
from app.store.staff_models import AuditEvent, LoginAttempt, StaffSession, StaffUser
from tests.staff.support import PASSWORD, StaffClient, ensure_user

pytestmark = pytest.mark.integration
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _user(app, email):
    with app.state.kalla.store.Session() as db:
        return db.scalar(select(StaffUser).where(StaffUser.email == email))


def test_passwords_are_stored_as_argon2id_and_the_cookie_is_locked_down(staff_app):
    ensure_user(staff_app, "cookie@kalla.test", "reviewer")
    assert _user(staff_app, "cookie@kalla.test").password_hash.startswith("$argon2id$")
    assert PASSWORD not in _user(staff_app, "cookie@kalla.test").password_hash
    r = StaffClient(staff_app).login("Cookie@Kalla.test")              # e-mail case does not matter
    cookie = r.headers["set-cookie"]
    assert r.status_code == 303 and cookie.startswith("__Host-kalla_staff=")
    for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
        assert flag.lower() in cookie.lower(), flag


def test_wrong_password_and_unknown_account_look_the_same_and_are_audited(staff_app):
    ensure_user(staff_app, "wrong@kalla.test", "reviewer")
    c = StaffClient(staff_app)
    bad = c.login("wrong@kalla.test", "not the password at all")
    unknown = c.login("my secret password typed in the wrong field", "x" * 12)
    for r in (bad, unknown):
        assert r.status_code == 401 and "The e-mail address or the password is wrong." in r.text
        assert "kalla_staff=" not in r.headers.get("set-cookie", "")
    with staff_app.state.kalla.store.Session() as db:
        failed = db.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
        assert any(e.actor == "wrong@kalla.test" for e in failed)
        events = db.scalars(select(AuditEvent)).all()
        assert not any("secret password" in (e.actor + e.target + str(e.detail)) for e in events)
        keys = [(a.account, a.client) for a in db.scalars(select(LoginAttempt))]
        assert keys and not any("secret" in k or "testclient" in c for k, c in keys)   # keyed hashes only
        db.execute(delete(LoginAttempt))          # keep the per-address throttle clear for other tests
        db.commit()


def _move_attempts_back(app, by: dt.timedelta) -> None:
    """Time passes for the throttle (its rows carry their time)."""
    with app.state.kalla.store.Session.begin() as db:
        for a in db.scalars(select(LoginAttempt)):
            a.created_at = a.created_at - by


def test_login_is_throttled_per_account_and_address_with_a_growing_wait(staff_app):
    email = "throttle@kalla.test"
    ensure_user(staff_app, email, "reviewer")
    guesser, owner = StaffClient(staff_app, "198.51.100.7"), StaffClient(staff_app, "203.0.113.9")
    limit = staff_app.state.kalla.settings.staff_login_max_failures
    try:
        for _ in range(limit):
            assert guesser.login(email, "guessing wrong again").status_code == 401
        r = guesser.login(email)                    # from there, the right password no longer helps
        assert r.status_code == 429 and "Try again in 1 minute." in r.text
        assert "kalla_staff=" not in r.headers.get("set-cookie", "")
        # whoever knows the e-mail address cannot lock its owner out: from the owner's address it still works
        assert owner.login(email).status_code == 303
        # the wait grows: a minute later one more wrong guess means two minutes, then four
        _move_attempts_back(staff_app, dt.timedelta(minutes=1, seconds=1))
        assert guesser.login(email, "one more guess").status_code == 401
        assert "Try again in 2 minutes" in guesser.login(email).text
        _move_attempts_back(staff_app, dt.timedelta(minutes=2, seconds=1))
        assert guesser.login(email, "and another").status_code == 401
        assert "Try again in 4 minutes" in guesser.login(email).text
        # never longer than KALLA_STAFF_LOGIN_LOCKOUT_MINUTES, and over when it has passed
        longest = staff_app.state.kalla.settings.staff_login_lockout_minutes
        for _ in range(6):
            _move_attempts_back(staff_app, dt.timedelta(minutes=longest, seconds=1))
            assert guesser.login(email, "patient guessing").status_code == 401
        assert f"Try again in {longest} minutes" in guesser.login(email).text
        _move_attempts_back(staff_app, dt.timedelta(minutes=longest, seconds=1))
        assert guesser.login(email).status_code == 303
    finally:
        with staff_app.state.kalla.store.Session.begin() as db:
            db.execute(delete(LoginAttempt))


def test_one_address_guessing_many_accounts_is_throttled(staff_app):
    limit = staff_app.state.kalla.settings.staff_login_max_failures
    stuffer = StaffClient(staff_app, "192.0.2.66")
    ensure_user(staff_app, "stuffed@kalla.test", "reviewer")
    try:
        for n in range(limit * 4):              # under the limit for each account, over it for the address
            assert stuffer.login(f"someone{n % limit}@kalla.test", "guess").status_code == 401
        assert stuffer.login("stuffed@kalla.test").status_code == 429
        assert StaffClient(staff_app, "192.0.2.67").login("stuffed@kalla.test").status_code == 303
    finally:
        with staff_app.state.kalla.store.Session.begin() as db:
            db.execute(delete(LoginAttempt))


def test_sessions_expire_and_disabled_accounts_are_locked_out(staff_app):
    ensure_user(staff_app, "expire@kalla.test", "reviewer")
    c = StaffClient(staff_app)
    assert c.login("expire@kalla.test").status_code == 303 and c.get("/staff").status_code == 200
    user_id = _user(staff_app, "expire@kalla.test").id
    with staff_app.state.kalla.store.Session.begin() as db:     # idle for longer than allowed
        idle = dt.timedelta(minutes=staff_app.state.kalla.settings.staff_session_idle_minutes + 1)
        db.execute(update(StaffSession).where(StaffSession.user_id == user_id)
                   .values(last_seen_at=dt.datetime.now(dt.timezone.utc) - idle))
    assert c.get("/staff").status_code == 303
    assert c.login("expire@kalla.test").status_code == 303
    with staff_app.state.kalla.store.Session.begin() as db:
        db.execute(update(StaffUser).where(StaffUser.id == user_id).values(active=False))
    assert c.get("/staff").status_code == 303
    assert c.login("expire@kalla.test").status_code == 401


def test_cli_creates_accounts_from_stdin_and_never_prints_the_password(database_url, staff_app, monkeypatch, capsys):
    env = {**os.environ, "KALLA_DATABASE_URL": database_url, "PYTHONPATH": ROOT}
    r = subprocess.run([sys.executable, "-m", "app.cli", "staff", "add", "New.Admin@kalla.test", "--role", "admin",
                        "--national", "--password-stdin"], input="the cli password 123\n", capture_output=True, text=True, env=env,
                       cwd=ROOT, timeout=300)                 # the real command, as an operator runs it
    assert r.returncode == 0 and "created admin new.admin@kalla.test (national)" in r.stdout
    assert "the cli password" not in r.stdout + r.stderr

    from app import cli
    from app.config import get_settings

    monkeypatch.setenv("KALLA_DATABASE_URL", database_url)
    get_settings.cache_clear()

    def run(*args, stdin=""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = cli.main(["staff", *args])
        out = capsys.readouterr()
        return code, out.out + out.err

    try:
        assert run("add", "short@kalla.test", "--role", "reviewer", "--site", "demo", "--password-stdin",
                   stdin="short\n")[0] == 2
        code, out = run("add", "new.admin@kalla.test", "--role", "admin", "--national", "--password-stdin",
                        stdin="x" * 20)
        assert code == 2 and "already exists" in out
        with pytest.raises(SystemExit):
            run("add", "x@kalla.test", "--role", "boss", "--national", "--password-stdin", stdin="x" * 20)
        with pytest.raises(SystemExit):                       # no scope given: refused, never a silent default
            run("add", "x@kalla.test", "--role", "reviewer", "--password-stdin", stdin="x" * 20)
        code, out = run("add", "x@kalla.test", "--role", "reviewer", "--site", "nowhere", "--password-stdin",
                        stdin="x" * 20)
        assert code == 2 and "no such site: nowhere" in out
        code, out = run("add", "askersund.reviewer@kalla.test", "--role", "reviewer", "--site", "askersund",
                        "--password-stdin", stdin="x" * 20)
        assert code == 0 and "(askersund)" in out
        code, listing = run("list")
        assert "new.admin@kalla.test\tadmin\tnational\tactive" in listing and "short@kalla.test" not in listing
        assert "askersund.reviewer@kalla.test\treviewer\taskersund\tactive" in listing
        assert run("sites", "askersund.reviewer@kalla.test", "--site", "demo", "--site", "askersund")[0] == 0
        assert "askersund.reviewer@kalla.test\treviewer\taskersund, demo\t" in run("list")[1]
        c = StaffClient(staff_app)
        assert c.login("new.admin@kalla.test", "the cli password 123").status_code == 303
        assert c.get("/staff/audit").status_code == 200
        assert run("disable", "new.admin@kalla.test")[0] == 0
        assert c.get("/staff").status_code == 303                 # its session ended with it
        assert c.login("new.admin@kalla.test", "the cli password 123").status_code == 401
    finally:
        get_settings.cache_clear()
    with staff_app.state.kalla.store.Session() as db:
        actions = set(db.scalars(select(AuditEvent.action).where(AuditEvent.target == "new.admin@kalla.test")))
    assert {"account_created", "account_disable"} <= actions


def test_production_refuses_the_default_session_secret():
    with pytest.raises(ValidationError, match="KALLA_STAFF_SESSION_SECRET"):
        Settings(environment="production")
    with pytest.raises(ValidationError, match="KALLA_STAFF_SESSION_SECRET"):
        Settings(environment="production", staff_session_secret="too short")
    assert Settings(environment="production", staff_session_secret="s" * 40).environment == "production"
    assert Settings().environment == "development"

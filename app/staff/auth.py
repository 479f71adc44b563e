"""Accounts, logins with throttling, and server-side sessions.

The session cookie carries a random token; the database keeps only its keyed hash, so a copy of the
database cannot be replayed as a cookie. CSRF tokens are derived from the session token with the
same key: forms carry one, nothing else has to be stored.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.staff.audit import audit
from app.staff.scope import Scope
from app.staff.security import hash_password, keyed_hash, needs_rehash, new_token, same, verify_password
from app.store.models import utcnow
from app.store.site_models import SiteRecord
from app.store.staff_models import ROLES, LoginAttempt, StaffSession, StaffUser, StaffUserSite

CLIENT_FACTOR = 4          # one address may fail this many times more often (on any accounts) than one account
FIRST_PAUSE = dt.timedelta(minutes=1)   # the first wait after too many failures; it doubles with every further one
KEEP_ATTEMPTS = dt.timedelta(days=1)
LAST_SEEN_EVERY = dt.timedelta(seconds=60)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class Staff:
    """The logged-in person, as routes see them."""
    id: int
    email: str
    role: str
    token: str        # the raw session token (from the cookie); never stored
    csrf: str
    scope: Scope      # the sites whose answers, stats and settings this person may see

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_national_admin(self) -> bool:
        return self.is_admin and self.scope.national


def scope_of(user: StaffUser) -> Scope:
    return Scope(national=bool(user.national), sites=user.site_ids)


def set_sites(db: Session, user: StaffUser, sites: frozenset[str] | set[str] | tuple[str, ...]) -> None:
    """Give the account exactly these sites (each must exist)."""
    wanted = set(sites)
    known = set(db.scalars(select(SiteRecord.id).where(SiteRecord.id.in_(sorted(wanted))))) if wanted else set()
    if wanted - known:
        raise ValueError(f"no such site: {', '.join(sorted(wanted - known))}")
    user.site_links[:] = [link for link in user.site_links if link.site_id in wanted]
    for site_id in sorted(wanted - user.site_ids):
        user.site_links.append(StaffUserSite(site_id=site_id))


@dataclass(frozen=True)
class LoginResult:
    staff: Staff | None = None
    retry_after_minutes: int = 0     # > 0: throttled, the password was not even checked


class StaffAuth:
    def __init__(self, settings: Settings) -> None:
        self.secret = settings.staff_session_secret.get_secret_value()
        self.lifetime = dt.timedelta(hours=settings.staff_session_hours)
        self.idle = dt.timedelta(minutes=settings.staff_session_idle_minutes)
        self.max_failures = settings.staff_login_max_failures
        self.longest_pause = dt.timedelta(minutes=settings.staff_login_lockout_minutes)

    # accounts -------------------------------------------------------------------------------------------
    @staticmethod
    def add_user(db: Session, email: str, role: str, password: str, *, national: bool = False,
                 sites: tuple[str, ...] = (), actor: str = "cli", actor_id: int | None = None) -> StaffUser:
        """A new account; it sees nothing until it is national or given sites (least privilege)."""
        email = normalise_email(email)
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if "@" not in email or len(email) > 254:
            raise ValueError("give the person's e-mail address")
        if db.scalar(select(StaffUser).where(StaffUser.email == email)) is not None:
            raise ValueError(f"an account for {email} already exists")
        user = StaffUser(email=email, role=role, password_hash=hash_password(password), active=True,
                         national=national)
        db.add(user)
        db.flush()
        set_sites(db, user, sites)
        audit(db, "account_created", user_id=actor_id, actor=actor, target=email,
              detail={"role": role, "scope": scope_of(user).label()})
        return user

    # tokens ---------------------------------------------------------------------------------------------
    def session_id(self, token: str) -> str:
        return keyed_hash(self.secret, "session", token)

    def csrf_for(self, token: str) -> str:
        return keyed_hash(self.secret, "csrf", token, 43)

    def login_csrf_for(self, nonce: str) -> str:
        return keyed_hash(self.secret, "login-csrf", nonce, 43)

    def client_key(self, address: str) -> str:
        return keyed_hash(self.secret, "client", address or "unknown", 32)

    def account_key(self, email: str) -> str:
        return keyed_hash(self.secret, "account", email, 32)

    # login ----------------------------------------------------------------------------------------------
    def pause_after(self, failures: int, limit: int) -> dt.timedelta:
        """The wait before the next attempt after `failures` failures in a row: none below the limit, then one
        minute doubling with every further failure, never longer than KALLA_STAFF_LOGIN_LOCKOUT_MINUTES."""
        if failures < limit:
            return dt.timedelta(0)
        return min(FIRST_PAUSE * 2 ** min(failures - limit, 16), self.longest_pause)

    def _retry_after(self, db: Session, account: str, client: str, now: dt.datetime) -> int:
        """Minutes to wait before this address may try this account again (0: try now).

        Throttled per account *and* address (someone who knows an e-mail address cannot lock its owner out from
        elsewhere) and per address over all accounts (CLIENT_FACTOR × the limit: guessing many accounts from one
        place); failures count since the last success there, for a day, and each further one doubles the wait."""
        checks = (((LoginAttempt.account == account) & (LoginAttempt.client == client), self.max_failures),
                  (LoginAttempt.client == client, self.max_failures * CLIENT_FACTOR))
        waits = []
        for where, limit in checks:
            last_ok = db.scalar(select(func.max(LoginAttempt.created_at)).where(where, LoginAttempt.succeeded))
            start = max(now - KEEP_ATTEMPTS, as_utc(last_ok)) if last_ok else now - KEEP_ATTEMPTS
            times = db.scalars(select(LoginAttempt.created_at)
                               .where(where, ~LoginAttempt.succeeded, LoginAttempt.created_at > start)
                               .order_by(LoginAttempt.created_at.desc()).limit(limit + 17)).all()
            wait = as_utc(times[0]) + self.pause_after(len(times), limit) - now if times else dt.timedelta(0)
            if wait > dt.timedelta(0):
                waits.append(wait)
        if not waits:
            return 0
        return max(1, math.ceil(max(waits).total_seconds() / 60))

    def login(self, db: Session, email: str, password: str, address: str) -> LoginResult:
        now = utcnow()
        email = normalise_email(email)[:254]
        client, account = self.client_key(address), self.account_key(email)
        db.execute(delete(LoginAttempt).where(LoginAttempt.created_at < now - KEEP_ATTEMPTS))
        db.execute(delete(StaffSession).where(StaffSession.expires_at < now))
        user = db.scalar(select(StaffUser).where(StaffUser.email == email))
        known = user.email if user else ""   # never write what an unknown 'e-mail' was: it may be a password
        wait = self._retry_after(db, account, client, now)
        if wait:
            audit(db, "login_throttled", user_id=user.id if user else None, actor=known,
                  detail={"retry_after_minutes": wait})
            return LoginResult(retry_after_minutes=wait)
        ok = verify_password(user.password_hash if user else None, password) and user is not None and user.active
        db.add(LoginAttempt(created_at=now, account=account, client=client, succeeded=ok))
        if not ok:
            audit(db, "login_failed", user_id=user.id if user else None, actor=known,
                  detail={} if user else {"account": "unknown"})
            return LoginResult()
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.last_login_at = now
        token = new_token()
        db.add(StaffSession(id=self.session_id(token), user_id=user.id, created_at=now, last_seen_at=now,
                            expires_at=now + self.lifetime))
        audit(db, "login", user_id=user.id, actor=user.email)
        return LoginResult(staff=Staff(user.id, user.email, user.role, token, self.csrf_for(token), scope_of(user)))

    # sessions -------------------------------------------------------------------------------------------
    def staff_for(self, db: Session, token: str) -> Staff | None:
        if not token or len(token) > 100:
            return None
        now = utcnow()
        row = db.get(StaffSession, self.session_id(token))
        if row is None:
            return None
        user = row.user
        if (as_utc(row.expires_at) <= now or as_utc(row.last_seen_at) + self.idle <= now
                or user is None or not user.active):
            db.delete(row)
            return None
        if now - as_utc(row.last_seen_at) > LAST_SEEN_EVERY:
            row.last_seen_at = now
        return Staff(user.id, user.email, user.role, token, self.csrf_for(token), scope_of(user))

    def logout(self, db: Session, staff: Staff) -> None:
        db.execute(delete(StaffSession).where(StaffSession.id == self.session_id(staff.token)))
        audit(db, "logout", user_id=staff.id, actor=staff.email)

    def csrf_ok(self, staff: Staff, submitted: str) -> bool:
        return same(staff.csrf, submitted)

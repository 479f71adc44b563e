"""Accounts managed on the web: an administrator manages the accounts of their own sites (national ones: all).

An administrator may manage an account only if everything that account may see, they may see too
(`Scope.covers`): a site administrator never sees or changes a national account or one that also belongs to
another municipality. A new account gets a one-time link (72 hours) for its owner to choose a password; the
administrator never knows it. Every change is audited and ends the account's sessions where it takes rights away.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, delete, false, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from app.staff.audit import audit
from app.staff.auth import Staff, StaffAuth, as_utc, normalise_email, scope_of, set_sites
from app.staff.scope import Scope
from app.staff.security import hash_password, keyed_hash, new_token
from app.store.models import utcnow
from app.store.staff_models import ROLES, AuditEvent, StaffSession, StaffUser, StaffUserSite

SETUP_LIFETIME = dt.timedelta(hours=72)


class AccountRefused(ValueError):
    """Why the change cannot be made, in words for the administrator."""


def covered_ids(scope: Scope) -> Select:
    """Ids of the accounts an administrator with this scope may see and manage."""
    if scope.national:
        return select(StaffUser.id)
    if not scope.sites:
        return select(StaffUser.id).where(false())
    sites = sorted(scope.sites)
    inside = select(StaffUserSite.user_id).where(StaffUserSite.site_id.in_(sites))
    outside = select(StaffUserSite.user_id).where(StaffUserSite.site_id.not_in(sites))
    return select(StaffUser.id).where(~StaffUser.national, StaffUser.id.in_(inside), StaffUser.id.not_in(outside))


def accounts(db: Session, scope: Scope) -> list[StaffUser]:
    return list(db.scalars(select(StaffUser).where(StaffUser.id.in_(covered_ids(scope))).order_by(StaffUser.email)))


def account(db: Session, scope: Scope, user_id: int) -> StaffUser | None:
    return db.scalar(select(StaffUser).where(StaffUser.id == user_id, StaffUser.id.in_(covered_ids(scope))))


def audit_condition(scope: Scope):
    """Which audit events an administrator may read: everything (national), else what their own sites' accounts
    did, and changes to their sites and to those accounts."""
    if scope.national:
        return true()
    sites = sorted(scope.sites)
    emails = select(StaffUser.email).where(StaffUser.id.in_(covered_ids(scope)))
    return or_(AuditEvent.user_id.in_(covered_ids(scope)),
               and_(AuditEvent.action.like("site\\_%", escape="\\"), AuditEvent.target.in_(sites)),
               and_(AuditEvent.action.like("account\\_%", escape="\\"), AuditEvent.target.in_(emails)))


@dataclass(frozen=True)
class AccountForm:
    role: str
    national: bool
    sites: frozenset[str]

    @classmethod
    def from_form(cls, form, actor: Staff) -> "AccountForm":
        role = str(form.get("role") or "")
        if role not in ROLES:
            raise AccountRefused(f"Choose a role: {', '.join(ROLES)}.")
        national = form.get("national") == "yes"
        if national and not actor.scope.national:
            raise AccountRefused("Only national administrators can make national accounts.")
        sites = frozenset(str(s) for s in form.getlist("sites"))
        if not actor.scope.national and not sites <= actor.scope.sites:
            raise AccountRefused("You can give only your own sites.")
        if not national and not sites:
            raise AccountRefused("Choose at least one site the account belongs to.")
        return cls(role, national, frozenset() if national else sites)


def _setup_link(db: Session, auth: StaffAuth, user: StaffUser) -> str:
    token = new_token()
    user.setup_token = keyed_hash(auth.secret, "setup", token)
    user.setup_expires_at = utcnow() + SETUP_LIFETIME
    return token


def create(db: Session, auth: StaffAuth, actor: Staff, email: str, form: AccountForm) -> tuple[StaffUser, str]:
    """The new account and the token of its one-time setup link."""
    try:
        user = StaffAuth.add_user(db, email, form.role, new_token(), national=form.national, sites=tuple(form.sites),
                                  actor=actor.email, actor_id=actor.id)
    except ValueError as exc:
        raise AccountRefused(str(exc)) from None
    return user, _setup_link(db, auth, user)


def _end_sessions(db: Session, user: StaffUser) -> None:
    db.execute(delete(StaffSession).where(StaffSession.user_id == user.id))


def change(db: Session, auth: StaffAuth, actor: Staff, user: StaffUser, action: str, form) -> str:
    """Apply one action to an account the actor covers; returns a setup token for "setup_link", else ""."""
    if user.id == actor.id:
        raise AccountRefused("You cannot change your own account here; ask another administrator.")
    if action == "save":
        wanted = AccountForm.from_form(form, actor)
        before = (user.role, scope_of(user).label())
        user.role, user.national = wanted.role, wanted.national
        set_sites(db, user, wanted.sites)
        after = (user.role, scope_of(user).label())
        if after != before:
            _end_sessions(db, user)      # rights changed: a new login picks them up
        audit(db, "account_changed", user_id=actor.id, actor=actor.email, target=user.email,
              detail={"role": after[0], "scope": after[1], "before": f"{before[0]}, {before[1]}"})
        return ""
    if action in ("disable", "enable"):
        user.active = action == "enable"
        _end_sessions(db, user)
        audit(db, f"account_{action}d", user_id=actor.id, actor=actor.email, target=user.email)
        return ""
    if action == "setup_link":
        token = _setup_link(db, auth, user)
        user.password_hash = hash_password(new_token())     # the old password stops working now
        _end_sessions(db, user)
        audit(db, "account_setup_link", user_id=actor.id, actor=actor.email, target=user.email)
        return token
    raise AccountRefused("Unknown action.")


def setup_user(db: Session, auth: StaffAuth, token: str) -> StaffUser | None:
    """The account a setup link is for, while the link is valid."""
    if not token or len(token) > 100:
        return None
    user = db.scalar(select(StaffUser).where(StaffUser.setup_token == keyed_hash(auth.secret, "setup", token)))
    if user is None or not user.active or user.setup_expires_at is None or as_utc(user.setup_expires_at) < utcnow():
        return None
    return user


def finish_setup(db: Session, user: StaffUser, password: str, again: str) -> None:
    if password != again:
        raise AccountRefused("The two passwords differ.")
    try:
        user.password_hash = hash_password(password)
    except ValueError as exc:
        raise AccountRefused(str(exc).capitalize() + ".") from None
    user.setup_token = None
    user.setup_expires_at = None
    _end_sessions(db, user)
    audit(db, "account_password_set", user_id=user.id, actor=user.email, target=normalise_email(user.email))

"""`python -m app.cli staff add|list|disable|password|sites`: accounts from the server's command line (the first
national administrator is made here; administrators then manage their sites' accounts in /staff/accounts)."""
from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from app.config import Settings
from app.staff.audit import audit
from app.sites import load_sites
from app.staff.auth import StaffAuth, normalise_email, scope_of, set_sites
from app.staff.security import WeakPassword, hash_password
from app.store.db import make_engine, migrate, session_factory
from app.store.site_store import seed_if_empty
from app.store.staff_models import ROLES, StaffSession, StaffUser


def _scope_arguments(parser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--national", action="store_true", help="the account sees every site")
    group.add_argument("--site", action="append", default=[], metavar="SITE_ID",
                       help="a site the account belongs to (repeat for several)")


def add_parser(sub) -> None:
    st = sub.add_parser("staff", help="staff console accounts")
    cmds = st.add_subparsers(dest="staff_command", required=True)
    add = cmds.add_parser("add", help="create an account (asks for the password)")
    add.add_argument("email")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    _scope_arguments(add)
    cmds.add_parser("list", help="list accounts")
    sites = cmds.add_parser("sites", help="set which sites an account sees (ends its sessions)")
    sites.add_argument("email")
    _scope_arguments(sites)
    dis = cmds.add_parser("disable", help="disable an account and end its sessions")
    dis.add_argument("email")
    pw = cmds.add_parser("password", help="set a new password and end the account's sessions")
    pw.add_argument("email")
    pw.add_argument("--password-stdin", action="store_true")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (at least 12 characters): ")
    if getpass.getpass("The same password again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        migrate(settings.database_url)
    except SQLAlchemyError as exc:
        print(f"error: cannot reach the database ({type(exc).__name__}); check KALLA_DATABASE_URL", file=sys.stderr)
        return 3
    engine = make_engine(settings.database_url)
    Session = session_factory(engine)
    try:
        with Session.begin() as db:
            seed_if_empty(db, load_sites(settings.sites_file), str(settings.sites_file))
            if args.staff_command == "list":
                for u in db.scalars(select(StaffUser).order_by(StaffUser.email)):
                    last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "never"
                    print(f"{u.email}\t{u.role}\t{scope_of(u).label()}\t{'active' if u.active else 'disabled'}"
                          f"\tlast login {last}")
                return 0
            if args.staff_command == "add":
                user = StaffAuth.add_user(db, args.email, args.role, _password(args.password_stdin),
                                          national=args.national, sites=tuple(args.site))
                print(f"created {args.role} {normalise_email(args.email)} ({scope_of(user).label()})")
                return 0
            user = db.scalar(select(StaffUser).where(StaffUser.email == normalise_email(args.email)))
            if user is None:
                raise ValueError(f"no account for {args.email}")
            if args.staff_command == "disable":
                user.active = False
            elif args.staff_command == "sites":
                user.national = args.national
                set_sites(db, user, () if args.national else tuple(args.site))
                print(f"{user.email} now sees: {scope_of(user).label()}")
            else:
                user.password_hash = hash_password(_password(args.password_stdin))
            db.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
            audit(db, f"account_{args.staff_command}", actor="cli", target=user.email)
            print(f"{args.staff_command}: {user.email} (its sessions have ended)")
            return 0
    except (ValueError, WeakPassword) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()

"""Operator commands: python -m app.cli retention | migrate | staff (add, list, disable, password)."""
from __future__ import annotations

import argparse
import sys

from app.config import get_settings
from app.staff import cli as staff_cli
from app.store.db import migrate
from app.store.recorder import AnswerStore


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m app.cli", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("retention", help="delete answers older than KALLA_RETENTION_DAYS")
    r.add_argument("--days", type=int, default=None)
    sub.add_parser("migrate", help="bring the database to the newest schema")
    staff_cli.add_parser(sub)
    args = ap.parse_args(argv)
    s = get_settings()
    if args.command == "staff":
        return staff_cli.run(args, s)
    if args.command == "migrate":
        migrate(s.database_url)
        print("database is at the newest schema")
        return 0
    store = AnswerStore(s.database_url)
    store.start()
    days = args.days or s.retention_days
    print(f"deleted {store.purge(days)} answers older than {days} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())

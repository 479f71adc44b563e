"""Operator commands: python -m app.cli retention | migrate | staff (add, list, disable, password, sites) |
sites (import, export) | translations export | sources (add, list, show, approve, reject, check, renew)."""
from __future__ import annotations

import argparse
import sys

from app.config import get_settings
from app.sources import cli as sources_cli
from app.staff import cli as staff_cli
from app.staff import sites_cli
from app.store.db import migrate
from app.store.recorder import AnswerStore


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m app.cli", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("retention", help="delete answers older than KALLA_RETENTION_DAYS")
    r.add_argument("--days", type=int, default=None)
    sub.add_parser("migrate", help="bring the database to the newest schema")
    staff_cli.add_parser(sub)
    sources_cli.add_parser(sub)
    sites_cli.add_parser(sub)
    t = sub.add_parser("translations", help="write staff reviews of translations into corpus/_translations")
    t.add_argument("action", choices=["export"])
    t.add_argument("--language", default=None)
    args = ap.parse_args(argv)
    s = get_settings()
    if args.command == "translations":
        from app.staff.translations import export_reviews
        from app.store.db import make_engine, session_factory

        migrate(s.database_url)
        with session_factory(make_engine(s.database_url))() as db:
            changed = export_reviews(db, s.corpus_dir, args.language)
        print("; ".join(f"{lang}: {n} lines" for lang, n in changed.items() if n) or "nothing to export")
        print("rebuild the index to serve them from the files: python scripts/build_index.py")
        return 0
    if args.command == "sources":
        return sources_cli.run(args, s)
    if args.command == "staff":
        return staff_cli.run(args, s)
    if args.command == "sites":
        return sites_cli.run(args, s)
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

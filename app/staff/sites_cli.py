"""`python -m app.cli sites import [FILE] | export [FILE]`: the sites file is the seed and the exchange format.

Import adds and updates the file's sites in the database (sites only in the database are left alone); every
change is recorded as staff changes are. Export writes the database's sites in the file's format.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from app.config import Settings
from app.sites import SitesError, load_sites
from app.staff.site_admin import export_sites, import_sites
from app.store.db import make_engine, migrate, session_factory


def add_parser(sub) -> None:
    st = sub.add_parser("sites", help="import a sites file into the database, or export the database's sites")
    cmds = st.add_subparsers(dest="sites_command", required=True)
    imp = cmds.add_parser("import", help="add and update the file's sites (default: KALLA_SITES_FILE)")
    imp.add_argument("file", nargs="?", type=Path)
    exp = cmds.add_parser("export", help="write the database's sites as a sites file (default: to stdout)")
    exp.add_argument("file", nargs="?", type=Path)


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        migrate(settings.database_url)
    except SQLAlchemyError as exc:
        print(f"error: cannot reach the database ({type(exc).__name__}); check KALLA_DATABASE_URL", file=sys.stderr)
        return 3
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine).begin() as db:
            if args.sites_command == "export":
                text = export_sites(db)
                if args.file:
                    args.file.write_text(text, encoding="utf-8")
                    print(f"wrote the sites to {args.file}")
                else:
                    sys.stdout.write(text)
                return 0
            path = args.file or settings.sites_file
            outcome = import_sites(db, load_sites(path), str(path))
            for site_id, what in outcome.items():
                print(f"{site_id}: {what}")
            print("every worker and replica serves the changes within KALLA_SITES_REFRESH_SECONDS")
            return 0
    except SitesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()

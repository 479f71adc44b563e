#!/usr/bin/env python3
"""What sites in the database cost at national scale (290 municipalities, two origins each).

The request path only reads the registry's in-memory snapshot (get, origin_known); the database is read in
the background every KALLA_SITES_REFRESH_SECONDS: a version check (one small query), and a full reload (every
site parsed and validated) only when something changed. This measures the three on a throw-away SQLite file,
or on KALLA_DATABASE_URL's database with --database-url (its sites table must be empty or disposable).

    python scripts/bench_sites.py                  # 290 sites, SQLite in a temporary folder
    python scripts/bench_sites.py --sites 1000 --json bench/sites.json
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.site_registry import SiteRegistry  # noqa: E402
from app.sites import parse_site  # noqa: E402
from app.store.recorder import AnswerStore  # noqa: E402
from app.store.site_store import DatabaseSites, write_site  # noqa: E402


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=290)
    ap.add_argument("--database-url", default="")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kalla-bench-sites-"))
    url = args.database_url or f"sqlite:///{tmp / 'kalla.db'}"
    store = AnswerStore(url)
    store.start()
    sites = {f"kommun-{i:03d}": parse_site(f"kommun-{i:03d}", {
        "name": f"Kommun {i}", "allowed_origins": [f"https://www.kommun{i}.se", f"https://kommun{i}.se"],
        "contact": {"name": {"sv": f"Kommun {i} kontaktcenter", "en": f"Municipality {i} contact centre"},
                    "phone": "0583-810 00", "url": f"https://www.kommun{i}.se", "hours": "mon-fri 08:00-16:00"}})
        for i in range(args.sites)}
    with store.Session.begin() as db:
        for site in sites.values():
            write_site(db, site, kind="seeded", actor="bench")
    (tmp / "sites.yaml").write_text("sites: {demo: {name: Demo}}", encoding="utf-8")
    registry = SiteRegistry(tmp / "sites.yaml", refresh_seconds=3600)
    source = DatabaseSites(store, {}, "bench")
    registry.attach(source)
    assert registry.served_from == "database" and len(registry.ids()) == args.sites

    version = timed(source.version, 200)
    reload = timed(lambda: registry._install(source.load()), 20)
    origin = f"https://www.kommun{args.sites - 1}.se"
    n = 100_000
    t = time.perf_counter()
    for _ in range(n):
        registry.get("kommun-001")
        registry.origin_known(origin)
    per_request_us = (time.perf_counter() - t) / n * 1e6

    rows = [("version check (one query, every refresh interval)", statistics.median(version), "ms"),
            (f"full reload of {args.sites} sites (only after a change)", statistics.median(reload), "ms"),
            ("get + origin_known on the request path", per_request_us, "µs")]
    print(f"| {store.engine.url.get_backend_name()}, {args.sites} sites | median |")
    print("|---|---|")
    for what, value, unit in rows:
        print(f"| {what} | {value:.2f} {unit} |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"database": store.engine.url.get_backend_name(), "sites": args.sites,
                                         "version_ms": statistics.median(version),
                                         "reload_ms": statistics.median(reload),
                                         "request_path_us": per_request_us}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

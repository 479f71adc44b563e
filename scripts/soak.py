#!/usr/bin/env python3
"""Soak test: a steady stream of questions for 10 minutes against the service on loopback.

Starts the service as the README does (scripts/run.sh, free port, a fresh SQLite answer log), sends
--rate questions per second for --minutes (the multilingual set of bench_api.py), samples the workers'
memory every 10 s, and at the end checks: 0 errors, memory growth < 5 % (last minute against the first
minute after warm-up), and every answer stored (answer-log rows == answered requests). Prints a table
and writes bench/soak.json. Exit code 1 if a check fails.

    python scripts/soak.py                  # 10 minutes at 10 questions/s
    python scripts/soak.py --minutes 1      # a quick look
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import (ROOT, VENV_PY, Service, ask, free_port, get, pct, question_set, rss_mb,  # noqa: E402
                       service_env, wait_ready, write_report)

WARMUP_S = 60          # memory baseline is taken after the first minute (caches, allocator pools filled)
SAMPLE_EVERY_S = 10
MAX_GROWTH = 0.05


def steady_load(port: int, questions: list[dict], rate: float, seconds: float, senders: int) -> dict:
    """Send rate × seconds questions on a fixed schedule; each sender owns every n-th slot (bounded loops)."""
    total = int(rate * seconds)
    start = time.perf_counter() + 0.5
    lat: list[float] = []
    errors: list[str] = []
    late = [0]
    lock = threading.Lock()

    def sender(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(k, total, senders):
            due = start + i / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            elif wait < -1.0:
                with lock:
                    late[0] += 1
            try:
                _, ms = ask(conn, questions[i % len(questions)])
                with lock:
                    lat.append(ms)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=sender, args=(k,)) for k in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"sent": total, "ok": len(lat), "errors": len(errors), "error_examples": errors[:5],
            "late_over_1s": late[0], "p50_ms": round(pct(lat, 50), 1), "p95_ms": round(pct(lat, 95), 1),
            "p99_ms": round(pct(lat, 99), 1), "max_ms": round(max(lat), 1) if lat else None}


def count_rows(url: str) -> int:
    """Rows in the answer log (SQLite directly; any other database through .venv's SQLAlchemy)."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            try:
                return conn.execute("select count(*) from answers").fetchone()[0]
            except sqlite3.OperationalError:
                return 0      # not migrated yet
    code = ("import sys, sqlalchemy as sa; e = sa.create_engine(sys.argv[1]); c = e.connect(); "
            "print(c.execute(sa.text('select count(*) from answers')).scalar() "
            "if sa.inspect(e).has_table('answers') else 0)")
    out = subprocess.run([str(VENV_PY), "-c", code, url], capture_output=True, text=True)
    if out.returncode != 0:      # database unreachable: report it, do not lose the run
        print(f"[soak] cannot count rows: {out.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return -1
    return int(out.stdout.strip())


def wait_rows(url: str, expected: int, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    n = -1
    while time.monotonic() < deadline:
        n = count_rows(url)
        if n >= expected:
            return n
        time.sleep(0.5)
    return n


def metric(port: int, name: str) -> float:
    status, body = get(port, "/metrics", timeout=10)
    total = 0.0
    for line in body.decode().splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--rate", type=float, default=10.0, help="questions per second")
    ap.add_argument("--senders", type=int, default=8, help="client connections")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--database-url", default="", help="answer log to use (default: a fresh SQLite file); "
                                                         "rows are counted before and after")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "soak.json")
    args = ap.parse_args()
    questions = question_set(3)
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory(prefix="kalla-soak-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'soak.db'}"
        rows_before = count_rows(url) if args.database_url else 0
        port = free_port()
        extra = ["--workers", str(args.workers)] if args.workers > 1 else []
        env = {**service_env(port, Path(tmp) / "soak.db"), "KALLA_DATABASE_URL": url}
        svc = Service(["scripts/run.sh", *extra], env, Path(tmp) / "service.log")
        samples: list[dict] = []
        try:
            wait_ready(port, svc.proc, 600)
            time.sleep(1.0)
            pids = svc.workers()
            stop = threading.Event()
            t_start = time.perf_counter()

            def sample() -> None:
                for _ in range(int(seconds // SAMPLE_EVERY_S) + 2):      # bounded
                    samples.append({"t_s": round(time.perf_counter() - t_start, 1),
                                    "rss_mb": round(sum(rss_mb(p, "VmRSS") for p in pids), 1)})
                    if stop.wait(SAMPLE_EVERY_S):
                        break

            sampler = threading.Thread(target=sample)
            sampler.start()
            result = steady_load(port, questions, args.rate, seconds, args.senders)
            stop.set()
            sampler.join()
            samples.append({"t_s": round(time.perf_counter() - t_start, 1),
                            "rss_mb": round(sum(rss_mb(p, "VmRSS") for p in pids), 1)})
            rows = wait_rows(url, rows_before + result["ok"]) - rows_before
            log_failures = metric(port, "kalla_answer_log_write_failures")
        finally:
            svc.stop()
    base = [s["rss_mb"] for s in samples if WARMUP_S <= s["t_s"] < WARMUP_S + 60] or [samples[0]["rss_mb"]]
    last = [s["rss_mb"] for s in samples if s["t_s"] >= samples[-1]["t_s"] - 60]
    growth = (statistics.median(last) - statistics.median(base)) / statistics.median(base)
    half = [s["rss_mb"] for s in samples if seconds / 2 <= s["t_s"] < seconds / 2 + 60] or base
    growth_second_half = (statistics.median(last) - statistics.median(half)) / statistics.median(half)
    report = {"date": dt.datetime.now().isoformat(timespec="seconds"), "minutes": args.minutes, "rate": args.rate,
              "workers": args.workers, "cpus": os.cpu_count(), "database": url.split(":", 1)[0], "loadavg_end": [round(x, 2) for x in os.getloadavg()],
              **result, "rows_stored": rows, "answer_log_failures": log_failures,
              "rss_baseline_mb": statistics.median(base), "rss_end_mb": statistics.median(last),
              "rss_growth_pct": round(growth * 100, 2),
              "rss_growth_second_half_pct": round(growth_second_half * 100, 2), "rss_samples": samples}
    checks = [("0 errors", result["errors"] == 0, f"{result['errors']} of {result['sent']}"),
              (f"memory growth < {MAX_GROWTH:.0%}", growth < MAX_GROWTH,
               f"{report['rss_baseline_mb']} → {report['rss_end_mb']} MB ({report['rss_growth_pct']} %; "
               f"second half {report['rss_growth_second_half_pct']} %)"),
              ("every answer stored", rows == result["ok"] and log_failures == 0,
               f"{rows} rows for {result['ok']} answers, {log_failures:.0f} log failures")]
    report["checks"] = [{"check": c, "ok": ok, "measured": m} for c, ok, m in checks]
    write_report(args.out, report)
    print(f"\nKälla soak — {args.minutes:g} min at {args.rate:g}/s, {args.workers} worker(s), {report['database']}, "
          f"{len(questions)} questions in {len({q['language'] for q in questions})} languages")
    print(f"{'sent':>6} {'ok':>6} {'err':>4} {'late':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'rows':>6} {'RSS MB':>16}")
    print(f"{result['sent']:>6} {result['ok']:>6} {result['errors']:>4} {result['late_over_1s']:>5} {result['p50_ms']:>7} "
          f"{result['p95_ms']:>7} {result['p99_ms']:>7} {result['max_ms']:>7} {rows:>6} "
          f"{report['rss_baseline_mb']:>7}→{report['rss_end_mb']:<7}")
    for c in report["checks"]:
        print(f"  [{'ok' if c['ok'] else 'FAILED'}] {c['check']}: {c['measured']}")
    print(f"written: {args.out}")
    return 0 if all(c["ok"] for c in report["checks"]) else 1


if __name__ == "__main__":
    sys.exit(main())

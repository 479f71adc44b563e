#!/usr/bin/env python3
"""Benchmark the HTTP API the way residents meet it, against the goals of issue 7.

Starts the service exactly as the README does (scripts/run.sh, on a free port via KALLA_PORT), with 1
and then several uvicorn workers, and asks a fixed multilingual question set (answered, no-answer and
handoff questions in 16 languages) at concurrency 1, 4 and 16. Reports latency p50/p95/p99 per answer
status, throughput, errors, peak RSS per worker and cold start; and, in the same run, the time to embed
the same questions alone (the floor for any answer). Prints a table and writes bench/api.json.

    python scripts/bench_api.py                       # workers 1 and 2, concurrency 1, 4, 16
    python scripts/bench_api.py --workers 1 2 3 --rounds 3
    python scripts/bench_api.py --hostile-only         # one worker: hostile inputs beside ordinary questions

Hostile inputs (issue 19): messages made to cost the model as much as possible (1,000-character words, 1,000
characters of one-token words, only combining marks), each asked alone at concurrency 1 and compared with ordinary
questions; then ordinary questions asked while six clients send hostile ones (the answer deadline is 5 s).

Only the standard library is needed here; the embedding floor runs in .venv's Python (made by run.sh).
Rate limits are raised for the run (one client sends everything); translation is off (KALLA_TRANSLATION=none).
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PY = ROOT / ".venv" / "bin" / "python"
GOALS = {"p50_vs_floor": 1.5, "p95_ms_c1": 80.0, "rps_c16": 40.0, "rss_mb": 400.0, "cold_start_s": 3.0}

# Questions that should get no answer (off-topic or not in the corpus) and ones that should be handed to
# Migrationsverket (a personal case). The answerable ones come from tests/data/eval_corpus_multilingual.jsonl.
NO_ANSWER = [
    ("Vad blir vädret i Stockholm i morgon?", "sv"), ("What is the weather in Stockholm tomorrow?", "en"),
    ("Какая погода будет завтра в Стокгольме?", "ru"), ("ما هو الطقس في ستوكهولم غدا؟", "ar"),
    ("Yarın Stockholm'de hava nasıl olacak?", "tr"), ("¿Qué tiempo hará mañana en Estocolmo?", "es"),
    ("Quel temps fera-t-il demain à Stockholm ?", "fr"), ("Hur bokar jag en tvättid i min bostadsrätt?", "sv"),
]
HANDOFF = [
    ("Mitt ärende hos Migrationsverket har dragit ut på tiden. Kan ni se om jag får återvandringsbidrag?", "sv"),
    ("I applied for the return grant last month. Can you check my application and tell me if I will get it?", "en"),
    ("قدمت طلبًا للحصول على منحة العودة. هل يمكنك التحقق من طلبي وإخباري إذا كنت سأحصل عليها؟", "ar"),
    ("من درخواست کمک هزینه بازگشت داده‌ام. آیا می‌توانید پرونده من را بررسی کنید؟", "fa"),
    ("Я подал заявление на пособие для возвращения. Можете проверить моё дело?", "ru"),
    ("Waxaan codsaday lacagta dib u laabashada. Ma ii eegi kartaa kiiskayga?", "so"),
    ("Geri dönüş yardımı için başvurdum. Başvurumu kontrol edip alıp almayacağımı söyler misiniz?", "tr"),
    ("Should I go back to my country or stay in Sweden? What would you do in my situation?", "en"),
]


# (message, what it is): what an attacker or a careless paste sends. The model reads at most
# KALLA_MAX_QUESTION_TOKENS of any of them; only the last is refused before the pipeline (422).
HOSTILE = [
    ("ሰ" * 1000, "one 1,000-character Ethiopic word"),
    ("中" * 1000, "one 1,000-character Han word"),
    ("ሰሰሰ " * 250, "250 short Ethiopic words (~1,000 tokens)"),
    ("ab " * 333, "333 two-letter words"),
    ("Hur många ansökningar kom in 2025? " * 28, "a 980-character Swedish message"),
    ("\u0627\u064b" * 500, "Arabic letters each with a mark"),
    ("\u200b\u0301\u0301", "only invisible and combining marks"),
]


def question_set(per_language: int) -> list[dict]:
    rows = [json.loads(line) for line in (ROOT / "tests/data/eval_corpus_multilingual.jsonl").open(encoding="utf-8")]
    out, seen = [], {}
    for r in rows:
        if seen.get(r["language"], 0) < per_language:
            seen[r["language"]] = seen.get(r["language"], 0) + 1
            out.append({"message": r["question"], "language": r["language"], "kind": "answerable"})
    out += [{"message": m, "language": lang, "kind": "no_answer"} for m, lang in NO_ANSWER]
    out += [{"message": m, "language": lang, "kind": "handoff"} for m, lang in HANDOFF]
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    k = (len(v) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def get(port: int, path: str, timeout: float = 2.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def wait_ready(port: int, proc: subprocess.Popen, timeout: float) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"the service exited with {proc.returncode} before it was ready")
        try:
            if get(port, "/readyz")[0] == 200:
                return time.perf_counter() - t0
        except OSError:
            pass
        time.sleep(0.02)
    raise TimeoutError("the service did not become ready")


def service_env(port: int, db: Path) -> dict:
    return {**os.environ, "KALLA_PORT": str(port), "KALLA_DATABASE_URL": f"sqlite:///{db}",
            "KALLA_RATE_LIMIT_CLIENT": "1000000/minute", "KALLA_RATE_LIMIT_SITE": "1000000/minute",
            "KALLA_TRANSLATION": "none", "PYTHONUNBUFFERED": "1"}


class Service:
    """scripts/run.sh (or the bare uvicorn command it ends in) in its own process group."""

    def __init__(self, cmd: list[str], env: dict, log: Path) -> None:
        self.log = log.open("ab")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()

    def workers(self) -> list[int]:
        """The processes that serve requests: uvicorn's children when it has several workers, else itself."""
        return _children(self.proc.pid) or [self.proc.pid]


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return [c for c in out if "resource_tracker" not in _cmdline(c)]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def rss_mb(pid: int, field: str = "VmHWM") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pids: list[int]) -> float:
    """user + system CPU time of the serving processes (robust to other load on the machine)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / tick


def ask(conn: http.client.HTTPConnection, question: dict) -> tuple[str, float]:
    """POST one question on a keep-alive connection: (answer status, milliseconds). Raises on a non-200 reply."""
    body = json.dumps({"message": question["message"], "language": question["language"]}).encode()
    t0 = time.perf_counter()
    conn.request("POST", "/api/chat", body=body, headers={"content-type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    ms = (time.perf_counter() - t0) * 1000
    if r.status != 200:
        raise RuntimeError(f"HTTP {r.status}: {data[:120]!r}")
    return json.loads(data)["status"], ms


def post(conn: http.client.HTTPConnection, message: str, language: str | None = None) -> tuple[int, str, float]:
    """(HTTP status, answer status or '', milliseconds) for any reply; hostile inputs may be refused."""
    body = json.dumps({"message": message, **({"language": language} if language else {})}).encode()
    t0 = time.perf_counter()
    conn.request("POST", "/api/chat", body=body, headers={"content-type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    ms = (time.perf_counter() - t0) * 1000
    return r.status, (json.loads(data).get("status", "") if r.status == 200 else ""), ms


def hostile_inputs(port: int, questions: list[dict], rounds: int, deadline_s: float = 5.0) -> dict:
    """Each hostile message alone at c=1 beside the ordinary questions; then ordinary questions under a flood."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    ordinary = [post(conn, q["message"], q["language"])[2] for q in questions * rounds]
    base = pct(ordinary, 50)
    rows = []
    for message, what in HOSTILE:
        runs = [post(conn, message) for _ in range(max(3, rounds * 3))]
        ms = [r[2] for r in runs]
        rows.append({"input": what, "chars": len(message), "http": sorted({r[0] for r in runs}),
                     "status": sorted({r[1] for r in runs if r[1]}), "p50_ms": round(pct(ms, 50), 1),
                     "max_ms": round(max(ms), 1), "vs_ordinary_p50": round(pct(ms, 50) / base, 2)})
    conn.close()
    # six clients send the costliest hostile message that is answered, while one resident asks ordinary questions
    worst = max((r for r in rows if 200 in r["http"]), key=lambda r: r["p50_ms"])
    message = next(m for m, what in HOSTILE if what == worst["input"])
    stop = threading.Event()

    def flood() -> None:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while not stop.is_set():
            try:
                post(c, message)
            except Exception:  # noqa: BLE001 - keep flooding
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.close()

    flooders = [threading.Thread(target=flood) for _ in range(6)]
    for t in flooders:
        t.start()
    time.sleep(1.0)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    under = [post(conn, q["message"], q["language"]) for q in questions]
    conn.close()
    stop.set()
    for t in flooders:
        t.join()
    ms = [r[2] for r in under]
    return {"ordinary_c1": {"n": len(ordinary), "p50_ms": round(base, 1), "p95_ms": round(pct(ordinary, 95), 1)},
            "inputs": rows,
            "ordinary_under_flood": {"flood": f"6 clients sending {worst['input']}", "n": len(ms),
                                     "p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1),
                                     "max_ms": round(max(ms), 1), "non_200": sum(r[0] != 200 for r in under),
                                     "at_or_past_deadline": sum(m >= deadline_s * 1000 for m in ms)}}


def print_hostile(h: dict) -> None:
    o = h["ordinary_c1"]
    print(f"\nhostile inputs, one worker, c=1 (ordinary questions: p50 {o['p50_ms']} ms, p95 {o['p95_ms']} ms)")
    head = f"{'input':<44} {'chars':>5} {'http':>8} {'status':<22} {'p50':>7} {'max':>7} {'× ordinary':>10}"
    print(head + "\n" + "-" * len(head))
    for r in h["inputs"]:
        print(f"{r['input']:<44} {r['chars']:>5} {','.join(map(str, r['http'])):>8} {','.join(r['status']) or '-':<22} "
              f"{r['p50_ms']:>7} {r['max_ms']:>7} {r['vs_ordinary_p50']:>10}")
    f = h["ordinary_under_flood"]
    print(f"ordinary questions while {f['flood']}: p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms, max {f['max_ms']} ms, "
          f"{f['non_200']} errors, {f['at_or_past_deadline']} at or past the 5 s deadline (of {f['n']})")


def write_report(path: Path, report: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


def load(port: int, questions: list[dict], concurrency: int, total: int, pids: list[int] | None = None) -> dict:
    """Send `total` questions with `concurrency` keep-alive connections; every reply is checked."""
    lock = threading.Lock()
    next_i = [0]
    samples: list[tuple[str, float]] = []
    errors: list[str] = []

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                i = next_i[0]
                next_i[0] += 1
            if i >= total:
                break
            try:
                status, ms = ask(conn, questions[i % len(questions)])
                with lock:
                    samples.append((status, ms))
            except RuntimeError as exc:   # a non-200 reply: the connection is still good
                errors.append(str(exc))
            except Exception as exc:  # noqa: BLE001 - every failure is an error in the report
                errors.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    cpu0 = cpu_seconds(pids) if pids else None
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    cpu = cpu_seconds(pids) - cpu0 if pids else None
    by_status: dict[str, list[float]] = {}
    for status, ms in samples:
        by_status.setdefault(status, []).append(ms)
    every = [ms for _, ms in samples]
    summary = lambda v: {"n": len(v), "p50_ms": round(pct(v, 50), 1), "p95_ms": round(pct(v, 95), 1),  # noqa: E731
                         "p99_ms": round(pct(v, 99), 1), "mean_ms": round(statistics.fmean(v), 1) if v else None}
    return {"concurrency": concurrency, "requests": total, "ok": len(samples), "errors": len(errors),
            "error_examples": errors[:5], "wall_s": round(wall, 2), "rps": round(len(samples) / wall, 1),
            "server_cpu_ms_per_answer": round(cpu * 1000 / max(len(samples), 1), 1) if cpu is not None else None,
            "all": summary(every), "by_status": {s: summary(v) for s, v in sorted(by_status.items())}}


FLOOR_CODE = r"""
import json, sys, time
sys.path.insert(0, ".")
from app.index.embedders import make_embedder
from app.config import get_settings
from app.index.bundle import IndexBundle
s = get_settings()
e = make_embedder(s.embedder, s.embedder_model, s.fused_query)
latents = IndexBundle.load(s.index_dir, s.corpus_dir, e.id).sparse_latents   # as the service encodes for it
qs = json.load(sys.stdin)
for q in qs[:5]:
    e.encode([q], kind="query"); e.encode_question(q, latents)
dense, both, cpu = [], [], []
for q in qs:
    t0 = time.perf_counter(); e.encode([q], kind="query"); dense.append((time.perf_counter() - t0) * 1000)
for q in qs:
    t0 = time.perf_counter(); e.encode_question(q, latents); both.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"embedder": e.id, "fused": e.fused_question, "dense_ms": dense,
                  "question_ms": both}))
"""


def embedding_floor(questions: list[dict], rounds: int) -> dict:
    texts = [q["message"] for q in questions] * rounds
    out = subprocess.run([str(VENV_PY), "-c", FLOOR_CODE], cwd=ROOT, input=json.dumps(texts), text=True,
                         capture_output=True, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return {"embedder": data["embedder"], "n": len(texts), "fused_query": data["fused"],
            "dense": {"p50_ms": round(pct(data["dense_ms"], 50), 2), "p95_ms": round(pct(data["dense_ms"], 95), 2)},
            "question": {"p50_ms": round(pct(data["question_ms"], 50), 2),
                         "p95_ms": round(pct(data["question_ms"], 95), 2)}}


def cold_starts(tmp: Path, repeat: int) -> dict:
    """Seconds from launch to /readyz 200: the README's command, and the bare server it execs."""
    out: dict[str, list[float]] = {"run_sh_s": [], "server_s": []}
    for _ in range(repeat):
        for key, cmd in (("run_sh_s", ["scripts/run.sh"]),
                         ("server_s", [str(VENV_PY), "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1"])):
            port = free_port()
            cmd = cmd + (["--port", str(port)] if key == "server_s" else [])
            svc = Service(cmd, service_env(port, tmp / "cold.db"), tmp / "service.log")
            try:
                out[key].append(round(wait_ready(port, svc.proc, 600), 2))
            finally:
                svc.stop()
    return {k: {"runs": v, "median": round(statistics.median(v), 2)} for k, v in out.items()}


def bench_workers(workers: int, questions: list[dict], levels: list[int], rounds: int, tmp: Path) -> dict:
    port = free_port()
    args = ["--workers", str(workers)] if workers > 1 else []
    svc = Service(["scripts/run.sh", *args], service_env(port, tmp / f"bench-w{workers}.db"), tmp / "service.log")
    try:
        ready_s = wait_ready(port, svc.proc, 600)
        # several workers: wait until every one has loaded (each answers /readyz only when ready)
        time.sleep(1.0)
        warm = load(port, questions, max(levels), len(questions) * workers)
        pids = svc.workers()
        runs = [load(port, questions, c, len(questions) * rounds * max(1, c // 4 + 1), pids) for c in levels]
        rss = {str(p): {"peak_mb": round(rss_mb(p), 1), "now_mb": round(rss_mb(p, "VmRSS"), 1)} for p in pids}
        hostile = hostile_inputs(port, questions, rounds) if workers == 1 else None
    finally:
        svc.stop()
    return {"workers": workers, "ready_s": round(ready_s, 2), "warmup_errors": warm["errors"], "levels": runs,
            "rss_per_worker": rss, "max_peak_rss_mb": max(v["peak_mb"] for v in rss.values()), "hostile": hostile}


def bench_hostile_only(questions: list[dict], rounds: int, tmp: Path, python: Path) -> dict:
    """One bare uvicorn worker (no set-up step): ordinary questions, then the hostile inputs and the flood."""
    port = free_port()
    svc = Service([str(python), "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)],
                  service_env(port, tmp / "bench-hostile.db"), tmp / "service.log")
    try:
        wait_ready(port, svc.proc, 600)
        load(port, questions, 4, len(questions))        # warm-up
        return hostile_inputs(port, questions, rounds)
    finally:
        svc.stop()


def print_report(report: dict) -> None:
    floor = report["embedding_floor"]
    print(f"\nKälla API benchmark — {report['machine']['cpus']} CPUs, load avg before {report['machine']['loadavg_before']}"
          f", after {report['machine']['loadavg_after']}; {len(report['questions'])} questions in "
          f"{len({q['language'] for q in report['questions']})} languages")
    print(f"embedding floor ({floor['embedder']}, one question at a time): the question as every answer encodes it "
          f"(dense + sparse, {'one fused pass' if floor['fused_query'] else 'two passes'}) p50 "
          f"{floor['question']['p50_ms']} ms, p95 {floor['question']['p95_ms']} ms; dense vector alone p50 "
          f"{floor['dense']['p50_ms']} ms; OMP_NUM_THREADS={report['machine']['omp_num_threads']}")
    print(f"cold start to /readyz 200: scripts/run.sh {report['cold_start']['run_sh_s']['median']} s, "
          f"server alone {report['cold_start']['server_s']['median']} s")
    head = (f"{'workers':>7} {'conc':>4} {'req':>5} {'err':>3} {'rps':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'cpu/ans':>7}"
            "  per status (n p50/p95 ms)")
    print("\n" + head + "\n" + "-" * len(head))
    for w in report["runs"]:
        for lv in w["levels"]:
            per = "  ".join(f"{s} {v['n']} {v['p50_ms']}/{v['p95_ms']}" for s, v in lv["by_status"].items())
            print(f"{w['workers']:>7} {lv['concurrency']:>4} {lv['requests']:>5} {lv['errors']:>3} {lv['rps']:>6} "
                  f"{lv['all']['p50_ms']:>7} {lv['all']['p95_ms']:>7} {lv['all']['p99_ms']:>7} "
                  f"{lv['server_cpu_ms_per_answer']:>7}  {per}")
        print(f"{'':>7} peak RSS per worker (MB): " + ", ".join(f"{v['peak_mb']}" for v in w["rss_per_worker"].values()))
    for w in report["runs"]:
        if w.get("hostile"):
            print_hostile(w["hostile"])
    cap = report["capacity"]
    print(f"\nCPU per answer at c=16: {cap['server_cpu_ms_per_answer_c16']} ms → "
          f"{cap['answers_per_s_per_dedicated_core']} answers/s per dedicated core")
    print("\ngoals:")
    for g in report["goals"]:
        print(f"  [{'ok' if g['met'] else 'MISSED'}] {g['goal']}: {g['measured']}")


def evaluate(report: dict) -> list[dict]:
    one = next((w for w in report["runs"] if w["workers"] == 1), report["runs"][0])
    c1 = next(lv for lv in one["levels"] if lv["concurrency"] == 1)
    floor = report["embedding_floor"]["question"]["p50_ms"]
    dense_floor = report["embedding_floor"]["dense"]["p50_ms"]
    best16 = max((lv for w in report["runs"] for lv in w["levels"] if lv["concurrency"] == 16), key=lambda lv: lv["rps"])
    best_w = next(w["workers"] for w in report["runs"] if best16 in w["levels"])
    rss = max(w["max_peak_rss_mb"] for w in report["runs"])
    cpu16 = min(lv["server_cpu_ms_per_answer"] for w in report["runs"] for lv in w["levels"] if lv["concurrency"] == 16)
    report["capacity"] = {"server_cpu_ms_per_answer_c16": cpu16,
                          "answers_per_s_per_dedicated_core": round(1000 / cpu16, 1),
                          "note": "from the service's CPU time, so independent of other load on the machine"}
    cold = report["cold_start"]["server_s"]["median"]
    return [
        {"goal": f"p50 ≤ {GOALS['p50_vs_floor']} × embedding floor (c=1, 1 worker)",
         "measured": f"{c1['all']['p50_ms']} ms = {c1['all']['p50_ms'] / floor:.2f} × {floor} ms (question "
                     f"encoding; {c1['all']['p50_ms'] / dense_floor:.2f} × the dense vector alone, {dense_floor} ms)",
         "met": c1["all"]["p50_ms"] <= GOALS["p50_vs_floor"] * floor},
        {"goal": f"p95 ≤ {GOALS['p95_ms_c1']:.0f} ms (c=1, 1 worker)", "measured": f"{c1['all']['p95_ms']} ms",
         "met": c1["all"]["p95_ms"] <= GOALS["p95_ms_c1"]},
        {"goal": f"≥ {GOALS['rps_c16']:.0f} answers/s at c=16 with 0 errors",
         "measured": f"{best16['rps']}/s with {best_w} worker(s), {best16['errors']} errors",
         "met": best16["rps"] >= GOALS["rps_c16"] and best16["errors"] == 0},
        {"goal": f"≤ {GOALS['rss_mb']:.0f} MB peak RSS per worker", "measured": f"{rss} MB", "met": rss <= GOALS["rss_mb"]},
        {"goal": f"cold start with a built index ≤ {GOALS['cold_start_s']:.0f} s (server to /readyz)",
         "measured": f"{cold} s (run.sh incl. set-up check: {report['cold_start']['run_sh_s']['median']} s)",
         "met": cold <= GOALS["cold_start_s"]},
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    ap.add_argument("--per-language", type=int, default=3, help="answerable questions per language")
    ap.add_argument("--rounds", type=int, default=2, help="passes over the question set at concurrency 1")
    ap.add_argument("--cold-starts", type=int, default=3)
    ap.add_argument("--omp-threads", type=int, default=0,
                    help="OMP_NUM_THREADS for the service and the floor (0 = leave unset, as the README runs it)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "api.json")
    ap.add_argument("--hostile-only", action="store_true",
                    help="only the hostile inputs, on one bare uvicorn worker (no set-up step) → bench/api_hostile.json")
    ap.add_argument("--python", type=Path, default=VENV_PY, help="the Python that serves (--hostile-only)")
    args = ap.parse_args()
    if args.omp_threads:
        os.environ["OMP_NUM_THREADS"] = str(args.omp_threads)
    if args.hostile_only:
        questions = question_set(args.per_language)
        with tempfile.TemporaryDirectory(prefix="kalla-bench-") as tmp:
            hostile = bench_hostile_only(questions, args.rounds, Path(tmp), args.python)
        report = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": {
            "cpus": os.cpu_count(), "loadavg": [round(x, 2) for x in os.getloadavg()],
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "unset")}, "hostile": hostile}
        out = args.out if args.out != ROOT / "bench" / "api.json" else ROOT / "bench" / "api_hostile.json"
        write_report(out, report)
        print_hostile(hostile)
        print(f"\nwritten: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
        return 0
    if not {1, 16} <= set(args.concurrency):
        ap.error("--concurrency must include 1 and 16: the goals are measured there")
    if args.omp_threads:
        os.environ["OMP_NUM_THREADS"] = str(args.omp_threads)
    questions = question_set(args.per_language)
    t_setup = time.perf_counter()
    subprocess.run(["scripts/bootstrap.sh"], cwd=ROOT, check=True)   # what run.sh does first; not part of cold start
    setup_s = time.perf_counter() - t_setup
    report = {"date": dt.datetime.now().isoformat(timespec="seconds"),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                          "loadavg_before": [round(x, 2) for x in os.getloadavg()],
                          "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "unset")},
              "setup_s": round(setup_s, 1), "questions": questions}
    with tempfile.TemporaryDirectory(prefix="kalla-bench-") as tmp:
        tmp = Path(tmp)
        report["embedding_floor"] = embedding_floor(questions, args.rounds)
        report["cold_start"] = cold_starts(tmp, args.cold_starts)
        report["runs"] = []
        for w in args.workers:
            print(f"[bench] {w} worker(s)…", flush=True)
            report["runs"].append(bench_workers(w, questions, args.concurrency, args.rounds, tmp))
    report["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    report["goals"] = evaluate(report)
    write_report(args.out, report)
    print_report(report)
    print(f"\nwritten: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

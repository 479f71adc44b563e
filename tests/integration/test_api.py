"""The HTTP API through the ASGI app, on the real model and corpus."""
import pytest

pytestmark = pytest.mark.integration


def test_health_and_ready(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["passages"] > 50


def test_chat_answer_shape(client):
    r = client.post("/api/chat", json={"message": "Vad använder Kriminalvården för att informera sina medarbetare?"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"id", "status", "language", "answer", "answer_language", "citations", "handoff", "notices"}
    assert body["status"] == "answered" and body["citations"]
    c = body["citations"][0]
    assert set(c) >= {"passage_id", "document_id", "title", "authority", "url", "section", "published", "status",
                      "language", "text", "quote", "translation"}
    assert c["quote"] in c["text"].replace("\n\n", " ") or c["quote"][:40] in c["text"]
    assert c["translation"] is None


def test_chat_off_topic_says_what_kalla_can_help_with(client):
    from app.i18n.catalogue import text

    body = client.post("/api/chat", json={"message": "What is the weather in Stockholm tomorrow?"}).json()
    assert body["status"] == "no_answer" and not body["citations"]
    assert body["answer"] == text("out_of_scope", "en")


@pytest.mark.parametrize("payload, needle", [
    ({"message": ""}, "empty"),
    ({"message": "   "}, "empty"),
    ({"message": "x" * 1001}, "too long"),
    ({"message": 5}, "valid string"),
    ({"message": ["a"]}, "valid string"),
    ({}, "required"),
])
def test_invalid_input_is_422_with_a_clear_message(client, payload, needle):
    r = client.post("/api/chat", json=payload)
    assert r.status_code == 422 and needle in r.json()["detail"]


def test_not_json_and_not_utf8_are_422(client):
    for raw in (b"\xff\xfe\xfa", b"{not json", b"\x00\x01"):
        r = client.post("/api/chat", content=raw, headers={"content-type": "application/json"})
        assert r.status_code == 422, raw


def test_search_and_passage_with_neighbours(client):
    hits = client.get("/api/search", params={"q": "Krimnet intranät", "k": 3}).json()["hits"]
    assert len(hits) == 3 and hits[0]["document_id"] == "kriminalvarden-2025-atervandring"
    assert hits[0]["score"] >= hits[1]["score"]
    p = client.get(f"/api/passages/{hits[0]['passage_id']}").json()
    assert p["text"] == hits[0]["text"] and p["sentences"] and p["neighbours"]
    assert client.get("/api/passages/does-not-exist").status_code == 404
    assert client.get("/api/search", params={"q": ""}).status_code == 422


def test_service_refuses_to_start_on_a_stale_index(tmp_path, corpus_dir, built_index):
    import shutil

    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app

    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    (corpus / "extra.md").write_text((corpus_dir / "polismyndigheten-2025-atervandring.md").read_text()
                                     .replace("id: polismyndigheten-2025-atervandring", "id: extra"), encoding="utf-8")
    app = create_app(Settings(index_dir=built_index, corpus_dir=corpus))
    with pytest.raises(RuntimeError, match="another corpus.*build_index.py"):
        with TestClient(app):
            pass

"""Junk in, a clear 4xx out: empty, too long, not UTF-8, invisible characters, huge or deep JSON, wrong types."""
from __future__ import annotations

import json

import pytest

from tests.robustness.support import wait_for_row

pytestmark = pytest.mark.integration

CHAT = "/api/chat"


def _post_raw(client, raw: bytes, content_type: str = "application/json"):
    return client.post(CHAT, content=raw, headers={"content-type": content_type})


@pytest.mark.parametrize("payload, needle", [
    ({"message": ""}, "empty"),
    ({"message": " \n\t "}, "empty"),
    ({"message": "x" * 1001}, "too long"),
    ({"message": "a\x00b"}, "plain text"),
    ({"message": 5}, "string"),
    ({"message": None}, "string"),
    ({"message": {"text": "hej"}}, "string"),
    ({"message": "Vad är återvandringsbidraget?", "language": 7}, "language"),
    ({"message": "Vad är återvandringsbidraget?", "site": ["a"]}, "site"),
    ({"message": "Vad är återvandringsbidraget?", "language": "x" * 17}, "language"),
    ({"text": "no message field"}, "required"),
])
def test_invalid_fields_are_422_with_a_message_saying_what_to_fix(robust_client, payload, needle):
    r = robust_client.post(CHAT, json=payload)
    assert r.status_code == 422, r.text
    assert needle in r.json()["detail"]


@pytest.mark.parametrize("raw", [
    b"\xff\xfe\xfa\xfb",                    # not UTF-8
    b'{"message": "Vad \xe4r det?"}',       # Latin-1 inside JSON
    b"{not json",
    b"[1, 2, 3]",                            # JSON, but not an object
    b'"just a string"',
    b"null",
    b"",
])
def test_undecodable_or_non_object_bodies_are_422(robust_client, raw):
    r = _post_raw(robust_client, raw)
    assert r.status_code == 422, (raw, r.status_code, r.text)
    assert r.json()["detail"]


def test_wrong_content_type_is_a_4xx(robust_client):
    r = _post_raw(robust_client, b"message=hej", "application/x-www-form-urlencoded")
    assert 400 <= r.status_code < 500


def test_a_huge_body_is_413_before_it_is_parsed(robust_client, robust_settings):
    limit = robust_settings.max_body_bytes
    big = b'{"message": "' + b"a" * (limit + 10) + b'"}'
    r = _post_raw(robust_client, big)
    assert r.status_code == 413
    assert str(limit) in r.json()["detail"]


def test_a_huge_chunked_body_without_length_is_413(robust_client, robust_settings):
    chunk = b"a" * 4096
    n = robust_settings.max_body_bytes // len(chunk) + 2

    def body():
        yield b'{"message": "'
        for _ in range(n):
            yield chunk
        yield b'"}'

    r = robust_client.post(CHAT, content=body(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_a_lying_content_length_is_413(robust_client):
    r = robust_client.post(CHAT, content=b'{"message": "hej"}',
                           headers={"content-type": "application/json", "content-length": "abc"})
    assert r.status_code == 413


def test_deeply_nested_json_under_the_size_limit_is_a_4xx(robust_client):
    depth = 5000   # deeper than Python's recursion limit, well under the body limit
    raw = b'{"message": "hej", "x": ' + b"[" * depth + b"]" * depth + b"}"
    r = _post_raw(robust_client, raw)
    assert 400 <= r.status_code < 500, r.status_code


def test_invisible_and_control_characters_are_stripped_before_answering_and_storing(robust_client, robust_app):
    r = robust_client.post(CHAT, json={"message": "Vad\u200b är åter\u200dvandrings\u2060bidraget\u0007?\ufeff"})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] in ("answered", "handoff", "no_answer")
    store = robust_app.state.kalla.store
    with store.Session() as s:
        row = wait_for_row(s, body["id"])
    for ch in "\u200b\u200d\u2060\u0007\ufeff":
        assert ch not in row.question
    assert "återvandringsbidraget" in row.question


@pytest.mark.parametrize("escaped", [r"\u200b\u200c\u200d", r"\u0007\u0008\u001b", r"\ud800 \udfff",
                                     r"\u200b\u0301\u0301", r"\u064b\u064c", r"!!! ???", r"\ud83d\udc4d"])
def test_a_message_without_letters_or_digits_is_refused_not_answered(robust_client, escaped):
    """Only invisible, control or combining marks, punctuation or emoji: nothing is asked (once, \u200b\u0301\u0301
    got a crisis reply from an exemplar match on nothing)."""
    r = _post_raw(robust_client, b'{"message": "' + escaped.encode() + b'"}')
    assert r.status_code == 422, r.text     # the same clear error as an empty message
    assert "empty" in r.json()["detail"]
    query = json.loads(f'"{escaped}"')
    if not any(0xD800 <= ord(ch) <= 0xDFFF for ch in query):      # a URL cannot carry a lone surrogate
        assert robust_client.get("/api/search", params={"q": query}).status_code == 422


def test_a_flood_word_in_search_is_read_within_the_budget(robust_client):
    r = robust_client.get("/api/search", params={"q": "ሰሰሰ " * 250})
    assert r.status_code == 200 and r.json()["hits"]


def test_lone_surrogates_inside_a_question_do_not_break_anything(robust_client):
    r = robust_client.post(CHAT, content=b'{"message": "Vad \\ud800 \xc3\xa4r \\udfff \xc3\xa5tervandringsbidraget?"}',
                           headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    assert "\ud800" not in r.text


@pytest.mark.parametrize("params", [{"q": ""}, {"q": "x" * 1001}, {"q": "bidrag", "k": "abc"},
                                    {"q": "bidrag", "k": 0}, {"q": "bidrag", "k": 51}, {}])
def test_search_rejects_bad_parameters_with_422(robust_client, params):
    assert robust_client.get("/api/search", params=params).status_code == 422


def test_unknown_passage_ids_and_methods_are_4xx(robust_client):
    assert robust_client.get("/api/passages/" + "%00" * 50).status_code == 404
    assert robust_client.get("/api/passages/" + "a/" * 500).status_code == 404
    assert robust_client.get(CHAT).status_code == 405


@pytest.mark.parametrize("payload", [
    {"answer_id": "not-hex!", "helpful": True},
    {"answer_id": "abcdef12", "helpful": "perhaps"},
    {"answer_id": "abcdef12", "helpful": True, "reason": "x" * 501},
    {"helpful": True},
])
def test_feedback_validation_is_422(robust_client, payload):
    assert robust_client.post("/api/feedback", json=payload).status_code == 422

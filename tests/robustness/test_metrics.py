"""/metrics: answers by status and language, their latency, each pipeline step's duration, request counts."""
from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.integration


def scrape(client) -> dict[tuple[str, tuple], float]:
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_answers_are_counted_by_status_and_language_with_latency_and_step_durations(robust_client):
    before = scrape(robust_client)
    asked = [("Vad är återvandringsbidraget?", "sv"), ("What is the weather in Stockholm tomorrow?", "en"),
             ("What is the weather in Stockholm tomorrow?", "en")]
    seen = []
    for message, language in asked:
        body = robust_client.post("/api/chat", json={"message": message, "language": language}).json()
        seen.append((body["status"], body["language"]))
    after = scrape(robust_client)
    for status, lang in set(seen):
        n = seen.count((status, lang))
        assert value(after, "kalla_answers_total", status=status, language=lang) - \
            value(before, "kalla_answers_total", status=status, language=lang) == n
        assert value(after, "kalla_answer_duration_seconds_count", status=status, language=lang) - \
            value(before, "kalla_answer_duration_seconds_count", status=status, language=lang) == n
        assert value(after, "kalla_answer_duration_seconds_sum", status=status, language=lang) > \
            value(before, "kalla_answer_duration_seconds_sum", status=status, language=lang)
    for step in ("detect", "guard", "retrieve", "compose", "localise"):
        assert value(after, "kalla_pipeline_step_duration_seconds_count", step=step) - \
            value(before, "kalla_pipeline_step_duration_seconds_count", step=step) >= 1, step
    assert value(after, "kalla_http_requests_total", method="POST", route="/api/chat", status="200") - \
        value(before, "kalla_http_requests_total", method="POST", route="/api/chat", status="200") == 3
    assert ("kalla_answer_log_write_failures", ()) in after


def test_request_labels_are_route_templates_not_raw_paths(robust_client):
    robust_client.get("/api/passages/some-unknown-passage-id-123")
    names = {labels for (name, labels) in scrape(robust_client) if name == "kalla_http_requests_total"}
    routes = {dict(labels)["route"] for labels in names}
    assert "/api/passages/{passage_id:path}" in routes
    assert not any("some-unknown" in r for r in routes)

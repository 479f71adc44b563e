"""/staff/stats counts what happened: per day, language, site, status; rates; precision; helpful share."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from app.pipeline.answer import Answer, Status
from tests.staff.support import add_answer, citation_of

pytestmark = pytest.mark.integration


def row(page: str, label: str, after: str = "") -> list[str]:
    """The cells of the first table row headed `label` (after the text `after`, if given)."""
    page = page[page.index(after):] if after else page
    m = re.search(rf'<tr><th scope="row">{re.escape(label)}</th>(.*?)</tr>', page, re.S)
    assert m, f"no table row {label!r}"
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", m.group(1), re.S)]


def card(page: str, id_: str) -> str:
    return re.search(rf'id="{id_}">([^<]*)<', page).group(1).strip()


def test_stats_by_language_and_site_and_their_change_after_reviews(staff_app, admin):
    site = "stats-a"
    sv1 = add_answer(staff_app, site=site, citations=[citation_of(staff_app, 0), citation_of(staff_app, 1)],
                     helpful=[True])
    add_answer(staff_app, site=site, helpful=[False])
    add_answer(staff_app, site=site)
    add_answer(staff_app, site=site, status="handoff")
    add_answer(staff_app, site=site, language="ar", status="no_answer", days_ago=2)
    ar1 = add_answer(staff_app, site=site, language="ar", citations=[citation_of(staff_app, 2)], helpful=[True, True])
    add_answer(staff_app, site="stats-b", language="en")
    page = admin.get("/staff/stats", params={"site": site}).text
    assert card(page, "total-answers") == "6"
    assert card(page, "total-helpful") == "75 %" and card(page, "total-precision") == "—"
    #            answers, handoff, no answer, precision (reviewed), helpful (ratings), verdicts
    assert row(page, "Swedish (sv)")[:5] == ["4", "25 %", "0 %", "— (0)", "50 % (2)"]
    assert row(page, "Arabic (ar)")[:5] == ["2", "0 %", "50 %", "— (0)", "100 % (2)"]
    assert row(page, site)[:5] == ["6", "17 %", "17 %", "— (0)", "75 % (4)"]
    assert "stats-b" not in re.findall(r'<th scope="row">([^<]*)</th>', page)
    day = (dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=2)).isoformat()
    assert row(page, day) == ["0", "0", "1", "0", "0", "0", "1"]   # answered, service, no answer, handoff, crisis, rejected, all
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    by_language = "Answers per day by language as a table"
    assert re.findall(r'<th scope="col">([^<]*)</th>', page[page.index(by_language):])[1:3] == ["Swedish (sv)",
                                                                                                "Arabic (ar)"]
    assert row(page, day, after=by_language) == ["0", "1"] and row(page, today, after=by_language) == ["4", "1"]
    assert row(page, day, after="Answers per day by site as a table") == ["1"]

    assert admin.post(f"/staff/answers/{sv1}/review", data={
        "verdict": "correct", "citation-0-verdict": "supported", "citation-1-verdict": "partly"}).status_code == 303
    assert admin.post(f"/staff/answers/{ar1}/review", data={
        "verdict": "should_have_handed_off", "citation-0-verdict": "supported"}).status_code == 303
    page = admin.get("/staff/stats", params={"site": site}).text
    assert card(page, "total-precision") == "67 %"
    assert row(page, "Swedish (sv)")[3:] == ["50 % (2)", "50 % (2)", "1 / 0 / 0"]
    assert row(page, "Arabic (ar)")[3:] == ["100 % (1)", "100 % (2)", "0 / 0 / 1"]
    only_ar = admin.get("/staff/stats", params={"site": site, "language": "ar"}).text
    assert card(only_ar, "total-answers") == "2"


def test_crisis_replies_and_help_lines_before_an_answer_are_counted(staff_app, admin):
    site = "stats-support"
    add_answer(staff_app, site=site, status="crisis")
    add_answer(staff_app, site=site, notices=["support_lines", "not_covered"])
    add_answer(staff_app, site=site, language="fr", notices=["support_lines"])
    add_answer(staff_app, site=site, notices=["not_covered"])
    page = admin.get("/staff/stats", params={"site": site}).text
    assert card(page, "total-answers") == "4"
    assert card(page, "total-crisis") == "1" and card(page, "total-support") == "2"
    assert card(admin.get("/staff/stats", params={"site": site, "language": "fr"}).text, "total-support") == "1"


def test_the_part_of_a_two_part_question_the_texts_lack_counts_among_topics_to_load(staff_app, admin):
    """"What is the grant and how do I apply?" quotes what the grant is; how to apply was asked too and the texts lack
    it, so it is counted beside the answers of its own and can come first among the texts to load."""
    site = "stats-parts"
    for _ in range(2):
        add_answer(staff_app, site=site, topic="what_is_grant", lacking_topic="how_to_apply", notices=["not_covered"])
    add_answer(staff_app, site=site, status="no_answer", topic="amount", notices=["not_covered"])
    page = admin.get("/staff/stats", params={"site": site}).text
    name = staff_app.state.kalla.pipeline.bundle.catalogue.text
    apply_, amount, what = (name(t, "en").name for t in ("how_to_apply", "amount", "what_is_grant"))
    assert card(page, "total-answers") == "3"
    #    questions, also asked with another topic, quoted (the first cell, covered by the texts, is read apart)
    assert row(page, apply_)[:3] == ["0", "2", "0"] and row(page, amount)[:3] == ["1", "0", "0"]
    assert row(page, what)[:4] == ["yes", "2", "0", "2"]
    assert re.search(rf"Load next:</strong> {re.escape(apply_)} \(2\), {re.escape(amount)} \(1\)\.", page)


def test_charts_are_server_drawn_svg_with_text_alternatives(admin):
    page = admin.get("/staff/stats").text
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert len(svgs) >= 8
    titles = [re.search(r"<title id=[^>]*>([^<]*)</title>", svg).group(1) for svg in svgs]
    assert {"Answers per day, by status", "Answers per day, by language", "Answers per day, by site",
            "Rates by language", "Rates by site"} <= set(titles)
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "<script" not in page and " src=" not in page                  # no script, nothing loaded from anywhere
    assert re.findall(r'<link[^>]+href="([^"]+)"', page) == ["/staff/static/staff.css"]
    assert admin.get("/staff/static/staff.css").status_code == 200
    assert "<table" in page and "Answers per day as a table" in page
    bad = admin.get("/staff/stats", params={"date_from": "yesterday"})
    assert bad.status_code == 200 and "must be a date like" in bad.text


def test_answer_log_write_failures_show_on_stats_and_readyz(staff_app, admin):
    store = staff_app.state.kalla.store
    answer = Answer(status=Status.ANSWERED, language="sv", question="Vad är Krimnet?")
    assert store.record_answer(answer, "stats-failures") is True
    before = store.failures
    assert store.record_answer(answer, "stats-failures") is False          # same id again: the database refuses
    assert store.failures == before + 1
    page = admin.get("/staff/stats").text
    assert card(page, "write-failures") == str(store.failures)
    assert admin.http.get("/readyz").json()["answer_log"]["write_failures"] == store.failures

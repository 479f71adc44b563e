"""The queue, one answer checked citation by citation, reviews, CSV export and retention of reviews."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

import pytest
from sqlalchemy import func, select, update

from app.store.models import AnswerRecord
from app.store.staff_models import AnswerReview, AuditEvent, CitationReview
from tests.staff.support import add_answer, citation_of

pytestmark = pytest.mark.integration
ARTICLE = re.compile(r'<article class="citation".*?</article>', re.S)
MARK = re.compile(r'<mark><span class="visually-hidden">quoted: </span>(.*?)</mark>', re.S)


def matches(page: str) -> int:
    return int(re.search(r'id="queue-summary">(\d+) answer', page).group(1))


def listed(page: str) -> list[str]:
    return re.findall(r'href="/staff/answers/([0-9a-f]{32})"', page)


def test_answer_page_shows_each_citation_inside_its_document(staff_app, admin):
    body = staff_app_chat(admin, "Vad använder Kriminalvården för att informera sina medarbetare?")
    assert body["status"] == "answered" and body["citations"]
    page = admin.get(f"/staff/answers/{body['id']}").text
    text = html.unescape(page)
    assert "Vad använder Kriminalvården för att informera sina medarbetare?" in text
    assert body["answer"].splitlines()[0] in text                       # the answer as the resident saw it
    articles = ARTICLE.findall(page)
    assert len(articles) == len(body["citations"])
    bundle = staff_app.state.kalla.pipeline.bundle
    for art, cit in zip(articles, body["citations"], strict=True):
        marked = " ".join(html.unescape(m) for m in MARK.findall(art))
        assert marked == cit["quote"], "exactly the quoted sentences are highlighted"
        assert cit["passage_id"] in art and f'#p-{cit["passage_id"]}' in art      # link into the whole document
        if cit["url"]:
            assert f'href="{cit["url"]}"' in art
        i = bundle.by_id[cit["passage_id"]]
        neighbours = [p for p in (bundle.passages[i - 1:i] + bundle.passages[i + 1:i + 2])
                      if p.document_id == cit["document_id"]]
        for n in neighbours:                                         # the passage in its context
            assert html.escape(n.text[:60], quote=False) in art
        assert 'name="citation-' in art and 'value="not_supported"' in art
    doc = admin.get(f"/staff/corpus/documents/{body['citations'][0]['document_id']}").text
    assert f'id="p-{body["citations"][0]["passage_id"]}"' in doc


def staff_app_chat(client, message: str, language: str = "sv") -> dict:
    r = client.http.post("/api/chat", json={"message": message, "language": language})
    assert r.status_code == 200, r.text
    return r.json()


def test_review_is_saved_citation_by_citation_redacted_and_replaced(staff_app, admin):
    answer_id = add_answer(staff_app, site="review-save",
                           citations=[citation_of(staff_app, 0), citation_of(staff_app, 1)])
    url = f"/staff/answers/{answer_id}/review"
    r = admin.post(url, data={"verdict": "incorrect", "comment": "ring 070-123 45 67",
                              "citation-0-verdict": "supported", "citation-1-verdict": "not_supported",
                              "citation-1-comment": "passagen säger något annat"})
    assert r.status_code == 303 and r.headers["location"].endswith("?saved=1#review")
    page = admin.get(r.headers["location"]).text
    assert "Review saved" in page
    assert re.search(r'name="citation-1-verdict" value="not_supported"\s+checked', page)
    with staff_app.state.kalla.store.Session() as db:
        review = db.scalar(select(AnswerReview).where(AnswerReview.answer_id == answer_id))
        assert review.verdict == "incorrect" and "070" not in review.comment and "[telefon]" in review.comment
        assert [(c.position, c.verdict) for c in review.citations] == [(0, "supported"), (1, "not_supported")]
        assert review.citations[0].passage_id == staff_app.state.kalla.pipeline.bundle.passages[0].id
    # Saving again replaces the reviewer's review; a bad form changes nothing.
    assert admin.post(url, data={"verdict": "correct", "citation-1-verdict": "partly"}).status_code == 303
    bad = admin.post(url, data={"verdict": "maybe", "citation-0-verdict": "supported"})
    assert bad.status_code == 422 and "Choose whether the answer" in bad.text
    assert admin.post(url, data={"verdict": "correct", "citation-0-verdict": "true"}).status_code == 422
    with staff_app.state.kalla.store.Session() as db:
        reviews = db.scalars(select(AnswerReview).where(AnswerReview.answer_id == answer_id)).all()
        assert len(reviews) == 1 and reviews[0].verdict == "correct"
        assert [(c.position, c.verdict) for c in reviews[0].citations] == [(1, "partly")]
        audited = db.scalars(select(AuditEvent).where(AuditEvent.action == "review_saved",
                                                      AuditEvent.target == answer_id)).all()
        assert len(audited) == 2 and audited[0].actor == "admin@kalla.test"
    assert answer_id in listed(admin.get("/staff", params={"site": "review-save", "reviewed": "yes"}).text)
    assert answer_id not in listed(admin.get("/staff", params={"site": "review-save", "reviewed": "no"}).text)


def test_translation_beside_the_original_and_right_to_left_text(staff_app, admin):
    cit = citation_of(staff_app, 2, translation="هذا ما تقوله النصوص الرسمية")
    answer_id = add_answer(staff_app, site="review-rtl", language="ar", question="ما هو منحة العودة؟",
                           citations=[cit], answer="هذا ما تقوله النصوص الرسمية")
    page = admin.get(f"/staff/answers/{answer_id}").text
    assert '<blockquote class="question" lang="ar" dir="rtl">ما هو منحة العودة؟</blockquote>' in page
    art = ARTICLE.findall(page)[0]
    assert 'class="evidence two-col"' in art
    assert '<div class="original" lang="sv">' in art
    assert re.search(r'<div class="translation" lang="ar" dir="rtl">.*' + cit["translation"], art, re.S)


def test_a_passage_gone_from_the_index_is_said_plainly(staff_app, admin):
    real = staff_app.state.kalla.pipeline.bundle.passages[5]
    moved = {"passage_id": f"{real.document_id}_000000000000", "document_id": real.document_id, "score": 0.8,
             "quote": " ".join(real.sentences[:2]), "translation": None, "status": "current", "language": "sv"}
    gone = {"passage_id": "withdrawn-2024-doc_abcdefabcdef", "document_id": "withdrawn-2024-doc", "score": 0.7,
            "quote": "Bidraget betalas ut i två delar.", "translation": None, "status": "current", "language": "sv"}
    answer_id = add_answer(staff_app, site="review-gone", citations=[moved, gone])
    with staff_app.state.kalla.store.Session.begin() as db:
        db.execute(update(AnswerRecord).where(AnswerRecord.id == answer_id).values(index_version="old-version-1"))
    page = admin.get(f"/staff/answers/{answer_id}").text
    first, second = ARTICLE.findall(page)
    for art in (first, second):
        assert "no longer in the current index" in art and "old-version-1" in art
    assert f'#p-{real.id}' in first                        # found again in the current index
    assert "Bidraget betalas ut i två delar." in second and "#p-" not in second
    assert "older than the current index" in page


def test_conflicts_are_shown_to_staff(staff_app, admin):
    conflict = staff_app.state.kalla.pipeline.bundle.manifest.conflicts[0]
    loser = next(s for s in conflict["sides"] if not s["prevails"])
    winner = next(s for s in conflict["sides"] if s["prevails"])
    answer_id = add_answer(staff_app, site="review-conflict", conflicts=[{
        "id": conflict["id"], "topic": conflict["topic"], "overridden": loser["passage_id"],
        "prevailing": winner["passage_id"], "note": conflict["note"]}])
    page = html.unescape(admin.get(f"/staff/answers/{answer_id}").text)
    assert "Sources disagreed" in page and conflict["topic"] in page
    assert f'#p-{loser["passage_id"]}' in page and f'#p-{winner["passage_id"]}' in page


def test_queue_filters_and_paging(staff_app, admin):
    site = "queue-filters"
    ids = {
        "helpful": add_answer(staff_app, site=site, helpful=[True]),
        "unhelpful": add_answer(staff_app, site=site, helpful=[False, False]),
        "plain": add_answer(staff_app, site=site),
        "en": add_answer(staff_app, site=site, language="en", status="no_answer"),
        "old": add_answer(staff_app, site=site, language="ar", status="handoff", days_ago=10),
    }
    q = lambda **kw: admin.get("/staff", params={"site": site, **kw}).text  # noqa: E731
    assert matches(q()) == 5
    assert listed(q(language="en")) == [ids["en"]]
    assert listed(q(status="handoff")) == [ids["old"]]
    assert listed(q(feedback="helpful")) == [ids["helpful"]]
    assert listed(q(feedback="not_helpful")) == [ids["unhelpful"]]
    assert set(listed(q(feedback="any"))) == {ids["helpful"], ids["unhelpful"]}
    assert matches(q(feedback="none")) == 3
    today = dt.datetime.now(dt.timezone.utc).date()
    assert ids["old"] not in listed(q(date_from=(today - dt.timedelta(days=3)).isoformat()))
    assert listed(q(date_to=(today - dt.timedelta(days=5)).isoformat())) == [ids["old"]]
    assert listed(q(language="sv", feedback="any", status="answered")) == listed(q(feedback="any"))
    page = q(date_from="31/12/2026", status="bogus")                   # bad input is reported, not a 422
    assert matches(page) == 5 and "must be a date like" in page and "unknown status" in page
    newest_first = listed(q())
    assert newest_first[-1] == ids["old"]
    for _ in range(27):
        add_answer(staff_app, site="queue-paging")
    first = admin.get("/staff", params={"site": "queue-paging"}).text
    assert matches(first) == 27 and len(listed(first)) == 25
    nxt = re.search(r'href="/staff\?([^"]+)" rel="next"', first).group(1)
    assert "site=queue-paging" in html.unescape(nxt)
    second = admin.get("/staff?" + html.unescape(nxt)).text
    assert len(listed(second)) == 2 and not set(listed(second)) & set(listed(first))
    assert len(listed(admin.get("/staff", params={"site": "queue-paging", "per_page": 50}).text)) == 27


def test_csv_export_follows_the_filters_and_defuses_formulas(staff_app, admin):
    site = "csv-export"
    a = add_answer(staff_app, site=site, question='=HYPERLINK("http://evil.example","klicka")', helpful=[True])
    b = add_answer(staff_app, site=site, question="+46 är ett landsnummer", citations=[citation_of(staff_app, 3)])
    add_answer(staff_app, site="csv-other")
    r = admin.get("/staff/export.csv", params={"site": site})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert {row["id"] for row in rows} == {a, b}
    by_id = {row["id"]: row for row in rows}
    assert by_id[a]["question"].startswith("'=HYPERLINK") and by_id[a]["feedback_helpful"] == "1"
    assert by_id[b]["question"].startswith("'+46")
    assert by_id[b]["citations"] == staff_app.state.kalla.pipeline.bundle.passages[3].id
    with staff_app.state.kalla.store.Session() as db:
        assert db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "export_csv")) >= 1


def test_retention_deletes_reviews_with_their_answer(staff_app, admin):
    answer_id = add_answer(staff_app, site="retention", citations=[citation_of(staff_app, 0)])
    assert admin.post(f"/staff/answers/{answer_id}/review",
                      data={"verdict": "correct", "citation-0-verdict": "supported"}).status_code == 303
    store = staff_app.state.kalla.store
    with store.Session() as db:
        review_id = db.scalar(select(AnswerReview.id).where(AnswerReview.answer_id == answer_id))
        assert db.scalar(select(func.count()).select_from(CitationReview)
                         .where(CitationReview.review_id == review_id)) == 1
    with store.Session.begin() as db:
        db.execute(update(AnswerRecord).where(AnswerRecord.id == answer_id)
                   .values(created_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=120)))
    assert store.purge(90) >= 1
    with store.Session() as db:
        assert db.get(AnswerRecord, answer_id) is None
        assert db.scalar(select(func.count()).select_from(AnswerReview).where(AnswerReview.answer_id == answer_id)) == 0
        assert db.scalar(select(func.count()).select_from(CitationReview)
                         .where(CitationReview.review_id == review_id)) == 0
    assert admin.get(f"/staff/answers/{answer_id}").status_code == 404

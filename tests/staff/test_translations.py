"""/staff/translations: staff review the corpus's translations per language — problems and unreviewed first, source
and translation side by side — mark one reviewed or correct it (kept, audited, served at once), and the CLI command
(python -m app.cli translations export) writes reviews back into corpus/_translations. Real model, corpus, index."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from app.corpus.sentences import quotable, sentence_units, source_hash
from app.store.staff_models import AuditEvent, TranslationReview
from app.translate.corpus import CorpusTranslator, load_entries
from tests.staff.conftest import REVIEWER

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
ELIGIBILITY = "Bidraget har kunnat sökas främst av individer som har uppehållstillstånd i Sverige som skyddsbehövande."
OLDER = ELIGIBILITY.replace("främst", "huvudsakligen")      # as if the source sentence had been corrected since
SINCE_1984 = "Ett ekonomiskt bidrag för att återvända har funnits sedan 1984."
QUESTION_AR = "مين إلو حق ياخد منحة العودة؟"
CORRECTED = ("يمكن أن يتقدم بطلب المنحة أساساً الأفراد الحاصلون على تصريح إقامة في السويد "
             "بصفتهم أشخاصاً بحاجة إلى الحماية.")
ITEM = re.compile(r'<li id="s-([0-9a-f]+)" class="t-(\w+)">(.*?)</li>', re.S)


@pytest.fixture
def reviews_undone(staff_app):
    """Each test's reviews are removed afterwards (the app and its database live for the whole session)."""
    store = staff_app.state.kalla.store
    with store.Session() as db:
        before = db.scalar(select(func.coalesce(func.max(TranslationReview.id), 0)))
    yield
    from app.staff.translations import review_renderings

    with store.Session.begin() as db:
        db.execute(delete(TranslationReview).where(TranslationReview.id > before))
    with store.Session() as db:
        staff_app.state.kalla.apply_translation_reviews(review_renderings(db))


def _unit(staff_app, text: str):
    return next(u for u in sentence_units(staff_app.state.kalla.pipeline.bundle.passages) if u.text == text)


def _copy_corpus(tmp_path: Path, edit=None) -> Path:
    """The corpus documents and translation files in tmp_path; edit(rows of ar.jsonl) changes the Arabic file."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for doc in (ROOT / "corpus").glob("*.md"):
        shutil.copy(doc, corpus / doc.name)
    shutil.copytree(ROOT / "corpus" / "_translations", corpus / "_translations")
    if edit is not None:
        path = corpus / "_translations" / "ar.jsonl"
        rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        rows = edit(rows)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return corpus


def _stale_and_failing(rows):
    for r in rows:
        if r["source"] == ELIGIBILITY:
            r.update(source=OLDER, source_hash=source_hash(OLDER))
        if r["source"] == SINCE_1984:
            r["translation"] = r["translation"].replace("1984", "1948")
    return rows


def _listing(client, lang: str = "ar") -> list[tuple[str, str, str]]:
    r = client.get(f"/staff/translations?language={lang}")
    assert r.status_code == 200, r.text
    return ITEM.findall(r.text)


def _chat_ar(client) -> dict:
    r = client.http.post("/api/chat", json={"message": QUESTION_AR, "language": "ar"})
    assert r.status_code == 200, r.text
    return next(c for c in r.json()["citations"] if c["quote"] == ELIGIBILITY)


def _audit(staff_app, action: str) -> list[AuditEvent]:
    with staff_app.state.kalla.store.Session() as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def test_one_language_lists_failing_and_stale_first_with_source_and_translation_side_by_side(
        staff_app, reviewer, tmp_path, monkeypatch):
    monkeypatch.setattr(staff_app.state.staff.settings, "corpus_dir", _copy_corpus(tmp_path, _stale_and_failing))
    items = _listing(reviewer)
    bundle = staff_app.state.kalla.pipeline.bundle
    units = [u for u in sentence_units(bundle.passages) if not u.footnote and quotable(u.text)]
    assert len(items) == len(units), "every quotable sentence of the index, once"
    states = [state for _, state, _ in items]
    assert states[:2] == ["failing", "stale"] and set(states[2:]) == {"unreviewed"}, "problems first"
    (h1, _, failing), (h2, _, stale) = items[:2]
    assert h1 == source_hash(SINCE_1984) and "lacks number 1984" in failing and "not served" in failing
    assert h2 == source_hash(ELIGIBILITY) and "not served" in stale
    assert html.escape(f"made from an older text: {OLDER}", quote=False) in stale
    assert f'<blockquote lang="sv">{html.escape(ELIGIBILITY, quote=False)}</blockquote>' in stale, "today's source"
    for _, state, body in items[:3]:
        assert 'lang="ar" dir="rtl"' in body and 'name="translation"' in body
        assert ('value="review"' in body) == (state == "unreviewed"), "only a sound translation is marked as it stands"
    page = reviewer.get("/staff/translations?language=ar").text
    coverage = re.search(r'<table class="numbers" id="coverage">.*?</table>', page, re.S).group()
    assert coverage.count('<th scope="row">') == 15
    view = _audit(staff_app, "view_translations")[-1]
    assert view.actor == REVIEWER and view.detail == {"language": "ar"}


def test_marking_a_translation_reviewed_is_audited_served_at_once_and_listed_last(staff_app, reviewer, reviews_undone):
    unit = _unit(staff_app, ELIGIBILITY)
    before = _chat_ar(reviewer)
    assert before["translation_status"] == "unreviewed"
    r = reviewer.post(f"/staff/translations/ar/{unit.id}", {"action": "review", "translation": "ignored"})
    assert r.status_code == 303 and f"saved={unit.id}" in r.headers["location"]
    with staff_app.state.kalla.store.Session() as db:
        review = db.scalars(select(TranslationReview).where(TranslationReview.source_hash == unit.hash)).one()
    assert (review.language, review.sentence_id, review.action) == ("ar", unit.id, "reviewed")
    assert review.reviewer == REVIEWER
    assert review.translation == before["translation"], "reviewed as it stands: the text is unchanged"
    assert [(a.actor, a.target) for a in _audit(staff_app, "translation_reviewed")][-1] == (REVIEWER, f"ar:{unit.id}")
    after = _chat_ar(reviewer)
    assert after["translation"] == before["translation"]
    assert after["translation_status"] == "reviewed" and after["translation_reviewed_at"] == _today()
    items = _listing(reviewer)
    assert items[-1][:2] == (unit.hash, "reviewed") and f"reviewed by {REVIEWER}" in items[-1][2]
    assert all(state == "unreviewed" for _, state, _ in items[:-1])


def test_a_correction_is_kept_audited_served_and_exported_back_by_the_cli(
        staff_app, reviewer, reviews_undone, tmp_path, monkeypatch, capsys):
    unit = _unit(staff_app, ELIGIBILITY)
    r = reviewer.post(f"/staff/translations/ar/{unit.id}", {"action": "correct", "translation": f"  {CORRECTED}\n"})
    assert r.status_code == 303
    with staff_app.state.kalla.store.Session() as db:
        review = db.scalars(select(TranslationReview).where(TranslationReview.source_hash == unit.hash)).one()
    assert (review.action, review.translation, review.reviewer) == ("corrected", CORRECTED, REVIEWER)
    assert [(a.actor, a.target) for a in _audit(staff_app, "translation_corrected")][-1] == (REVIEWER, f"ar:{unit.id}")
    served = _chat_ar(reviewer)
    assert served["translation"] == CORRECTED and served["translation_status"] == "reviewed"
    assert served["quote"] == ELIGIBILITY, "the Swedish original stays in the citation"

    # A correction that changes a number is refused, and nothing is kept.
    year = _unit(staff_app, SINCE_1984)
    corrected_before = len(_audit(staff_app, "translation_corrected"))
    r = reviewer.post(f"/staff/translations/ar/{year.id}", {"action": "correct",
                                                             "translation": "توجد منحة مالية للعودة منذ عام 1948."})
    assert r.status_code == 422 and "lacks number 1984" in html.unescape(r.text)
    with staff_app.state.kalla.store.Session() as db:
        assert db.scalar(select(func.count()).select_from(TranslationReview)
                         .where(TranslationReview.source_hash == year.hash)) == 0
    assert len(_audit(staff_app, "translation_corrected")) == corrected_before

    # python -m app.cli translations export, into a copy of the corpus.
    corpus = _copy_corpus(tmp_path)
    originals = {p.name: p.read_bytes() for p in (corpus / "_translations").glob("*.jsonl")}
    _export(monkeypatch, staff_app, corpus, capsys, "ar: 1 lines")
    lines = (corpus / "_translations" / "ar.jsonl").read_text(encoding="utf-8").splitlines()
    old = originals["ar.jsonl"].decode("utf-8").splitlines()
    assert len(lines) == len(old)
    changed = [(json.loads(a), json.loads(b)) for a, b in zip(old, lines) if a != b]
    assert len(changed) == 1
    was, now = changed[0]
    assert now == {**was, "translation": CORRECTED, "status": "reviewed", "by": f"reviewed by {REVIEWER}",
                   "at": _today()}
    assert all(p.read_bytes() == originals[p.name] for p in (corpus / "_translations").glob("*.jsonl")
               if p.name != "ar.jsonl"), "other languages untouched"
    from_file = CorpusTranslator(load_entries(corpus)).render(ELIGIBILITY, "sv", "ar")
    assert (from_file.text, from_file.status, from_file.reviewed_at) == (CORRECTED, "reviewed", _today())


def test_corrections_of_a_stale_and_of_a_missing_translation_are_exported_with_the_current_source(
        staff_app, reviewer, reviews_undone, tmp_path, monkeypatch, capsys):
    def stale_and_missing(rows):
        rows = [r for r in rows if r["source"] != SINCE_1984]                 # never translated
        for r in rows:
            if r["source"] == ELIGIBILITY:
                r.update(source=OLDER, source_hash=source_hash(OLDER))       # made from an older text
        return rows

    corpus = _copy_corpus(tmp_path, stale_and_missing)
    monkeypatch.setattr(staff_app.state.staff.settings, "corpus_dir", corpus)
    states = {h: state for h, state, _ in _listing(reviewer)}
    eligibility, year = _unit(staff_app, ELIGIBILITY), _unit(staff_app, SINCE_1984)
    assert states[eligibility.hash] == "stale" and states[year.hash] == "missing"
    new_year = "هناك منحة مالية للعودة منذ عام 1984."
    for unit, text in ((eligibility, CORRECTED), (year, new_year)):
        r = reviewer.post(f"/staff/translations/ar/{unit.id}", {"action": "correct", "translation": text})
        assert r.status_code == 303, r.text
    before = (corpus / "_translations" / "ar.jsonl").read_text(encoding="utf-8").splitlines()
    _export(monkeypatch, staff_app, corpus, capsys, "ar: 2 lines")
    rows = [json.loads(x) for x in (corpus / "_translations" / "ar.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(before) + 1, "the stale line replaced, the missing one added"
    assert not any(r["source"] == OLDER for r in rows)
    for unit, text in ((eligibility, CORRECTED), (year, new_year)):
        row = next(r for r in rows if r["source_hash"] == unit.hash)
        assert row == {"sentence_id": unit.id, "source_hash": unit.hash, "source": unit.text, "translation": text,
                       "status": "reviewed", "by": f"reviewed by {REVIEWER}", "at": _today()}
    assert {h: s for h, s, _ in _listing(reviewer)}[eligibility.hash] == "reviewed"


def _export(monkeypatch, staff_app, corpus: Path, capsys, expect: str) -> None:
    from app import cli
    from app.config import get_settings

    with monkeypatch.context() as m:        # the settings the command reads, for this call only
        m.setenv("KALLA_DATABASE_URL", staff_app.state.kalla.settings.database_url)
        m.setenv("KALLA_CORPUS_DIR", str(corpus))
        get_settings.cache_clear()
        try:
            assert cli.main(["translations", "export", "--language", "ar"]) == 0
        finally:
            get_settings.cache_clear()
    assert expect in capsys.readouterr().out

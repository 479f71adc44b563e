from app.corpus.cleaning import CleaningSpec, clean
from app.corpus.document import Document
from app.corpus.passages import MAX_WORDS, split_passages

RAW = """1 Inledning

Migrationsverket har i uppdrag att informera om
mojligheten att atervandra. Sedan dess
 har myndigheten arbetat med Migrat-
ionsverkets material.

STARKTA INFORMATIONSINSATSER Migrationsverket

1.1 Uppdraget
Uppdraget ska redovisas den 30 september 2025.

7 Fotnoten har en kalla.
"""


def test_clean_joins_page_breaks_hyphens_and_moves_footnotes():
    spec = CleaningSpec(drop_lines=[r"^STARKTA INFORMATIONSINSATSER"], footnote_blocks=[r"^7 Fotnoten"])
    md = clean(RAW, spec, title="Rapport")
    assert md.startswith("# Rapport\n\n## 1 Inledning\n\n")
    assert "Sedan dess har myndigheten arbetat med Migrationsverkets material." in md
    assert "### 1.1 Uppdraget\n\nUppdraget ska redovisas" in md
    assert "STARKTA" not in md
    assert md.rstrip().endswith("## Fotnoter\n\n- 7 Fotnoten har en kalla.")


def _doc(body: str) -> Document:
    return Document(id="d", title="T", authority="A", url="", language="sv", published="2025-01-01",
                    status="current", provenance="test", body=body)


def test_passages_follow_headings_and_stay_in_size():
    para = " ".join(["Detta är en mening om återvandring och stöd."] * 12)
    body = f"# T\n\n## 1 Första\n\n{para}\n\n{para}\n\n{para}\n\n### 1.1 Under\n\n{para}\n"
    ps = split_passages(_doc(body))
    assert all(len(p.text.split()) <= MAX_WORDS for p in ps)
    assert ps[0].section == "1 Första"
    assert ps[-1].section == "1 Första › 1.1 Under"


def test_passage_ids_are_stable_and_follow_the_text():
    body = "# T\n\n## A\n\n" + " ".join(["Ord nummer ett i en mening."] * 10) + "\n"
    first = [p.id for p in split_passages(_doc(body))]
    assert first == [p.id for p in split_passages(_doc(body))]
    changed = [p.id for p in split_passages(_doc(body.replace("ett", "två")))]
    assert changed != first


def test_default_corpus_passages_are_sized(corpus_dir):
    from app.corpus.document import load_corpus

    sizes = [len(p.text.split()) for d in load_corpus(corpus_dir) for p in split_passages(d)]
    assert max(sizes) <= MAX_WORDS + 10
    assert sum(s >= 40 for s in sizes) / len(sizes) > 0.9

"""Ingest reads what authorities publish (issue 17, item 5): web pages with navigation and cookie banners, pages in
Arabic, Persian and Tigrinya, tagged and scanned PDFs, Word files. The files are built here (tests/support)."""
from __future__ import annotations

import pytest

from app.corpus.document import Document
from app.corpus.extract import ExtractError, content_hash, document_body, extract, kind_of, script_language
from app.corpus.passages import split_passages
from app.corpus.sentences import quotable
from tests.support.source_files import docx_file, pdf, web_page

NAV_AND_BANNER = ("Godkänn alla kakor", "Vi använder kakor", "Bo, bygga och miljö", "Relaterade sidor",
                  "Tillgänglighet", "123 45 Testköping", "Du är här")


def doc_of(body: str, language: str = "sv") -> Document:
    return Document(id="t", title="T", authority="A", url="", language=language, published="2026-01-01",
                    status="current", provenance="test", body=body)


def test_a_municipal_page_loses_navigation_cookie_banner_and_footer():
    data = web_page("Återvandringsbidrag i Testköping", [
        ("", ["Testköpings kommun hänvisar alla frågor om återvandringsbidraget till Migrationsverket."]),
        ("Så ansöker du", ["Du ansöker hos Migrationsverket. Medborgarcentret hjälper dig att boka en tid."])],
        list_items=["Boka en tid hos medborgarcentret.", "Ta med ditt pass."])
    ex = extract(data, kind_of("sida.html"))
    assert ex.kind == "html" and ex.language == "sv" and ex.title == "Återvandringsbidrag i Testköping"
    for furniture in NAV_AND_BANNER:
        assert furniture not in ex.text, furniture
    body = document_body(ex, "Återvandringsbidrag i Testköping")
    assert body.startswith("# Återvandringsbidrag i Testköping\n\n") and body.count("# Återvandringsbidrag") == 1
    assert "## Så ansöker du" in body and "- Ta med ditt pass." in body
    sections = {p.section for p in split_passages(doc_of(body))}
    assert "Så ansöker du" in sections


@pytest.mark.parametrize("lang,title,text,sentences", [
    ("ar", "منحة العودة", "تحيل البلدية جميع الأسئلة المتعلقة بمنحة العودة إلى مصلحة الهجرة. تبلغ المنحة 15000 كرونة "
     "للشخص البالغ في هذه الحالة. تدفع مصلحة الهجرة المنحة بعد اتخاذ القرار بشأن الطلب.", 3),
    ("fa", "کمک هزینه بازگشت", "شهرداری همه پرسش‌ها درباره کمک هزینه بازگشت را به اداره مهاجرت ارجاع می‌دهد. این کمک "
     "هزینه برای هر بزرگسال ۱۵۰۰۰ کرون است. اداره مهاجرت پس از تصمیم آن را پرداخت می‌کند.", 3),
    ("ti", "ሓገዝ ምምላስ", "ምምሕዳር ከተማ ኩሉ ሕቶታት ብዛዕባ ሓገዝ ምምላስ ናብ ቤት ጽሕፈት ስደት ይሰድዶ። እቲ ሓገዝ ንሓደ ዓቢ ሰብ "
     "15000 ክሮና እዩ ኢሉ ይገልጽ። ቤት ጽሕፈት ስደት ድሕሪ ውሳነ ነቲ ሓገዝ ይኸፍሎ እዩ።", 3),
])
def test_right_to_left_and_ethiopic_pages_keep_their_text_language_and_sentences(lang, title, text, sentences):
    ex = extract(web_page(title, [("", [text])], lang=lang), "html")
    assert ex.language == lang and text in ex.text
    assert ("right-to-left text" in ex.notes) == (lang in ("ar", "fa"))
    passages = split_passages(doc_of(document_body(ex, title), lang))
    said = [s for p in passages for s in p.sentences]
    assert len(said) == sentences and all(quotable(s) for s in said), said
    assert script_language(text) == ("ti" if lang == "ti" else "ar")   # the guess when a page declares nothing


def test_a_page_without_a_language_is_guessed_from_its_script():
    data = web_page("منحة العودة", [("", ["تحيل البلدية جميع الأسئلة المتعلقة بمنحة العودة إلى مصلحة الهجرة."])],
                    lang="").replace(b' lang=""', b"")
    assert extract(data, "html").language == "ar"


def test_a_tagged_pdf_gives_its_text_and_says_it_is_tagged():
    data = pdf([["Återvandringsbidraget betalas ut av Migrationsverket.", "Kommunen fattar inga beslut om bidraget."],
                ["Frågor om det egna ärendet ställs till Migrationsverket."]], tagged=True, title="Vägledning")
    ex = extract(data, kind_of("v.pdf", "", data))
    assert ex.kind == "pdf" and ex.title == "Vägledning" and ex.published == "2026-11-02"
    assert "Återvandringsbidraget betalas ut av Migrationsverket." in ex.text and "egna ärendet" in ex.text
    assert ex.notes == ("tagged PDF (structure tags present)",)
    assert "untagged PDF" in extract(pdf([["Samma text utan taggar i den här filen."]]), "pdf").notes[0]


def test_a_scanned_pdf_says_clearly_that_it_has_no_text_layer():
    with pytest.raises(ExtractError, match=r"no text layer \(2 scanned pages, images only\): run OCR"):
        extract(pdf([None, None]), "pdf")
    mixed = extract(pdf([["Första sidan har ett textlager som går att läsa."], None,
                         ["Tredje sidan har också ett textlager."]]), "pdf")
    assert any("no text layer on page 2 of 3" in n for n in mixed.notes)
    assert "Tredje sidan" in mixed.text


def test_a_word_file_keeps_headings_lists_and_tables():
    data = docx_file("Vägledning om återvandring", [
        ("title", "Vägledning om återvandring"), ("heading1", "Så ansöker du"),
        ("text", "Du ansöker hos Migrationsverket."), ("bullet", "Boka en tid."), ("bullet", "Ta med ditt pass."),
        ("heading2", "Belopp"), ("table", "Vuxen | 15 000 kronor")])
    ex = extract(data, kind_of("v.docx"))
    assert ex.kind == "docx" and ex.title == "Vägledning om återvandring" and ex.language == "sv"
    assert "## Så ansöker du" in ex.text and "- Boka en tid.\n- Ta med ditt pass." in ex.text
    assert "### Belopp" in ex.text and "Vuxen | 15 000 kronor" in ex.text


def test_types_are_told_by_content_type_name_or_first_bytes():
    assert kind_of("", "application/pdf; x=y") == "pdf"
    assert kind_of("rapport.PDF") == "pdf" and kind_of("a.htm") == "html" and kind_of("a.docx") == "docx"
    assert kind_of("", "", b"%PDF-1.7 ...") == "pdf" and kind_of("", "", b"<!DOCTYPE html><html>") == "html"
    with pytest.raises(ExtractError, match="unsupported"):
        kind_of("bild.png", "image/png")


def test_the_content_hash_ignores_layout_but_not_words():
    a = "# Rubrik\n\nBidraget är **15 000** kronor.\n\nAnsök hos Migrationsverket."
    assert content_hash(a) == content_hash("#  Rubrik\nBidraget är 15 000 kronor.   Ansök hos\u200b Migrationsverket.")
    assert content_hash(a) != content_hash(a.replace("15 000", "20 000"))

"""scripts/ingest.py turns .txt, .md, .html and .pdf files into corpus documents."""
import sys
from pathlib import Path

import pytest

from app.corpus.document import load_corpus

pytestmark = pytest.mark.integration
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

TEXT = "Atervandringsbidraget kan sokas av den som har uppehallstillstand. Ansokan gors hos Migrationsverket."


def _pdf_with_text(text: str) -> bytes:
    """A minimal one-page PDF with a text layer (no PDF library needed to write it)."""
    stream = f"BT /F1 11 Tf 40 700 Td ({text}) Tj ET".encode("latin-1")
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer << /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".pdf"])
def test_ingest_each_format(tmp_path, suffix):
    from ingest import main

    src = tmp_path / f"source{suffix}"
    if suffix == ".html":
        src.write_text(f"<html><head><title>x</title><script>alert(1)</script></head><body><nav>Meny Hem Kontakt</nav>"
                       f"<main><h1>Bidraget</h1><p>{TEXT}</p><p>{TEXT}</p></main><footer>Cookies</footer></body></html>",
                       encoding="utf-8")
    elif suffix == ".pdf":
        src.write_bytes(_pdf_with_text(TEXT))
    else:
        src.write_text(f"Bidraget\n\n{TEXT}\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    assert main([str(src), "--id", "test-doc", "--title", "Om bidraget", "--authority", "Migrationsverket",
                 "--published", "2025-10-01", "--reference", "Migrationsverket, Dnr 1.2.3-2025-1, 2025-10-01",
                 "--corpus", str(corpus)]) == 0
    (doc,) = load_corpus(corpus)
    assert doc.url == "" and doc.reference == "Migrationsverket, Dnr 1.2.3-2025-1, 2025-10-01"
    assert doc.authority == "Migrationsverket" and doc.status == "current" and doc.published == "2025-10-01"
    assert "Återvandringsbidraget kan sökas av den som har uppehållstillstånd" in doc.body
    assert "alert(1)" not in doc.body and "Cookies" not in doc.body
    assert (corpus / "_raw" / "test-doc.txt").read_text().count("Atervandringsbidraget") >= 1
    assert "uppehållstillstånd" in (corpus / "_repairs" / "test-doc.tsv").read_text()


def test_ingest_refuses_bad_flags(tmp_path, capsys):
    from ingest import main

    src = tmp_path / "a.txt"
    src.write_text(TEXT)
    with pytest.raises(SystemExit):
        main([str(src), "--id", "Bad Id!", "--title", "t", "--authority", "a", "--published", "2025-01-01"])
    assert "--id must be" in capsys.readouterr().err
    for where in (["--url", "https://www.migrationsverket.se/"], []):     # a home page, or nothing at all
        with pytest.raises(SystemExit):
            main([str(src), "--id", "test-doc", "--title", "t", "--authority", "a", "--published", "2025-01-01", *where])
    err = capsys.readouterr().err
    assert "is a home page, not the document" in err and "give --url" in err

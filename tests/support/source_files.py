"""Files like the ones authorities publish, built in the tests: web pages with navigation and cookie banners (also
right-to-left and Ethiopic), tagged and scanned PDFs, Word files. No binary fixture is checked in."""
from __future__ import annotations

import html
import io
import zlib


def web_page(title: str, sections: list[tuple[str, list[str]]], *, lang: str = "sv", site: str = "Testköpings kommun",
             cookie_banner: bool = True, list_items: list[str] = ()) -> bytes:
    """A municipal page: cookie banner (inside <main>, as some sites do), navigation, breadcrumbs, the article,
    a related-links aside and a footer."""
    rtl = lang in ("ar", "fa", "prs", "ckb")
    e = html.escape
    article = "".join(
        (f"<h2>{e(head)}</h2>" if head else "") + "".join(f"<p>{e(p)}</p>" for p in paras) for head, paras in sections)
    if list_items:
        article += "<ul>" + "".join(f"<li>{e(i)}</li>" for i in list_items) + "</ul>"
    banner = ('<div id="cc-banner" class="cookie-consent"><p>Vi använder kakor för att webbplatsen ska fungera och för '
              'att förbättra den. Genom att klicka på Godkänn samtycker du till att vi använder kakor.</p>'
              '<button>Godkänn alla kakor</button><button>Endast nödvändiga kakor</button></div>') if cookie_banner else ""
    return f"""<!doctype html>
<html lang="{lang}"{' dir="rtl"' if rtl else ''}><head><meta charset="utf-8"><title>{e(title)} | {e(site)}</title>
<meta name="viewport" content="width=device-width"></head>
<body>
<header><a class="logo" href="/">{e(site)}</a>
<nav aria-label="Huvudmeny"><ul><li><a href="/bo">Bo, bygga och miljö</a></li><li><a href="/omsorg">Omsorg och stöd</a></li>
<li><a href="/utbildning">Förskola och skola</a></li><li><a href="/kontakt">Kontakta kommunen</a></li></ul></nav></header>
<nav class="breadcrumbs" aria-label="Du är här"><a href="/">Start</a> › <a href="/stod">Stöd</a> › {e(title)}</nav>
<main>{banner}<article><h1>{e(title)}</h1>{article}</article></main>
<aside><h2>Relaterade sidor</h2><ul><li><a href="/a">Försörjningsstöd</a></li><li><a href="/b">Bostad</a></li></ul></aside>
<footer><p>{e(site)}, 123 45 Testköping. Telefon 0123-456 78.</p><p>Om webbplatsen · Tillgänglighet · Kakor</p></footer>
</body></html>""".encode("utf-8")


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf(pages: list[list[str] | None], *, tagged: bool = False, title: str = "") -> bytes:
    """A PDF whose pages hold lines of text (Helvetica, WinAnsi: Swedish letters work) or, for None, only an image:
    a scanned page without a text layer. tagged: a structure tree and marked content, as accessible PDFs have."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(head: bytes, data: bytes) -> bytes:
        packed = zlib.compress(data)
        return head[:-2] + b" /Length " + str(len(packed)).encode() + b" /Filter /FlateDecode >>\nstream\n" + packed + \
            b"\nendstream"

    catalog = add(b"")
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    image = add(stream(b"<< /Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray "
                       b"/BitsPerComponent 8 >>", bytes(range(0, 256))))
    kids, struct_kids = [], []
    for lines in pages:
        if lines is None:
            content = b"q 500 0 0 700 50 60 cm /Im1 Do Q"
        else:
            ops = [b"BT /F1 11 Tf 50 780 Td 15 TL"]
            for n, line in enumerate(lines):
                mark = f"/P << /MCID {n} >> BDC ".encode() if tagged else b""
                ops.append(mark + _pdf_string(line) + b" Tj T*" + (b" EMC" if tagged else b""))
            ops.append(b"ET")
            content = b"\n".join(ops)
        contents = add(stream(b"<< >>", content))
        page = add(f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 595 842] /Contents {contents} 0 R "
                   f"/Resources << /Font << /F1 {font} 0 R >> /XObject << /Im1 {image} 0 R >> >> "
                   f"{'/StructParents ' + str(len(kids)) if tagged else ''} >>".encode())
        kids.append(page)
        if tagged and lines:
            struct_kids += [(page, n) for n in range(len(lines))]
    objects[pages_obj - 1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    extra = b""
    if tagged:
        root_struct = len(objects) + 1
        elems = " ".join(f"<< /Type /StructElem /S /P /P {root_struct} 0 R /Pg {pg} 0 R /K {mcid} >>"
                         for pg, mcid in struct_kids)
        add(f"<< /Type /StructTreeRoot /K [{elems}] >>".encode())
        extra = f" /MarkInfo << /Marked true >> /StructTreeRoot {root_struct} 0 R /Lang (sv-SE)".encode()
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R".encode() + extra + b" >>"
    info = add(b"<< /Title " + _pdf_string(title) + b" /CreationDate (D:20261102120000Z) >>") if title else 0
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R{f' /Info {info} 0 R' if info else ''} >>\n"
              f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def docx_file(title: str, blocks: list[tuple[str, str]], *, language: str = "sv-SE") -> bytes:
    """A Word file: blocks are (kind, text) with kind title | heading1 | heading2 | bullet | text | table (cells
    separated by '|')."""
    import docx

    d = docx.Document()
    d.core_properties.title = title
    d.core_properties.language = language
    for kind, text in blocks:
        if kind == "title":
            d.add_heading(text, level=0)
        elif kind.startswith("heading"):
            d.add_heading(text, level=int(kind[-1]))
        elif kind == "bullet":
            d.add_paragraph(text, style="List Bullet")
        elif kind == "table":
            cells = text.split("|")
            row = d.add_table(rows=1, cols=len(cells)).rows[0]
            for cell, value in zip(row.cells, cells):
                cell.text = value.strip()
        else:
            d.add_paragraph(text)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()

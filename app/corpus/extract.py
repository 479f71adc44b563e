"""The main text of what authorities publish: web pages, PDFs (tagged or scanned), Word files and plain text.

One entry point, `extract(data, kind)`, for the command line, the staff console and the source check alike.
Web pages lose navigation, cookie banners and footers (trafilatura, after a pass that drops consent dialogs);
PDFs give their text layer page by page and say plainly when a page, or the whole file, has none (a scan: run
OCR first); Word files keep headings and list items. Right-to-left and Ethiopic pages are kept as written; the
language comes from the source's own declaration when it makes one, else from its script.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

from app.corpus.cleaning import CleaningSpec, clean
from app.text import normalise_space

KINDS = ("html", "pdf", "docx", "text")
SUFFIXES = {".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".docx": "docx", ".txt": "text",
            ".md": "text", ".markdown": "text"}
CONTENT_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf", "text/plain": "text",
                 "text/markdown": "text",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx"}
RTL_LANGUAGES = ("ar", "fa", "prs", "ckb", "ps", "ur", "he")
_CONSENT = re.compile(r"cookie|consent|gdpr|kakor|samtycke", re.I)
_EMPHASIS = re.compile(r"\*\*([^*\n]+)\*\*|(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_JOINERS = {"\u200c": "\u27e6ZWNJ\u27e7", "\u200d": "\u27e6ZWJ\u27e7"}   # printable stand-ins trafilatura keeps
_DOCX_HEADING = re.compile(r"^(?:Heading|Rubrik)\s*(\d)$", re.I)


class ExtractError(ValueError):
    """The file holds no text Källa can use; the message says why and what to do."""


@dataclass(frozen=True)
class Extracted:
    text: str                   # Markdown (html, docx) or page text (pdf, text)
    kind: str                   # one of KINDS
    title: str = ""             # what the source calls itself, when it says
    language: str = ""          # declared by the source (html lang, docx), else guessed from the script
    published: str = ""         # a date the source gives (YYYY-MM-DD), when it gives one
    notes: tuple[str, ...] = ()  # for staff: tagged PDF, pages without a text layer, right-to-left text

    @property
    def structured(self) -> bool:
        """Headings and list items are already marked (no need for the clean-up made for OCR'd pages)."""
        return self.kind in ("html", "docx")


def kind_of(name: str = "", content_type: str = "", data: bytes = b"") -> str:
    """html | pdf | docx | text, from the content type, else the file name, else the first bytes."""
    ctype = content_type.split(";")[0].strip().lower()
    if ctype in CONTENT_TYPES:
        return CONTENT_TYPES[ctype]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    head = data[:1024].lstrip().lower()
    if head.startswith(b"%pdf"):
        return "pdf"
    if head.startswith(b"pk\x03\x04"):
        return "docx"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    if name or ctype:
        raise ExtractError(f"{name or ctype}: unsupported type (use a web page, PDF, DOCX or plain text)")
    return "text"


def extract(data: bytes, kind: str) -> Extracted:
    if kind not in KINDS:
        raise ExtractError(f"unsupported type {kind!r} (use one of {', '.join(KINDS)})")
    out = {"html": _html, "pdf": _pdf, "docx": _docx, "text": _text}[kind](data)
    if not normalise_space(out.text):
        raise ExtractError("no text found in the file")
    language = out.language or script_language(out.text)
    notes = list(out.notes)
    if language.split("-")[0] in RTL_LANGUAGES:
        notes.append("right-to-left text")
    return Extracted(out.text, kind, out.title, language, out.published, tuple(notes))


def content_hash(text: str) -> str:
    """The same text however it was laid out: Unicode-normalised, without formatting marks, spaces collapsed."""
    norm = unicodedata.normalize("NFKC", text)
    norm = "".join(c for c in norm if unicodedata.category(c) != "Cf")      # zero-width joiners, bidi marks
    norm = normalise_space(_EMPHASIS.sub(lambda m: m.group(1) or m.group(2), norm).replace("#", " "))
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:32]


def document_body(extracted: Extracted, title: str) -> str:
    """The corpus document's Markdown body: the title as its H1, then the text (OCR'd pages cleaned up)."""
    if not extracted.structured:
        return clean(extracted.text, CleaningSpec(), title=title)
    blocks = [b.strip() for b in re.split(r"\n\s*\n", extracted.text) if b.strip()]
    if blocks and blocks[0].startswith("# "):
        blocks = blocks[1:]                           # the page's own H1: the document title replaces it
    fixed = [("#" + b) if re.match(r"^#\s", b) else b for b in blocks]      # another H1 is a section
    return "\n\n".join([f"# {title}", *fixed]) + "\n"


def script_language(text: str) -> str:
    """A guess from the letters alone: Arabic script → ar, Ethiopic → ti, Cyrillic → ru, else '' (staff choose)."""
    counts = {"ar": 0, "ti": 0, "ru": 0, "latin": 0}
    for ch in text[:5000]:
        if not ch.isalpha():
            continue
        o = ord(ch)
        key = "ar" if 0x0600 <= o <= 0x06FF else "ti" if 0x1200 <= o <= 0x137F else \
            "ru" if 0x0400 <= o <= 0x04FF else "latin"
        counts[key] += 1
    best = max(counts, key=counts.get)
    return "" if best == "latin" or not counts[best] else best


# --- one reader per kind -------------------------------------------------------------------------------------

def _html(data: bytes) -> Extracted:
    import lxml.html
    import trafilatura

    try:
        tree = lxml.html.document_fromstring(data)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise ExtractError(f"the web page cannot be read: {exc}") from exc
    language = (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip().lower()
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        marks = f"{el.get('id', '')} {el.get('class', '')} {el.get('aria-label', '')}"
        if el.get("role") in ("dialog", "alertdialog") or _CONSENT.search(marks):
            el.drop_tree()                             # cookie banners and consent dialogs, wherever they sit
    # trafilatura strips zero-width (non-)joiners, which Persian and Sorani spelling needs (می‌دهد, not میدهد):
    # they cross it as printable stand-ins.
    html = _swap(lxml.html.tostring(tree, encoding="unicode"), _JOINERS)
    text = trafilatura.extract(html, output_format="markdown", include_comments=False, include_tables=True,
                               favor_precision=True)
    if not text:
        raise ExtractError("no main text found on the web page (only navigation or an empty page)")
    meta = trafilatura.extract_metadata(html)
    title = (meta.title or "") if meta else ""
    m = re.match(r"#\s+(.+)", text)
    if m:
        title = m.group(1).strip()                     # the page's H1 says it better than <title> and its site name
    published = _date(meta.date if meta else "")
    back = {v: k for k, v in _JOINERS.items()}
    text, title = _swap(_EMPHASIS.sub(lambda x: x.group(1) or x.group(2), text), back), _swap(title, back)
    return Extracted(text, "html", title, language.split("_")[0], published)


def _pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractError("the PDF is encrypted: ask the authority for an open copy")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        root = reader.trailer["/Root"]
        tagged = bool(root.get("/StructTreeRoot")) or bool((root.get("/MarkInfo") or {}).get("/Marked"))
        info = reader.metadata
    except (PdfReadError, KeyError, ValueError, TypeError) as exc:
        raise ExtractError(f"the PDF cannot be read: {exc}") from exc
    empty = [i + 1 for i, p in enumerate(pages) if len(normalise_space(p)) < 3]
    if len(empty) == len(pages):
        raise ExtractError(f"the PDF has no text layer ({len(pages)} scanned page{'s' * (len(pages) != 1)}, "
                           "images only): run OCR on it first (e.g. ocrmypdf) or upload the text")
    notes = ["tagged PDF (structure tags present)" if tagged else "untagged PDF: headings are guessed from the layout"]
    if empty:
        notes.append(f"no text layer on page{'s' * (len(empty) != 1)} {', '.join(map(str, empty))} of "
                     f"{len(pages)} (scanned): that text is missing, run OCR on the file to include it")
    title = str(info.title or "").strip() if info else ""
    created = info.creation_date if info else None
    published = created.date().isoformat() if isinstance(created, dt.datetime) else ""
    # Pages joined with a blank line; a leading space marks a new page for the clean-up (app/corpus/cleaning.py).
    text = "\n\n".join(" " + p if i else p for i, p in enumerate(pages) if p)
    return Extracted(text, "pdf", title, "", published, tuple(notes))


def _docx(data: bytes) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for a damaged file
        raise ExtractError(f"the Word file cannot be read ({type(exc).__name__}); save it again as .docx") from exc
    blocks: list[str] = []
    title = (document.core_properties.title or "").strip()
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "tbl":
            for row in Table(child, document).rows:
                cells = [normalise_space(c.text) for c in row.cells]
                if any(cells):
                    blocks.append(" | ".join(dict.fromkeys(cells)))
            continue
        if tag != "p":
            continue
        para = Paragraph(child, document)
        text = normalise_space(para.text)
        if not text:
            continue
        style = para.style.name if para.style is not None else ""
        heading = _DOCX_HEADING.match(style)
        if style == "Title":
            title = title or text
            blocks.append(f"# {text}")
        elif heading:
            blocks.append("#" * min(int(heading.group(1)) + 1, 6) + " " + text)
        elif style.startswith("List") or child.find(".//{*}numPr") is not None:
            if blocks and blocks[-1].startswith("- "):
                blocks[-1] += "\n- " + text            # consecutive items: one list
            else:
                blocks.append("- " + text)
        else:
            blocks.append(text)
    language = (document.core_properties.language or "").split("-")[0].lower()
    # No date from the file: Word's "created" is often the template's, not the publication's.
    return Extracted("\n\n".join(blocks), "docx", title, language)


def _text(data: bytes) -> Extracted:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return Extracted(data.decode(encoding), "text")
        except UnicodeDecodeError:
            continue
    raise ExtractError("the text file is neither UTF-8 nor Windows-1252")


def _swap(text: str, pairs: dict[str, str]) -> str:
    for old, new in pairs.items():
        text = text.replace(old, new)
    return text


def _date(value: str) -> str:
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat() if value else ""
    except ValueError:
        return ""

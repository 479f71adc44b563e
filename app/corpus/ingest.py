"""Turn a source text into a corpus document: clean, repair OCR damage, keep raw text and a change log."""
from __future__ import annotations

import logging
from pathlib import Path

from app.corpus.cleaning import CleaningSpec, clean
from app.corpus.document import OPTIONAL, Document, render_document
from app.corpus.extract import ExtractError, extract, kind_of
from app.corpus.ocr_repair import Change, OcrRepairer

log = logging.getLogger(__name__)


def read_source(path: Path) -> str:
    """Main text of a .txt, .md, .html, .pdf or .docx file (app/corpus/extract.py)."""
    path = Path(path)
    try:
        return extract(path.read_bytes(), kind_of(path.name)).text
    except ExtractError as exc:
        raise ValueError(f"{path}: {exc}") from exc


def write_document(doc: Document, raw_body: str, changes: list[Change], corpus_dir: Path) -> Path:
    """Write corpus/<id>.md, the raw body to corpus/_raw/<id>.txt and the change log to corpus/_repairs/."""
    corpus_dir = Path(corpus_dir)
    (corpus_dir / "_raw").mkdir(parents=True, exist_ok=True)
    (corpus_dir / "_repairs").mkdir(parents=True, exist_ok=True)
    out = corpus_dir / f"{doc.id}.md"
    out.write_text(render_document(doc), encoding="utf-8")
    (corpus_dir / "_raw" / f"{doc.id}.txt").write_text(raw_body, encoding="utf-8")
    with (corpus_dir / "_repairs" / f"{doc.id}.tsv").open("w", encoding="utf-8") as f:
        f.write("offset\traw\trepaired\treason\n")
        for c in changes:
            f.write(f"{c.position}\t{c.raw}\t{c.repaired}\t{c.reason}\n")
    log.info("wrote %s (%d OCR repairs)", out, len(changes))
    return out


def build_document(raw_text: str, meta: dict, spec: CleaningSpec | None = None, repair: bool = True,
                   repairer: OcrRepairer | None = None) -> tuple[Document, str, list[Change]]:
    """Clean and (for Swedish) repair one text; returns the document, the unrepaired body and the changes."""
    body_raw = clean(raw_text, spec or CleaningSpec(), title=meta["title"])
    changes: list[Change] = []
    body = body_raw
    if repair and str(meta.get("language", "")).startswith("sv"):
        repairer = repairer or OcrRepairer()
        # The title line is ours to give in correct spelling; repair the rest.
        head, _, rest = body_raw.partition("\n")
        fixed, changes = repairer.repair(rest)
        body = head + "\n" + fixed
    doc = Document(
        id=meta["id"], title=meta["title"], authority=meta["authority"], url=meta.get("url", "") or "",
        language=meta["language"], published=str(meta["published"]), status=meta["status"],
        provenance=meta["provenance"], body=body, precedence=int(meta.get("precedence", 0) or 0),
        **{k: str(meta.get(k) or "") for k in OPTIONAL},
    )
    return doc, body_raw, changes

"""Add a vetted text to a corpus: .txt, .md, .html (main text only), .pdf or .docx plus metadata flags (without the
database; the staff console and `python -m app.cli sources add` make a reviewed draft first).

Usage:
  python scripts/ingest.py FILE --id ID --title TITLE --authority AUTHORITY --published YYYY-MM-DD \\
      (--url URL | --reference REF) [--language sv] [--status current|superseded|context] [--precedence N] \\
      [--provenance TEXT] [--translation-of DOC_ID] [--no-repair] [--corpus corpus]
Writes corpus/ID.md (repaired), corpus/_raw/ID.txt (as extracted) and corpus/_repairs/ID.tsv (what changed).
Then rebuild the index: python scripts/build_index.py
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.corpus.document import STATUSES, is_home_page  # noqa: E402
from app.corpus.ingest import build_document, read_source, write_document  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", type=Path)
    ap.add_argument("--id", required=True, help="lower-case letters, digits and hyphens")
    ap.add_argument("--title", required=True)
    ap.add_argument("--authority", required=True)
    ap.add_argument("--published", required=True, help="YYYY-MM-DD")
    ap.add_argument("--url", default="", help="the document's own address (never a home page)")
    ap.add_argument("--reference", default="", help="where the text comes from without an address: report, "
                                                    "reference number, date")
    ap.add_argument("--language", default="sv")
    ap.add_argument("--status", default="current", choices=STATUSES)
    ap.add_argument("--precedence", type=int, default=50)
    ap.add_argument("--provenance", default="")
    ap.add_argument("--translation-of", default="")
    ap.add_argument("--no-repair", action="store_true", help="skip OCR repair (born-digital text)")
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parent.parent / "corpus")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{2,80}", args.id):
        ap.error("--id must be 3-80 lower-case letters, digits or hyphens")
    try:
        dt.date.fromisoformat(args.published)
    except ValueError:
        ap.error("--published must be a date, YYYY-MM-DD")
    if is_home_page(args.url):
        ap.error("--url is a home page, not the document: give the document's address, or --reference")
    if not args.url and not args.reference:
        ap.error("give --url (the document's own address) or --reference (report, reference number, date)")
    if not args.file.exists():
        ap.error(f"{args.file} does not exist")
    try:
        raw = read_source(args.file)
    except ValueError as exc:
        ap.error(str(exc))
    meta = {
        "id": args.id, "title": args.title, "authority": args.authority, "url": args.url,
        "language": args.language, "published": args.published, "status": args.status,
        "precedence": args.precedence, "translation_of": args.translation_of, "reference": args.reference,
        "provenance": args.provenance or f"Ingested from {args.file.name} on {dt.date.today().isoformat()}",
    }
    doc, raw_body, changes = build_document(raw, meta, repair=not args.no_repair)
    out = write_document(doc, raw_body, changes, args.corpus)
    print(f"{out}: {len(doc.body.split())} words, {len(changes)} OCR repairs; "
          f"now run: python scripts/build_index.py --corpus {args.corpus}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

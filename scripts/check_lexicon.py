"""List the words of the Swedish corpus documents that are neither Swedish (Hunspell) nor on the allowlist,
and tokens with OCR debris (a digit or a symbol inside a word).

Usage: python scripts/check_lexicon.py [--corpus corpus | --dir FOLDER_OF_MD] [--doc ID] [--json]
Exit status 1 when anything is found (the test in tests/integration/test_corpus_clean.py holds it at zero).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.corpus.document import corpus_files, parse_document  # noqa: E402
from app.corpus.lexicon_check import load_allowlist, suspect_tokens, unknown_words  # noqa: E402
from app.corpus.ocr_repair import SwedishLexicon  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="corpus (for the allowlist and documents)")
    ap.add_argument("--dir", type=Path, help="check the *.md in this folder instead (e.g. a --preview folder)")
    ap.add_argument("--doc", action="append", default=[], help="only this document id (repeatable)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    lexicon = SwedishLexicon()
    allow = load_allowlist(args.corpus)
    report = {}
    for path in corpus_files(args.dir or args.corpus):
        doc = parse_document(path.read_text(encoding="utf-8"), str(path))
        if (args.doc and doc.id not in args.doc) or not doc.language.startswith("sv"):
            continue
        unknown = unknown_words(doc.body, lexicon, allow)
        suspects = suspect_tokens(doc.body)
        report[doc.id] = {"unknown": dict(unknown.most_common()), "suspect": sorted(set(suspects))}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for doc_id, r in report.items():
            print(f"{doc_id}: {len(r['unknown'])} unknown words, {len(r['suspect'])} suspect tokens")
            for w, n in r["unknown"].items():
                print(f"  unknown  {w}  ×{n}")
            for t in r["suspect"]:
                print(f"  suspect  {t}")
    return 1 if any(r["unknown"] or r["suspect"] for r in report.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Rebuild the default corpus (corpus/*.md) from the verbatim seed texts in corpus/_raw/ and split.yaml.

After OCR repair, the reviewed proofreading corrections in corpus/_repairs/proofread/<id>.yaml are applied
(app/corpus/proofread.py).

Usage: python scripts/build_default_corpus.py [--corpus corpus] [--only ID] [--preview DIR]
  --preview DIR  write the documents to DIR instead of the corpus (nothing in the corpus changes)
"""
from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.corpus.cleaning import CleaningSpec  # noqa: E402
from app.corpus.document import render_document  # noqa: E402
from app.corpus.ingest import build_document, write_document  # noqa: E402
from app.corpus.ocr_repair import OcrRepairer  # noqa: E402
from app.corpus.proofread import apply_corrections, load_corrections  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parent.parent / "corpus")
    ap.add_argument("--only", action="append", default=[], help="build only this document id (repeatable)")
    ap.add_argument("--preview", type=Path, help="write the documents to this folder instead of the corpus")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    raw_dir = args.corpus / "_raw"
    spec_all = yaml.safe_load((raw_dir / "split.yaml").read_text(encoding="utf-8"))
    common = spec_all.get("common", {})
    repairer = OcrRepairer()
    for d in spec_all["documents"]:
        if args.only and d["id"] not in args.only:
            continue
        lines = (raw_dir / d["source"]).read_text(encoding="utf-8").splitlines()
        first, last = d["lines"]
        text = "\n".join(lines[first - 1:last])
        spec = CleaningSpec.from_dict({
            "replace": d.get("replace", []),
            "drop_lines": common.get("drop_lines", []) + d.get("drop_lines", []),
            "drop_blocks": d.get("drop_blocks", []), "footnote_blocks": d.get("footnote_blocks", []),
        })
        doc, raw_body, changes = build_document(text, d, spec, repairer=repairer)
        corrections = load_corrections(args.corpus, doc.id)
        body, applied = apply_corrections(doc.body, corrections)
        doc = dataclasses.replace(doc, body=body)
        if args.preview:
            args.preview.mkdir(parents=True, exist_ok=True)
            (args.preview / f"{doc.id}.md").write_text(render_document(doc), encoding="utf-8")
        else:
            write_document(doc, raw_body, changes, args.corpus)
        print(f"{doc.id}: {len(doc.body.split())} words, {len(changes)} OCR repairs, {len(applied)} proofreading corrections")


if __name__ == "__main__":
    main()

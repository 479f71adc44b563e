"""Build the Swedish authority-text word counts that OCR repair uses as a domain prior.

Usage: python scripts/build_domain_lexicon.py --swefaq ../shared/data/swefaq/swefaq_dev.jsonl
Writes app/corpus/data/sv_authority_counts.tsv (committed; the product never reads ../shared).
"""
from __future__ import annotations

import argparse
import collections
import json
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "app/corpus/data/sv_authority_counts.tsv"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--swefaq", type=Path, required=True)
    args = ap.parse_args()
    counts: collections.Counter[str] = collections.Counter()
    seen: set[str] = set()
    for line in args.swefaq.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        for text in [item["question"], *item["candidate_answers"]]:
            if text in seen:
                continue
            seen.add(text)
            counts.update(re.findall(r"[^\W\d_]+", text.lower()))
    with OUT.open("w", encoding="utf-8") as f:
        f.write("# Word counts from Swedish public authorities' FAQ answers (SweFAQ dev, Språkbanken Text, "
                "SuperLim 2, CC BY 4.0).\n")
        f.write("# Used by OCR repair as a domain prior for real-word errors (stod/stöd, satt/sätt). "
                "Built by scripts/build_domain_lexicon.py.\n")
        for word, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])):
            f.write(f"{word}\t{n}\n")
    print(f"{len(counts)} words, {sum(counts.values())} tokens -> {OUT}")


if __name__ == "__main__":
    main()

"""Check corpus translations: every number, reference, URL and authority name of the source sentence kept.

Usage: python scripts/check_translations.py FILE.jsonl [FILE.jsonl ...]   (lines with source + translation)
Prints each failing line (sentence id and what is missing) and a count; exit 1 when any fails.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.corpus.invariants import check_translation  # noqa: E402


def main(paths: list[str]) -> int:
    bad = total = 0
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            total += 1
            result = check_translation(row["source"], row.get("translation") or "")
            if not result.ok:
                bad += 1
                print(f"{path}:{n} {row['sentence_id']}: missing {', '.join(result.missing)}")
    print(f"{total - bad}/{total} translations keep every number, reference, URL and name")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

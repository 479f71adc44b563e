"""Carry the question bank over to new passage ids after the corpus text changed (proofreading, a new version).

A passage's id is a hash of its text, so a corrected word gives it a new id and its bank questions would be
orphaned. This maps every old passage (from the index built before the change) to the passage of the same
document in the new corpus whose text is most alike, and rewrites corpus/_questions/*.jsonl. Questions of a
passage with no close counterpart (a passage that really went away) are left as they are and reported: the
index build counts them as orphans and the tests fail on them, so a person decides.

Usage: python scripts/remap_question_bank.py --old-index index/ [--corpus corpus/] [--min-ratio 0.6] [--dry-run]
"""
from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.corpus.document import load_corpus  # noqa: E402
from app.corpus.passages import Passage, split_passages  # noqa: E402
from app.corpus.question_bank import bank_files  # noqa: E402
from app.text import normalise_space  # noqa: E402


def share_held(old: Passage, new: Passage) -> float:
    """How much of the old passage's text the new one holds (a passage merged into a longer one still maps)."""
    a = normalise_space(old.text)
    matcher = difflib.SequenceMatcher(None, a, normalise_space(new.text), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(a), 1)


def counterpart(old: Passage, candidates: list[Passage], margin: float = 0.1) -> tuple[Passage | None, float, float]:
    """(the candidate holding most of the old text, its share, the runner-up's share)."""
    scored = sorted(((share_held(old, p), p) for p in candidates), key=lambda x: -x[0])
    if not scored:
        return None, 0.0, 0.0
    return scored[0][1], scored[0][0], scored[1][0] if len(scored) > 1 else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old-index", type=Path, required=True, help="index folder built from the corpus before the change")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--min-ratio", type=float, default=0.5, help="share of the old text the new passage must hold")
    ap.add_argument("--margin", type=float, default=0.1, help="... and by how much more than any other passage")
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    old = [Passage.from_dict(json.loads(line)) for line in
           (args.old_index / "passages.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    new = [p for d in load_corpus(args.corpus) for p in split_passages(d)]
    new_ids = {p.id for p in new}
    by_doc: dict[str, list[Passage]] = {}
    for p in new:
        by_doc.setdefault(p.document_id, []).append(p)
    mapping, weak = {}, []
    for p in old:
        if p.id in new_ids:
            continue
        target, ratio, runner_up = counterpart(p, by_doc.get(p.document_id, []))
        if target is not None and ratio >= args.min_ratio and ratio - runner_up >= args.margin:
            mapping[p.id] = target.id
        else:
            weak.append((p.id, round(ratio, 2)))
    moved = Counter()
    for path in bank_files(args.corpus):
        lines = path.read_text(encoding="utf-8").splitlines()
        out = []
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            if row["passage_id"] in mapping:
                row["passage_id"] = mapping[row["passage_id"]]
                moved[path.stem] += 1
            out.append(json.dumps(row, ensure_ascii=False))
        if not args.dry_run:
            path.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(mapping)} passages mapped to their new ids; bank lines moved: {sum(moved.values())} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(moved.items()))})")
    for pid, ratio in weak:
        print(f"  no counterpart for {pid} (best ratio {ratio}): its bank questions stay orphaned")
    return 0


if __name__ == "__main__":
    sys.exit(main())

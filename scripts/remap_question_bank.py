"""Carry the question bank over to new passage ids after the corpus text changed (proofreading, a new version).

A passage's id is a hash of its text, so a corrected word gives it a new id and its bank questions would be
orphaned. This maps every old passage (from the index built before the change) to the passage of the same
document in the new corpus whose text is most alike, and rewrites corpus/_questions/*.jsonl. Questions of a
passage with no close counterpart (a passage that really went away) are left as they are and reported: the
index build counts them as orphans and the tests fail on them, so a person decides.

With --by-question (needs a current index, for its sentence and question vectors): when an old passage's text now
stands in several new passages (a re-split), each of its questions goes to the new passage whose shared sentences
answer it best, not all of them to the one passage holding most of the old text — a question about the sender of
information follows that sentence into the passage it now stands in.

Usage: python scripts/remap_question_bank.py --old-index OLD/ [--corpus corpus/] [--min-ratio 0.6] [--by-question]
           [--dry-run]
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


def shared_sentences(old: Passage, new: Passage, min_share: float = 0.8) -> list[int]:
    """Rows (within the new passage) of its sentences whose text stands in the old passage, allowing for the
    proofreading's corrections: most of the sentence in one run of the old text."""
    hay = normalise_space(old.text)
    rows = []
    for j, sentence in enumerate(new.sentences):
        needle = normalise_space(sentence).lstrip("- ")
        if len(needle) < 25:
            continue
        match = difflib.SequenceMatcher(None, needle, hay, autojunk=False).find_longest_match(0, len(needle), 0, len(hay))
        if match.size >= min_share * len(needle):
            rows.append(j)
    return rows


class QuestionPlacer:
    """Places each question of a re-split passage in the new passage whose shared sentences are closest to it."""

    def __init__(self, index_dir: Path, old: list[Passage], new: list[Passage]) -> None:
        import numpy as np

        from app.config import get_settings
        from app.index.embedders import make_embedder

        settings = get_settings()
        self.embedder = make_embedder(settings.embedder, settings.embedder_model)
        vectors = np.load(index_dir / "sentences.npy")
        indexed = [json.loads(line) for line in (index_dir / "passages.jsonl").read_text(encoding="utf-8").splitlines()
                   if line.strip()]
        starts = np.cumsum([0] + [len(p["sentences"]) for p in indexed])
        self.sentence_vectors = {p["id"]: vectors[starts[i]:starts[i + 1]] for i, p in enumerate(indexed)}
        missing = {p.id for p in new} - set(self.sentence_vectors)
        if missing:
            raise SystemExit(f"the index at {index_dir} is not built from this corpus ({len(missing)} passages missing)")
        with np.load(index_dir / "questions.npz") as z:
            self.known = {(str(lang), str(text)): vec for text, lang, vec in zip(z["text"], z["language"], z["vectors"])}
        self.candidates: dict[str, list[tuple[Passage, list[int]]]] = {}
        for o in old:
            cands = [(p, rows) for p in new if p.document_id == o.document_id for rows in [shared_sentences(o, p)] if rows]
            self.candidates[o.id] = cands

    def place(self, old_id: str, question: str, language: str) -> str | None:
        cands = self.candidates.get(old_id, [])
        if len(cands) < 2:
            return cands[0][0].id if cands else None
        vec = self.known.get((language, question))
        if vec is None:
            vec = self.embedder.encode_question(question).dense
        best = max(cands, key=lambda c: float((self.sentence_vectors[c[0].id][c[1]] @ vec).max()))
        return best[0].id


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old-index", type=Path, required=True, help="index folder built from the corpus before the change")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--min-ratio", type=float, default=0.5, help="share of the old text the new passage must hold")
    ap.add_argument("--margin", type=float, default=0.1, help="... and by how much more than any other passage")
    ap.add_argument("--by-question", action="store_true", help="place each question of a re-split passage on its own")
    ap.add_argument("--index", type=Path, default=ROOT / "index", help="current index (with --by-question)")
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
    placer = QuestionPlacer(args.index, old, new) if args.by_question else None
    moved = Counter()
    for path in bank_files(args.corpus):
        lines = path.read_text(encoding="utf-8").splitlines()
        out = []
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            placed = placer.place(row["passage_id"], row["question"], path.stem) if placer else None
            if placed is not None and placed != row["passage_id"]:
                row["passage_id"] = placed
                moved[path.stem] += 1
            elif placed is None and row["passage_id"] in mapping:
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

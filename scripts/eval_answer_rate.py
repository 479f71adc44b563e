"""Does Källa answer when it should and refuse when it should, in every language?

Runs the whole answer pipeline (no machine translation) on the answerable corpus eval questions in 16
languages (tests/data/eval_corpus_multilingual.jsonl) and on off-topic and on-topic-but-unanswerable
questions in the same 16 languages (tests/data/eval_refusal_multilingual.jsonl; its off-topic part is what the
bank threshold was chosen on), plus 20 unseen off-topic questions per language on other everyday topics
(tests/data/offtopic_holdout_multilingual.jsonl, written after every threshold was set), and reports per language:
answerable questions that get a cited answer (status answered, or a handoff that also cites the texts — a
question the guard reads as leading gets neutral information and the handoff), and off-topic and unanswerable
questions that get no citation. Calibrates nothing: the thresholds live in app/pipeline/pipeline.py.

Usage: python scripts/eval_answer_rate.py [--json bench/answer_rate.json]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KALLA_TRANSLATION", "none")

ANSWERABLE = ROOT / "tests/data/eval_corpus_multilingual.jsonl"
REFUSE = ROOT / "tests/data/eval_refusal_multilingual.jsonl"
UNSEEN = ROOT / "tests/data/offtopic_holdout_multilingual.jsonl"
COLUMNS = {"answerable": "answerable → cited answer", "phrase": "answerable → quote holds the answer",
           "off_topic": "off-topic → no citation",
           "off_topic_unseen": "unseen off-topic → no citation", "unanswerable": "unanswerable → no citation"}


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def run(pipeline) -> dict:
    from app.pipeline.answer import Question
    from app.text import fold

    counts: dict[str, Counter] = defaultdict(Counter)
    sets = [("answerable", r) for r in _rows(ANSWERABLE)] + [(r["kind"], r) for r in _rows(REFUSE) + _rows(UNSEEN)]
    for kind, r in sets:
        answer = pipeline.answer(Question(message=r["question"], language=r["language"]))
        counts[r["language"]][kind] += 1
        counts[r["language"]][f"{kind}:answered"] += bool(answer.citations)
        if kind == "answerable":
            phrases = [fold(x) for x in r.get("answer_contains", [])]
            counts[r["language"]]["phrase"] += 1
            counts[r["language"]]["phrase:answered"] += any(ph in fold(c.quote) for c in answer.citations for ph in phrases)
    table = {}
    for lang, c in counts.items():
        table[lang] = {k: c[f"{k}:answered"] / c[k] if k in ("answerable", "phrase") else 1 - c[f"{k}:answered"] / c[k]
                       for k in COLUMNS if c[k]}
        table[lang]["n"] = {k: c[k] for k in COLUMNS}
    return table


def print_table(table: dict) -> None:
    keys = [k for k in COLUMNS if all(k in t for t in table.values())]
    print("| language | " + " | ".join(COLUMNS[k] for k in keys) + " |")
    print("|---|" + "---|" * len(keys))
    for lang, t in table.items():
        print(f"| {lang} | " + " | ".join(f"{t[k]:.0%}" for k in keys) + " |")
    print("| **all** | " + " | ".join(f"{sum(t[k] for t in table.values()) / len(table):.1%}" for k in keys) + " |")
    print("| **lowest** | " + " | ".join(f"{min(t[k] for t in table.values()):.0%}" for k in keys) + " |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    from app.api.state import ServiceState
    from app.config import get_settings

    state = ServiceState(get_settings())
    state.load()
    table = run(state.pipeline)
    print_table(table)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()

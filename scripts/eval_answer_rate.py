"""Does Källa answer when it should and refuse when it should, in every language?

Runs the whole answer pipeline (no machine translation) on the answerable corpus eval questions in 16
languages (tests/data/eval_corpus_multilingual.jsonl) and on off-topic and on-topic-but-unanswerable
questions in the same 16 languages (tests/data/eval_refusal_multilingual.jsonl), and reports per language:
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


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def run(pipeline) -> dict:
    from app.pipeline.answer import Question

    counts: dict[str, Counter] = defaultdict(Counter)
    sets = [("answerable", r) for r in _rows(ANSWERABLE)] + [(r["kind"], r) for r in _rows(REFUSE)]
    for kind, r in sets:
        answer = pipeline.answer(Question(message=r["question"], language=r["language"]))
        counts[r["language"]][kind] += 1
        counts[r["language"]][f"{kind}:answered"] += bool(answer.citations)
    table = {}
    for lang, c in counts.items():
        table[lang] = {"answerable_answered": c["answerable:answered"] / c["answerable"],
                       "off_topic_refused": 1 - c["off_topic:answered"] / c["off_topic"],
                       "unanswerable_refused": 1 - c["unanswerable:answered"] / c["unanswerable"],
                       "n": {k: c[k] for k in ("answerable", "off_topic", "unanswerable")}}
    return table


def print_table(table: dict) -> None:
    print("| language | answerable → cited answer | off-topic → no citation | unanswerable → no citation |")
    print("|---|---|---|---|")
    for lang, t in table.items():
        print(f"| {lang} | {t['answerable_answered']:.0%} | {t['off_topic_refused']:.0%} | {t['unanswerable_refused']:.0%} |")
    mean = lambda key: sum(t[key] for t in table.values()) / len(table)
    print(f"| **all** | {mean('answerable_answered'):.1%} | {mean('off_topic_refused'):.1%} | "
          f"{mean('unanswerable_refused'):.1%} |")
    print(f"| **lowest** | {min(t['answerable_answered'] for t in table.values()):.0%} | "
          f"{min(t['off_topic_refused'] for t in table.values()):.0%} | "
          f"{min(t['unanswerable_refused'] for t in table.values()):.0%} |")


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

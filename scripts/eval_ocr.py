"""Measure OCR repair on the hand-checked sample: share of damaged words repaired, correct words broken.

Usage: python scripts/eval_ocr.py [--sample tests/data/ocr_sample.jsonl] [--json out.json] [--show N]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.corpus.ocr_repair import OcrRepairer  # noqa: E402


def evaluate(sample: Path, repairer: OcrRepairer | None = None) -> dict:
    repairer = repairer or OcrRepairer()
    rows = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines() if line.strip()]
    runs: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        runs[r["passage"]].append(r)
    damaged = repaired = intact = broken = 0
    misses, breaks = [], []
    for run in runs.values():
        raws = [r["raw"] for r in run]
        for i, r in enumerate(run):
            prev = raws[i - 1] if i else ""
            nxt = raws[i + 1] if i + 1 < len(raws) else ""
            out, _ = repairer.repair_token(r["raw"], prev, nxt)
            if r["damaged"]:
                damaged += 1
                if out == r["gold"]:
                    repaired += 1
                else:
                    misses.append((r["raw"], out, r["gold"]))
            else:
                intact += 1
                if out != r["gold"]:
                    broken += 1
                    breaks.append((r["raw"], out, r["gold"]))
    return {
        "tokens": len(rows), "damaged": damaged, "repaired": repaired,
        "repair_rate": round(repaired / damaged, 4) if damaged else 1.0,
        "correct": intact, "broken": broken, "misses": misses, "breaks": breaks,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sample", type=Path, default=Path("tests/data/ocr_sample.jsonl"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show", type=int, default=30)
    args = ap.parse_args()
    repairer = OcrRepairer()
    res = evaluate(args.sample, repairer)
    corrections, repairer.corrections = repairer.corrections, {}
    lexicon_only = evaluate(args.sample, repairer)
    repairer.corrections = corrections
    print("| tokens | damaged | repaired | repair rate | correct words | broken |")
    print("|---|---|---|---|---|---|")
    print(f"| {res['tokens']} | {res['damaged']} | {res['repaired']} | {res['repair_rate']:.1%} | {res['correct']} | {res['broken']} |")
    print(f"\nwithout the hand-checked corrections list (lexicon and rules only): "
          f"{lexicon_only['repair_rate']:.1%} repaired, {lexicon_only['broken']} broken")
    for raw, out, gold in res["misses"][: args.show]:
        print(f"  miss  {raw!r:24} -> {out!r:24} gold {gold!r}")
    for raw, out, gold in res["breaks"][: args.show]:
        print(f"  BREAK {raw!r:24} -> {out!r:24} gold {gold!r}")
    if args.json:
        args.json.write_text(json.dumps({**res, "lexicon_only": {k: lexicon_only[k] for k in (
            "repair_rate", "broken")}}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

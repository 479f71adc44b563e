"""Language identification accuracy on tests/data/langid.jsonl, overall and per language.

Usage: python scripts/eval_langid.py [--data tests/data/langid.jsonl] [--json bench/langid.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.pipeline.detect import detect_language  # noqa: E402


def evaluate(path: Path) -> dict:
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    per: dict[str, Counter] = defaultdict(Counter)
    errors = []
    for r in rows:
        # Dari is chosen by the resident, never detected: a Dari question counts as right when detected as fa.
        want = "fa" if r["language"] == "prs" else r["language"]
        got, how = detect_language(r["text"])
        ok = got == want
        per[r["language"]]["n"] += 1
        per[r["language"]]["ok"] += ok
        if not ok:
            errors.append({"language": r["language"], "text": r["text"], "got": got, "how": how})
    total = sum(c["n"] for c in per.values())
    right = sum(c["ok"] for c in per.values())
    return {"overall": right / total, "n": total,
            "per_language": {k: {"accuracy": v["ok"] / v["n"], "n": v["n"]} for k, v in per.items()},
            "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("tests/data/langid.jsonl"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show", type=int, default=40)
    args = ap.parse_args()
    res = evaluate(args.data)
    print("| language | n | accuracy |\n|---|---|---|")
    for k, v in res["per_language"].items():
        print(f"| {k} | {v['n']} | {v['accuracy']:.1%} |")
    print(f"| **all** | {res['n']} | {res['overall']:.1%} |")
    for e in res["errors"][: args.show]:
        print(f"  {e['language']} -> {e['got']} ({e['how']}): {e['text']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

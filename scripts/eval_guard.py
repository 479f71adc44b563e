"""How the guard sorts messages it has never seen: accuracy per label and language, and the confusions
that matter most (crisis missed, personal answered as general, general wrongly handed off).

Usage: python scripts/eval_guard.py [--data tests/data/guard_eval.jsonl] [--json bench/guard.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import get_settings  # noqa: E402
from app.guard.classifier import GuardClassifier  # noqa: E402
from app.index.embedders import make_embedder  # noqa: E402

LABEL_OF = {"": "general", "crisis": "crisis", "personal": "personal", "leading": "leading", "abuse": "abuse",
            "out_of_scope": "out_of_scope"}


def evaluate(path: Path, classifier: GuardClassifier, embedder) -> dict:
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    vecs = embedder.encode([r["text"] for r in rows], kind="query")
    confusion: Counter = Counter()
    per_lang: dict[str, Counter] = defaultdict(Counter)
    errors = []
    for r, v in zip(rows, vecs):
        got = LABEL_OF[classifier.classify(r["text"], v).category]
        confusion[(r["label"], got)] += 1
        per_lang[r["language"]]["n"] += 1
        per_lang[r["language"]]["ok"] += got == r["label"]
        if got != r["label"]:
            errors.append({**r, "got": got})
    labels = sorted({r["label"] for r in rows})
    recall = {lab: confusion[(lab, lab)] / max(1, sum(confusion[(lab, g)] for g in LABEL_OF.values())) for lab in labels}
    return {"n": len(rows), "accuracy": sum(confusion[(lab, lab)] for lab in labels) / len(rows), "recall": recall,
            "crisis_missed": sum(v for (t, g), v in confusion.items() if t == "crisis" and g != "crisis"),
            "general_handed_off": sum(v for (t, g), v in confusion.items() if t == "general" and g != "general"),
            "per_language": {k: v["ok"] / v["n"] for k, v in per_lang.items()},
            "confusion": {f"{t}->{g}": v for (t, g), v in confusion.items()}, "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("tests/data/guard_eval.jsonl"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show", type=int, default=30)
    args = ap.parse_args()
    s = get_settings()
    emb = make_embedder(s.embedder, s.embedder_model)
    res = evaluate(args.data, GuardClassifier(emb, cache_dir=s.cache_dir), emb)
    print(f"guard on {res['n']} messages of {args.data.name}: accuracy {res['accuracy']:.1%}; crisis missed {res['crisis_missed']}; "
          f"general wrongly diverted {res['general_handed_off']}\n")
    print("| label | recall |\n|---|---|")
    for lab, r in res["recall"].items():
        print(f"| {lab} | {r:.1%} |")
    print("\n| language | accuracy |\n|---|---|")
    for lang, a in res["per_language"].items():
        print(f"| {lang} | {a:.0%} |")
    for e in res["errors"][: args.show]:
        print(f"  {e['language']} {e['label']} -> {e['got']}: {e['text']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

"""How the guard sorts messages it has never seen: accuracy per label and language, and the confusions
that matter most (crisis missed, personal answered as general, general wrongly handed off, false crisis).

The guard is run as the service runs it: the message cleaned, its language given, encoded once, the resident
topics and the question bank read (its in-scope counterweight), then the guard step. For a parallel set (the
same item id in every language, tests/data/guard_parallel_holdout.jsonl) it also reports how many items get the
same verdict in every language.

Usage: python scripts/eval_guard.py [--data tests/data/guard_eval.jsonl] [--json bench/guard.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.api.state import ServiceState  # noqa: E402
from app.config import get_settings  # noqa: E402
from app.pipeline import clean, detect, encode, guard, screen, understand  # noqa: E402
from app.pipeline.answer import Question  # noqa: E402
from app.pipeline.context import Context  # noqa: E402

LABEL_OF = {"": "general", "crisis": "crisis", "personal": "personal", "leading": "leading", "abuse": "abuse",
            "out_of_scope": "out_of_scope"}


def verdict(pipeline, text: str, language: str) -> tuple[str, bool]:
    """The guard's category for a message, through the steps that run before it in the service, and whether the
    help lines go before the answer (near a crisis, not sure)."""
    ctx = Context(question=Question(message=text, language=language), resources=pipeline.resources())
    for step in (clean.run, detect.run, screen.run, encode.run, understand.run, guard.run):
        if ctx.finished:
            break
        step(ctx)
    category = ctx.guard_reason.split(":", 1)[0] if ctx.guard_reason else ""
    got = "general" if category in ("empty", "unreadable") else LABEL_OF.get(category, "general")
    return got, ctx.support_lines and got != "crisis"


def evaluate(path: Path, pipeline) -> dict:
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    confusion: Counter = Counter()
    per_lang: dict[str, Counter] = defaultdict(Counter)
    by_item: dict[str, set] = defaultdict(set)
    errors = []
    support: Counter = Counter()
    for r in rows:
        got, lines = verdict(pipeline, r["text"], r["language"])
        support[r["label"] == "crisis"] += lines
        confusion[(r["label"], got)] += 1
        per_lang[r["language"]]["n"] += 1
        per_lang[r["language"]]["ok"] += got == r["label"]
        if "id" in r:
            by_item[r["id"]].add(got)
        if got != r["label"]:
            errors.append({**r, "got": got})
    labels = sorted({r["label"] for r in rows})
    general = sum(v for (t, _), v in confusion.items() if t == "general")
    recall = {lab: confusion[(lab, lab)] / max(1, sum(confusion[(lab, g)] for g in LABEL_OF.values())) for lab in labels}
    handed = sum(v for (t, g), v in confusion.items() if t == "general" and g in ("personal", "leading"))
    return {"n": len(rows), "accuracy": sum(confusion[(lab, lab)] for lab in labels) / len(rows), "recall": recall,
            "crisis_missed": sum(v for (t, g), v in confusion.items() if t == "crisis" and g != "crisis"),
            "false_crisis": sum(v for (t, g), v in confusion.items() if t != "crisis" and g == "crisis"),
            # Near a crisis but not sure: the answer with the help lines first. A crisis shown them is not missed help;
            # a general question shown them still gets its answer.
            "crisis_help_lines_only": support[True], "general_with_help_lines": support[False],
            "general_handed_off": handed, "general_handed_off_share": handed / general if general else None,
            "general_diverted": sum(v for (t, g), v in confusion.items() if t == "general" and g != "general"),
            "same_in_every_language": (sum(len(v) == 1 for v in by_item.values()) / len(by_item)) if by_item else None,
            "per_language": {k: v["ok"] / v["n"] for k, v in per_lang.items()},
            "confusion": {f"{t}->{g}": v for (t, g), v in confusion.items()}, "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("tests/data/guard_eval.jsonl"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show", type=int, default=30)
    args = ap.parse_args()
    state = ServiceState(get_settings())
    state.load()
    res = evaluate(args.data, state.pipeline)
    share = res["general_handed_off_share"]
    same = res["same_in_every_language"]
    print(f"guard on {res['n']} messages of {args.data.name}: accuracy {res['accuracy']:.1%}; crisis missed "
          f"{res['crisis_missed']} (of which shown the help lines before an answer: {res['crisis_help_lines_only']}); "
          f"false crisis {res['false_crisis']} (other messages answered with the help lines first: "
          f"{res['general_with_help_lines']}); general questions handed off "
          f"{res['general_handed_off']}" + (f" ({share:.1%})" if share is not None else "") +
          f"; general diverted in any way {res['general_diverted']}" +
          (f"; same verdict in every language for {same:.0%} of items" if same is not None else "") + "\n")
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

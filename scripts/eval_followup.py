"""Conversations: is a follow-up answered as the full question would be, and is a new question left alone?

Each item of tests/data/followup_{tuning,holdout}.jsonl is a pair in one of 16 languages: a first question, then
a second message, and what that message means in full.
- follow_up: the second leans on the first ("och barnen?"). Right when, asked after the first (with the history
  the widget sends), it gets the same decision (status) and the same top passage as the full question asked alone.
- switch: the second is a question of its own. Right when it gets the same decision and top passage as when
  asked alone (not dragged back to the first topic).
The first question is answered first, and its answer's topic and follow-up flag go into the history, as in the
widget. Also reported: the same pairs without history (what every message standing alone gave), and the
questions the widget offers to start from and after answers (app/topics/suggest.py): each, asked through the
service (guard included), must get a cited answer on its topic.

Usage: python scripts/eval_followup.py [--set tuning|holdout|both] [--json FILE] [--errors N]
Calibrates nothing: the follow-up rule lives in app/pipeline/understand.py.
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

SETS = {"tuning": ROOT / "tests/data/followup_tuning.jsonl", "holdout": ROOT / "tests/data/followup_holdout.jsonl"}
GOALS = {"follow_up": 0.85, "switch": 0.95, "suggestions": 1.0}


def load(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def outcome(answer) -> tuple[str, str]:
    """What the resident gets, for comparing two answers: the decision and the passage quoted first."""
    return answer.status.value, answer.citations[0].passage_id if answer.citations else ""


def run(pipeline, items: list[dict], with_history: bool = True) -> dict:
    from app.pipeline.answer import Question, Turn

    per_lang: dict[str, Counter] = defaultdict(Counter)
    errors = []
    for item in items:
        lang = item["language"]
        history = ()
        if with_history:
            first = pipeline.answer(Question(message=item["first"], language=lang))
            history = (Turn(item["first"], first.topic, first.follow_up),)
        got = pipeline.answer(Question(message=item["follow_up"], language=lang, history=history))
        target = item["full"] if item["kind"] == "follow_up" else item["follow_up"]
        want = pipeline.answer(Question(message=target, language=lang))
        ok = outcome(got) == outcome(want)
        c = per_lang[lang]
        c[item["kind"]] += 1
        c[f"{item['kind']}:ok"] += ok
        c[f"{item['kind']}:read_as_follow_up"] += got.follow_up
        if not ok:
            errors.append({"id": item["id"], "kind": item["kind"], "first": item["first"], "second": item["follow_up"],
                           "got": [*outcome(got), got.topic, got.follow_up], "want": [*outcome(want), want.topic]})
    total = Counter()
    for c in per_lang.values():
        total.update(c)
    share = {k: total[f"{k}:ok"] / total[k] for k in ("follow_up", "switch") if total[k]}
    read = {k: total[f"{k}:read_as_follow_up"] / total[k] for k in ("follow_up", "switch") if total[k]}
    table = {lang: {k: c[f"{k}:ok"] / c[k] for k in ("follow_up", "switch") if c[k]} for lang, c in sorted(per_lang.items())}
    return {"overall": share, "read_as_follow_up": read, "n": dict(total), "per_language": table, "errors": errors}


def suggestions(pipeline) -> dict:
    """Every question the widget may suggest, in every language, asked: answered from the texts or from data."""
    from app.pipeline.answer import Question
    from app.topics.suggest import all_suggestions

    bundle = pipeline.bundle
    served = bundle.suggestions.verified      # what the widget may offer: verified when the index was built
    failures, n = [], 0
    asked = sum(1 for _ in all_suggestions(bundle.catalogue, bundle.coverage))
    for lang, topic, question in all_suggestions(bundle.catalogue, bundle.coverage):
        if topic not in served.get(lang, ()):
            continue
        n += 1
        answer = pipeline.answer(Question(message=question, language=lang))
        if not (answer.status.value in ("answered", "handoff") and answer.citations) or answer.topic != topic:
            failures.append({"language": lang, "topic": topic, "question": question, "status": answer.status.value,
                             "got_topic": answer.topic})
    return {"n": n, "candidates": asked, "answerable": (n - len(failures)) / n if n else None, "failures": failures}


def print_report(name: str, res: dict, alone: dict | None) -> None:
    o, n = res["overall"], res["n"]
    print(f"\n### {name}: {n.get('follow_up', 0)} follow-ups, {n.get('switch', 0)} topic switches\n")
    print("| language | follow-up answered as the full question | switch not dragged back |\n|---|---|---|")
    for lang, t in res["per_language"].items():
        print(f"| {lang} | {t.get('follow_up', 0):.0%} | {t.get('switch', 0):.0%} |")
    print(f"| **all** | **{o.get('follow_up', 0):.1%}** | **{o.get('switch', 0):.1%}** |")
    r = res["read_as_follow_up"]
    print(f"\nread as a follow-up: {r.get('follow_up', 0):.1%} of follow-ups, {r.get('switch', 0):.1%} of switches. "
          f"Goals: follow-ups ≥ {GOALS['follow_up']:.0%}, switches ≥ {GOALS['switch']:.0%}.")
    if alone:
        print(f"Without history (each message alone): follow-ups {alone['overall'].get('follow_up', 0):.1%}, "
              f"switches {alone['overall'].get('switch', 0):.1%}.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=("tuning", "holdout", "both"), default="both")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--errors", type=int, default=0, help="print this many wrong answers per set")
    ap.add_argument("--no-baseline", action="store_true", help="skip the run without history")
    ap.add_argument("--no-suggestions", action="store_true")
    args = ap.parse_args()
    from app.api.state import ServiceState
    from app.config import get_settings

    state = ServiceState(get_settings())
    state.load()
    results = {}
    for name in (("tuning", "holdout") if args.set == "both" else (args.set,)):
        items = load(SETS[name])
        res = run(state.pipeline, items)
        alone = None if args.no_baseline else run(state.pipeline, items, with_history=False)
        results[name] = {**res, "without_history": alone and alone["overall"]}
        print_report(f"{name} set ({'tuned on' if name == 'tuning' else 'held out, never tuned on'})", res, alone)
        for e in res["errors"][:args.errors]:
            print(f"  ✗ {e['id']} [{e['kind']}] {e['first']} → {e['second']} | got {e['got']} want {e['want']}")
    if not args.no_suggestions:
        sug = suggestions(state.pipeline)
        results["suggestions"] = sug
        print(f"\n### suggested questions: {sug['n']} offered in all languages ({sug['candidates']} written for covered "
              f"topics; the rest did not get a cited answer at index build and are never offered); asked through the "
              f"service, answered with a citation on the suggested topic: {sug['answerable']:.1%} "
              f"(goal {GOALS['suggestions']:.0%})")
        for f in sug["failures"]:
            print(f"  ✗ [{f['language']} {f['topic']} → {f['got_topic'] or '-'} {f['status']}] {f['question']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

"""Do residents read the answer in their own language? Cited answers, asked through the whole pipeline, per language.

Questions: the resident question sets (tests/data/resident_questions_{tuning,holdout}.jsonl, items with
expect=answerable) and the multilingual corpus questions (tests/data/eval_corpus_multilingual.jsonl), each in its
own language, asked as scripts/eval_resident.py asks them, with KALLA_TRANSLATION=none so that no machine backend
translates: only the corpus's own translations (corpus/_translations, and authorities' own translated documents)
can serve a quote in the resident's language.

Per language (the 15 non-Swedish ones), over the answers that cite something:
- in language: share of cited answers whose EVERY quote is served in the resident's language (a citation already
               in that language counts, e.g. an authority's own page) and whose answer text is in it (answer_language)
               — goal ≥ 0.95 in every language;
- invariants:  share of the served corpus translations that keep every number, reference, URL and authority name
               of their Swedish quote (app/corpus/invariants.py) — must be 100 %;
- reviewed:    share of the served translations a person has reviewed (or that are the authority's own);
- corpus:      the language's coverage of the corpus's quotable sentences (translated / reviewed / stale / failing),
               as the index build reports it.

Usage: python scripts/eval_translation.py [--set resident|corpus|both] [--json FILE] [--errors N]
Exit status 1 when a language misses the goal or a served translation fails the invariant check.
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
os.environ["KALLA_TRANSLATION"] = "none"     # only the corpus's own translations may serve a quote

DATA = ROOT / "tests" / "data"
RESIDENT = (DATA / "resident_questions_tuning.jsonl", DATA / "resident_questions_holdout.jsonl")
CORPUS = DATA / "eval_corpus_multilingual.jsonl"
GOAL_IN_LANGUAGE = 0.95
GOAL_INVARIANTS = 1.0
CORPUS_STATUSES = ("unreviewed", "reviewed", "authority")   # served from the corpus (not a machine)


def load(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def questions(which: str) -> list[dict]:
    """Every question to ask, in a language other than Swedish: {id, language, question, set}."""
    out = []
    if which in ("resident", "both"):
        for path in RESIDENT:
            out += [{"id": i["id"], "language": i["language"], "question": i["question"], "set": "resident"}
                    for i in load(path) if i.get("expect") == "answerable" and i["language"] != "sv"]
    if which in ("corpus", "both"):
        out += [{"id": i["id"], "language": i["language"], "question": i["question"], "set": "corpus"}
                for i in load(CORPUS) if i["language"] != "sv"]
    return out


def judge(answer, lang: str) -> dict:
    """What one answer shows the resident: every quote in their language? the served translations' checks."""
    from app.corpus.invariants import check_translation

    in_lang = answer.answer_language == lang       # the answer text itself reads in the resident's language
    served = checked_ok = reviewed = 0
    missing = []
    for c in answer.citations:
        if c.language == lang:
            continue
        if c.translation_language != lang or not c.translation:
            in_lang = False
            continue
        if c.translation_status in CORPUS_STATUSES:
            served += 1
            check = check_translation(c.quote, c.translation)
            checked_ok += check.ok
            reviewed += c.translation_status in ("reviewed", "authority")
            if not check.ok:
                missing.append({"passage_id": c.passage_id, "missing": list(check.missing)})
    return {"in_language": in_lang, "served": served, "invariants_ok": checked_ok, "reviewed": reviewed,
            "failing": missing}


def run(pipeline, items: list[dict]) -> dict:
    from app.pipeline.answer import Question

    per: dict[str, Counter] = defaultdict(Counter)
    errors = []
    for item in items:
        lang = item["language"]
        answer = pipeline.answer(Question(message=item["question"], language=lang))
        c = per[lang]
        c["asked"] += 1
        if not answer.citations:
            continue
        j = judge(answer, lang)
        c["cited"] += 1
        c["in_language"] += j["in_language"]
        c["served"] += j["served"]
        c["invariants_ok"] += j["invariants_ok"]
        c["reviewed"] += j["reviewed"]
        if not j["in_language"] or j["failing"]:
            untranslated = [x.passage_id for x in answer.citations
                            if x.language != lang and x.translation_language != lang]
            errors.append({"id": item["id"], "language": lang, "question": item["question"],
                           "status": answer.status.value, "untranslated": untranslated, "failing": j["failing"],
                           "notices": answer.notices})
    table = {}
    for lang, c in sorted(per.items()):
        table[lang] = {"asked": c["asked"], "cited": c["cited"],
                       "in_language": c["in_language"] / c["cited"] if c["cited"] else None,
                       "served_translations": c["served"],
                       "invariants": c["invariants_ok"] / c["served"] if c["served"] else None,
                       "reviewed": c["reviewed"] / c["served"] if c["served"] else None}
    return {"per_language": table, "errors": errors}


def coverage(bundle) -> dict:
    """The corpus's quotable sentences per language: translated (served), reviewed, stale, failing."""
    from app.corpus.sentences import quotable, sentence_units

    if bundle.translations is None:
        return {}
    reports = bundle.translations.report(sentence_units(bundle.passages), quotable)
    return {lang: {"units": r.units, "translated": r.translated, "reviewed": r.reviewed, "stale": r.stale,
                   "failing": r.failing} for lang, r in reports.items()}


def _pct(x) -> str:
    return "–" if x is None else f"{x:.1%}"


def print_report(res: dict, cov: dict) -> bool:
    """The table; True when every language meets the goals."""
    print("\n| language | asked | cited | every quote in language | served translations | invariant check passed | "
          "reviewed | corpus translated / reviewed / stale / failing |")
    print("|---|---|---|---|---|---|---|---|")
    ok = True
    for lang, t in res["per_language"].items():
        k = cov.get(lang, {})
        good = (t["in_language"] is not None and t["in_language"] >= GOAL_IN_LANGUAGE
                and (t["invariants"] is None or t["invariants"] >= GOAL_INVARIANTS))
        ok &= good
        corpus = (f"{k['translated']}/{k['units']} · {k['reviewed']} · {k['stale']} · {k['failing']}" if k else "–")
        print(f"| {lang} | {t['asked']} | {t['cited']} | {_pct(t['in_language'])}{'' if good else ' ✗'} | "
              f"{t['served_translations']} | {_pct(t['invariants'])} | {_pct(t['reviewed'])} | {corpus} |")
    cited = sum(t["cited"] for t in res["per_language"].values())
    in_lang = sum(round(t["in_language"] * t["cited"]) for t in res["per_language"].values() if t["cited"])
    served = sum(t["served_translations"] for t in res["per_language"].values())
    lowest = min((t["in_language"] for t in res["per_language"].values() if t["in_language"] is not None), default=0)
    print(f"\nall languages: {in_lang}/{cited} cited answers read wholly in the resident's language "
          f"({in_lang / cited if cited else 0:.1%}, lowest {lowest:.1%}); {served} translations served. "
          f"Goals: ≥ {GOAL_IN_LANGUAGE:.0%} in every language, invariant check {GOAL_INVARIANTS:.0%}.")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=("resident", "corpus", "both"), default="both",
                    help="resident: answerable resident questions; corpus: eval_corpus_multilingual; both (default)")
    ap.add_argument("--json", type=Path, help="write the figures (and the misses) here")
    ap.add_argument("--errors", type=int, default=0, help="print this many misses")
    args = ap.parse_args()
    from app.api.state import ServiceState
    from app.config import get_settings

    settings = get_settings()
    state = ServiceState(settings)
    state.load()
    pipeline = state.pipeline
    if pipeline.translator is not None:      # never: KALLA_TRANSLATION=none above
        raise SystemExit("a machine translation backend is configured; this evaluation measures the corpus's own")
    items = questions(args.set)
    print(f"{len(items)} questions in {len({i['language'] for i in items})} languages "
          f"(set: {args.set}; KALLA_TRANSLATION=none, corpus translations "
          f"{'on' if settings.corpus_translations else 'OFF'})")
    res = run(pipeline, items)
    cov = coverage(pipeline.bundle)
    ok = print_report(res, cov)
    for e in res["errors"][:args.errors]:
        print(f"  ✗ {e['id']} [{e['language']} {e['status']}] {e['question']} | untranslated: "
              f"{', '.join(e['untranslated']) or '-'} | failing: {e['failing'] or '-'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"set": args.set, "goals": {"in_language": GOAL_IN_LANGUAGE,
                                                                     "invariants": GOAL_INVARIANTS},
                                         **res, "corpus": cov}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

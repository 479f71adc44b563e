"""Cross-lingual retrieval per language: recall@3 of the corpus eval questions in all 16 languages,
without and with the gain measures (the glossary's lexical expansion; then the question bank,
corpus/_questions), plus language ID accuracy; then, per language, how often the whole pipeline gives a
cited answer to answerable questions and none to off-topic or unanswerable ones (scripts/eval_answer_rate.py).

Usage: python scripts/eval_multilingual.py [--data tests/data/eval_corpus_multilingual.jsonl]
           [--xquad ../shared/data/xquad] [--json bench/multilingual.json]
With --xquad it also prints the XQuAD table (scripts/eval_xquad.py), so one run gives all three tables.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import get_settings  # noqa: E402
from app.i18n.languages import LANGUAGES  # noqa: E402
from dataclasses import replace  # noqa: E402

from app.index.embedders import make_embedder  # noqa: E402
from app.index.bundle import IndexBundle  # noqa: E402
from app.pipeline.glossary import load_glossary  # noqa: E402
from app.pipeline.retrieve import DEFAULT_FUSION, hybrid_search  # noqa: E402

NO_BANK = replace(DEFAULT_FUSION, question=0.0, question_lexical=0.0)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_corpus import load, relevant_passages  # noqa: E402
from eval_langid import evaluate as langid_evaluate  # noqa: E402
from eval_answer_rate import print_table, run as run_answer_rate  # noqa: E402  (sets KALLA_TRANSLATION=none)

from app.api.state import ServiceState  # noqa: E402


def recall_by_language(bundle, embedder, items, glossary=None, k=3, fusion=DEFAULT_FUSION, encoded=None) -> dict[str, float]:
    hits: dict[str, list[int]] = defaultdict(list)
    encoded = encoded or [embedder.encode_question(i["question"], bundle.sparse_latents) for i in items]
    rel_cache: dict[str, set[str]] = {}
    for item, vectors in zip(items, encoded):
        rel = rel_cache.setdefault(item["id"], relevant_passages(bundle, item))
        lexical = item["question"]
        if glossary is not None and item["language"] not in bundle.languages:
            lexical = f"{lexical} {glossary.expand(item['question'])}"
        cands = hybrid_search(bundle, item["question"], vectors, k, lexical_query=lexical, fusion=fusion)
        hits[item["language"]].append(int(any(c.passage.id in rel for c in cands)))
    return {lang: sum(h) / len(h) for lang, h in hits.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("tests/data/eval_corpus_multilingual.jsonl"))
    ap.add_argument("--langid", type=Path, default=Path("tests/data/langid.jsonl"))
    ap.add_argument("--langid-holdout", type=Path, default=Path("tests/data/langid_holdout.jsonl"))
    ap.add_argument("--xquad", type=Path, help="folder with xquad.ar.json and xquad.en.json")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    s = get_settings()
    embedder = make_embedder(s.embedder, s.embedder_model)
    bundle = IndexBundle.load(s.index_dir, s.corpus_dir, embedder.id)
    items = [i for i in load(args.data) if relevant_passages(bundle, i)]
    encoded = [embedder.encode_question(i["question"], bundle.sparse_latents) for i in items]
    plain = recall_by_language(bundle, embedder, items, fusion=NO_BANK, encoded=encoded)
    expanded = recall_by_language(bundle, embedder, items, load_glossary(), fusion=NO_BANK, encoded=encoded)
    banked = recall_by_language(bundle, embedder, items, load_glossary(), encoded=encoded)
    lid = langid_evaluate(args.langid)
    hold = langid_evaluate(args.langid_holdout) if args.langid_holdout.exists() else None
    print(f"Cross-lingual retrieval, {len(items) // 16} questions × 16 languages, embedder {embedder.id}\n")
    print(f"question bank: {bundle.manifest.questions} questions (corpus/_questions)\n")
    print("| language | endonym | langid (tuning set) | langid (held out) | recall@3 | + glossary | + question bank | gain |")
    print("|---|---|---|---|---|---|---|---|")
    for code, lang in LANGUAGES.items():
        if code not in plain:
            continue
        li = lid["per_language"].get(code, {}).get("accuracy")
        ho = hold["per_language"].get(code, {}).get("accuracy") if hold else None
        fmt = lambda x: f"{x:.0%}" if x is not None else "–"
        print(f"| {code} | {lang.endonym} | {fmt(li)} | {fmt(ho)} | {plain[code]:.3f} | {expanded[code]:.3f} | "
              f"{banked[code]:.3f} | {banked[code] - plain[code]:+.3f} |")
    mean = lambda d: sum(d.values()) / len(d)
    print(f"| **all** | | {lid['overall']:.1%} | {fmt(hold['overall']) if hold else '–'} | {mean(plain):.3f} | "
          f"{mean(expanded):.3f} | {mean(banked):.3f} | {mean(banked) - mean(plain):+.3f} |")
    print(f"| **lowest** | | | | {min(plain.values()):.3f} | {min(expanded.values()):.3f} | {min(banked.values()):.3f} | |")
    print("\nAnswer decisions, whole pipeline, no machine translation:\n")
    state = ServiceState(s)
    state.load()
    answer_rate = run_answer_rate(state.pipeline)
    print_table(answer_rate)
    xquad = None
    if args.xquad:
        from eval_xquad import run as run_xquad

        print()
        xquad = run_xquad(args.xquad, embedder)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"recall@3": plain, "recall@3_glossary": expanded, "recall@3_glossary_bank": banked, "langid": lid,
                                         "langid_holdout": hold, "answer_rate": answer_rate,
                                         "xquad": xquad}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

"""Retrieval quality on the corpus eval set, and calibration of the no-answer threshold.

Usage: python scripts/eval_corpus.py [--data tests/data/eval_corpus.jsonl]
           [--unanswerable tests/data/eval_corpus_unanswerable.jsonl] [--json bench/eval_corpus.json]
Prints recall@1/@3, MRR and the answered/no-answer split at the pipeline's threshold.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.corpus.sentences import is_footnote  # noqa: E402
from app.config import get_settings  # noqa: E402
from app.index.embedders import make_embedder  # noqa: E402
from app.index.bundle import IndexBundle  # noqa: E402
from app.pipeline.glossary import load_glossary  # noqa: E402
from app.pipeline.threshold import default_threshold  # noqa: E402
from app.pipeline.retrieve import hybrid_search, question_bank_scores  # noqa: E402
from app.text import fold, normalise_space  # noqa: E402


def _norm(s: str) -> str:
    return " ".join(fold(normalise_space(s)).replace("-", " ").split())


def _terms(s: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in _norm(s)).split()


def relevant_passages(bundle: IndexBundle, item: dict) -> set[str]:
    """Passages of the item's document holding one of its answer phrases. Folded, and tolerant of one
    residual OCR error: at least 80 % of the phrase's words must stand in the passage. Never a footnote: footnotes
    are never quoted, so a question only a footnote answers is not answerable and leaves the set."""
    out = set()
    for phrase in item["answer_contains"]:
        needle = _terms(phrase)
        for p in bundle.passages:
            if p.document_id != item["document_id"] or is_footnote(p):
                continue
            hay = " ".join(_terms(p.text))
            if " ".join(needle) in hay:
                out.add(p.id)
                continue
            words = set(hay.split())
            if sum(w in words for w in needle) >= max(3, 0.8 * len(needle)):
                out.add(p.id)
    return out


def _passes(bundle: IndexBundle, embedder, threshold, question: str) -> bool:
    """The answer decision as the pipeline makes it, retrieval and compose alone (no guard)."""
    vectors = embedder.encode_question(question, bundle.sparse_latents)
    bank, bank_best = question_bank_scores(bundle, vectors.dense)
    cands = hybrid_search(bundle, question, vectors, 10, bank=bank)
    return threshold.passes(cands, bank_best)


def load(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def evaluate(bundle: IndexBundle, embedder, items: list[dict], k: int = 10, question_key: str = "question",
             glossary=None) -> dict:
    """Retrieval as the pipeline does it (hybrid search, glossary expansion of the lexical query). A question no
    quotable passage answers (only a footnote holds its phrase) is left out of the figures; main() names it."""
    glossary = glossary if glossary is not None else load_glossary()
    hits1 = hits3 = 0
    rr = 0.0
    rows = []
    resolved = [(item, rel) for item in items if (rel := relevant_passages(bundle, item))]
    for item, rel in resolved:
        q = item[question_key]
        extra = glossary.expand(q) if item.get("language") not in bundle.languages else ""
        cands = hybrid_search(bundle, q, embedder.encode_question(q, bundle.sparse_latents), k,
                              lexical_query=f"{q} {extra}")
        ids = [c.passage.id for c in cands]
        rank = next((i + 1 for i, pid in enumerate(ids) if pid in rel), None)
        hits1 += rank == 1
        hits3 += rank is not None and rank <= 3
        rr += 1 / rank if rank else 0.0
        conf = max((c.best_cosine for c in cands[:3]), default=0.0)
        rows.append({"id": item["id"], "rank": rank, "confidence": conf, "relevant": sorted(rel)})
    n = len(resolved)
    return {"n": n, "recall@1": hits1 / n, "recall@3": hits3 / n, "mrr": rr / n, "rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("tests/data/eval_corpus.jsonl"))
    ap.add_argument("--unanswerable", type=Path, default=Path("tests/data/eval_corpus_unanswerable.jsonl"))
    ap.add_argument("--offtopic", type=Path, default=Path("tests/data/calibration_offtopic.jsonl"))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    s = get_settings()
    embedder = make_embedder(s.embedder, s.embedder_model)
    bundle = IndexBundle.load(s.index_dir, s.corpus_dir, embedder.id)
    items = load(args.data)
    unmatched = [i["id"] for i in items if not relevant_passages(bundle, i)]
    res = evaluate(bundle, embedder, items)
    print("| set | n | recall@1 | recall@3 | MRR |\n|---|---|---|---|---|")
    print(f"| corpus eval (sv+en) | {res['n']} | {res['recall@1']:.3f} | {res['recall@3']:.3f} | {res['mrr']:.3f} |")
    for lang in ("sv", "en"):
        sub = [i for i in items if i["language"] == lang]
        r = evaluate(bundle, embedder, sub)
        print(f"| {lang} | {r['n']} | {r['recall@1']:.3f} | {r['recall@3']:.3f} | {r['mrr']:.3f} |")
    if unmatched:
        print(f"left out, no quotable passage holds the answer phrase (a footnote may): {unmatched}")
    misses = [r for r in res["rows"] if not r["rank"] or r["rank"] > 3]
    for r in misses:
        q = next(i for i in items if i["id"] == r["id"])
        print(f"  miss {r['id']} rank={r['rank']}: {q['question']}")
    threshold = default_threshold(bundle.manifest.embedder_id, s.min_confidence or None)
    passed = {}
    for name, path in (("answerable", args.data), ("unanswerable", args.unanswerable), ("off-topic", args.offtopic)):
        if path.exists():
            qs = [i["question"] for i in load(path)]
            passed[name] = (sum(_passes(bundle, embedder, threshold, q) for q in qs), len(qs))
    print(f"\nthreshold {threshold}:")
    print("| set | answered | no_answer |\n|---|---|---|")
    for name, (a, n) in passed.items():
        print(f"| {name} | {a}/{n} | {n - a}/{n} |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({**res, "threshold": threshold.__dict__, "answered": passed}, indent=2))


if __name__ == "__main__":
    main()

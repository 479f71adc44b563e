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

from app.config import get_settings  # noqa: E402
from app.index.embedders import make_embedder  # noqa: E402
from app.index.store import IndexBundle  # noqa: E402
from app.pipeline.pipeline import default_threshold  # noqa: E402
from app.pipeline.retrieve import hybrid_search  # noqa: E402
from app.text import fold, normalise_space  # noqa: E402


def _norm(s: str) -> str:
    return " ".join(fold(normalise_space(s)).replace("-", " ").split())


def relevant_passages(bundle: IndexBundle, item: dict) -> set[str]:
    """Passages of the item's document that contain one of its answer phrases (accent- and case-folded)."""
    out = set()
    for phrase in item["answer_contains"]:
        needle = "".join(ch for ch in _norm(phrase) if ch.isalnum() or ch == " ")
        for p in bundle.passages:
            if p["document_id"] != item["document_id"]:
                continue
            hay = "".join(ch for ch in _norm(p["text"]) if ch.isalnum() or ch == " ")
            if needle in hay:
                out.add(p["id"])
    return out


def load(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def evaluate(bundle: IndexBundle, embedder, items: list[dict], k: int = 10, question_key: str = "question") -> dict:
    hits1 = hits3 = 0
    rr = 0.0
    rows = []
    for item in items:
        rel = relevant_passages(bundle, item)
        cands, _ = hybrid_search(bundle, embedder, item[question_key], k)
        ids = [c.passage["id"] for c in cands]
        rank = next((i + 1 for i, pid in enumerate(ids) if pid in rel), None)
        hits1 += rank == 1
        hits3 += rank is not None and rank <= 3
        rr += 1 / rank if rank else 0.0
        conf = max((c.dense for c in cands[:3]), default=0.0)
        rows.append({"id": item["id"], "rank": rank, "confidence": conf, "relevant": sorted(rel)})
    n = len(items)
    return {"n": n, "recall@1": hits1 / n, "recall@3": hits3 / n, "mrr": rr / n, "rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("tests/data/eval_corpus.jsonl"))
    ap.add_argument("--unanswerable", type=Path, default=Path("tests/data/eval_corpus_unanswerable.jsonl"))
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
        print(f"WARNING: no passage contains the answer phrase of {unmatched}")
    misses = [r for r in res["rows"] if not r["rank"] or r["rank"] > 3]
    for r in misses:
        q = next(i for i in items if i["id"] == r["id"])
        print(f"  miss {r['id']} rank={r['rank']}: {q['question']}")
    threshold = s.min_confidence or default_threshold(bundle.manifest.embedder_id)
    answerable = [r["confidence"] for r in res["rows"]]
    unans = []
    if args.unanswerable.exists():
        for item in load(args.unanswerable):
            cands, _ = hybrid_search(bundle, embedder, item["question"], 10)
            unans.append(max((c.dense for c in cands[:3]), default=0.0))
    print(f"\nthreshold {threshold}: answerable above {sum(c >= threshold for c in answerable)}/{len(answerable)}; "
          f"unanswerable below {sum(c < threshold for c in unans)}/{len(unans)}")
    print("answerable confidence: min %.3f p10 %.3f median %.3f" % (
        min(answerable), sorted(answerable)[len(answerable) // 10], sorted(answerable)[len(answerable) // 2]))
    if unans:
        print("unanswerable confidence: median %.3f p90 %.3f max %.3f" % (
            sorted(unans)[len(unans) // 2], sorted(unans)[int(len(unans) * 0.9)], max(unans)))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({**res, "threshold": threshold, "unanswerable_confidence": unans}, indent=2))


if __name__ == "__main__":
    main()

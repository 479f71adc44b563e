"""Build, verify and load the index folder: FAISS vectors, BM25, passage store, manifest."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import faiss
import numpy as np

from app.corpus.document import Document, corpus_hash, load_corpus
from app.corpus.question_bank import load_question_bank
from app.corpus.passages import split_passages
from app.datafile import load_yaml
from app.index.embedders import Embedder
from app.index.lexical import BankLexicalIndex, LexicalIndex
from app.text import fold, normalise_space

FORMAT_VERSION = 1


class IndexNotReady(RuntimeError):
    """The index is missing, corrupt or was built for another embedder or corpus; says what to run."""


@dataclass
class Manifest:
    format: int
    embedder_id: str
    dim: int
    corpus_hash: str
    built_at: str
    documents: int
    passages: int
    sentences: int
    index_type: str
    version: str = ""
    conflicts: list = field(default_factory=list)
    questions: int = 0              # question-bank entries indexed (corpus/_questions)
    question_orphans: int = 0       # bank entries whose passage is no longer in the corpus (skipped)
    ef_search: int = 0              # HNSW only: the efSearch calibrated at build
    recall_at_10: float = 1.0       # of the FAISS index against exact search, on the calibration questions


def _rebuild_hint(corpus_dir: Path, index_dir: Path) -> str:
    return f"run: python scripts/build_index.py --corpus {corpus_dir} --index {index_dir}"


HNSW_M, HNSW_EF_CONSTRUCTION = 32, 80
EF_SEARCH_STEPS = (64, 128, 256, 512, 1024, 2048)
RECALL_TARGET = 0.98          # recall@10 of the approximate index against exact search
CALIBRATION_QUERIES = 1000


def recall_at_10(approx: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(e) - {-1}) / 10 for a, e in zip(approx, exact)]))


def calibrated_hnsw(vectors: np.ndarray, queries: np.ndarray,
                    target: float = RECALL_TARGET) -> tuple[faiss.Index | None, int, float]:
    """HNSW with the smallest efSearch whose recall@10 against exact search on `queries` reaches target.

    Recall depends on the data, so it is measured at build on questions like the residents' (the question
    bank) rather than fixed once from a benchmark; (None, ef, recall) when no step reaches the target.
    """
    index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.add(vectors)
    exact_index = faiss.IndexFlatIP(vectors.shape[1])
    exact_index.add(vectors)
    _, exact = exact_index.search(queries, 10)
    recall = 0.0
    for ef in EF_SEARCH_STEPS:
        index.hnsw.efSearch = ef
        recall = recall_at_10(index.search(queries, 10)[1], exact)
        if recall >= target:
            return index, ef, recall
    return None, EF_SEARCH_STEPS[-1], recall


def calibration_queries(question_vectors: np.ndarray | None, sentence_vectors: np.ndarray,
                        passage_vectors: np.ndarray) -> np.ndarray:
    """The bank's questions where there are enough, else the corpus's own sentences; at most 1,000."""
    if question_vectors is not None and len(question_vectors) >= 100:
        pool = question_vectors
    else:
        pool = sentence_vectors if len(sentence_vectors) else passage_vectors
    rows = np.random.default_rng(0).permutation(len(pool))[:CALIBRATION_QUERIES]
    return np.ascontiguousarray(pool[np.sort(rows)], dtype=np.float32)


def _faiss_index(vectors: np.ndarray, approximate_above: int,
                 queries: np.ndarray) -> tuple[faiss.Index, str, int, float]:
    """Exact search up to approximate_above passages; above it HNSW if it reaches RECALL_TARGET, else exact."""
    if len(vectors) > approximate_above:
        index, ef, recall = calibrated_hnsw(vectors, queries)
        if index is not None:
            return index, f"hnsw{HNSW_M}", ef, round(recall, 4)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    return index, "flat", 0, 1.0


def _resolve_conflicts(corpus_dir: Path, docs: dict[str, Document], passages: list[dict]) -> list[dict]:
    """Turn corpus/conflicts.yaml (documents + quoted phrases) into passage ids; precedence decides who wins."""
    path = Path(corpus_dir) / "conflicts.yaml"
    if not path.exists():
        return []
    out = []
    for c in load_yaml(path.read_text(encoding="utf-8")).get("conflicts", []) or []:
        sides = []
        for side in c["sides"]:
            if side["document"] not in docs:
                continue  # this corpus does not hold that document
            needle = fold(normalise_space(side["contains"]))
            hits = [p["id"] for p in passages
                    if p["document_id"] == side["document"] and needle in fold(normalise_space(p["text"]))]
            sides.extend({"document_id": side["document"], "passage_id": pid,
                          "precedence": docs[side["document"]].precedence} for pid in hits)
        if len({s["document_id"] for s in sides}) < 2:
            continue
        top = max(s["precedence"] for s in sides)
        for s in sides:
            s["prevails"] = s["precedence"] == top
        out.append({"id": c["id"], "topic": c.get("topic", ""), "note": c.get("note", ""), "sides": sides})
    return out


def build_index(corpus_dir: Path, index_dir: Path, embedder: Embedder, approximate_above: int = 20000) -> Manifest:
    """Build into a temporary folder beside index_dir, then swap it in, so readers never see half an index."""
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    docs = {d.id: d for d in load_corpus(corpus_dir)}
    passages: list[dict] = []
    for doc in docs.values():
        for p in split_passages(doc):
            passages.append({**p.to_dict(), **{k: v for k, v in doc.meta().items() if k != "document_id"}})
    texts = [f"{p['title']}. {p['section']}. {p['text']}" if p["section"] else f"{p['title']}. {p['text']}"
             for p in passages]
    vectors = embedder.encode(texts, kind="passage")
    sent_rows = [(i, j) for i, p in enumerate(passages) for j in range(len(p["sentences"]))]
    sent_vecs = embedder.encode([passages[i]["sentences"][j] for i, j in sent_rows], kind="passage")
    sparse = embedder.encode_sparse(texts) if getattr(embedder, "has_sparse", False) else None
    conflicts = _resolve_conflicts(corpus_dir, docs, passages)
    position = {p["id"]: i for i, p in enumerate(passages)}
    bank = load_question_bank(corpus_dir)
    kept = [q for q in bank if q["passage_id"] in position]
    q_vecs = embedder.encode([q["question"] for q in kept], kind="query") if kept else None
    index, kind, ef_search, recall = _faiss_index(vectors, approximate_above, calibration_queries(q_vecs, sent_vecs, vectors))
    chash = corpus_hash(corpus_dir)
    manifest = Manifest(
        format=FORMAT_VERSION, embedder_id=embedder.id, dim=embedder.dim, corpus_hash=chash,
        built_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), documents=len(docs),
        passages=len(passages), sentences=len(sent_rows), index_type=kind, ef_search=ef_search,
        recall_at_10=recall,
        version=f"{chash[:8]}-{fold(embedder.id).replace('/', '_')[:24]}-{dt.datetime.now():%Y%m%d%H%M%S}",
        conflicts=conflicts, questions=len(kept), question_orphans=len(bank) - len(kept),
    )
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".index-", dir=index_dir.parent))
    faiss.write_index(index, str(tmp / "faiss.index"))
    np.save(tmp / "sentences.npy", sent_vecs)
    if sparse is not None:
        np.savez(tmp / "sparse.npz", indices=sparse[0], values=sparse[1])
    if q_vecs is not None:
        np.savez(tmp / "questions.npz", vectors=q_vecs, text=np.array([q["question"] for q in kept]),
                 passage=np.array([position[q["passage_id"]] for q in kept], dtype=np.int64))
    with (tmp / "passages.jsonl").open("w", encoding="utf-8") as f:
        for p in passages:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    (tmp / "manifest.json").write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=2))
    old = index_dir.with_name(index_dir.name + ".old")
    if index_dir.exists():
        keep = [x for x in index_dir.iterdir() if x.name == "README.md"]
        for x in keep:
            shutil.copy2(x, tmp / x.name)
        if old.exists():
            shutil.rmtree(old)
        os.replace(index_dir, old)
    os.replace(tmp, index_dir)
    shutil.rmtree(old, ignore_errors=True)
    return manifest


def read_manifest(index_dir: Path) -> Manifest:
    path = Path(index_dir) / "manifest.json"
    if not path.exists():
        raise IndexNotReady(f"no index in {index_dir}")
    try:
        return Manifest(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise IndexNotReady(f"unreadable index manifest {path}: {exc}") from exc


def check_index(index_dir: Path, corpus_dir: Path, embedder_id: str | None = None) -> Manifest:
    """Raise IndexNotReady (with the command to run) unless the index matches corpus and embedder."""
    hint = _rebuild_hint(corpus_dir, index_dir)
    try:
        manifest = read_manifest(index_dir)
    except IndexNotReady as exc:
        raise IndexNotReady(f"{exc}; {hint}") from exc
    if manifest.format != FORMAT_VERSION:
        raise IndexNotReady(f"index format {manifest.format} is not {FORMAT_VERSION}; {hint}")
    current = corpus_hash(corpus_dir)
    if manifest.corpus_hash != current:
        raise IndexNotReady(f"index was built from another corpus ({manifest.corpus_hash} ≠ {current}); {hint}")
    if embedder_id and manifest.embedder_id != embedder_id:
        raise IndexNotReady(f"index was built with embedder {manifest.embedder_id}, "
                            f"the service is set to {embedder_id}; {hint}")
    return manifest


class IndexBundle:
    """Everything retrieval needs, loaded into memory once; replaced whole on reload."""

    def __init__(self, index_dir: Path, manifest: Manifest) -> None:
        index_dir = Path(index_dir)
        self.manifest = manifest
        try:
            self.faiss = faiss.read_index(str(index_dir / "faiss.index"))
            self.sentence_vectors = np.load(index_dir / "sentences.npy")
            lines = (index_dir / "passages.jsonl").read_text(encoding="utf-8").splitlines()
            self.passages: list[dict] = [json.loads(line) for line in lines if line.strip()]
        except Exception as exc:  # noqa: BLE001 - any unreadable file means the same thing
            raise IndexNotReady(f"corrupt index in {index_dir}: {exc}") from exc
        if manifest.ef_search and hasattr(self.faiss, "hnsw"):
            self.faiss.hnsw.efSearch = manifest.ef_search
        if self.faiss.ntotal != len(self.passages) or len(self.sentence_vectors) != manifest.sentences:
            raise IndexNotReady(f"corrupt index in {index_dir}: counts do not match the manifest")
        self.sparse: tuple[np.ndarray, np.ndarray] | None = None
        if (index_dir / "sparse.npz").exists():
            with np.load(index_dir / "sparse.npz") as z:
                self.sparse = (z["indices"], z["values"])
        # The passages' sparse terms: the question pass computes only these (the others score nothing).
        self.sparse_latents = (np.unique(self.sparse[0][self.sparse[1] > 0]).astype(np.int32)
                               if self.sparse is not None else None)
        self.question_vectors = np.zeros((0, self.faiss.d), dtype=np.float32)
        self.question_passage = np.zeros(0, dtype=np.int64)
        self.bank_lexical: BankLexicalIndex | None = None
        if (index_dir / "questions.npz").exists():
            with np.load(index_dir / "questions.npz") as z:
                self.question_vectors, self.question_passage = z["vectors"], z["passage"]
                question_texts = [str(t) for t in z["text"]]
            if len(self.question_vectors) != manifest.questions or len(question_texts) != manifest.questions:
                raise IndexNotReady(f"corrupt index in {index_dir}: question bank count does not match the manifest")
            self.bank_lexical = BankLexicalIndex(question_texts, self.question_passage, len(self.passages))
        self.by_id = {p["id"]: i for i, p in enumerate(self.passages)}
        self.languages = {p["language"] for p in self.passages}
        self.sentence_rows: list[tuple[int, int]] = [
            (i, j) for i, p in enumerate(self.passages) for j in range(len(p["sentences"]))]
        self.sentence_start = np.cumsum([0] + [len(p["sentences"]) for p in self.passages])
        self.sentence_passage = np.array([i for i, _ in self.sentence_rows], dtype=np.int64)
        self.lexical = LexicalIndex([f"{p['title']} {p['section']} {p['text']}" for p in self.passages])
        self.conflict_of: dict[str, dict] = {}
        for c in manifest.conflicts:
            for s in c["sides"]:
                self.conflict_of[s["passage_id"]] = c

    @classmethod
    def load(cls, index_dir: Path, corpus_dir: Path, embedder_id: str | None = None) -> "IndexBundle":
        return cls(index_dir, check_index(index_dir, corpus_dir, embedder_id))

    def dense_search(self, qvec: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, len(self.passages))
        scores, idx = self.faiss.search(qvec.reshape(1, -1).astype(np.float32), k)
        keep = idx[0] >= 0
        return idx[0][keep].astype(np.int64), scores[0][keep]

    def sparse_scores(self, q_sparse: np.ndarray, rows: list[int]) -> np.ndarray:
        idx, val = self.sparse
        return (val[rows] * q_sparse[idx[rows]]).sum(axis=1)

    def best_sentence_scores(self, qvec: np.ndarray) -> np.ndarray:
        """For every passage, the cosine of its sentence closest to the question (-1 if it has none)."""
        best = np.full(len(self.passages), -1.0, dtype=np.float32)
        if len(self.sentence_vectors):
            np.maximum.at(best, self.sentence_passage, self.sentence_vectors @ qvec.astype(np.float32))
        return best

    def best_question_scores(self, qvec: np.ndarray) -> np.ndarray:
        """For every passage, the cosine of its bank question closest to the resident's (-1 if it has none)."""
        best = np.full(len(self.passages), -1.0, dtype=np.float32)
        if len(self.question_vectors):
            np.maximum.at(best, self.question_passage, self.question_vectors @ qvec.astype(np.float32))
        return best

    def neighbours(self, passage_index: int) -> list[dict]:
        p = self.passages[passage_index]
        out = []
        for j in (passage_index - 1, passage_index + 1):
            if 0 <= j < len(self.passages) and self.passages[j]["document_id"] == p["document_id"]:
                out.append(self.passages[j])
        return out

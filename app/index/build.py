"""Build an index folder from a corpus: passage and sentence vectors (FAISS), sparse terms, the question bank,
resolved conflicts and the manifest; written beside the old index and swapped in whole."""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

import faiss
import numpy as np

from app.corpus.document import Document, corpus_hash, load_corpus
from app.corpus.passages import Passage, split_passages
from app.corpus.question_bank import load_question_bank
from app.datafile import load_yaml
from app.index.embed_cache import EmbeddingCache
from app.index.embedders import Embedder
from app.index.manifest import FORMAT_VERSION, Manifest
from app.text import fold, normalise_space
from app.corpus.sentences import quotable, sentence_units
from app.topics.catalogue import load_catalogue
from app.translate.corpus import CorpusTranslator, authority_translations, load_entries, status_counts
from app.topics.classify import train_classifier
from app.topics.coverage import compute_coverage, load_overrides, write_coverage
from app.topics.suggest import all_suggestions, verify, write_suggestions

log = logging.getLogger("kalla.index")

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


def _resolve_conflicts(corpus_dir: Path, docs: dict[str, Document], passages: list[Passage]) -> list[dict]:
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
            hits = [p.id for p in passages
                    if p.document_id == side["document"] and needle in fold(normalise_space(p.text))]
            sides.extend({"document_id": side["document"], "passage_id": pid, "contains": side["contains"],
                          "precedence": docs[side["document"]].precedence} for pid in hits)
        if len({s["document_id"] for s in sides}) < 2:
            continue
        top = max(s["precedence"] for s in sides)
        for s in sides:
            s["prevails"] = s["precedence"] == top
        out.append({"id": c["id"], "topic": c.get("topic", ""), "note": c.get("note", ""), "sides": sides})
    return out


def embedding_text(p: Passage) -> str:
    """What a passage's vector is made from: title and section give the model the context the text leaves out."""
    return f"{p.title}. {p.section}. {p.text}" if p.section else f"{p.title}. {p.text}"


def _verify_suggestions(tmp: Path, manifest: Manifest, catalogue, coverage, embedder: Embedder) -> Manifest:
    """Ask every suggested question of a covered topic through the new index; keep the ones that get a cited
    answer on their topic (app/topics/suggest.py). The widget never offers a question the texts cannot answer."""
    from app.index.bundle import IndexBundle
    from app.pipeline.glossary import load_glossary
    from app.pipeline.pipeline import Pipeline

    bundle = IndexBundle(tmp, manifest, catalogue)
    bundle.translations = None
    kept = verify(Pipeline(bundle, embedder, glossary=load_glossary(), corpus_translations=False), catalogue, coverage)
    write_suggestions(tmp, kept)
    manifest = replace(manifest, suggestions=sum(len(v) for v in kept.values()))
    (tmp / "manifest.json").write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=2))
    log.info("[index] suggested questions: %d kept of %d asked", manifest.suggestions,
             sum(1 for _ in all_suggestions(catalogue, coverage)))
    return manifest


def build_index(corpus_dir: Path, index_dir: Path, embedder: Embedder, approximate_above: int = 20000,
                cache_dir: Path | None = None) -> Manifest:
    """Build into a temporary folder beside index_dir, then swap it in, so readers never see half an index.

    cache_dir: where vectors of earlier builds are kept (KALLA_CACHE_DIR); only new texts are embedded."""
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    cache = EmbeddingCache(cache_dir, embedder)
    docs = {d.id: d for d in load_corpus(corpus_dir)}
    passages = [p for doc in docs.values() for p in split_passages(doc)]
    texts = [embedding_text(p) for p in passages]
    sentences = [s for p in passages for s in p.sentences]
    log.info("[index] %d documents, %d passages, %d sentences: embedding", len(docs), len(passages), len(sentences))
    vectors = cache.encode(texts, kind="passage")
    sent_vecs = cache.encode(sentences, kind="passage")
    sparse = cache.encode_sparse(texts) if embedder.has_sparse else None
    conflicts = _resolve_conflicts(corpus_dir, docs, passages)
    position = {p.id: i for i, p in enumerate(passages)}
    bank = load_question_bank(corpus_dir)
    kept = [q for q in bank if q["passage_id"] in position]
    log.info("[index] question bank: %d questions (%d orphaned): embedding", len(kept), len(bank) - len(kept))
    q_vecs = cache.encode([q["question"] for q in kept], kind="query") if kept else None
    catalogue = load_catalogue(corpus_dir)
    log.info("[index] resident topics: %d topics, %d example questions: embedding", len(catalogue.topics),
             len(catalogue.examples))
    topic_ids = list(catalogue.topics)
    ex_vecs = cache.encode([e.text for e in catalogue.examples], kind="query")
    coverage = compute_coverage(passages, catalogue, conflicts, load_overrides(corpus_dir))
    translations = CorpusTranslator(load_entries(corpus_dir), authority_translations(passages)).report(
        sentence_units(passages), quotable)
    for lang, rep in sorted(translations.items()):
        if rep.failing or rep.stale:
            log.warning("[index] translations %s: %d fail the number/name check, %d are stale (not served)",
                        lang, rep.failing, rep.stale)
    cache.save()
    log.info("[index] embedded %d new texts (%d from the cache); FAISS", cache.misses, cache.hits)
    index, kind, ef_search, recall = _faiss_index(vectors, approximate_above, calibration_queries(q_vecs, sent_vecs, vectors))
    chash = corpus_hash(corpus_dir)
    manifest = Manifest(
        format=FORMAT_VERSION, embedder_id=embedder.id, dim=embedder.dim, corpus_hash=chash,
        built_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), documents=len(docs),
        passages=len(passages), sentences=len(sentences), index_type=kind, ef_search=ef_search,
        recall_at_10=recall,
        version=f"{chash[:8]}-{fold(embedder.id).replace('/', '_')[:24]}-{dt.datetime.now():%Y%m%d%H%M%S}",
        conflicts=conflicts, questions=len(kept), question_orphans=len(bank) - len(kept),
        fused_query=embedder.fused_question, topic_examples=len(catalogue.examples),
        topics_digest=catalogue.digest, coverage=coverage.summary(catalogue), embedded=cache.misses,
        translations=status_counts(translations),
    )
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".index-", dir=index_dir.parent))
    faiss.write_index(index, str(tmp / "faiss.index"))
    np.save(tmp / "sentences.npy", sent_vecs)
    if sparse is not None:
        np.savez(tmp / "sparse.npz", indices=sparse[0], values=sparse[1])
    if q_vecs is not None:
        np.savez(tmp / "questions.npz", vectors=q_vecs, text=np.array([q["question"] for q in kept]),
                 passage=np.array([position[q["passage_id"]] for q in kept], dtype=np.int64),
                 language=np.array([q["language"] for q in kept]))
    topic_row = np.array([topic_ids.index(e.topic) for e in catalogue.examples], dtype=np.int64)
    np.savez(tmp / "topics.npz", vectors=ex_vecs, topic=topic_row, topic_ids=np.array(topic_ids),
             language=np.array([e.language for e in catalogue.examples]),
             weights=train_classifier(ex_vecs, topic_row, len(topic_ids)) if len(ex_vecs) else np.zeros((0, 0)))
    write_coverage(tmp, coverage)
    with (tmp / "passages.jsonl").open("w", encoding="utf-8") as f:
        for p in passages:
            f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    (tmp / "manifest.json").write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=2))
    manifest = _verify_suggestions(tmp, manifest, catalogue, coverage, embedder)
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

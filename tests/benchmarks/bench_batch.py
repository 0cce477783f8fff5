"""`colorseg -j 1` against `-j N` over a folder: median wall times and a byte-identity check.

    .venv/bin/python tests/benchmarks/bench_batch.py [FOLDER] [--runs 5] [--jobs 2] [-k 8]

Runs are interleaved (1, N, 1, N...) so that a shared machine's load hits both alike.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _once(folder: Path, out: Path, jobs: int, k: int) -> float:
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "colorseg_gui.cli", str(folder), "-k", str(k),
                    "-d", str(out), "-j", str(jobs), "-q"], check=False)
    return time.perf_counter() - start


def _same(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    if names != sorted(p.name for p in b.iterdir()):
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder", nargs="?", type=Path, default=ROOT.parent / "shared" / "cq100")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("-k", type=int, default=8)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        one, many = Path(tmp) / "j1", Path(tmp) / f"j{args.jobs}"
        t1, tn = [], []
        for _ in range(args.runs):
            t1.append(_once(args.folder, one, 1, args.k))
            tn.append(_once(args.folder, many, args.jobs, args.k))
        identical = _same(one, many)
        count = len(list(one.iterdir()))
    m1, mn = statistics.median(t1), statistics.median(tn)
    print(f"{count} outputs, k={args.k}, {args.runs} interleaved runs each")
    print(f"-j 1: median {m1:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in t1)})")
    print(f"-j {args.jobs}: median {mn:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in tn)})")
    print(f"ratio -j {args.jobs} / -j 1: {mn / m1:.2f}; outputs byte-identical: {identical}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())

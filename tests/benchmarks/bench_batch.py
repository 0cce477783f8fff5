"""`colorseg -j 1` against `-j N` over a folder: median wall times and a byte-identity check.

    .venv/bin/python tests/benchmarks/bench_batch.py [FOLDER] [--runs 5] [--jobs 2] [-k 8]

Runs are interleaved (1, N, 1, N...) so that a shared machine's load hits both alike.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # waited-for descendants
    return usage.ru_utime + usage.ru_stime


def _once(folder: Path, out: Path, jobs: int, k: int) -> tuple[float, float]:
    """Wall seconds and CPU seconds (the command and its workers) of one run."""
    shutil.rmtree(out, ignore_errors=True)
    cpu, start = _cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "colorseg_gui.cli", str(folder), "-k", str(k),
                    "-d", str(out), "-j", str(jobs), "-q"], check=False)
    return time.perf_counter() - start, _cpu() - cpu


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
        t1, tn, c1, cn = [], [], [], []
        for _ in range(args.runs):
            for times, cpus, folder, jobs in ((t1, c1, one, 1), (tn, cn, many, args.jobs)):
                wall, cpu = _once(args.folder, folder, jobs, args.k)
                times.append(wall)
                cpus.append(cpu)
        identical = _same(one, many)
        count = len(list(one.iterdir()))
    m1, mn = statistics.median(t1), statistics.median(tn)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{count} outputs, k={args.k}, {args.runs} interleaved runs each; load after: {load}")
    for jobs, times, cpus in ((1, t1, c1), (args.jobs, tn, cn)):
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"-j {jobs}: median {statistics.median(times):.2f} s wall, "
              f"{statistics.median(cpus):.2f} s CPU  (runs: {runs})")
    print(f"ratio -j {args.jobs} / -j 1: {mn / m1:.2f}; outputs byte-identical: {identical}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())

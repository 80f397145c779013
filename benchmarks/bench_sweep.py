"""Benchmark of the sweep runner's overhead: many cheap cells of a ~1 ms method (benchmarks/spin_method.py).

Measures, in fresh processes on this machine:
  1. baseline: the same cells as a plain loop of ``spin_method.run`` calls (one thread, no dask, no store);
  2. the sweep: ``run_sweep`` on a (a x b) grid with one run per cell, local dask with one thread,
     cells cached and the store written; its wall time over the baseline's (target: <= 1.10);
  3. a resume of the finished sweep (every cell cached: planning and assembly only);
  4. the driver's peak memory (max RSS) for 1e4 and for the full cell count: the driver must not
     hold all results (target: the larger sweep's peak under 2x the smaller's).

    python benchmarks/bench_sweep.py [--cells 100000] [--out benchmarks/results/sweep.json]
"""

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine, print_summary, report

HERE = Path(__file__).resolve().parent
TARGET_OVERHEAD = 1.10


def grid(cells):
    n_a = int(math.sqrt(cells))
    return [float(i) for i in range(n_a)], [float(j) for j in range(cells // n_a)]


def child(kind, cells, folder):
    """One measurement in this (fresh) process; prints a JSON line."""
    import spin_method
    from mfsweep.sweeps import spec
    from mfsweep.sweeps.runner import run_sweep

    a_values, b_values = grid(cells)
    spin_method.run("spin", spin_method.Params(), runs=1, seed=0)  # compile outside the timing
    start = time.perf_counter()
    if kind == "baseline":
        total = 0.0
        for a in a_values:
            for b in b_values:
                total += float(spin_method.run("spin", spin_method.Params(a=a, b=b), runs=1, seed=0).x[0])
    else:
        sweep = spec.parse("bench", {"method": "spin_method", "problem": "spin", "grid": {"a": a_values, "b": b_values},
                                     "runs": 1}, lambda name, where: spin_method)
        run_sweep(sweep, Path(folder) / "bench.zarr", seed=0, dask_config={"mode": "local"}, threads=1,
                  progress=open("/dev/null", "w"))
    wall = time.perf_counter() - start
    print(json.dumps({"wall": wall, "cells": len(a_values) * len(b_values),
                      "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def measure(kind, cells, folder):
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--cells", str(cells), "--folder", folder],
                         capture_output=True, text=True, cwd=HERE, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="cell count of the memory comparison")
    parser.add_argument("--out", default=str(HERE / "results" / "sweep.json"))
    parser.add_argument("--child")
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.cells, args.folder)
    results = {"machine": machine(), "cells": args.cells, "small": args.small}
    with tempfile.TemporaryDirectory() as big, tempfile.TemporaryDirectory() as small:
        results["baseline"] = measure("baseline", args.cells, big)
        results["sweep"] = measure("sweep", args.cells, big)
        results["resume"] = measure("sweep", args.cells, big)
        results["sweep_small"] = measure("sweep", args.small, small)
    results["overhead_ratio"] = results["sweep"]["wall"] / results["baseline"]["wall"]
    results["memory_ratio"] = results["sweep"]["max_rss_mb"] / results["sweep_small"]["max_rss_mb"]

    def summary(r):
        rows = [[name, r[name]["cells"], f"{r[name]['wall']:.1f}", f"{1e3 * r[name]['wall'] / r[name]['cells']:.3f}",
                 f"{r[name]['max_rss_mb']:.0f}"] for name in ("baseline", "sweep", "resume", "sweep_small")]
        print_summary("Sweep runner overhead (spin method, ~1 ms per cell, one thread)",
                      ["", "cells", "wall s", "ms/cell", "max RSS MB"], rows, r["machine"])
        print(f"  sweep / baseline wall: {r['overhead_ratio']:.3f} (target <= {TARGET_OVERHEAD}); "
              f"driver peak memory {r['cells']} vs {r['small']} cells: {r['memory_ratio']:.2f}x")
    report(results, summary, args.out)


if __name__ == "__main__":
    main()

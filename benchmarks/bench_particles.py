"""Benchmark of the interacting-particle kernels (Gomes & Pavliotis 2017, Section 4.4).

Measures, one core, the paper's case 1 (theta = 2, beta = 8, eps = 0.1, dt = 0.01):
  1. particle-steps per second of the full (Euler-Maruyama) and homogenized (Milstein) kernels, N = 1000;
  2. the random-number generator's share: the same loop drawing only the normals (PCG64, numba's
     Generator.standard_normal), as a fraction of the full kernel's time;
  3. one paper-size seed, N = 1000, T = 5000 (5e8 particle-steps), for both kernels;
  4. peak memory (max RSS, fresh process) of one seed at T = 500 and T = 5000: independent of T
     except the stored mean (one float per record_dt).
Target: >= 1e8 particle-steps per second per core for the full kernel.

    python benchmarks/bench_particles.py [--quick] [--out benchmarks/results/particles.json]
"""

import argparse
import resource
import subprocess
import sys
import time

import numpy as np
from numba import njit

from common import machine, print_summary, report, stats
from mfsweep.meanfield.particles import full_table, homogenized_table, run_particles, table_spacing
from mfsweep.meanfield.potentials import TwoScalePotential

THETA, BETA, EPS, DT, N = 2.0, 8.0, 0.1, 0.01, 1000
TARGET = 1e8
EDGES = np.linspace(-4, 4, 161)


@njit(cache=True, nogil=True)
def draw_normals(rng, n, steps):
    """The kernel's random numbers alone: one standard_normal(n) per step."""
    total = 0.0
    for _ in range(steps):
        total += rng.standard_normal(n)[0]
    return total


def tables():
    potential = TwoScalePotential.case(1, eps=EPS)
    return {"full": full_table(potential, (-10, 10), table_spacing(EPS, False, 1024, 1e-3)),
            "homogenized": homogenized_table(potential, BETA, (-10, 10), 1e-3)}


def one_seed(table, steps, seed=0):
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    run_particles(table, rng.normal(0.0, 2.0, N), rng, theta=THETA, beta=BETA, dt=DT, n_steps=steps,
                  record_every=int(round(1 / DT)), snapshot_steps=[0, steps], bins=EDGES, average_from=steps // 2)
    return time.perf_counter() - start


def peak_memory_mb(horizon):
    """Max RSS of a fresh process that runs one full-system seed to ``horizon``."""
    code = (f"import resource, bench_particles as b; b.one_seed(b.tables()['full'], {int(round(horizon / DT))}); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=__file__.rsplit("/", 1)[0])
    return float(out.stdout.split()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, no paper-size seed")
    parser.add_argument("--out", default="benchmarks/results/particles.json")
    args = parser.parse_args()
    steps = 20_000 if args.quick else 100_000
    repeats = 2 if args.quick else 3
    kernels = tables()
    for table in kernels.values():  # compile (or load the cache) outside the timings
        one_seed(table, 10)
    draw_normals(np.random.default_rng(0), N, 10)
    results = {"machine": machine(), "settings": {"theta": THETA, "beta": BETA, "eps": EPS, "dt": DT, "N": N,
                                                  "steps": steps}}
    for name, table in kernels.items():
        times = [one_seed(table, steps, seed) for seed in range(repeats)]
        results[name] = {**stats(times), "particle_steps_per_s": N * steps / min(times)}
    rng_times = []
    for seed in range(repeats):
        start = time.perf_counter()
        draw_normals(np.random.default_rng(seed), N, steps)
        rng_times.append(time.perf_counter() - start)
    results["rng"] = {**stats(rng_times), "share_of_full": min(rng_times) / results["full"]["min"]}
    if not args.quick:
        results["paper_seed_s"] = {name: one_seed(table, int(round(5000 / DT))) for name, table in kernels.items()}
        results["peak_rss_mb"] = {str(T): peak_memory_mb(T) for T in (500.0, 5000.0)}
    results["ru_maxrss_mb_this_process"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report(results, summary, args.out)


def summary(results):
    rows = [[name, f"{results[name]['particle_steps_per_s']:.3g}", f"{results[name]['particle_steps_per_s'] / TARGET:.2f}"]
            for name in ("full", "homogenized")]
    rows.append(["rng only (share of full)", f"{N * results['settings']['steps'] / results['rng']['min']:.3g}",
                 f"{results['rng']['share_of_full']:.0%}"])
    for name, seconds in results.get("paper_seed_s", {}).items():
        rows.append([f"paper seed {name} (5e8 steps), s", f"{seconds:.2f}", ""])
    for horizon, mb in results.get("peak_rss_mb", {}).items():
        rows.append([f"peak RSS, T = {horizon}, MB", f"{mb:.0f}", ""])
    print_summary("Particle kernels, one core (particle-steps/s; ratio to the 1e8 target)", ["", "value", "ratio"],
                  rows, results["machine"])


if __name__ == "__main__":
    main()

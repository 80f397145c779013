"""Benchmark of single-level CBO against CBXPy, and of SP-CBO at the Table-3 settings (Herty et al. 2024).

Measures (one core: NUMBA_NUM_THREADS = OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = MKL_NUM_THREADS = 1):
  1. CBO on the shifted Ackley function A(x - 2), d = 10, N = 100, 500 steps of dt = 0.01 (CBXPy's
     default dt), alpha = 1e15, lam = 1, sigma = 2, anisotropic noise, 100 runs from the same 100
     initial ensembles: CBXPy batched (M = 100 runs in one CBO object, f_dim='3D', sched=None,
     max_it=500, no tracking, no other termination) against our kernel over the runs one after the
     other; the ratio (target >= 3x), and both success rates (eq. 5.4). Optionally also our runs on
     2 dask threads.
  2. SP-CBO (Huang, Qiu & Riedl 2024) at the Table-3 size (N = 100, d = 10, T = 50, dt = 0.1, eq. 5.5)
     on functions (a)-(d): kernel seconds per run, and success rate and E[error] over the runs next to
     the paper's SP-CBO column.
Figures are printed and written as JSON to --out.

    python benchmarks/bench_cbx.py [--quick] [--out benchmarks/results/cbx.json]
"""

import os

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy and numba load: one core for both contenders

import argparse
import importlib.metadata
import time

import dask
import numpy as np

from common import machine, print_summary, report, stats
from mfsweep.cbo.objectives import Objective, minmax_problem
from mfsweep.cbo.reference import consensus
from mfsweep.cbo.saddle import CBOParams, SPCBOParams, run_cbo, run_spcbo
from mfsweep.experiments.config import load_config
from mfsweep.seeding import seed_sequence

TARGET_RATIO = 3.0
SHIFT = 2.0
ACKLEY = Objective((("ackley", 1.0, 1.0, 0.0, SHIFT),))
ROOT_SEED = load_config()["seed"]
#: Table 3 of Herty et al. (2024), SP-CBO column: success rate, E[error], running time (s, MATLAB).
PAPER_SPCBO = {"a": (0.99, 8.714e-3, 0.126), "b": (0.05, 2.597, 0.136), "c": (0.99, 2.664e-2, 0.156),
               "d": (1.00, 1.474e-3, 0.037)}


def seed(label, run):
    return seed_sequence(ROOT_SEED, "bench_cbx", label, run)


def initial_ensembles(params, runs):
    """X_0 of each run, drawn exactly as run_cbo draws it (first from the run's stream)."""
    return np.stack([np.random.Generator(np.random.PCG64(seed("cbo", k))).uniform(
        params.init_low, params.init_high, size=(params.N, params.dim)) for k in range(runs)])


def ours_serial(params, runs):
    """Our kernel over ``runs`` runs one after the other: (wall s of the loop, kernel s summed, errors)."""
    start = time.perf_counter()
    records = [run_cbo(ACKLEY, params, seed("cbo", k), SHIFT) for k in range(runs)]
    wall = time.perf_counter() - start
    return wall, sum(r["wall_time"] for r in records), np.array([r["error"] for r in records])


def ours_dask(params, runs, threads):
    """The same runs as dask tasks of 10 runs on a local threaded scheduler (the kernel releases the GIL)."""
    def chunk(ks):
        return [run_cbo(ACKLEY, params, seed("cbo", k), SHIFT)["error"] for k in ks]
    tasks = [dask.delayed(chunk)(range(k, min(k + 10, runs))) for k in range(0, runs, 10)]
    start = time.perf_counter()
    dask.compute(*tasks, scheduler="threads", num_workers=threads)
    return time.perf_counter() - start


def cbxpy_batched(params, X0):
    """CBXPy's CBO with all runs in one object: (wall s of construction + optimize, errors of the final x_alpha)."""
    from cbx.dynamics import CBO

    start = time.perf_counter()
    dyn = CBO(lambda x: ACKLEY(x, 0.0), f_dim="3D", x=X0, noise="anisotropic", alpha=params.alpha,
              sigma=params.sigma, lamda=params.lam, dt=params.dt, max_it=params.n_steps(), verbosity=0,
              track_args={"names": []}, seed=1)
    dyn.optimize(sched=None)
    wall = time.perf_counter() - start
    assert dyn.it == params.n_steps()
    x_alpha = np.stack([consensus(X, ACKLEY(X, 0.0), params.alpha) for X in dyn.x])
    return wall, np.linalg.norm(x_alpha - SHIFT, axis=1)


def bench_cbo(params, runs, repeats, threads):
    try:
        cbx_version = importlib.metadata.version("cbx")
    except importlib.metadata.PackageNotFoundError:
        raise SystemExit("bench_cbx needs CBXPy: pip install cbx (it is in the 'test' extra)") from None
    X0 = initial_ensembles(params, runs)
    run_cbo(ACKLEY, params, seed("warmup", 0), SHIFT)  # numba compile / cache load
    serial = [ours_serial(params, runs) for _ in range(repeats)]
    theirs = [cbxpy_batched(params, X0) for _ in range(repeats)]
    ours_wall = min(s[0] for s in serial)
    cbx_wall = min(t[0] for t in theirs)
    out = {"runs": runs, "steps": params.n_steps(), "params": params.as_dict(), "cbx_version": cbx_version,
           "ours_serial_s": ours_wall, "ours_kernel_s": min(s[1] for s in serial), "cbxpy_batched_s": cbx_wall,
           "ratio": cbx_wall / ours_wall, "target_ratio": TARGET_RATIO,
           "ours_success": float(np.mean(serial[0][2] <= 0.25)), "cbxpy_success": float(np.mean(theirs[0][1] <= 0.25)),
           "ours_median_error": float(np.median(serial[0][2])), "cbxpy_median_error": float(np.median(theirs[0][1]))}
    out["meets_target"] = out["ratio"] >= TARGET_RATIO
    print(f"[1] CBO, shifted Ackley d={params.dim}, N={params.N}, {out['steps']} steps, {runs} runs "
          f"(best of {repeats}): CBXPy {cbx_version} batched {cbx_wall:.3f} s, ours serial {ours_wall:.3f} s "
          f"(kernel {out['ours_kernel_s']:.3f} s) -> {out['ratio']:.1f}x faster (target >= {TARGET_RATIO:g}x: "
          f"{'yes' if out['meets_target'] else 'NO'}); success (error <= 0.25) ours {out['ours_success']:.0%}, "
          f"CBXPy {out['cbxpy_success']:.0%}; median error {out['ours_median_error']:.3f} vs "
          f"{out['cbxpy_median_error']:.3f}")
    if threads > 1:
        wall = min(ours_dask(params, runs, threads) for _ in range(repeats))
        out["ours_dask"] = {"threads": threads, "wall_s": wall, "ratio_vs_cbxpy": cbx_wall / wall,
                            "speedup_vs_serial": ours_wall / wall}
        print(f"    ours on {threads} dask threads: {wall:.3f} s -> {cbx_wall / wall:.1f}x faster than CBXPy, "
              f"{ours_wall / wall:.2f}x our serial time")
    return out


def bench_spcbo(params, runs):
    out = {}
    run_spcbo(minmax_problem("d"), params, seed("warmup", 0))  # numba compile / cache load
    print(f"[2] SP-CBO, N={params.N} d={params.dim} T={params.T:g} dt={params.dt:g} ({params.n_steps()} steps), "
          f"{runs} runs each:  s/run (median)  paper MATLAB   success  paper   E[error]  paper")
    for name, (paper_rate, paper_error, paper_s) in PAPER_SPCBO.items():
        problem = minmax_problem(name)
        records = [run_spcbo(problem, params, seed(f"spcbo_{name}", k)) for k in range(runs)]
        errors = np.array([r["error"] for r in records])
        row = {**stats([r["wall_time"] for r in records]), "success": float(np.mean(errors <= 0.25)),
               "mean_error": float(errors.mean()), "paper_success": paper_rate, "paper_mean_error": paper_error,
               "paper_matlab_s": paper_s}
        out[name] = row
        print(f"    ({name}) {problem.F.describe():<42} {row['median']:10.4f} {paper_s:10.3f} {row['success']:10.0%}"
              f" {paper_rate:6.0%} {row['mean_error']:10.3g} {paper_error:8.4g}")
    return out


def summary(r):
    c = r["cbo"]
    rows = [("CBO 100 runs: CBXPy batched s", f"{c['cbxpy_batched_s']:.3f}", "", f"CBXPy {c['cbx_version']}", ""),
            ("CBO 100 runs: ours serial s", f"{c['ours_serial_s']:.3f}", f">= {TARGET_RATIO:g}x",
             f"success {c['ours_success']:.0%} vs {c['cbxpy_success']:.0%}", f"{c['ratio']:.1f}x")]
    if "ours_dask" in c:
        rows.append((f"CBO 100 runs: ours {c['ours_dask']['threads']} dask threads s", f"{c['ours_dask']['wall_s']:.3f}",
                     "", "", f"{c['ours_dask']['ratio_vs_cbxpy']:.1f}x"))
    for name, row in r["spcbo"].items():
        rows.append((f"SP-CBO ({name}) s/run, median", f"{row['median']:.4f}", "", f"paper {row['paper_matlab_s']} s",
                     f"{row['paper_matlab_s'] / row['median']:.0f}x"))
    title = "Summary (one core per contender)" + (" (QUICK settings: fewer runs)" if r["quick"] else "")
    print_summary(title, ("measure", "value", "target", "note", "ratio"), rows, r["machine"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and repeats: a smoke test (< 30 s)")
    parser.add_argument("--out", default="benchmarks/results/cbx.json", help="JSON output file")
    parser.add_argument("--repeats", type=int, help="timings of the 100 CBO runs per contender (default 3; quick 1)")
    parser.add_argument("--runs", type=int, help="SP-CBO runs per function (default 100; quick 5)")
    parser.add_argument("--threads", type=int, default=2, help="dask threads for our CBO runs (1: skip; default 2)")
    args = parser.parse_args()

    cbo_params, sp_params = CBOParams(), SPCBOParams()
    repeats = args.repeats or (1 if args.quick else 3)
    runs = args.runs or (5 if args.quick else 100)
    print(f"bench_cbx: {'QUICK, ' if args.quick else ''}NUMBA_NUM_THREADS={os.environ['NUMBA_NUM_THREADS']}, "
          f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']} (one core per contender)")
    results = {"quick": args.quick, "machine": machine(),
               "threads_env": {v: os.environ[v] for v in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS",
                                                           "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}}
    results["cbo"] = bench_cbo(cbo_params, 100, repeats, args.threads)
    results["spcbo"] = bench_spcbo(sp_params, runs)
    report(results, summary, args.out)


if __name__ == "__main__":
    main()

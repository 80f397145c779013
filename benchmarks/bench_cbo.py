"""Benchmark of the bi-level MS-CBO (Herty et al. 2024, Algorithm 1, Table 1).

Measures (see benchmarks/README.md):
  1. kernel seconds per run of problem (v) at the paper's settings (eq. 5.5), one core;
  2. the same for all six Table-1 problems, printed and own pairing;
  3. numba kernel vs the plain-numpy reference on one reduced (v) run (n_outer = 11);
  4. the whole Table-1 sweep (6 problems x runs) through experiment.run_store (dask local);
  5. a summary table and machine facts.
Figures are printed and written as JSON to --out.

    python benchmarks/bench_cbo.py [--quick] [--out benchmarks/results/cbo_bilevel.json]
"""

import argparse
import dataclasses
import statistics
import tempfile
import time

import numpy as np

from common import machine, print_summary, report, stats
from mfsweep import storage
from mfsweep.experiments import cbo_bilevel as experiment
from mfsweep.cbo.bilevel import MSCBOParams, initial_positions, run_bilevel
from mfsweep.cbo.objectives import TABLE1_SPECS, bilevel_problem
from mfsweep.cbo.reference import ms_cbo_bilevel_reference
from mfsweep.experiments.config import load_config
from mfsweep.seeding import seed_sequence

PAPER_MATLAB_S_PER_RUN_V = 15.07  # Herty et al. (2024): MATLAB, problem (v), per run
TARGET_S_PER_RUN = 1.0
TARGET_SWEEP_S = 600.0
PROBLEMS = list(TABLE1_SPECS)  # i .. vi
ROOT_SEED = load_config()["seed"]
SWEEP_VARIANT = {"pairing": "printed", "x_update": "gauss_seidel", "loop_bound": "inclusive"}


def seed(label, run):
    return seed_sequence(ROOT_SEED, "bench_cbo", label, run)



def kernel_times(problem_name, params, repeats):
    """Kernel wall time (s) of ``repeats`` runs with distinct seeds (run_bilevel times the kernel call only)."""
    problem = bilevel_problem(problem_name)
    return [run_bilevel(problem, params, seed(problem_name, k))["wall_time"] for k in range(repeats)]


def bench_problem_v(params, repeats):
    s = stats(kernel_times("v", params, repeats))
    s["paper_matlab_s"] = PAPER_MATLAB_S_PER_RUN_V
    s["speedup_vs_paper"] = PAPER_MATLAB_S_PER_RUN_V / s["median"]
    s["target_s"] = TARGET_S_PER_RUN
    s["meets_target"] = s["median"] < TARGET_S_PER_RUN
    s["paper_settings"] = params == MSCBOParams()
    print(f"[1] problem (v), one core: min {s['min']:.3f} s, median {s['median']:.3f} s, "
          f"mean {s['mean']:.3f} s per run ({repeats} runs); target < {TARGET_S_PER_RUN:g} s: "
          f"{'yes' if s['meets_target'] else 'NO'}; paper (MATLAB) {PAPER_MATLAB_S_PER_RUN_V} s "
          f"-> {s['speedup_vs_paper']:.1f}x faster"
          + ("" if s["paper_settings"] else " (not the paper's T_x: not comparable)"))
    return s


def bench_all_problems(params, repeats):
    out = {}
    print(f"[2] median kernel s per run, {repeats} runs each:   printed      own   own/printed")
    for name in PROBLEMS:
        row = {pairing: statistics.median(kernel_times(name, dataclasses.replace(params, pairing=pairing), repeats))
               for pairing in ("printed", "own")}
        row["own_over_printed"] = row["own"] / row["printed"]
        out[name] = row
        print(f"    ({name:>3}) {bilevel_problem(name).F.describe():<40} {row['printed']:8.3f} {row['own']:8.3f}"
              f" {row['own_over_printed']:8.2f}")
    return out


def bench_numba_vs_numpy(params, repeats):
    """Kernel (via run_bilevel) and the numpy reference on the same initial particles and noise stream."""
    problem = bilevel_problem("v")
    n_outer, n_inner = params.loop_counts()
    sq = seed("numba_vs_numpy", 0)
    numba_times = [run_bilevel(problem, params, sq)["wall_time"] for _ in range(repeats)]
    kernel = run_bilevel(problem, params, sq)
    numpy_times = []
    for _ in range(repeats):
        rng = np.random.Generator(np.random.PCG64(sq))  # the same stream run_bilevel builds from sq
        X0, Y0 = initial_positions(params, rng)
        start = time.perf_counter()
        x_star, y_star, _ = ms_cbo_bilevel_reference(
            problem.F, problem.G, X0, Y0, rng, alpha=params.alpha, beta=params.beta, lam1=params.lambda1,
            lam2=params.lambda2, sigma1=params.sigma1, sigma2=params.sigma2, dt=params.dt, dtau=params.dtau,
            n_outer=n_outer, n_inner=n_inner, R1=params.R1, R2=params.R2, delta1=params.delta1,
            delta2=params.delta2, gamma=params.gamma, c=params.c, pairing=params.pairing, update=params.x_update)
        numpy_times.append(time.perf_counter() - start)
    agree = bool(np.allclose(kernel["x_star"], x_star) and np.allclose(kernel["y_star"], y_star))
    out = {"n_outer": n_outer, "n_inner": n_inner, "numba_s": min(numba_times), "numpy_s": min(numpy_times),
           "outputs_agree": agree,
           "max_abs_diff": float(max(np.abs(kernel["x_star"] - x_star).max(), np.abs(kernel["y_star"] - y_star).max()))}
    out["numpy_over_numba"] = out["numpy_s"] / out["numba_s"]
    print(f"[3] problem (v), N={params.N} M={params.M} d={params.dim}, n_outer={n_outer} (best of {repeats}): "
          f"numpy {out['numpy_s']:.3f} s, numba {out['numba_s']:.4f} s -> numpy/numba = "
          f"{out['numpy_over_numba']:.0f}x; outputs agree (np.allclose): {agree} "
          f"(max |diff| {out['max_abs_diff']:.1e})")
    return out


def bench_sweep(params, runs, threads):
    """The Table-1 sweep, one variant, through experiment.run_store (dask local) into a temp dir."""
    section = {"runs": runs, "params": {k: v for k, v in params.as_dict().items() if k not in experiment.VARIANT_KEYS}}
    # runs_per_task: the schema default (4), but never fewer tasks per store than threads (tiny --runs).
    dask = {"mode": "local", "runs_per_task": max(1, min(4, runs // threads))}
    config = load_config({"dask": dask, "cbo_bilevel": section})
    with tempfile.TemporaryDirectory(prefix="bench_cbo_") as tmp:
        start = time.perf_counter()
        for name in PROBLEMS:
            experiment.run_store(config, name, SWEEP_VARIANT, f"{tmp}/{name}.zarr", threads)
        total = time.perf_counter() - start
        kernel_sum = sum(float(storage.open_store(f"{tmp}/{name}.zarr").wall_time.sum()) for name in PROBLEMS)
    n = runs * len(PROBLEMS)
    out = {"runs_per_problem": runs, "total_runs": n, "threads": threads, "variant": SWEEP_VARIANT,
           "wall_s": total, "runs_per_s": n / total, "kernel_s_sum": kernel_sum,
           "parallel_efficiency": kernel_sum / (threads * total), "target_s": TARGET_SWEEP_S,
           "meets_target": total < TARGET_SWEEP_S}
    print(f"[4] Table-1 sweep, {len(PROBLEMS)} problems x {runs} runs = {n} runs, {threads} threads: "
          f"{total:.1f} s ({total / 60:.2f} min; target < {TARGET_SWEEP_S / 60:g} min: "
          f"{'yes' if out['meets_target'] else 'NO'}), {out['runs_per_s']:.2f} runs/s, "
          f"parallel efficiency {out['parallel_efficiency']:.0%} (kernel time {kernel_sum:.1f} s)")
    return out



def summary(r):
    v, nn, sw = r["problem_v"], r["numba_vs_numpy"], r["sweep"]
    rows = [
        ("(v) kernel s/run, median", f"{v['median']:.3f}", f"< {TARGET_S_PER_RUN:g}", "paper 15.07 s",
         f"{v['speedup_vs_paper']:.1f}x"),
        ("numpy/numba, reduced (v)", f"{nn['numpy_over_numba']:.0f}x", "", "agree" if nn["outputs_agree"]
         else "DISAGREE", ""),
        ("Table-1 sweep wall s", f"{sw['wall_s']:.1f}", f"< {TARGET_SWEEP_S:g}", f"{sw['runs_per_s']:.2f} runs/s",
         f"eff {sw['parallel_efficiency']:.0%}"),
    ]
    title = "Summary" + (" (QUICK settings: not the paper's, targets not meaningful)" if r["quick"] else "")
    print_summary(title, ("measure", "value", "target", "note", "ratio"), rows, r["machine"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny T_x and few runs: a smoke test (< 1 min)")
    parser.add_argument("--out", default="benchmarks/results/cbo_bilevel.json", help="JSON output file")
    parser.add_argument("--repeats", type=int, help="timed runs of problem (v) (default 5; quick 2)")
    parser.add_argument("--runs", type=int, help="runs per problem in the sweep (default 100; quick 4)")
    parser.add_argument("--threads", type=int, default=2, help="dask threads of the sweep (default 2)")
    args = parser.parse_args()

    paper = MSCBOParams()  # eq. (5.5): N=100, M=25, d=10, T_x=50
    timed = dataclasses.replace(paper, T_x=5.0) if args.quick else paper
    reduced = dataclasses.replace(paper, T_x=0.2 if args.quick else 1.0)  # n_outer = 3 / 11 (inclusive)
    repeats = args.repeats or (2 if args.quick else 5)
    runs = args.runs or (4 if args.quick else 100)
    print(f"bench_cbo: {'QUICK, ' if args.quick else ''}N={paper.N} M={paper.M} d={paper.dim} "
          f"T_x={timed.T_x:g} (outer, inner iterations {timed.loop_counts()})")

    results = {"quick": args.quick, "machine": machine(), "params": timed.as_dict()}
    run_bilevel(bilevel_problem("v"), timed, seed("warmup", 0))  # warm-up: numba compile / cache load
    results["problem_v"] = bench_problem_v(timed, repeats)
    results["all_problems"] = bench_all_problems(timed, 3)
    results["numba_vs_numpy"] = bench_numba_vs_numpy(reduced, 1 if args.quick else 3)
    results["sweep"] = bench_sweep(timed, runs, args.threads)
    report(results, summary, args.out)


if __name__ == "__main__":
    main()

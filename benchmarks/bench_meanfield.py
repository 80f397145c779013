"""Benchmark of the stationary McKean-Vlasov sweeps (Gomes & Pavliotis 2017).

Measures (see benchmarks/README.md), at the config defaults (the paper's settings), one core unless said:
  1. one R(m) evaluation (scalar m; case 4, theta = 5, beta = 30, eps = 0.1 and homogenized), cached
     lattice and a fresh problem, and one R curve of 401 m values;
  2. one critical-beta solve (all roots of beta theta Var_{m=0} = 1) per case 1, 3, 4 at eps = 0.1;
  3. one full bifurcation diagram (all branches, experiment.diagram_dataset) per figure fig6b-fig9b;
  4. the whole Fig-10 eps-grid (experiment.critical_dataset) through a local dask client, 2 threads and 1,
     and its parts without dask on one thread (the per-(case, eps) tasks, the serial solves);
  5. a summary table and machine facts.
Figures are printed and written as JSON to --out.

BLAS runs one thread per process unless OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS are
set by the caller (multithreaded OpenBLAS slows the small matrix-vector products of the quadrature).

    python benchmarks/bench_meanfield.py [--quick] [--out benchmarks/results/meanfield.json]
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy is imported

import argparse  # noqa: E402
import copy  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from common import machine, print_summary, report, stats  # noqa: E402
from mfsweep.cluster import dask_client  # noqa: E402
from mfsweep.experiments.config import load_config  # noqa: E402
from mfsweep.experiments import stationary as experiment  # noqa: E402

CONFIG = load_config()
THETA, BETA, EPS = 5.0, 30.0, 0.1
R_CASE = "case4"
CRITICAL_CASES = ["case1", "case3", "case4"]
DIAGRAMS = ["fig6b", "fig7b", "fig8b", "fig9b"]
QUICK_EPS = [0.5, 0.1, 0.02]  # --quick: 3 of the 14 eps values of Fig 10
TARGET_DIAGRAM_S = 10.0  # per diagram, one core
TARGET_GRID_S = 30.0  # whole Fig-10 grid, 2 cores



def timed(fn, repeats):
    """Wall seconds of ``repeats`` calls of fn() and the last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def bench_R(calls, curve_repeats, fresh_repeats):
    """R(m) at scalar m: repeated calls on one problem (lattice cached) and on fresh problems; a 401-m curve."""
    m_curve = np.linspace(-2.0, 2.0, 401)
    out = {}
    print(f"[1] R(m), {R_CASE}, theta={THETA:g}, beta={BETA:g}: scalar m = 0.3 (median of {calls} calls), "
          f"fresh problem (median of {fresh_repeats}), curve of {m_curve.size} m (median of {curve_repeats})")
    for label, eps in (("eps=0.1", EPS), ("homogenized", experiment.HOMOGENIZED)):
        prob = experiment.problem(R_CASE, eps, THETA, CONFIG)
        prob.R(0.3, BETA)  # builds and caches the lattice and the beta-dependent base exponent
        nodes = prob.quadrature_grid(BETA, 0.3).x.size
        scalar, value = timed(lambda: prob.R(0.3, BETA), calls)
        fresh, _ = timed(lambda: experiment.problem(R_CASE, eps, THETA, CONFIG).R(0.3, BETA), fresh_repeats)
        curve, _ = timed(lambda: prob.R(m_curve, BETA), curve_repeats)
        row = {"eps": eps, "nodes": nodes, "R_at_0.3": value,
               "scalar_us": {k: v * 1e6 if k != "n" else v for k, v in stats(scalar).items()},
               "fresh_problem_us": {k: v * 1e6 if k != "n" else v for k, v in stats(fresh).items()},
               "curve_401_ms": {k: v * 1e3 if k != "n" else v for k, v in stats(curve).items()}}
        out[label] = row
        print(f"    {label:<12} {nodes:5d} nodes: scalar {row['scalar_us']['median']:7.1f} us "
              f"(min {row['scalar_us']['min']:.1f}), fresh problem {row['fresh_problem_us']['median'] / 1e3:7.2f} ms, "
              f"401-m curve {row['curve_401_ms']['median']:6.2f} ms "
              f"({row['curve_401_ms']['median'] * 1e3 / m_curve.size:.1f} us per m)")
    return out


def bench_critical(repeats):
    """One critical-beta solve per case (fresh problem per repeat, as a dask task of Fig 10 does)."""
    beta_range = CONFIG["meanfield"]["critical"]["beta_range"]
    out = {}
    print(f"[2] critical betas, eps={EPS:g}, theta={THETA:g}, beta in {beta_range} "
          f"(400-point scan + brentq; median of {repeats}):")
    for name in CRITICAL_CASES:
        times, roots = timed(lambda: experiment.problem(name, EPS, THETA, CONFIG).critical_betas(beta_range), repeats)
        out[name] = {**stats(times), "beta_c": [float(r) for r in roots]}
        print(f"    {name}: {out[name]['median']:.3f} s (min {out[name]['min']:.3f}); "
              f"beta_c = {', '.join(f'{r:.5g}' for r in roots) or 'none'}")
    return out


def bench_diagrams(repeats):
    """One full bifurcation diagram (all branches, stability, free energy) per figure spec."""
    out = {}
    print(f"[3] bifurcation diagrams, experiment.diagram_dataset, one process (best/median of {repeats}):")
    for name in DIAGRAMS:
        spec = CONFIG["meanfield"]["diagrams"][name]
        times, ds = timed(lambda: experiment.diagram_dataset(CONFIG, name), repeats)
        kinds = [str(k) for k in ds.special_kind.values]
        row = {**stats(times), "case": spec["case"], "eps": spec["eps"], "theta": spec["theta"],
               "beta_range": spec["beta_range"], "m_range": spec["m_range"],
               "branches": int(ds.sizes["branch"]), "points": int(np.sum(ds.n_points.values)),
               "special_points": len(kinds), "folds": kinds.count("fold"),
               "branch_points": kinds.count("branch_point"),
               "max_abs_residual": float(ds.attrs["max_abs_residual"]),
               "target_s": TARGET_DIAGRAM_S}
        row["meets_target"] = row["median"] < TARGET_DIAGRAM_S
        out[name] = row
        print(f"    {name} ({spec['case']}, eps={spec['eps']:g}, beta in {spec['beta_range']}): "
              f"{row['median']:.2f} s (min {row['min']:.2f}); {row['branches']} branches, {row['points']} points, "
              f"{row['special_points']} special points ({row['folds']} folds, {row['branch_points']} branch points), "
              f"max |m - R(m)| {row['max_abs_residual']:.1e}; target < {TARGET_DIAGRAM_S:g} s: "
              f"{'yes' if row['meets_target'] else 'NO'}")
    return out


def serial_parts(config):
    """The grid without dask, one thread: the per-(case, eps) tasks in a plain loop, and the serial
    solves critical_dataset runs after gathering them (homogenized, both psi signs; no fluctuations)."""
    spec = config["meanfield"]["critical"]
    theta, beta_range = spec["theta"], spec["beta_range"]
    start = time.perf_counter()
    for name in spec["cases"]:
        for eps in spec["eps"]:
            experiment.critical_task(config, theta, beta_range, name, eps)
    tasks = time.perf_counter() - start
    start = time.perf_counter()
    for name in spec["cases"]:
        for sign in spec["psi_signs"]:
            experiment.problem(name, experiment.HOMOGENIZED, theta, config, sign).critical_betas(beta_range)
        v0 = experiment.potential(name, 1.0, config).v0
        experiment.problem(f"{v0}+none", 1.0, theta, config).critical_betas(beta_range)
    return tasks, time.perf_counter() - start


def bench_grid(eps_values, thread_counts):
    """The Fig-10 grid through critical_dataset with a local dask client of each thread count."""
    config = copy.deepcopy(CONFIG)
    config["meanfield"]["critical"]["eps"] = list(eps_values)
    spec = config["meanfield"]["critical"]
    tasks = len(spec["cases"]) * len(eps_values)
    serial = len(spec["cases"]) * (len(spec["psi_signs"]) + 1)
    out = {"cases": spec["cases"], "eps": list(eps_values), "dask_tasks": tasks,
           "serial_solves": serial, "target_s": TARGET_GRID_S, "runs": {}}
    print(f"[4] Fig-10 grid, critical_dataset: {len(spec['cases'])} cases x {len(eps_values)} eps = {tasks} "
          f"dask tasks + {serial} serial solves (homogenized, no fluctuations):")
    out["no_dask_tasks_s"], out["no_dask_serial_solves_s"] = serial_parts(config)
    print(f"    without dask, one thread: the {tasks} tasks in a loop {out['no_dask_tasks_s']:.2f} s, "
          f"the {serial} serial solves {out['no_dask_serial_solves_s']:.2f} s")
    for threads in thread_counts:
        start, cpu_start = time.perf_counter(), time.process_time()
        with dask_client({"mode": "local"}, threads) as client:
            ready = time.perf_counter()
            ds = experiment.critical_dataset(config, client)
            done = time.perf_counter()
        closed, cpu = time.perf_counter(), time.process_time() - cpu_start
        run = {"threads": threads, "client_start_s": ready - start, "compute_s": done - ready,
               "client_close_s": closed - done, "wall_s": closed - start, "cpu_s": cpu,
               "cores_used": cpu / (closed - start), "beta_c_finite": int(np.isfinite(ds.beta_c.values).sum())}
        run["meets_target"] = run["wall_s"] < TARGET_GRID_S
        out["runs"][str(threads)] = run
        print(f"    {threads} thread{'s' if threads > 1 else ' '}: {run['wall_s']:.2f} s wall "
              f"(client start {run['client_start_s']:.2f} s, critical_dataset {run['compute_s']:.2f} s, "
              f"close {run['client_close_s']:.2f} s), CPU {run['cpu_s']:.2f} s = {run['cores_used']:.2f} cores busy; "
              f"{run['beta_c_finite']} roots found"
              + (f"; target < {TARGET_GRID_S:g} s: {'yes' if run['meets_target'] else 'NO'}" if threads == 2 else ""))
    runs = out["runs"]
    if "1" in runs and "2" in runs:
        out["speedup_2_over_1"] = runs["1"]["compute_s"] / runs["2"]["compute_s"]
        print(f"    speed-up 2 threads over 1 (critical_dataset only): {out['speedup_2_over_1']:.2f}x")
    return out



def summary(r):
    rows = []
    for label, row in r["R"].items():
        rows.append((f"R(m) scalar, {label}", f"{row['scalar_us']['median']:.1f} us", "",
                     f"{row['nodes']} nodes"))
        rows.append((f"R curve 401 m, {label}", f"{row['curve_401_ms']['median']:.2f} ms", "", ""))
    for name, row in r["critical"].items():
        rows.append((f"critical beta, {name}", f"{row['median']:.3f} s", "",
                     ", ".join(f"{b:.4g}" for b in row["beta_c"])))
    for name, row in r["diagrams"].items():
        rows.append((f"diagram {name}", f"{row['median']:.2f} s", f"< {TARGET_DIAGRAM_S:g} s",
                     f"{row['branches']} br, {row['special_points']} sp"))
    grid = r["grid"]
    for threads, run in grid["runs"].items():
        rows.append((f"Fig-10 grid, {threads} thread{'s' if threads != '1' else ''}", f"{run['wall_s']:.2f} s",
                     f"< {TARGET_GRID_S:g} s" if threads == "2" else "",
                     f"{grid['dask_tasks']} tasks" + (f", x{grid['speedup_2_over_1']:.2f}"
                                                      if threads == "2" and "speedup_2_over_1" in grid else "")))
    title = "Summary" + (" (QUICK: fewer repeats, reduced eps-grid; grid target not meaningful)" if r["quick"] else "")
    print_summary(title, ("measure", "value", "target", "note"), rows, r["machine"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"fewer repeats and {len(QUICK_EPS)} eps values in the Fig-10 grid: a smoke test (< 30 s)")
    parser.add_argument("--out", default="benchmarks/results/meanfield.json", help="JSON output file")
    parser.add_argument("--threads", type=int, nargs="+", default=[2, 1],
                        help="dask thread counts of the Fig-10 grid (default 2 1)")
    args = parser.parse_args()

    eps_grid = QUICK_EPS if args.quick else CONFIG["meanfield"]["critical"]["eps"]
    print(f"bench_meanfield: {'QUICK, ' if args.quick else ''}config defaults (delta={CONFIG['meanfield']['delta']:g}, "
          f"a={CONFIG['meanfield']['a']:g}, grid {CONFIG['meanfield']['grid']})")
    results = {"quick": args.quick, "machine": machine()}
    experiment.diagram_dataset(CONFIG, "fig9b")  # warm-up: imports, first-call overheads
    results["R"] = bench_R(calls=200 if args.quick else 2000, curve_repeats=5 if args.quick else 50,
                           fresh_repeats=5 if args.quick else 50)
    results["critical"] = bench_critical(1 if args.quick else 5)
    results["diagrams"] = bench_diagrams(1 if args.quick else 3)
    results["grid"] = bench_grid(eps_grid, args.threads)
    report(results, summary, args.out)


if __name__ == "__main__":
    main()

"""Benchmark of Tables 2-4 of Herty et al. (2024): time per run of each method, and cost against N and M.

Measures, one core, the fastest of --repeats timed runs of one seeded run per point (NUMBA/OMP/BLAS threads = 1):
  1. MS-CBO (Algorithm 1 with G = -F, c = 1) and SP-CBO on Table 3's functions (a)-(d), d = 10, eq. (5.5);
  2. tri-level MS-CBO (Algorithm 2) on Table 2's problems A-C (N = 100, M = 50, P = 25, d = 10);
  3. Table 4, function (b): the d = 8 row, (N, M) = (200, 14), (400, 20), (600, 25), and the largest cell
     N = 600, M = 25, d = 20 (the paper prints its running time per cell);
  4. MS-CBO on (b), d = 10: cost against N (M = 25) and against M (N = 100), with fitted exponents.
     The paper argues O(N M); Algorithm 1's printed z' consensus sums over all N particles at every
     inner step of every particle, i.e. O(N^2 (T_y/dtau)) per outer step.
Targets (issue): each Table-3 MS-CBO cell (100 runs) under 2 minutes on 2 cores.

    python benchmarks/bench_cbo_tables.py [--quick] [--repeats 3] [--out benchmarks/results/cbo_tables.json]
"""

import os

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402

import numpy as np  # noqa: E402

from common import machine, print_summary, report  # noqa: E402
from mfsweep.cbo.bilevel import MSCBOParams, run_bilevel  # noqa: E402
from mfsweep.reports.cbo_tables_table import PAPER_TABLES  # noqa: E402
from mfsweep.cbo.objectives import minmax_problem  # noqa: E402
from mfsweep.cbo.saddle import SPCBOParams, run_spcbo  # noqa: E402
from mfsweep.cbo.trilevel import TrilevelParams, run_trilevel, trilevel_problem  # noqa: E402
from mfsweep.seeding import seed_sequence  # noqa: E402
from mfsweep.reports.tables import reference_data  # noqa: E402

TARGET_CELL_S = 120.0  # 100 runs on 2 cores
TABLE4_CELLS = [(200, 14, 8), (400, 20, 8), (600, 25, 8), (600, 25, 20)]  # (N, M, d)


def seconds(run, problem, params, label, repeats):
    """Fastest of ``repeats`` runs of one seeded run (the same work each time), after a warm-up run."""
    run(problem, params, seed_sequence(0, "bench_cbo_tables", label, 0))  # compile / warm up
    return min(run(problem, params, seed_sequence(0, "bench_cbo_tables", label, 1))["wall_time"]
               for _ in range(repeats))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the tri-level problems and the Table-4 cells")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per point; the fastest counts")
    parser.add_argument("--out", default="benchmarks/results/cbo_tables.json")
    args = parser.parse_args()
    results = {"machine": machine(), "repeats": args.repeats, "table3": {}, "table2": {}, "table4": {},
               "scaling_N": {}, "scaling_M": {}}

    def seconds_of(run, problem, params, label):
        return seconds(run, problem, params, label, args.repeats)

    for name in "abcd":
        problem = minmax_problem(name)
        results["table3"][name] = {"ms_cbo": seconds_of(run_bilevel, problem, MSCBOParams(), name),
                                   "sp_cbo": seconds_of(run_spcbo, problem, SPCBOParams(), name)}
    b = minmax_problem("b")
    for N in (50, 100, 200, 400):
        results["scaling_N"][N] = seconds_of(run_bilevel, b, MSCBOParams(N=N), f"N{N}")
    for M in (5, 10, 25, 50):
        results["scaling_M"][M] = seconds_of(run_bilevel, b, MSCBOParams(M=M), f"M{M}")
    for key, values in (("scaling_N", results["scaling_N"]), ("scaling_M", results["scaling_M"])):
        sizes, times = np.array(list(values), dtype=float), np.array(list(values.values()))
        results[f"{key}_exponent"] = float(np.polyfit(np.log(sizes), np.log(times), 1)[0])
    if not args.quick:
        for name in "ABC":
            results["table2"][name] = seconds_of(run_trilevel, trilevel_problem(name), TrilevelParams(), name)
        paper = reference_data(PAPER_TABLES, dtype={"problem": str}).query("table == 'table4'")
        for N, M, dim in TABLE4_CELLS:
            label = f"N{N}_M{M}_d{dim}"
            results["table4"][label] = {
                "seconds": seconds_of(run_bilevel, b, MSCBOParams(N=N, M=M, dim=dim), label),
                "paper_seconds": float(paper.query("N == @N and dim == @dim")["running_time_s"].item())}
    report(results, summary, args.out)


def summary(r):
    rows = [[f"Table 3 ({name}) MS-CBO / SP-CBO", f"{t['ms_cbo']:.2f} / {t['sp_cbo']:.3f}",
             f"{TARGET_CELL_S / (50 * t['ms_cbo']):.1f}x"] for name, t in r["table3"].items()]
    rows += [[f"Table 2 ({name}) tri-level", f"{t:.2f}", ""] for name, t in r["table2"].items()]
    rows += [[f"Table 4 {label}", f"{t['seconds']:.2f}", f"paper {t['paper_seconds']:.1f} s"]
             for label, t in r["table4"].items()]
    rows += [[f"(b) N = {N}, M = 25", f"{t:.2f}", ""] for N, t in r["scaling_N"].items()]
    rows += [[f"(b) N = 100, M = {M}", f"{t:.2f}", ""] for M, t in r["scaling_M"].items()]
    rows.append(["fitted exponent in N / in M", f"{r['scaling_N_exponent']:.2f} / {r['scaling_M_exponent']:.2f}", ""])
    print_summary("Seconds per run, one core, fastest of {} (ratio: Table-3 cell of 100 runs on 2 cores vs "
                  "2-minute target)".format(r["repeats"]),
                  ["", "s per run", "ratio"], rows, r["machine"])


if __name__ == "__main__":
    main()

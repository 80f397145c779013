"""Benchmark of Tables 2-4 of Herty et al. (2024): time per run of each method, and cost against N and M.

Measures, one core, one seeded run per point (NUMBA/OMP/BLAS threads = 1):
  1. MS-CBO (Algorithm 1 with G = -F, c = 1) and SP-CBO on Table 3's functions (a)-(d), d = 10, eq. (5.5);
  2. tri-level MS-CBO (Algorithm 2) on Table 2's problems A-C (N = 100, M = 50, P = 25, d = 10);
  3. the largest Table-4 cell, function (b), N = 600, M = 25, d = 20;
  4. MS-CBO on (b), d = 10: cost against N (M = 25) and against M (N = 100), with fitted exponents.
     The paper argues O(N M); Algorithm 1's printed z' consensus sums over all N particles at every
     inner step of every particle, i.e. O(N^2 (T_y/dtau)) per outer step.
Targets (issue): each Table-3 MS-CBO cell (100 runs) under 2 minutes on 2 cores.

    python benchmarks/bench_cbo_tables.py [--quick] [--out benchmarks/results/cbo_tables.json]
"""

import os

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402

import numpy as np  # noqa: E402

from common import machine, print_summary, report  # noqa: E402
from mfsweep.cbo.bilevel import MSCBOParams, run_bilevel  # noqa: E402
from mfsweep.cbo.objectives import minmax_problem  # noqa: E402
from mfsweep.cbo.saddle import SPCBOParams, run_spcbo  # noqa: E402
from mfsweep.cbo.trilevel import TrilevelParams, run_trilevel, trilevel_problem  # noqa: E402
from mfsweep.seeding import seed_sequence  # noqa: E402

TARGET_CELL_S = 120.0  # 100 runs on 2 cores


def seconds(run, problem, params, label):
    run(problem, params, seed_sequence(0, "bench_cbo_tables", label, 0))  # compile / warm up
    return run(problem, params, seed_sequence(0, "bench_cbo_tables", label, 1))["wall_time"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the tri-level and the largest Table-4 cell")
    parser.add_argument("--out", default="benchmarks/results/cbo_tables.json")
    args = parser.parse_args()
    results = {"machine": machine(), "table3": {}, "table2": {}, "scaling_N": {}, "scaling_M": {}}
    for name in "abcd":
        problem = minmax_problem(name)
        results["table3"][name] = {"ms_cbo": seconds(run_bilevel, problem, MSCBOParams(), name),
                                   "sp_cbo": seconds(run_spcbo, problem, SPCBOParams(), name)}
    b = minmax_problem("b")
    for N in (50, 100, 200, 400):
        results["scaling_N"][N] = seconds(run_bilevel, b, MSCBOParams(N=N), f"N{N}")
    for M in (5, 10, 25, 50):
        results["scaling_M"][M] = seconds(run_bilevel, b, MSCBOParams(M=M), f"M{M}")
    for key, values in (("scaling_N", results["scaling_N"]), ("scaling_M", results["scaling_M"])):
        sizes, times = np.array(list(values), dtype=float), np.array(list(values.values()))
        results[f"{key}_exponent"] = float(np.polyfit(np.log(sizes), np.log(times), 1)[0])
    if not args.quick:
        for name in "ABC":
            results["table2"][name] = seconds(run_trilevel, trilevel_problem(name), TrilevelParams(), name)
        results["table4_largest"] = seconds(run_bilevel, b, MSCBOParams(N=600, M=25, dim=20), "largest")
    report(results, summary, args.out)


def summary(r):
    rows = [[f"Table 3 ({name}) MS-CBO / SP-CBO", f"{t['ms_cbo']:.2f} / {t['sp_cbo']:.3f}",
             f"{TARGET_CELL_S / (50 * t['ms_cbo']):.1f}x"] for name, t in r["table3"].items()]
    rows += [[f"Table 2 ({name}) tri-level", f"{t:.2f}", ""] for name, t in r["table2"].items()]
    if "table4_largest" in r:
        rows.append(["Table 4 largest (N=600, M=25, d=20)", f"{r['table4_largest']:.2f}", ""])
    rows += [[f"(b) N = {N}, M = 25", f"{t:.2f}", ""] for N, t in r["scaling_N"].items()]
    rows += [[f"(b) N = 100, M = {M}", f"{t:.2f}", ""] for M, t in r["scaling_M"].items()]
    rows.append(["fitted exponent in N / in M", f"{r['scaling_N_exponent']:.2f} / {r['scaling_M_exponent']:.2f}", ""])
    print_summary("Seconds per run, one core (ratio: Table-3 cell of 100 runs on 2 cores vs 2-minute target)",
                  ["", "s per run", "ratio"], rows, r["machine"])


if __name__ == "__main__":
    main()

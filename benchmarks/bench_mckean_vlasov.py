"""Benchmark of the time-dependent McKean-Vlasov solver (Gomes & Pavliotis 2017, Section 4.5).

Wall time to t = 5000 on one core at the config defaults (grid [-10, 10], cells of 0.01, i.e.
32 cells per period 2 pi eps at eps = 0.1 and more; tol 1e-5), for the paper's case 1 (theta = 2,
beta = 8) full and homogenized and case 4 (theta = 0.5, beta = 5.6; full from N(-0.1, 4)), with the
accepted/rejected steps. Target: under 30 s each.

    python benchmarks/bench_mckean_vlasov.py [--out benchmarks/results/mckean_vlasov.json]
"""

import argparse
import time

from common import machine, print_summary, report, stats
from mfsweep.experiments.config import load_config
from mfsweep.experiments import pde as mckean_vlasov

TARGET_S = 30.0
RUNS = [("case1", "full"), ("case1", "homogenized-printed"), ("case4", "full"),
        ("case4_homogenized", "homogenized-printed")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="benchmarks/results/mckean_vlasov.json")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    config = load_config()
    results = {"machine": machine(), "runs": {}}
    for setting, model in RUNS:
        spec = config["mckean_vlasov"]["settings"][setting]
        fp = mckean_vlasov.solver(config, setting, model, spec["thetas"][0], spec["betas"][0])
        p0, times = fp.initial(spec["init_mean"], spec["init_var"]), mckean_vlasov.output_times(spec)
        fp.evolve(p0, times[:3])  # compile outside the timing
        walls = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            evolution = fp.evolve(p0, times, **config["mckean_vlasov"]["solver"])
            walls.append(time.perf_counter() - start)
        results["runs"][f"{setting}/{model}"] = {**stats(walls), "cells": fp.x.size, "steps": evolution.steps,
                                                 "rejected": evolution.rejected, "T": spec["T"]}
    report(results, summary, args.out)


def summary(results):
    rows = [[name, run["cells"], run["steps"], f"{run['median']:.2f}", f"{TARGET_S / run['median']:.0f}x"]
            for name, run in results["runs"].items()]
    print_summary("McKean-Vlasov solver to t = 5000, one core", ["run", "cells", "steps", "wall s", "under target"],
                  rows, results["machine"])


if __name__ == "__main__":
    main()

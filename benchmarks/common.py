"""Shared pieces of the benchmark scripts: timing statistics, machine facts, the JSON output."""

import json
import os
import platform
import statistics
from pathlib import Path

import numba
import numpy as np
import scipy


def stats(times):
    return {"min": min(times), "median": statistics.median(times), "mean": statistics.fmean(times), "n": len(times)}


def machine():
    """CPU, cores, load and library versions, so a busy or different machine shows in the results."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return {"cpu": model, "cpu_count": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
            "load_avg_1min_at_start": os.getloadavg()[0], "python": platform.python_version(),
            "numpy": np.__version__, "scipy": scipy.__version__, "numba": numba.__version__,
            "blas_threads_env": os.environ.get("OPENBLAS_NUM_THREADS")}


def report(results, summary, path):
    """Record the load at the end, print ``summary(results)``, write the JSON to ``path``."""
    results["machine"]["load_avg_1min_at_end"] = os.getloadavg()[0]
    summary(results)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {path}")


def print_summary(title, header, rows, machine_facts):
    """A left-aligned first column, right-aligned values, and one line of machine facts."""
    widths = [max(len(str(row[k])) for row in [header, *rows]) + 2 for k in range(len(header))]
    print(f"\n{title}")
    for row in [header, *rows]:
        print("  " + str(row[0]).ljust(widths[0]) + "".join(str(cell).rjust(w) for cell, w in zip(row[1:], widths[1:])))
    m = machine_facts
    print(f"Machine: {m['cpu']}, {m['cpu_count']} cores ({m['usable_cores']} usable), load avg "
          f"{m['load_avg_1min_at_start']:.2f} at start, {m['load_avg_1min_at_end']:.2f} at end; python {m['python']}, "
          f"numpy {m['numpy']}, scipy {m['scipy']}, numba {m['numba']}, OPENBLAS_NUM_THREADS {m['blas_threads_env']}")

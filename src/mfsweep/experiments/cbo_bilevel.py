"""The bi-level MS-CBO benchmark (Herty et al. 2024, Table 1) as a stored, labelled sweep.

One store per (problem, variant): ``runs`` independent runs of Algorithm 1, fanned out as
dask tasks. Run k of problem p draws from ``seed_sequence(seed, EXPERIMENT, p, k)``; the
variants of one problem share these streams (same initial particles, same noise
source), so they are compared on common random numbers.
"""

import functools
import logging

import numpy as np
import xarray as xr

from mfsweep import storage, sweep
from mfsweep.cbo.bilevel import MSCBOParams, run_bilevel
from mfsweep.cbo.objectives import bilevel_problem
from mfsweep.provenance import provenance, source_hash
from mfsweep.seeding import seed_sequence

log = logging.getLogger(__name__)

EXPERIMENT = "cbo_bilevel"
VARIANT_KEYS = ("pairing", "x_update", "loop_bound")

RUN_VARIABLES = {
    # name: (dims, attrs)
    "x_star": (("run", "dim"), {"long_name": "upper-level output X* of Algorithm 1", "units": "1"}),
    "y_star": (("run", "dim"), {"long_name": "lower-level output Y* of Algorithm 1", "units": "1"}),
    "error": (("run",), {"long_name": "error |X*-x*| + |Y*-y*| (eq. 5.4)", "units": "1"}),
    "x_error": (("run",), {"long_name": "upper-level error |X*-x*|", "units": "1"}),
    "y_error": (("run",), {"long_name": "lower-level error |Y*-y*|", "units": "1"}),
    "upper_objective": (("run",), {"long_name": "upper-level objective F(X*, Y*)", "units": "1"}),
    "lower_objective": (("run",), {"long_name": "lower-level objective G(X*, Y*)", "units": "1"}),
    "wall_time": (("run",), {"long_name": "wall time of the run's kernel call", "units": "s"}),
}


def bilevel_task(problem, params, seed, runs):
    """One dask task: the records of ``runs`` (a list of run indices)."""
    return [run_bilevel(problem, params, seed_sequence(seed, EXPERIMENT, problem.name, run)) for run in runs]


def plan(config, problem_name, variant):
    """Problem, parameters and run count of one store, validated before any work starts."""
    section = config["cbo_bilevel"]
    problem = bilevel_problem(problem_name, section.get("custom_problems"))
    unknown = sorted(set(variant) - set(VARIANT_KEYS))
    if unknown:
        raise ValueError(f"cbo_bilevel.variants: unknown keys {unknown}; allowed: {list(VARIANT_KEYS)}")
    params = MSCBOParams.from_mapping({**section["params"], **variant}, "cbo_bilevel.params")
    runs = section["runs"]
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise ValueError(f"cbo_bilevel.runs: expected a positive integer, got {runs!r}")
    return problem, params, runs


def run_store(config, problem_name, variant, output, threads):
    """Compute one (problem, variant) store and write it atomically to ``output``."""
    problem, params, runs = plan(config, problem_name, variant)
    seed = config["seed"]
    threshold = config["cbo_bilevel"]["success_threshold"]
    description = {"experiment": EXPERIMENT, "seed": seed, "problem": repr(problem),
                   "params": params.as_dict(), "code": source_hash(__name__)}
    label = f"{EXPERIMENT} {problem.name} {'/'.join(str(v) for v in variant.values())}"
    ds = sweep.compute_store(output, functools.partial(bilevel_task, problem, params, seed), range(runs),
                             config["dask"], threads, description, label,
                             lambda records: bilevel_dataset(problem, params, records, threshold, seed))
    log.info("%s: wrote %s (success rate %.0f %%)", label, output, 100 * float(ds.success.mean()))


def bilevel_dataset(problem, params, records, threshold, seed):
    """Labelled dataset of one (problem, variant) sweep from {run: record}."""
    runs = sorted(records)
    x_solution, y_solution = problem.solution(params.dim)
    data_vars = {
        name: (dims, np.stack([np.asarray(records[run][name], dtype=float) for run in runs]), attrs)
        for name, (dims, attrs) in RUN_VARIABLES.items()
    }
    ds = xr.Dataset(
        data_vars,
        coords={
            "run": ("run", np.asarray(runs, dtype=np.int64), {"long_name": "run index", "units": "1"}),
            "dim": ("dim", np.arange(params.dim), {"long_name": "vector component", "units": "1"}),
            "problem": ((), problem.name, {"long_name": "Table-1 problem"}),
            **{key: ((), getattr(params, key), {"long_name": f"Algorithm 1 variant: {key}"})
               for key in VARIANT_KEYS},
        },
    )
    ds["x_solution"] = ("dim", x_solution, {"long_name": "exact upper-level solution x*", "units": "1"})
    ds["y_solution"] = ("dim", y_solution, {"long_name": "exact lower-level solution y*", "units": "1"})
    ds["success"] = ("run", (ds.error <= threshold).values,
                     {"long_name": f"success: error <= {threshold} (eq. 5.4)"})
    ds.attrs = provenance(
        params.as_dict(),
        experiment=EXPERIMENT,
        problem=problem.name,
        upper_objective_F=problem.F.describe(),
        lower_objective_G=problem.G.describe(),
        success_threshold=threshold,
        seed_root=seed,
        seed_keys=f"SeedSequence({seed}, spawn_key=(h('{EXPERIMENT}'), h('{problem.name}'), run)), "
                  "h = mfsweep.seeding.stable_key",
    )
    return ds


def combine(paths):
    """All per-(problem, variant) stores as one dataset with dims (problem, *variants, run, dim).

    Attrs: the Algorithm-1 parameters all stores share (a ValueError if they differ), the seed
    root and success threshold, and the stores combined; per-store labels are coordinates.
    """
    stacked, parameters = [], []
    for path in paths:
        ds = storage.open_store(path).load()
        parameters.append({key: value for key, value in ds.attrs["parameters"].items() if key not in VARIANT_KEYS})
        stacked.append(ds.expand_dims(["problem", *VARIANT_KEYS]))
    if any(p != parameters[0] for p in parameters):
        raise ValueError("cannot combine bi-level stores computed with different parameters")
    combined = xr.combine_by_coords(stacked, combine_attrs="drop")
    for key in ("problem", *VARIANT_KEYS):
        combined[key] = combined[key].astype(object)
    first = stacked[0].attrs
    combined.attrs = provenance(parameters[0], experiment=EXPERIMENT, seed_root=first["seed_root"],
                                success_threshold=first["success_threshold"], seed_keys=first["seed_keys"],
                                stores=[str(path) for path in paths])
    return combined


def write_combined(paths, output):
    """Combine the per-store datasets and write them atomically to ``output``."""
    storage.write_zarr_atomic(combine(paths), output)

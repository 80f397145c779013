"""The bi-level MS-CBO benchmark (Herty et al. 2024, Table 1) as a stored, labelled sweep.

One store per (problem, variant): ``runs`` independent runs of Algorithm 1
(:func:`mfsweep.cbo.bilevel.run`), fanned out as dask tasks. Run k of problem p draws from
``seed_sequence(seed, EXPERIMENT, p, k)`` (the method's own keying of an int seed); the variants
of one problem share these streams (same initial particles, same noise source), so they are
compared on common random numbers.
"""

import functools
import logging

import xarray as xr

from mfsweep import seeding, storage, sweep
from mfsweep.cbo import bilevel, runner
from mfsweep.cbo.parameters import VARIANTS
from mfsweep.cbo.problems import bilevel_problem
from mfsweep.provenance import provenance, source_hash

log = logging.getLogger(__name__)

EXPERIMENT = bilevel.SEED_LABEL  # "cbo_bilevel": the seed key of the Table-1 streams
VARIANT_KEYS = VARIANTS  # the Algorithm-1 options swept (cbo_bilevel.variants)


def bilevel_task(problem, params, seed, runs):
    """One dask task: the records of ``runs`` (a list of run indices)."""
    return runner.records(bilevel.run(problem, params, runs=runs, seed=seed))


def plan(config, problem_name, variant):
    """Problem, parameters and run count of one store, validated before any work starts."""
    section = config["cbo_bilevel"]
    problem = bilevel_problem(problem_name, section.get("custom_problems"))
    unknown = sorted(set(variant) - set(VARIANT_KEYS))
    if unknown:
        raise ValueError(f"cbo_bilevel.variants: unknown keys {unknown}; allowed: {list(VARIANT_KEYS)}")
    params = bilevel.Params.from_mapping({**section["params"], **variant}, "cbo_bilevel.params")
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
    """Labelled dataset of one (problem, variant) sweep from {run: record}: the method's Dataset, labelled."""
    runs = sorted(records)
    ds = runner.dataset([records[run] for run in runs], runs, method=bilevel.METHOD, problem=problem, params=params,
                        base=seeding.base_sequence(seed, EXPERIMENT, problem.name), success_threshold=threshold)
    ds = ds.assign_coords(problem=((), problem.name, {"long_name": "Table-1 problem"}),
                          **{key: ((), getattr(params, key), {"long_name": f"Algorithm 1 variant: {key}"})
                             for key in VARIANT_KEYS})
    ds.attrs.update(experiment=EXPERIMENT, seed_root=seed)
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
                                success_threshold=first["success_threshold"],
                                seed_keys=f"run k of problem p: SeedSequence({first['seed_root']}, spawn_key="
                                          f"(h('{EXPERIMENT}'), h(p), k)), h = mfsweep.seeding.stable_key",
                                stores=[str(path) for path in paths])
    return combined


def write_combined(paths, output):
    """Combine the per-store datasets and write them atomically to ``output``."""
    storage.write_zarr_atomic(combine(paths), output)

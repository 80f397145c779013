"""The run loop every CBO method shares: one stream per run, the run's record, errors and the Dataset.

Run k of a method on a problem draws from ``run_sequence(base, k)`` (:mod:`mfsweep.seeding`), with
``base = base_sequence(seed, label, problem.name)``: an int ``seed`` keys the streams by the method's
label and the problem's name, a SeedSequence is used as given. A run's record holds its outputs
(``x_star``, ``y_star``, ``r_star``), the objectives there, the kernel's ``wall_time`` and, when
the problem knows its solution, the distances of the outputs to it (eq. 5.4), their sum ``error``
and ``success`` (error <= threshold). :func:`dataset` turns records into the labelled Dataset the
methods return (:func:`records` back into records, the format of a sweep's checkpoints).
"""

import numpy as np

from mfsweep import datasets, provenance, seeding

PARTICLE_ATTRS = {"long_name": "particle index", "units": "1"}
STAR = {"x": "upper level", "y": "second level", "r": "third level"}

#: Every variable a run may record: name -> (dimensions after ``run``, long_name[, units]).
VARIABLES = {
    **{f"{v}_star": (("dim",), f"output {v.upper()}* ({level})") for v, level in STAR.items()},
    "error": ((), "error: sum of the distances of the outputs to the solution (eq. 5.4)"),
    **{f"{v}_error": ((), f"{level} error |{v.upper()}* - {v}*|") for v, level in STAR.items()},
    "success": ((), "success: error <= the success threshold (eq. 5.4)"),
    "upper_objective": ((), "upper-level objective F at the outputs"),
    "middle_objective": ((), "middle-level objective G at the outputs (tri-level)"),
    "lower_objective": ((), "lowest-level objective at the outputs (G; tri-level: E)"),
    "objective": ((), "objective f at the output"),
    "wall_time": ((), "wall time of the run's kernel call", "s"),
    "X0": (("particle", "dim"), "initial X-particles X^i"),
    "v0": (("particle", "dim"), "initial lower-level consensus v^i (eq. 2.9)"),
    "X": (("particle", "dim"), "final X-particles X^i"),
    "v": (("particle", "dim"), "final lower-level consensus v^i (eq. 2.9)"),
}


def run(method, label, problem, params, runs, seed, success_threshold, one_run):
    """The Dataset of ``runs`` runs of ``one_run(problem, params, rng) -> (record, final particle arrays)``."""
    base = seeding.base_sequence(seed, label, problem.name)
    indices = seeding.run_indices(runs)
    records = [_record(method, problem, params, seeding.run_sequence(base, k), one_run) for k in indices]
    return dataset(records, indices, method=method, problem=problem, params=params, base=base,
                   success_threshold=success_threshold)


def _record(method, problem, params, sequence, one_run):
    record, finals = one_run(problem, params, np.random.Generator(np.random.PCG64(sequence)))
    outputs = [record[f"{level}_star"] for level in problem.LEVELS]
    if not all(np.all(np.isfinite(a)) for a in (*outputs, *finals)):
        raise FloatingPointError(
            f"{method} produced non-finite values on problem {problem.name!r} (run stream "
            f"SeedSequence({sequence.entropy}, spawn_key={sequence.spawn_key})); parameters: {params.as_dict()}")
    record.update(problem.objective_values(outputs))
    solution = problem.solution(params.dim)
    if solution is not None:
        errors = {f"{level}_error": float(np.linalg.norm(out - exact))
                  for level, out, exact in zip(problem.LEVELS, outputs, solution)}
        record.update(errors, error=sum(errors.values()))
    return record


def dataset(records, runs, *, method, problem, params, base, success_threshold):
    """Dims ``run`` (+ ``dim``, ``particle``); attrs: parameters, method, problem, objectives, threshold, seed keys."""
    records = [dict(record) for record in records]
    for record in records:
        if "error" in record:
            record["success"] = bool(record["error"] <= success_threshold)
    variables = {name: (dims, {"long_name": text, "units": units[0] if units else "1"})
                 for name, (dims, text, *units) in VARIABLES.items()}
    variables["success"][1]["long_name"] = f"success: error <= {success_threshold} (eq. 5.4)"
    coords = {"dim": ("dim", np.arange(params.dim), datasets.DIM_ATTRS)}
    if "X" in records[0]:
        coords["particle"] = ("particle", np.arange(records[0]["X"].shape[0]), PARTICLE_ATTRS)
    attrs = provenance.provenance(params.as_dict(), method=method, problem=problem.name, **problem.descriptions(),
                                  success_threshold=success_threshold, seed_keys=seeding.describe(base))
    ds = datasets.run_dataset(records, runs, variables, coords, attrs)
    solution = problem.solution(params.dim)
    for level, exact in zip(problem.LEVELS, solution or ()):
        ds[f"{level}_solution"] = ("dim", exact, {"long_name": f"exact solution {level}* ({STAR[level]})", "units": "1"})
    return ds


def records(ds):
    """One record (a dict of numbers and arrays) per run of a run Dataset, in the order of ``ds.run``."""
    names = [name for name in ds.data_vars if ds[name].dims[:1] == ("run",)]
    return [{name: ds[name].values[i] for name in names} for i in range(ds.sizes["run"])]

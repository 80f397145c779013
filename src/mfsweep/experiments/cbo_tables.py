"""Tables 2-4 of Herty et al. (2024) as stored sweeps: tri-level MS-CBO, min-max MS-CBO vs SP-CBO, scaling.

A *table* spec of the config's ``cbo_tables`` section names a kind (``minmax``: the functions of
:data:`mfsweep.cbo.problems.MINMAX_SPECS`, solved as bi-level problems with G = -F; ``trilevel``:
Table 2's problems), problems, methods (``ms_cbo`` = Algorithm 1, ``sp_cbo`` = the saddle-point
CBO baseline, ``trilevel`` = Algorithm 2, each with parameter overrides) and sizes (overrides of
N, M, P, dim). One store per (table, method, problem) holds all sizes x runs, fanned out as dask
tasks with checkpoints. Run k of size s of problem p draws from
``seed_sequence(seed, "cbo_tables", kind, p, size label, k)``: the methods of a cell share their
streams (and so their initial X, drawn first), whatever the chunking.
"""

import dataclasses
import functools
import logging

import numpy as np
import xarray as xr

from mfsweep import sweep
from mfsweep.cbo import minmax, problems, runner, spcbo, trilevel
from mfsweep.cbo.objectives import Objective
from mfsweep.provenance import provenance, source_hash
from mfsweep.seeding import seed_sequence

log = logging.getLogger(__name__)

EXPERIMENT = "cbo_tables"
KINDS = ("minmax", "trilevel")  # problem kinds of mfsweep.cbo.problems
METHODS = {  # method -> (parameter class, run function, kinds it solves)
    "ms_cbo": (minmax.Params, minmax.run, ("minmax",)),
    "sp_cbo": (spcbo.Params, spcbo.run, ("minmax",)),
    "trilevel": (trilevel.Params, trilevel.run, ("trilevel",)),
}
SIZE_KEYS = ("N", "M", "P", "dim")
SIZE_COORDS = {"N": "N", "M": "M", "P": "P", "dim": "d"}  # coordinate names (the paper's d; dim is the vector axis)
SIZE_MEANING = {"N": "X-particles", "M": "Y-particles per X-particle", "P": "R-particles per X-particle",
                "dim": "dimension of x, y (and r)"}
SCALARS = ("error", "x_error", "y_error", "r_error", "upper_objective", "wall_time")
VECTORS = ("x_star", "y_star", "r_star")
ATTRS = {
    "error": {"long_name": "error: sum of the distances of the outputs to the solution (eq. 5.4)", "units": "1"},
    "x_error": {"long_name": "upper-level error |X* - x*|", "units": "1"},
    "y_error": {"long_name": "second-level error |Y* - y*|", "units": "1"},
    "r_error": {"long_name": "third-level error |R* - r*| (tri-level only)", "units": "1"},
    "upper_objective": {"long_name": "upper-level objective F at the output", "units": "1"},
    "wall_time": {"long_name": "wall time of the run's kernel call", "units": "s"},
    "x_star": {"long_name": "output X*", "units": "1"},
    "y_star": {"long_name": "output Y*", "units": "1"},
    "r_star": {"long_name": "output R* (tri-level only)", "units": "1"},
}


@dataclasses.dataclass(frozen=True)
class Cell:
    """One store: a method on a problem of a table, at every size."""

    table: str
    kind: str
    method_name: str
    method: str
    problem: object
    sizes: tuple  # of parameter objects, one per size
    size_labels: tuple
    runs: int  # per size

    @property
    def width(self):
        """The largest dimension over the sizes: output vectors are NaN-padded to it."""
        return max(params.dim for params in self.sizes)

    def run(self, flat_index, seed):
        """The record of run ``flat_index`` = size * runs + run, output vectors padded to :attr:`width`."""
        size, run = divmod(flat_index, self.runs)
        base = seed_sequence(seed, EXPERIMENT, self.kind, self.problem.name, self.size_labels[size])
        [record] = runner.records(METHODS[self.method][1](self.problem, self.sizes[size], runs=[run], seed=base))
        for name in VECTORS:
            if name in record:
                record[name] = np.pad(record[name], (0, self.width - record[name].size), constant_values=np.nan)
        return record


def plan(config, table, method_name, problem_name):
    """The validated cell; a ValueError names the bad key and the allowed values."""
    tables = config["cbo_tables"]["tables"]
    if table not in tables:
        raise ValueError(f"cbo_tables.tables: unknown table {table!r}; allowed: {', '.join(tables)}")
    spec = tables[table]
    where = f"cbo_tables.tables.{table}"
    if method_name not in spec["methods"]:
        raise ValueError(f"{where}.methods: unknown method {method_name!r}; allowed: {', '.join(spec['methods'])}")
    method_spec = spec["methods"][method_name]
    method = method_spec["method"]
    params_class, _, kinds = METHODS[method]
    if spec["kind"] not in kinds:
        allowed = [name for name, (_, _, solves) in METHODS.items() if spec["kind"] in solves]
        raise ValueError(f"{where}.methods.{method_name}.method: {method!r} does not solve {spec['kind']} problems; "
                         f"allowed: {', '.join(allowed)}")
    if problem_name not in spec["problems"]:
        raise ValueError(f"{where}.problems: {problem_name!r} is not listed")
    try:
        problem = problems.resolve(problem_name, spec["kind"])
    except ValueError as error:
        raise ValueError(f"{where}.problems: {error}") from None
    sizes, labels = [], []
    for size in spec["sizes"] or [{}]:
        present = {key: value for key, value in size.items() if key in {f.name for f in dataclasses.fields(params_class)}}
        sizes.append(params_class.from_mapping({**method_spec["params"], **present},
                                               f"{where}.methods.{method_name}.params"))
        labels.append(",".join(f"{key}={size[key]}" for key in SIZE_KEYS if key in size) or "default")
    runs = spec.get("runs", config["cbo_tables"]["runs"])
    return Cell(table, spec["kind"], method_name, method, problem, tuple(sizes), tuple(labels), runs)


def run_store(config, table, method_name, problem_name, output, threads):
    """All sizes x runs of one cell, as checkpointed dask tasks, written atomically."""
    cell = plan(config, table, method_name, problem_name)
    description = {"experiment": EXPERIMENT, "seed": config["seed"], "cell": repr(cell), "runs": cell.runs,
                   "code": source_hash(__name__)}
    label = f"{EXPERIMENT} {table}/{method_name}/{problem_name}"
    ds = sweep.compute_store(output, functools.partial(_task, cell, config["seed"]), range(len(cell.sizes) * cell.runs),
                             config["dask"], threads, description, label,
                             lambda records: cell_dataset(cell, records, config))
    log.info("%s: wrote %s (success %s %%)", label, output,
             ", ".join(f"{100 * float(v):.0f}" for v in ds.success.mean("run").values))


def _task(cell, seed, indices):
    return [cell.run(k, seed) for k in indices]


def cell_dataset(cell, records, config):
    """Dims (size, run, dim); size coordinates N, M, P, d; vectors padded with NaN to the largest d."""
    n_sizes, runs = len(cell.sizes), cell.runs
    data = {}
    for name in SCALARS:
        values = np.full((n_sizes, runs), np.nan)
        for k, record in records.items():
            if name in record:
                values[divmod(k, runs)] = record[name]
        if np.isfinite(values).any():
            data[name] = (("size", "run"), values, ATTRS[name])
    for name in VECTORS:
        values = np.full((n_sizes, runs, cell.width), np.nan)
        for k, record in records.items():
            if name in record:
                values[divmod(k, runs)] = record[name]
        if np.isfinite(values).any():
            data[name] = (("size", "run", "dim"), values, ATTRS[name])
    threshold = config["cbo_tables"]["success_threshold"]
    size_coords = {SIZE_COORDS[key]: ("size", [getattr(p, key, np.nan) for p in cell.sizes], {
        "long_name": f"{SIZE_COORDS[key]}: {SIZE_MEANING[key]} (NaN: not a parameter of the method)", "units": "1"})
        for key in SIZE_KEYS}
    ds = xr.Dataset(data, coords={
        "size": ("size", list(cell.size_labels), {"long_name": "size label (N, M, P, dim overrides)"}),
        "run": ("run", np.arange(runs), {"long_name": "run index", "units": "1"}),
        "dim": ("dim", np.arange(cell.width), {"long_name": "vector component", "units": "1"}),
        **size_coords,
        "table": ((), cell.table, {"long_name": "table of the paper"}),
        "method": ((), cell.method_name, {"long_name": f"method ({cell.method})"}),
        "problem": ((), cell.problem.name, {"long_name": f"{cell.kind} problem"}),
    })
    ds["success"] = (("size", "run"), (ds.error <= threshold).values,
                     {"long_name": f"success: error <= {threshold} (eq. 5.4)"})
    ds.attrs = provenance(
        {label: dataclasses.asdict(params) for label, params in zip(cell.size_labels, cell.sizes)},
        experiment=EXPERIMENT, table=cell.table, kind=cell.kind, method=cell.method_name, algorithm=cell.method,
        problem=cell.problem.name, success_threshold=threshold, seed_root=config["seed"],
        seed_keys=f"SeedSequence(seed, spawn_key=(h('{EXPERIMENT}'), h('{cell.kind}'), h(problem), h(size), run))")
    return ds


# --- Fig. 3: one 1-D MS-CBO run per min-max function ---------------------------------------------

ILLUSTRATION = "cbo_illustration"  # seed key: the run of function p draws from seed_sequence(seed, ILLUSTRATION, p, 0)


def illustration_plan(config):
    """The problems and Algorithm-1 parameters of Fig. 3, checked; a ValueError names the key."""
    spec = config["cbo_tables"]["illustration"]
    found = []
    for name in spec["problems"]:
        try:
            found.append(problems.resolve(name, "minmax"))
        except ValueError as error:
            raise ValueError(f"cbo_tables.illustration.problems: {error}") from None
    return found, minmax.Params.from_mapping(spec["params"], "cbo_tables.illustration.params")


def illustration(config, grid_points=201):
    """One Dataset per Fig.-3 function: the run's initial and final (X^i, v^i) and the landscape F(x, y).

    Variables: those of :func:`mfsweep.cbo.minmax.run` with ``keep_particles`` (X0, v0, X, v with
    dims (run, particle, dim)) and ``landscape`` (y_grid, x_grid) on [init_low, init_high]^2.
    """
    found, params = illustration_plan(config)
    grid = np.linspace(params.init_low, params.init_high, grid_points)
    datasets = []
    for problem in found:
        ds = minmax.run(problem, params, runs=[0], seed=seed_sequence(config["seed"], ILLUSTRATION, problem.name),
                        keep_particles=True)
        F = problem.F
        if isinstance(F, Objective):  #: numpy broadcasting over the grid
            values = F(grid[None, :, None], grid[:, None, None])
        else:
            values = np.array([[problems.evaluate(F, np.array([x]), np.array([y])) for x in grid] for y in grid])
        ds["landscape"] = (("y_grid", "x_grid"), values, {"long_name": "F(x, y) on the grid", "units": "1"})
        ds = ds.assign_coords(x_grid=("x_grid", grid, {"long_name": "x", "units": "1"}),
                              y_grid=("y_grid", grid, {"long_name": "y", "units": "1"}))
        datasets.append(ds)
    return datasets


def write_illustration(config, png):
    """Fig. 3 computed (:func:`illustration`), plotted and saved to ``png``."""
    from mfsweep.reports.cbo_tables_figures import plot_illustration

    plot_illustration(illustration(config)).savefig(png, dpi=120)

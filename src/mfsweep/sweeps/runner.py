"""Run a sweep: its cells fan out as dask tasks, land in the cell cache as they finish, and one store is built.

:func:`run_sweep` computes the cells of a :class:`~mfsweep.sweeps.spec.Sweep` that the cache does not
have yet (a task is a batch of cells, so that it lasts well over ~100 ms; at most a few tasks per
worker are in flight, so the driver holds no more than those results), stores each finished batch
at once, and then :func:`assemble` writes the store ``results/sweeps/NAME.zarr``: dims = the sweep's
axes (``problem`` first if there is one), then the method's own (``run`` first); written slab by slab
along the first axis into a temporary sibling, renamed into place when complete. The store's data
do not depend on how the sweep was cut into cells and tasks, resumed or extended.

A method output dimension whose coordinate differs between points (a time grid that depends on T,
a histogram over another range) is stored by position: the coordinate becomes the variable
``<dim>_values`` along the axes, and shorter outputs are padded with NaN.
"""

import logging
import math
import os
import shutil
import time
from pathlib import Path

import numpy as np
import xarray as xr
from distributed import as_completed
from tqdm import tqdm

from mfsweep import storage
from mfsweep.cluster import dask_client
from mfsweep.provenance import provenance, source_hash
from mfsweep.seeding import describe
from mfsweep.sweeps.cells import CellCache, cell_key
from mfsweep.userfunc import import_path

log = logging.getLogger(__name__)

SLAB_ELEMENTS = 1_000_000  # elements per variable and zarr chunk along the first axis (about)
TASKS_PER_WORKER_THREAD = 3  # tasks in flight per worker thread
TASK_SECONDS = 0.5  # a task batches cells until about this long (by the first finished cells' cost)


def problem_spec(problem):
    """A problem as it is keyed and sent to workers: its name or import path."""
    if isinstance(problem, str):
        return problem
    path = import_path(problem)
    if path is None:
        raise ValueError(f"problem {problem!r}: give a name or a module-level object reachable by import path, "
                         "so that workers find the same problem")
    return path


def plan_cells(sweep, seed, part=None):
    """[(point index, problem, params, runs, base seed, key)] of every cell (of part ``part`` of ``sweep.parts``)."""
    code = source_hash(sweep.method.__name__)
    cells = []
    for index, problem, params in sweep.points():
        base = sweep.base_seed(seed, problem, params)
        spec = problem_spec(problem)
        for runs in sweep.run_chunks():
            cells.append((index, spec, params, runs, base,
                          cell_key(sweep.method.__name__, code, spec, params.as_dict(), runs, base, sweep.options)))
    if part is not None:
        cells = cells[part::sweep.parts]
    return cells


def compute_cells(method_module, options, problems, params, runs, bases):
    """One dask task: (the cells of a batch, each the method's Dataset as plain arrays (:func:`cell`), their seconds)."""
    import importlib

    method = importlib.import_module(method_module)
    start = time.perf_counter()
    cells = [cell(method.run(problem, p, runs=r, seed=b, **options))
             for problem, p, r, b in zip(problems, params, runs, bases)]
    return cells, time.perf_counter() - start


def cell(ds):
    """A Dataset as it is cached: ``(variables, coords)``, name -> (dims, array, attrs) and dim -> (array, attrs)."""
    coord_names = ds.coords.keys()
    everything = ds.variables  # Variables, not DataArrays: no per-variable DataArray construction
    variables = {name: (var.dims, var.values, dict(var.attrs)) for name, var in everything.items()
                 if name not in coord_names}
    coords = {dim: (everything[dim].values, dict(everything[dim].attrs)) for dim in ds.dims if dim in coord_names}
    return variables, coords


def _point(keys, cache):
    """The cells of one point (its run chunks, in run order) joined along ``run``: ``(variables, coords)``."""
    cells = [cache.get(key) for key in keys]
    if len(cells) == 1:
        return cells[0]
    variables = {name: (dims, np.concatenate([c[0][name][1] for c in cells]) if dims[:1] == ("run",)
                        else values, attrs) for name, (dims, values, attrs) in cells[0][0].items()}
    coords = dict(cells[0][1])
    coords["run"] = (np.concatenate([c[1]["run"][0] for c in cells]), coords["run"][1])
    return variables, coords


def run_sweep(sweep, output, *, seed, dask_config, threads=1, part=None, progress=None):
    """Compute the missing cells of ``sweep`` into ``<output>.cells/`` and (unless ``part`` is given) write the store.

    ``part``: compute only cells ``part::sweep.parts`` (one Snakemake job of a split sweep; the
    merge is a call with ``part=None``). Returns the number of cells computed. ``progress``: a
    stream for the progress bar (default: stderr).
    """
    output = Path(output)
    cells = plan_cells(sweep, seed)
    mine = cells if part is None else cells[part::sweep.parts]
    lock_name = output if part is None else output.with_name(f"{output.name}.part{part}")
    with storage.store_lock(lock_name):
        cache = CellCache(f"{output}.cells")
        todo = [cell for cell in mine if cell[5] not in cache]
        log.info("sweep %s: %d cells, %d in the cache, %d to compute", sweep.name, len(mine), len(mine) - len(todo),
                 len(todo))
        if todo:
            _compute(sweep, todo, cache, dask_config, threads, progress)
        if part is None:
            assemble(sweep, cells, cache, output, seed)
    return len(todo)


def _compute(sweep, todo, cache, dask_config, threads, progress):
    module = sweep.method.__name__
    with dask_client(dask_config, threads, len(todo)) as client:
        if dask_config.get("mode", "local") != "local":
            log.info("dask dashboard: %s", client.dashboard_link)
        workers = max(1, sum(client.nthreads().values()))
        bar = tqdm(total=len(todo), desc=f"sweep {sweep.name}", unit="cell", file=progress, mininterval=2.0,
                   ascii=True, dynamic_ncols=False)
        pending, in_flight = as_completed(), {}
        next_cell, batch, cells_timed, seconds = 0, 1, 0, 0.0

        def submit(size):
            nonlocal next_cell
            chunk = todo[next_cell:next_cell + size]
            next_cell += len(chunk)
            future = client.submit(compute_cells, module, sweep.options,
                                   *zip(*[(c[1], c[2], c[3], c[4]) for c in chunk]), pure=False)
            in_flight[future] = chunk
            pending.add(future)

        submit(1)  # the first cell alone: its cost sets the batch size
        try:
            for future in pending:
                chunk = in_flight.pop(future)
                datasets, task_seconds = future.result()
                cache.add([cell[5] for cell in chunk], datasets)
                bar.update(len(chunk))
                # batches of about TASK_SECONDS by the cost per cell measured inside the tasks so far
                cells_timed, seconds = cells_timed + len(chunk), seconds + task_seconds
                left = len(todo) - next_cell
                batch = max(1, min(math.ceil(TASK_SECONDS * cells_timed / max(seconds, 1e-9)),
                                   math.ceil(left / workers) or 1))
                while next_cell < len(todo) and len(in_flight) < TASKS_PER_WORKER_THREAD * workers:
                    submit(batch)
        except BaseException:
            client.cancel(list(in_flight))
            raise
        finally:
            bar.close()


def assemble(sweep, cells, cache, output, seed):
    """Write the store of ``sweep`` from its cells in ``cache`` (all of them must be there), atomically."""
    by_point = {}
    for index, _, _, runs, base, key in cells:
        by_point.setdefault(index, []).append(key)
    layout = _layout(sweep, by_point, cache)
    output = Path(output)
    tmp = output.with_name(f".{output.name}.tmp-{storage.HOST}-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    shape = sweep.shape
    first = shape[0] if shape else 1
    per_index = max(1, math.prod(shape[1:]) * max(layout["largest"], 1))
    slab = max(1, min(first, SLAB_ELEMENTS // per_index))
    attrs = _attrs(sweep, seed, cells)
    try:
        for start in range(0, first, slab):
            ds = _slab(sweep, layout, by_point, cache, start, min(start + slab, first))
            ds.attrs = attrs  # every slab: an append rewrites the group's attrs with its own
            if start == 0:
                storage.write_zarr(ds, tmp, mode="w")
            else:
                storage.write_zarr(ds, tmp, append_dim=sweep.axes[0].name)
        storage.replace_store(tmp, output)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _layout(sweep, by_point, cache):
    """Per variable: dims, the largest shape over the points, dtype and fill; per dim: shared coordinate or not."""
    variables, coords, sizes = {}, {}, {}
    for keys in by_point.values():
        point_vars, point_coords = _point(keys, cache)
        for name, (dims, values, attrs) in point_vars.items():
            known = variables.setdefault(name, {"dims": dims, "dtype": values.dtype, "attrs": attrs})
            if known["dims"] != dims:
                raise ValueError(f"sweeps.{sweep.name}: variable {name} has dims {dims} at one point and "
                                 f"{known['dims']} at another")
            if known["dtype"] != values.dtype:
                known["dtype"] = (np.dtype(object) if object in (known["dtype"], values.dtype)
                                  else np.promote_types(known["dtype"], values.dtype))
            for dim, n in zip(dims, values.shape):
                sizes[dim] = max(sizes.get(dim, 0), n)
        for dim, (values, attrs) in point_coords.items():
            entry = coords.setdefault(dim, {"values": values, "shared": True, "attrs": attrs})
            if entry["shared"] and not _same(entry["values"], values):
                entry["shared"] = False
    for dim in sizes:
        coords.setdefault(dim, {"values": None, "shared": True, "attrs": {}})
    for name, info in variables.items():
        info["shape"] = tuple(sizes[d] for d in info["dims"])
        padded = any(not coords[d]["shared"] for d in info["dims"])
        if padded and info["dtype"].kind in "biu":
            info["dtype"] = np.dtype(float)
        info["fill"] = "" if info["dtype"] == object else (np.nan if info["dtype"].kind in "fc" else 0)
    largest = max((math.prod(info["shape"]) for info in variables.values()), default=1)
    return {"variables": variables, "coords": coords, "sizes": sizes, "largest": largest}


def _same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a.shape == b.shape and (a == b).all()


def _slab(sweep, layout, by_point, cache, lo, hi):
    """The Dataset of the points with first-axis index in [lo, hi)."""
    axes_shape = (hi - lo, *sweep.shape[1:]) if sweep.axes else ()
    data = {name: np.full(axes_shape + info["shape"], info["fill"], dtype=info["dtype"])
            for name, info in layout["variables"].items()}
    varying = {dim: info for dim, info in layout["coords"].items() if not info["shared"]}
    values = {dim: np.full(axes_shape + (layout["sizes"][dim],), np.nan) for dim, info in varying.items()
              if info["values"] is not None}
    for index, keys in by_point.items():
        if sweep.axes and not lo <= index[0] < hi:
            continue
        where = ((index[0] - lo, *index[1:]) if sweep.axes else ())
        point_vars, point_coords = _point(keys, cache)
        for name, (_, array, _) in point_vars.items():
            data[name][where + tuple(slice(0, n) for n in array.shape)] = array
        for dim in values:
            if dim in point_coords:
                array = point_coords[dim][0]
                values[dim][where + (slice(0, len(array)),)] = array
    axes_dims = tuple(axis.name for axis in sweep.axes)
    ds = xr.Dataset({name: (axes_dims + info["dims"], data[name], info["attrs"])
                     for name, info in layout["variables"].items()})
    for dim, array in values.items():
        ds[f"{dim}_values"] = (axes_dims + (dim,), array, {**varying[dim]["attrs"],
                                                              "comment": f"{dim} differs between points"})
    for dim, info in layout["coords"].items():
        if info["shared"] and info["values"] is not None:
            ds = ds.assign_coords({dim: (dim, info["values"], info["attrs"])})
    return ds.assign_coords(_axis_coords(sweep, lo, hi))


def _axis_coords(sweep, lo, hi):
    """Coordinates of the axes (the first restricted to [lo, hi)), labelled from the method's parameter docs."""
    docs = {name: (units, doc) for name, _, units, doc in sweep.method.Params.describe()}
    coords = {}
    for n, axis in enumerate(sweep.axes):
        labels = axis.labels[lo:hi] if n == 0 else axis.labels
        settings = axis.settings[lo:hi] if n == 0 else axis.settings
        if axis.name == "problem":
            coords["problem"] = ("problem", np.asarray(labels, dtype=object), {"long_name": "problem"})
            continue
        if axis.name in docs and list(settings[0]) == [axis.name]:  # a grid axis: the parameter itself
            units, doc = docs[axis.name]
            values = np.asarray(labels, dtype=object if isinstance(labels[0], str) else None)
            coords[axis.name] = (axis.name, values, {"long_name": doc or axis.name, **({"units": units}
                                                                                     if values.dtype != object else {})})
            continue
        coords[axis.name] = (axis.name, np.asarray(labels, dtype=object), {"long_name": f"{axis.name} (paired values)"})
        for key in settings[0]:  # a zip axis: one coordinate per parameter along it
            values = np.asarray([s[key] for s in settings], dtype=object if isinstance(settings[0][key], str) else None)
            units, doc = docs.get(key, ("1", key))
            coords[key] = (axis.name, values, {"long_name": doc or key,
                                               **({"units": units} if values.dtype != object else {})})
    return coords


def _attrs(sweep, seed, cells):
    spec = {"method": sweep.method_name, "problem": list(sweep.problems) if len(sweep.problems) > 1
            else sweep.problems[0], "params": sweep.params, "runs": sweep.runs, "seed_mode": sweep.seed_mode,
            "options": sweep.options,
            "seed_key": list(sweep.seed_key) if sweep.seed_key else None,
            "grid": {a.name: list(a.labels) for a in sweep.axes if a.name != "problem" and list(a.settings[0]) == [a.name]},
            "zip": {a.name: {k: [s[k] for s in a.settings] for k in a.settings[0]} for a in sweep.axes
                    if a.name != "problem" and list(a.settings[0]) != [a.name]}}
    first_base = cells[0][4]
    return provenance(spec, sweep=sweep.name, sweep_axes=[axis.name for axis in sweep.axes],
                      method=sweep.method_name, method_module=sweep.method.__name__,
                      method_defaults=sweep.method.Params().as_dict(), code=source_hash(sweep.method.__name__),
                      seed_root=seed, seed_mode=sweep.seed_mode,
                      seed_keys=f"per point; e.g. the first point's {describe(first_base)}",
                      Conventions="CF-1.10", title=f"mfsweep sweep {sweep.name}")

"""Labelled results of the methods: xarray Datasets of runs, CF attrs on every variable and coordinate.

Every method's ``run(...)`` returns a Dataset whose first dimension is ``run`` (the replicate
index; its stream is keyed by it, :mod:`mfsweep.seeding`), so the runs of a sweep computed in
chunks are put back together with :func:`concat_runs`, bit-identical to one call over all runs.
"""

import numpy as np
import xarray as xr

RUN_ATTRS = {"long_name": "run index (replicate; keys its random stream)", "units": "1"}
DIM_ATTRS = {"long_name": "vector component", "units": "1"}


def coordinate(dim, values, long_name, units="1"):
    """A coordinate tuple with CF attrs; text labels are stored as variable-length strings."""
    values = np.asarray(values)
    if values.dtype.kind == "U":
        values = values.astype(object)
    attrs = {"long_name": long_name} if values.dtype == object else {"long_name": long_name, "units": units}
    return (dim, values, attrs)


def run_dataset(records, runs, variables, coords=None, attrs=None):
    """A Dataset from one record (a dict of numbers and arrays) per run.

    ``variables`` maps a record key to ``(dims, attrs)``, ``dims`` the dimensions after ``run``;
    keys missing from the records are left out (e.g. ``error`` without a known solution).
    """
    data = {}
    for name, (dims, var_attrs) in variables.items():
        if all(name in record for record in records):
            data[name] = (("run", *dims), np.stack([np.asarray(record[name]) for record in records]), var_attrs)
    ds = xr.Dataset(data, coords={"run": ("run", np.asarray(runs, dtype=np.int64), RUN_ATTRS), **(coords or {})})
    ds.attrs = dict(attrs or {})
    return ds


def concat_runs(datasets):
    """Chunks of runs of one computation as one Dataset, sorted by run (attrs of the first chunk)."""
    ds = xr.concat(list(datasets), dim="run", data_vars="minimal", coords="minimal", compat="override",
                   combine_attrs="override")
    return ds.sortby("run")

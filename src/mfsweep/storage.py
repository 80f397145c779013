"""Labelled results on disk: zarr v3 stores written atomically, with provenance attrs."""

import functools
import json
import os
import shutil
import subprocess
import uuid
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import xarray as xr

import mfsweep


@functools.lru_cache(maxsize=1)
def git_commit():
    """The commit of the source tree (``-dirty`` if it has uncommitted changes), or "unknown"."""
    for where in (Path(mfsweep.__file__).resolve().parent, Path.cwd()):
        try:
            commit = subprocess.run(["git", "-C", str(where), "rev-parse", "HEAD"],
                                    capture_output=True, text=True, check=True).stdout.strip()
            dirty = subprocess.run(["git", "-C", str(where), "status", "--porcelain", "--untracked-files=no"],
                                   capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            continue
        return commit + ("-dirty" if dirty else "")
    return "unknown"


def provenance(parameters, **extra):
    """Dataset attrs: the full parameter set (JSON-clean), package version, git commit, creation time."""
    return {
        "parameters": json.loads(json.dumps(parameters, default=_jsonable)),
        "mfsweep_version": mfsweep.__version__,
        "git_commit": git_commit(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **json.loads(json.dumps(extra, default=_jsonable)),
    }


def write_zarr_atomic(ds, path):
    """Write ``ds`` as a zarr v3 store at ``path``: into a temporary sibling, then one rename.

    A reader (or Snakemake) never sees a half-written store; an existing store at
    ``path`` is replaced, and temporaries of a writer killed mid-write are removed. Fixed-width string variables are stored as variable-length UTF-8.
    Metadata is consolidated, so a plain ``xr.open_zarr(path)`` opens the store quietly
    without listing the folder (where Snakemake keeps its own ``.snakemake_timestamp``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.tmp-*"):  # left by a writer killed mid-write
        shutil.rmtree(stale, ignore_errors=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    ds = ds.copy()
    for name, var in ds.variables.items():
        if var.dtype.kind == "U":
            ds[name] = var.astype(object)
    try:
        with warnings.catch_warnings():
            # zarr-python supports consolidated v3 metadata (and xarray reads it by default)
            # but warns that it is not yet part of the v3 specification.
            warnings.filterwarnings("ignore", message="Consolidated metadata is currently not part")
            ds.to_zarr(tmp, mode="w", zarr_format=3, consolidated=True)
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def open_store(path):
    """Open a store written by :func:`write_zarr_atomic` (lazily, dask-backed)."""
    return xr.open_zarr(path)


def _jsonable(value):
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"cannot store {type(value).__name__} in dataset attrs: {value!r}")

"""Labelled results on disk: zarr v3 stores written atomically by one writer at a time.

* :func:`write_zarr_atomic` writes into a temporary sibling named after the writer (host, pid) and
  renames it into place, so a reader never sees a half-written store. Temporaries are swept only
  when their writer is dead (same host, pid gone); a live writer's are never touched.
* :func:`store_lock` is the per-store lock of a computation (``<store>.partial/lock``: host, pid,
  start time). A second writer refuses to start and names the live one; a lock whose process is
  gone (same host) is taken over.
* Every written store gets a fresh ``store_id`` attr. :func:`open_store` opens lazily and checks,
  before every chunk it reads, that the store on disk is still the one it opened: a store rewritten
  under an open dataset raises :class:`StaleStoreError` instead of handing out new data under old attrs.
"""

import contextlib
import json
import os
import shutil
import socket
import time
import uuid
import warnings
from pathlib import Path

import dask.array
import xarray as xr

from mfsweep.provenance import provenance  # noqa: F401  (re-exported: the attrs of every store)

HOST = socket.gethostname()
LOCK_FILE = "lock"
STORE_ID = "store_id"
_ID_FILE = ".mfsweep_store_id"  # beside zarr.json: read before every chunk by open_store


class StoreLockedError(RuntimeError):
    """Another live process is computing the same store."""


class StaleStoreError(RuntimeError):
    """The store was rewritten after it was opened."""


def _alive(host, pid):
    """True unless ``pid`` on ``host`` is known to be gone (a process on another host counts as alive)."""
    if host != HOST:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _temp_name(path):
    return path.with_name(f".{path.name}.tmp-{HOST}-{os.getpid()}-{uuid.uuid4().hex[:8]}")


def _sweep_dead_temps(path):
    """Remove temporaries of writers of ``path`` that died mid-write (same host, process gone)."""
    for stale in path.parent.glob(f".{path.name}.tmp-*"):
        host, _, rest = stale.name[len(f".{path.name}.tmp-"):].rpartition("-")[0].rpartition("-")
        try:
            pid = int(rest)
        except ValueError:
            continue
        if not _alive(host, pid):
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)


@contextlib.contextmanager
def store_lock(path):
    """Hold the lock of the store at ``path`` (in ``<path>.partial/``, yielded) while computing it.

    Raises :class:`StoreLockedError` naming the holder if a live process holds it; takes over
    the lock of a dead process on this host. On exit the lock is released, and the folder removed
    if nothing else (checkpoints) is left in it.
    """
    folder = Path(f"{path}.partial")
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / LOCK_FILE
    me = {"host": HOST, "pid": os.getpid(), "since": time.strftime("%Y-%m-%d %H:%M:%S")}
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                holder = json.loads(lock.read_text())
            except (OSError, ValueError):  # being written this very moment, or garbage: look again
                time.sleep(0.05)
                holder = None
            if holder is None:
                if lock.exists() and time.time() - lock.stat().st_mtime > 5:
                    lock.unlink(missing_ok=True)  # unreadable for seconds: a writer died mid-write
                continue
            if _alive(holder["host"], holder["pid"]):
                raise StoreLockedError(
                    f"{path} is being computed by pid {holder['pid']} on {holder['host']} (since {holder['since']}); "
                    f"wait for it, or stop it (if no such process runs, delete {lock})") from None
            lock.unlink(missing_ok=True)  # its writer is gone: take over
            continue
        with os.fdopen(fd, "w") as f:
            json.dump(me, f)
        break
    try:
        yield folder
    finally:
        with contextlib.suppress(OSError, ValueError):
            if json.loads(lock.read_text()) == me:
                lock.unlink()
                folder.rmdir()  # only if no checkpoints are left in it (an interrupted sweep keeps them)


def write_zarr_atomic(ds, path):
    """Write ``ds`` as a zarr v3 store at ``path``: into a temporary sibling, then one rename.

    An existing store at ``path`` is replaced. Metadata is consolidated, so a plain
    ``xr.open_zarr(path)`` opens the store quietly without listing the folder (where Snakemake
    keeps its ``.snakemake_timestamp``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _sweep_dead_temps(path)
    tmp = _temp_name(path)
    try:
        write_zarr(ds, tmp, mode="w")
        replace_store(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_zarr(ds, path, **to_zarr):
    """``ds.to_zarr(path, **to_zarr)`` as zarr v3 with consolidated metadata; strings as variable-length UTF-8."""
    ds = ds.copy()
    for name, var in ds.variables.items():
        if var.dtype.kind == "U":
            ds[name] = var.astype(object)
    with warnings.catch_warnings():
        # zarr-python supports consolidated v3 metadata (and xarray reads it by default)
        # but warns that it is not yet part of the v3 specification.
        warnings.filterwarnings("ignore", message="Consolidated metadata is currently not part")
        ds.to_zarr(path, zarr_format=3, consolidated=True, **to_zarr)


def replace_store(tmp, path):
    """Give the complete store ``tmp`` a fresh ``store_id`` and rename it to ``path`` (replacing a store there)."""
    tmp, path = Path(tmp), Path(path)
    import zarr

    store_id = uuid.uuid4().hex
    group = zarr.open_group(tmp, mode="r+")
    group.attrs[STORE_ID] = store_id
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Consolidated metadata is currently not part")
        zarr.consolidate_metadata(tmp)
    (tmp / _ID_FILE).write_text(store_id)
    if path.exists():
        old = _temp_name(path)
        os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old)
    else:
        os.replace(tmp, path)


def open_store(path):
    """Open a store written by :func:`write_zarr_atomic` lazily (dask-backed), guarded against rewrites."""
    ds = xr.open_zarr(path)
    store_id = ds.attrs.get(STORE_ID)
    if store_id is None:
        return ds
    id_file = Path(path) / _ID_FILE
    guarded = {}
    for name, var in ds.variables.items():
        if isinstance(var.data, dask.array.Array):
            guarded[name] = var.copy(data=var.data.map_blocks(_checked, id_file, store_id, dtype=var.dtype))
    return ds.assign(**{k: v for k, v in guarded.items() if k in ds.data_vars}).assign_coords(
        **{k: v for k, v in guarded.items() if k in ds.coords})


def _checked(block, id_file, store_id):
    try:
        current = id_file.read_text()
    except FileNotFoundError:
        current = None
    if current != store_id:
        raise StaleStoreError(f"{id_file.parent} was rewritten (or removed) after it was opened; open it again")
    return block

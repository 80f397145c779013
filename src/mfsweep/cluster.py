"""A dask ``Client`` for a sweep, chosen by the config's ``dask`` section.

Modes (``dask.mode``):

* ``local`` (default): an in-process LocalCluster with one worker of ``threads``
  threads. Tasks are serial ``nogil`` numba kernels (or numpy code), so the threads run
  them in parallel; numba's own threading is never used and BLAS is limited to one
  thread while the cluster runs (one level of parallelism).
* ``address``: connect to an already running scheduler at ``dask.address``; its
  workers should run with ``NUMBA_NUM_THREADS=1`` and ``OMP_NUM_THREADS=1``
  (one task per worker thread, nothing nested).

A new mode is one more entry in :data:`CLIENT_FACTORIES` (the SLURM mode via
dask-jobqueue plugs in here).
"""

import contextlib

from distributed import Client, LocalCluster
from threadpoolctl import threadpool_limits


@contextlib.contextmanager
def _local_client(dask_config, threads):
    # dashboard_address=":0": a free port, so parallel Snakemake jobs never collide on 8787.
    with threadpool_limits(limits=1), LocalCluster(n_workers=1, threads_per_worker=threads, processes=False,
                                                   dashboard_address=":0") as cluster, Client(cluster) as client:
        yield client


@contextlib.contextmanager
def _address_client(dask_config, threads):
    address = dask_config.get("address")
    if not address:
        raise ValueError("dask.address: mode 'address' needs the scheduler address, e.g. 'tcp://host:8786'")
    with Client(address) as client:
        yield client


CLIENT_FACTORIES = {"local": _local_client, "address": _address_client}


def dask_client(dask_config, threads):
    """Context manager yielding a Client for ``dask_config`` (the config's ``dask`` mapping)."""
    mode = dask_config.get("mode", "local")
    if mode not in CLIENT_FACTORIES:
        raise ValueError(f"dask.mode: unknown mode {mode!r}; allowed: {sorted(CLIENT_FACTORIES)}")
    if threads < 1:
        raise ValueError(f"threads: need at least 1, got {threads}")
    return CLIENT_FACTORIES[mode](dask_config, threads)

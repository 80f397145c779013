"""Seeding, dask fan-out, checkpoint/resume and storage of a sweep (the pipeline spine)."""

import os
import subprocess
import uuid
import warnings
from functools import partial

import numpy as np
import pytest
import threadpoolctl
import xarray as xr

from mfsweep import storage, sweep
from mfsweep.experiments import cbo_bilevel as experiment
from mfsweep.cluster import dask_client
from mfsweep.experiments.config import load_config
from mfsweep.seeding import seed_sequence, stable_key

TINY = {"N": 10, "M": 3, "dim": 3, "T_x": 0.5, "T_y": 0.2}
VARIANT = {"pairing": "printed", "x_update": "gauss_seidel", "loop_bound": "inclusive"}


def tiny_config(runs_per_task=2, runs=5, **dask):
    return load_config({"seed": 11, "dask": {"runs_per_task": runs_per_task, **dask},
                        "cbo_bilevel": {"runs": runs, "params": TINY}})


def test_seed_keys_are_stable_and_distinct():
    # Fixed expectations: the stream of a run must not change between releases or machines.
    assert stable_key(7) == 7
    assert stable_key("cbo_bilevel") == stable_key("cbo_bilevel") != stable_key("cbo_bilevel ")
    a = seed_sequence(1, "e", "p", 3).generate_state(4)
    assert np.array_equal(a, seed_sequence(1, "e", "p", 3).generate_state(4))
    for other in (seed_sequence(2, "e", "p", 3), seed_sequence(1, "e", "q", 3), seed_sequence(1, "e", "p", 4)):
        assert not np.array_equal(a, other.generate_state(4))
    with pytest.raises(ValueError):
        stable_key(-1)


def test_results_do_not_depend_on_chunking_or_workers(tmp_path):
    one_task = tmp_path / "one.zarr"
    many_tasks = tmp_path / "many.zarr"
    experiment.run_store(tiny_config(runs_per_task=5), "v", VARIANT, one_task, threads=1)
    experiment.run_store(tiny_config(runs_per_task=1), "v", VARIANT, many_tasks, threads=2)
    a, b = storage.open_store(one_task), storage.open_store(many_tasks)
    for name in ("x_star", "y_star", "error", "success"):
        assert np.array_equal(a[name].values, b[name].values), name  # bit-identical, not just close
    assert len(np.unique(a.error.values)) == a.sizes["run"]  # distinct runs really differ


def test_store_is_labelled_and_round_trips(tmp_path):
    path = tmp_path / "v.zarr"
    experiment.run_store(tiny_config(), "v", VARIANT, path, threads=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a plain open_zarr must be quiet (consolidated metadata)
        ds = xr.open_zarr(path)
    assert dict(ds.sizes) == {"run": 5, "dim": 3}
    assert ds.x_star.dims == ("run", "dim") and ds.success.dtype == bool
    assert str(ds.problem.values) == "v" and str(ds.pairing.values) == "printed"
    for name in (*ds.data_vars, "run", "dim"):
        assert "long_name" in ds[name].attrs, name
    assert ds.wall_time.attrs["units"] == "s"
    assert ds.attrs["parameters"]["N"] == 10 and ds.attrs["parameters"]["alpha"] == 1e15
    assert ds.attrs["mfsweep_version"] and ds.attrs["git_commit"] and ds.attrs["created"]
    assert "spawn_key" in ds.attrs["seed_keys"] and ds.attrs["seed_root"] == 11
    np.testing.assert_array_equal(ds.success.values, ds.error.values <= 0.25)
    np.testing.assert_allclose(ds.error.values, ds.x_error.values + ds.y_error.values, rtol=1e-15)
    assert not list(tmp_path.glob(".*tmp*")) and not (tmp_path / "v.zarr.partial").exists()


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    class Boom(Exception):
        pass

    ds = xr.Dataset({"a": ("x", np.arange(3.0))})
    target = tmp_path / "out.zarr"

    def failing_to_zarr(*args, **kwargs):
        raise Boom

    ds_to_zarr = xr.Dataset.to_zarr
    try:
        xr.Dataset.to_zarr = failing_to_zarr
        with pytest.raises(Boom):
            storage.write_zarr_atomic(ds, target)
    finally:
        xr.Dataset.to_zarr = ds_to_zarr
    assert list(tmp_path.iterdir()) == []
    dead = _dead_pid()
    (tmp_path / f".out.zarr.tmp-{storage.HOST}-{dead}-deadbeef").mkdir()  # left by a writer killed by SIGKILL
    live = tmp_path / f".out.zarr.tmp-{storage.HOST}-{os.getpid()}-cafe0000"  # a live writer's (this process)
    live.mkdir()
    other_host = tmp_path / f".out.zarr.tmp-elsewhere.example-{dead}-cafe0001"  # can't tell: left alone
    other_host.mkdir()
    storage.write_zarr_atomic(ds, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out.zarr", live.name, other_host.name])
    assert storage.open_store(target).a.values.tolist() == [0.0, 1.0, 2.0]


def _dead_pid():
    """The pid of a process that has just exited (not reused within the test)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def record_runs(marker_dir, fail_on, runs):
    """A dask task that leaves one marker file per computed run (tasks are pickled, so no shared list)."""
    if fail_on in runs:
        raise RuntimeError("worker died")
    for run in runs:
        (marker_dir / f"{run}-{uuid.uuid4().hex}").touch()
    return [{"value": np.array([run, run ** 2], dtype=float)} for run in runs]


def test_interrupted_sweep_resumes_without_redoing_runs(tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()

    def computed():
        runs = sorted(int(path.name.split("-")[0]) for path in markers.iterdir())
        for path in markers.iterdir():
            path.unlink()
        return runs

    checkpoints = tmp_path / "out.zarr.partial"
    with dask_client({"mode": "local"}, threads=1) as client:
        with pytest.raises(RuntimeError, match="worker died"):
            sweep.run_sweep(client, partial(record_runs, markers, 6), range(8), 2, checkpoints, "k1", "test")
        first = computed()
        assert first and 6 not in first and len(list(checkpoints.glob("runs-*.npz"))) == len(first) // 2
        records = sweep.run_sweep(client, partial(record_runs, markers, None), range(8), 2, checkpoints, "k1", "t")
        assert computed() == sorted(set(range(8)) - set(first))  # finished runs were not redone
        assert [records[run]["value"][1] for run in range(8)] == [run ** 2 for run in range(8)]
        sweep.run_sweep(client, partial(record_runs, markers, None), range(8), 2, checkpoints, "k2", "t")
        assert computed() == list(range(8))  # checkpoints made for other parameters are discarded


def test_dask_client_modes():
    with pytest.raises(ValueError, match=r"dask.mode: unknown mode 'slurmish'; allowed: local, address, slurm"):
        dask_client({"mode": "slurmish"}, 1)
    with pytest.raises(ValueError, match="dask.address"):
        with dask_client({"mode": "address", "address": None}, 1):
            pass
    with dask_client({"mode": "local"}, threads=2) as client:
        assert sum(client.nthreads().values()) == 2
        address = client.scheduler.address
        with dask_client({"mode": "address", "address": address}, 1) as remote:
            assert remote.submit(sum, [1, 2]).result() == 3


def test_chunks():
    assert sweep.chunks(range(5), 2) == [[0, 1], [2, 3], [4]]
    with pytest.raises(ValueError, match="runs_per_task"):
        sweep.chunks(range(5), 0)


def test_local_cluster_keeps_blas_serial():
    # One level of parallelism: inside the local cluster's tasks BLAS must not start its own threads
    # (numpy's OpenBLAS otherwise uses one thread per core). The pool must be visible, or the check
    # would pass without checking anything.
    def blas_threads():
        return [pool["num_threads"] for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas"]

    assert blas_threads(), "numpy's BLAS thread pool is not visible to threadpoolctl"
    with dask_client({"mode": "local"}, threads=2) as client:
        inside = client.submit(blas_threads).result()
    assert inside and max(inside) == 1
    if os.cpu_count() > 1 and "OPENBLAS_NUM_THREADS" not in os.environ:
        assert max(blas_threads()) > 1  # the limit is the cluster's, not the process's default

"""One writer per store, resumes that never mix code versions, readers that never mix store versions."""

import functools
import json
import logging
import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import xarray as xr

from mfsweep import storage
from mfsweep.experiments import cbo_bilevel as experiment
from mfsweep.experiments.config import load_config

TINY = {"N": 10, "M": 3, "dim": 3, "T_x": 0.5, "T_y": 0.2}
VARIANT = {"pairing": "printed", "x_update": "gauss_seidel", "loop_bound": "inclusive"}


def tiny_config(runs=6):
    return load_config({"seed": 11, "dask": {"runs_per_task": 2}, "cbo_bilevel": {"runs": runs, "params": TINY}})


def test_a_second_writer_is_refused_naming_the_first_and_the_first_store_survives(tmp_path):
    output = tmp_path / "v.zarr"
    # The first writer holds the lock for a while (as a long sweep does), then computes the store.
    first = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from mfsweep import storage
        from mfsweep.experiments import cbo_bilevel as experiment
        from mfsweep.experiments.config import load_config
        config = load_config({{"seed": 11, "dask": {{"runs_per_task": 2}}, "cbo_bilevel": {{"runs": 6, "params": {TINY}}}}})
        with storage.store_lock({str(output)!r}):
            time.sleep(3)
        experiment.run_store(config, "v", {VARIANT}, {str(output)!r}, threads=1)
    """)])
    lock = tmp_path / "v.zarr.partial" / storage.LOCK_FILE
    for _ in range(200):
        if lock.exists() and lock.read_text():
            break
        time.sleep(0.05)
    holder = json.loads(lock.read_text())
    with pytest.raises(storage.StoreLockedError, match=f"being computed by pid {first.pid} on {storage.HOST}"):
        experiment.run_store(tiny_config(), "v", VARIANT, output, threads=1)
    assert holder["pid"] == first.pid and lock.exists()  # the refused writer left the lock alone
    assert first.wait(timeout=120) == 0
    assert storage.open_store(output).sizes["run"] == 6
    assert not (tmp_path / "v.zarr.partial").exists()  # lock released, checkpoints removed


def test_the_lock_of_a_dead_writer_is_taken_over(tmp_path):
    output = tmp_path / "v.zarr"
    child = subprocess.Popen(["true"])
    child.wait()
    (tmp_path / "v.zarr.partial").mkdir()
    (tmp_path / "v.zarr.partial" / storage.LOCK_FILE).write_text(
        json.dumps({"host": storage.HOST, "pid": child.pid, "since": "earlier"}))
    experiment.run_store(tiny_config(), "v", VARIANT, output, threads=1)
    assert storage.open_store(output).sizes["run"] == 6


def test_a_resume_after_a_code_change_discards_the_old_checkpoints(tmp_path, monkeypatch, caplog):
    output = tmp_path / "v.zarr"
    real_task = experiment.bilevel_task

    def failing_task(problem, params, seed, runs):
        if 4 in runs:
            raise RuntimeError("interrupted")
        return real_task(problem, params, seed, runs)

    monkeypatch.setattr(experiment, "bilevel_task", failing_task)
    with pytest.raises(RuntimeError, match="interrupted"):
        experiment.run_store(tiny_config(), "v", VARIANT, output, threads=1)
    assert len(list((tmp_path / "v.zarr.partial").glob("runs-*.npz"))) == 2  # runs 0-3 were checkpointed

    # The code changes (its source hash does), and the new code marks every run it computes.
    monkeypatch.setattr(experiment, "source_hash", lambda module: "changed-code")

    def new_code_task(problem, params, seed, runs):
        return [{**record, "wall_time": -1.0} for record in real_task(problem, params, seed, runs)]

    monkeypatch.setattr(experiment, "bilevel_task", new_code_task)
    with caplog.at_level(logging.INFO, logger="mfsweep"):
        experiment.run_store(tiny_config(), "v", VARIANT, output, threads=1)
    assert "discarding checkpoints" in caplog.text
    np.testing.assert_array_equal(storage.open_store(output).wall_time.values, -1.0)  # no run of the old code


def _counting_task(markers, fail, problem, params, seed, runs):
    """bilevel_task that leaves a marker file per computed run (tasks are pickled: no shared list)."""
    if fail and 4 in runs:
        raise RuntimeError("interrupted")
    for run in runs:
        (markers / str(run)).touch()
    return REAL_TASK(problem, params, seed, runs)


REAL_TASK = experiment.bilevel_task


def test_an_unchanged_resume_keeps_the_finished_runs(tmp_path, monkeypatch):
    output, markers = tmp_path / "v.zarr", tmp_path / "markers"
    markers.mkdir()
    monkeypatch.setattr(experiment, "bilevel_task", functools.partial(_counting_task, markers, True))
    with pytest.raises(RuntimeError):
        experiment.run_store(tiny_config(), "v", VARIANT, output, threads=1)
    for marker in markers.iterdir():
        marker.unlink()
    monkeypatch.setattr(experiment, "bilevel_task", functools.partial(_counting_task, markers, False))
    experiment.run_store(tiny_config(), "v", VARIANT, output, threads=1)
    assert sorted(int(marker.name) for marker in markers.iterdir()) == [4, 5]
    monkeypatch.setattr(experiment, "bilevel_task", REAL_TASK)
    fresh = tmp_path / "fresh.zarr"
    experiment.run_store(tiny_config(), "v", VARIANT, fresh, threads=1)
    for name in ("x_star", "error"):  # the resumed store is bit-identical to an uninterrupted one
        np.testing.assert_array_equal(storage.open_store(output)[name].values, storage.open_store(fresh)[name].values)


def test_a_store_rewritten_under_an_open_dataset_raises_instead_of_mixing(tmp_path):
    path = tmp_path / "s.zarr"
    storage.write_zarr_atomic(xr.Dataset({"a": ("x", np.arange(3.0))}, attrs={"version": 1}), path)
    old = storage.open_store(path)
    assert old.attrs["version"] == 1 and old.a.values.tolist() == [0.0, 1.0, 2.0]
    storage.write_zarr_atomic(xr.Dataset({"a": ("x", -np.arange(3.0))}, attrs={"version": 2}), path)
    with pytest.raises(storage.StaleStoreError, match="rewritten"):
        old.a.values  # noqa: B018 - reading is the point
    new = storage.open_store(path)
    assert new.attrs["version"] == 2 and new.a.values.tolist() == [0.0, -1.0, -2.0]
    assert xr.open_zarr(path).attrs["store_id"] == new.attrs["store_id"] != old.attrs["store_id"]
    assert sorted(os.listdir(tmp_path)) == ["s.zarr"]  # the replaced version is gone, no temporaries left

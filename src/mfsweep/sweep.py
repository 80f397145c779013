"""Fan the runs of a sweep out as dask tasks, with checkpoints so that an interrupted sweep resumes.

A task computes several runs (so that it lasts well over ~100 ms) and returns one record
(a dict of arrays and numbers) per run. Each finished task is saved at once, atomically,
into the store's checkpoint folder (``<store>.partial/``, held under the store's lock,
:func:`mfsweep.storage.store_lock`), stamped with a fingerprint of everything that determines
the results: the resolved parameters, the seed keys and the hash of the mfsweep source the
computation runs (:func:`mfsweep.provenance.source_hash`). A restarted sweep with the same
fingerprint loads those and computes only the rest; checkpoints under another fingerprint
(other parameters, or code changed in between) are discarded, so a store never mixes runs of
two code versions. Results never depend on the chunking, because every run owns its random
stream (:mod:`mfsweep.seeding`).
"""

import hashlib
import json
import logging
import os
import time
from pathlib import Path

import numpy as np
from distributed import as_completed

from mfsweep import storage
from mfsweep.cluster import dask_client

log = logging.getLogger(__name__)

FINGERPRINT_FILE = "fingerprint.json"


def chunks(runs, size):
    """Split the run indices into consecutive tasks of at most ``size`` runs."""
    if size < 1:
        raise ValueError(f"dask.runs_per_task: need at least 1, got {size}")
    runs = list(runs)
    return [runs[start:start + size] for start in range(0, len(runs), size)]


def fingerprint(description):
    """A short hash of a JSON-able description of the sweep (parameters, seeds, code version)."""
    text = json.dumps(description, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_sweep(client, task, runs, runs_per_task, checkpoint_dir, key, label):
    """All records of ``task`` over ``runs``, as {run: record}; resumes from ``checkpoint_dir``.

    ``task(list_of_runs)`` returns one record per run, in order. ``key`` is the sweep's
    fingerprint; checkpoints made under another key are discarded. Progress goes to the
    log, one line per finished task.
    """
    checkpoint_dir = Path(checkpoint_dir)
    done = _load_checkpoints(checkpoint_dir, key)
    todo = [run for run in runs if run not in done]
    if done:
        log.info("%s: resuming, %d of %d runs already done", label, len(runs) - len(todo), len(runs))
    tasks = chunks(todo, runs_per_task)
    start = time.perf_counter()
    futures = {client.submit(task, chunk, pure=False): chunk for chunk in tasks}
    try:
        for n, future in enumerate(as_completed(futures), start=1):
            chunk = futures[future]
            records = future.result()
            _save_checkpoint(checkpoint_dir, chunk, records)
            done.update(zip(chunk, records))
            elapsed = time.perf_counter() - start
            log.info("%s: task %d/%d (runs %d-%d) done; %d/%d runs, %.1f s elapsed",
                     label, n, len(tasks), chunk[0], chunk[-1], len(done), len(runs), elapsed)
    except BaseException:
        client.cancel(list(futures))
        raise
    return {run: done[run] for run in runs}


def compute_store(output, task, runs, dask_config, threads, description, label, build):
    """Compute ``task`` over ``runs`` under the store's lock, resuming from its checkpoints, and write the store.

    ``description`` (JSON-able: resolved parameters, seed keys, source hash) is fingerprinted;
    ``build(records)`` turns {run: record} into the Dataset written atomically to ``output``.
    Returns that Dataset.
    """
    runs = list(runs)
    per_task = dask_config["runs_per_task"]
    with storage.store_lock(output) as partial:
        with dask_client(dask_config, threads, len(chunks(runs, per_task))) as client:
            records = run_sweep(client, task, runs, per_task, partial, fingerprint(description), label)
        ds = build(records)
        storage.write_zarr_atomic(ds, output)
        remove_checkpoints(partial)
    return ds


def remove_checkpoints(checkpoint_dir):
    """Drop the checkpoints (not the lock) once the final result is safely stored."""
    checkpoint_dir = Path(checkpoint_dir)
    for path in [checkpoint_dir / FINGERPRINT_FILE, *checkpoint_dir.glob("runs-*.npz")]:
        path.unlink(missing_ok=True)


def _load_checkpoints(checkpoint_dir, key):
    stamp = checkpoint_dir / FINGERPRINT_FILE
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    if any(checkpoint_dir.glob("runs-*.npz")) and (not stamp.exists() or json.loads(stamp.read_text()) != key):
        log.info("discarding checkpoints in %s: made for other parameters or code", checkpoint_dir)
        remove_checkpoints(checkpoint_dir)
    _write_atomic(stamp, lambda f: f.write(json.dumps(key).encode()))
    done = {}
    for path in sorted(checkpoint_dir.glob("runs-*.npz")):
        with np.load(path) as data:
            fields = [name for name in data.files if name != "run"]
            for row, run in enumerate(data["run"]):
                done[int(run)] = {name: data[name][row] for name in fields}
    return done


def _save_checkpoint(checkpoint_dir, chunk, records):
    fields = {name: np.stack([np.asarray(record[name]) for record in records]) for name in records[0]}
    path = checkpoint_dir / f"runs-{chunk[0]:06d}-{chunk[-1]:06d}.npz"
    _write_atomic(path, lambda f: np.savez(f, run=np.asarray(chunk), **fields))


def _write_atomic(path, write):
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        write(f)
    os.replace(tmp, path)

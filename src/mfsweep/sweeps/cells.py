"""The cell cache of a sweep: every computed cell kept by a key of what it is, so nothing is computed twice.

A *cell* is the result (an xarray Dataset with a ``run`` dimension) of one method call on one point
of a sweep for one chunk of runs. Its key hashes everything the result depends on: the method and
the hash of its source (:func:`mfsweep.provenance.source_hash`), the problem, the full parameter set,
the run indices and the seed key. The cache (``<store>.cells/`` beside the store) holds batch files
written atomically as the cells finish, each with a small key index, so

* an interrupted sweep resumes with the cells it has (the store is rebuilt from them),
* extending a grid or raising ``runs`` computes only the new cells,
* a code change changes every key: old cells are never mixed in (they stay until pruned).
"""

import collections
import hashlib
import json
import os
import pickle
import uuid
from pathlib import Path

from mfsweep.storage import HOST


def cell_key(method, code, problem, params, runs, base, options=None):
    """The cache key of a cell (hex, 24 digits)."""
    payload = {"method": method, "code": code, "problem": problem, "params": params, "runs": list(runs),
               "seed": [int(base.entropy), [int(k) for k in base.spawn_key]], "options": options or {}}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:24]


class CellCache:
    """The cells of one sweep store on disk (see the module docstring)."""

    def __init__(self, folder, keep_open=8):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.index = {}  # key -> (batch file, position)
        for listing in sorted(self.folder.glob("batch-*.keys.json")):
            batch = listing.name[: -len(".keys.json")]
            if (self.folder / f"{batch}.pkl").exists():
                for position, key in enumerate(json.loads(listing.read_text())):
                    self.index[key] = (batch, position)
        self._open = collections.OrderedDict()
        self._keep_open = keep_open

    def __contains__(self, key):
        return key in self.index

    def __len__(self):
        return len(self.index)

    def add(self, keys, cells):
        """Store a batch of finished cells (atomically: the key index is written after the data)."""
        batch = f"batch-{HOST}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        _write_atomic(self.folder / f"{batch}.pkl", pickle.dumps(list(cells), protocol=pickle.HIGHEST_PROTOCOL))
        _write_atomic(self.folder / f"{batch}.keys.json", json.dumps(list(keys)).encode())
        for position, key in enumerate(keys):
            self.index[key] = (batch, position)

    def get(self, key):
        """The cell stored under ``key`` (batch files are kept open in a small LRU)."""
        batch, position = self.index[key]
        cells = self._open.get(batch)
        if cells is None:
            with open(self.folder / f"{batch}.pkl", "rb") as f:
                cells = pickle.load(f)
            self._open[batch] = cells
            while len(self._open) > self._keep_open:
                self._open.popitem(last=False)
        else:
            self._open.move_to_end(batch)
        return cells[position]


def _write_atomic(path, data):
    tmp = path.with_name(f".{path.name}.tmp-{HOST}-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    tmp.write_bytes(data)
    os.replace(tmp, path)

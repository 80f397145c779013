"""A tiny method for the sweep tests: y_j = a j + shift + noise_j, j < n, one noise stream per run.

It follows the method protocol (Params, run, SEED_LABEL) and leaves one marker file per computed run
in $TOY_MARKERS (if set), so tests can count what a sweep computed; it fails at a = $TOY_FAIL_A.
"""

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mfsweep import params as base
from mfsweep.datasets import coordinate, run_dataset
from mfsweep.seeding import base_sequence, run_indices, run_sequence

SEED_LABEL = "toy"
DEFAULT_PROBLEM = "line"
SHIFTS = {"line": 0.0, "raised": 10.0}


@dataclass(frozen=True)
class Params(base.Params):
    a: float = base.parameter(1.0, "slope a")
    n: int = base.parameter(3, "samples n")
    mode: str = base.parameter("plain", "plain or doubled noise")

    _POSITIVE = ("n",)
    _CHOICES = {"mode": ("plain", "doubled")}


def run(problem, params=None, *, runs=1, seed=0):
    params = params or Params()
    if problem not in SHIFTS:
        raise ValueError(f"unknown toy problem {problem!r}; allowed: {', '.join(SHIFTS)}")
    if os.environ.get("TOY_FAIL_A") == str(params.a):  # an interruption (not a parameter: same cell keys)
        raise RuntimeError("toy failure")
    indices = run_indices(runs)
    seq = base_sequence(seed, SEED_LABEL, problem)
    records = []
    for k in indices:
        noise = np.random.default_rng(run_sequence(seq, k)).standard_normal(params.n)
        y = params.a * np.arange(params.n) + SHIFTS[problem] + noise * (2.0 if params.mode == "doubled" else 1.0)
        records.append({"y": y, "total": float(y.sum())})
        if os.environ.get("TOY_MARKERS"):
            (Path(os.environ["TOY_MARKERS"]) / f"{params.a}-{params.n}-{params.mode}-{problem}-{k}-{uuid.uuid4().hex}").touch()
    return run_dataset(records, indices, {"y": (("sample",), {"long_name": "y", "units": "1"}),
                                          "total": ((), {"long_name": "sum of y", "units": "1"})},
                       coords={"sample": coordinate("sample", np.arange(params.n), "sample index")})

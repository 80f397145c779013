"""A method whose kernel takes a fixed ~1 ms (a nogil numba loop): the yardstick of the sweep benchmark."""

import time
from dataclasses import dataclass

import numpy as np

from mfsweep import params as base
from mfsweep.datasets import run_dataset
from mfsweep.numba_policy import strict
from mfsweep.seeding import base_sequence, run_indices, run_sequence

SEED_LABEL = "spin"
DEFAULT_PROBLEM = "spin"


@dataclass(frozen=True)
class Params(base.Params):
    a: float = base.parameter(1.0, "a parameter on an axis")
    b: float = base.parameter(1.0, "another")
    steps: int = base.parameter(400_000, "loop length (about 1 ms)")

    _POSITIVE = ("steps",)


@strict
def _spin(x, steps):
    for _ in range(steps):
        x = x * 0.9999999 + 1e-7
    return x


def run(problem, params=None, *, runs=1, seed=0):
    params = params or Params()
    seq = base_sequence(seed, SEED_LABEL, problem)
    records = []
    for k in run_indices(runs):
        x0 = np.random.default_rng(run_sequence(seq, k)).random()
        start = time.perf_counter()
        x = _spin(x0 * params.a * params.b, params.steps)
        records.append({"x": x, "kernel_time": time.perf_counter() - start})
    return run_dataset(records, run_indices(runs), {"x": ((), {"long_name": "x", "units": "1"}),
                                                    "kernel_time": ((), {"long_name": "kernel time", "units": "s"})})

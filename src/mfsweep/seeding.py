"""Random streams keyed by what they belong to, never by how the work was chunked.

Run k of problem p of experiment e gets ``SeedSequence(root, spawn_key=(h(e), h(p), k))``,
with h a stable hash of the label. Its stream therefore depends only on (root, e, p, k):
the stored result of a run is bit-identical whether the sweep ran as one task or many,
on one worker or several. Different labels give statistically independent streams
(SeedSequence's guarantee for distinct spawn keys).
"""

import hashlib

import numpy as np


def stable_key(label):
    """A non-negative integer for a label: ints map to themselves, strings to 64 bits of SHA-256."""
    if isinstance(label, (int, np.integer)) and not isinstance(label, bool):
        if label < 0:
            raise ValueError(f"seed key labels must be >= 0, got {label}")
        return int(label)
    if isinstance(label, str):
        return int.from_bytes(hashlib.sha256(label.encode()).digest()[:8], "little")
    raise TypeError(f"seed key labels must be str or int, got {label!r}")


def seed_sequence(root_seed, *labels):
    """The SeedSequence of the stream identified by ``labels`` under ``root_seed``."""
    return np.random.SeedSequence(root_seed, spawn_key=tuple(stable_key(label) for label in labels))


def run_indices(runs):
    """Run indices: ``range(runs)`` for an int, else the given indices (a chunk of a larger sweep)."""
    if isinstance(runs, (int, np.integer)) and not isinstance(runs, bool):
        if runs < 1:
            raise ValueError(f"runs: need at least 1, got {runs}")
        return list(range(int(runs)))
    indices = [int(k) for k in runs]
    if not indices or min(indices) < 0 or len(set(indices)) != len(indices):
        raise ValueError(f"runs: expected distinct non-negative run indices, got {runs!r}")
    return indices


def base_sequence(seed, *labels):
    """The SeedSequence whose children are a method's runs.

    ``seed`` is an int root (the stream is then keyed by ``labels``, e.g. the method's and the
    problem's names: every caller asking for run k of that method on that problem gets the same
    stream) or a SeedSequence used as is (the caller chose the key).
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        return seed_sequence(int(seed), *labels)
    raise TypeError(f"seed: expected a non-negative int or a numpy.random.SeedSequence, got {seed!r}")


def run_sequence(base, run):
    """The SeedSequence of run ``run`` under ``base``: the base's spawn key with ``run`` appended."""
    return np.random.SeedSequence(base.entropy, spawn_key=(*base.spawn_key, stable_key(run)))


def describe(base):
    """A text for dataset attrs: how run k's stream is keyed."""
    return f"run k: SeedSequence({base.entropy}, spawn_key={tuple(base.spawn_key)} + (k,))"

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

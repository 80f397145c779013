"""Plain-numpy reference implementations of the CBO methods, to test the numba kernels against.

Readable, whole-array statements of the algorithms, written from the papers: each draws the same
normals from the same ``numpy.random.Generator`` in the same order as its kernel, so for equal
inputs kernel and reference agree to rounding.

* :mod:`~mfsweep.cbo.reference.bilevel`: Algorithm 1 (MS-CBO, bi-level; min-max with G = -F);
* :mod:`~mfsweep.cbo.reference.trilevel`: Algorithm 2 (tri-level);
* :mod:`~mfsweep.cbo.reference.cbo`: standard CBO and SP-CBO.

This module holds what they share: the truncations of Section 3.1 and the consensus point.
"""

import numpy as np

def psi_R(v, R):
    """Componentwise truncation ψ_R of §3.1: v_k if |v_k| <= R, else R v_k / |v_k|."""
    return np.clip(v, -R, R)


def D_R_delta(v, R, delta):
    """Diagonal of D_R^δ(v) (§3.1): the vector δ + min(|v_k|, R)."""
    return delta + np.minimum(np.abs(v), R)


def consensus(points, energies, weight_scale):
    """Weighted mean of ``points`` (K, d) with weights exp(-weight_scale * energies).

    The minimum energy is subtracted before exponentiating (log-sum-exp), so
    huge weight scales (e.g. 1e15) are safe and pick out the minimiser(s).
    """
    energies = np.asarray(energies, dtype=float)
    check_finite("energies", energies)
    weights = np.exp(-weight_scale * (energies - energies.min()))
    mean = weights @ points / weights.sum()
    check_finite("consensus point", mean)
    return mean


def check_finite(name, array):
    """Raise FloatingPointError if ``array`` holds a NaN or an infinity."""
    if not np.all(np.isfinite(array)):
        raise FloatingPointError(f"non-finite value in {name}")



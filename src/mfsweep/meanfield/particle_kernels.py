"""Numba kernel of the interacting-particle systems of Gomes & Pavliotis (2017), Section 4.4.

One serial, ``nogil`` kernel advances N particles coupled through their mean (the Curie-Weiss
interaction F(x) = x^2/2 gives -theta/N sum_j F'(x_i - x_j) = -theta (x_i - xbar)):

* full system (eq. 2.1), Euler-Maruyama::

    X += (f(X) - theta (X - xbar)) dt + sqrt(2 dt / beta) Z,        f = -dV^eps/dx

* homogenized system (eq. 2.17 / 2.22), Milstein for the multiplicative noise::

    X += (g(X) - theta M(X) (X - xbar)) dt + b(X) dW + c(X) (dW^2 - dt),   dW = sqrt(dt) Z

  with g = -M (V0' + psi') + beta^{-1} M', b = sqrt(2 M / beta) and c = b b'/2 = M'/(2 beta).

The space-dependent coefficients come as rows of a table on a uniform grid (linear
interpolation; see :mod:`.particles` for how they are built and how accurate they are):
``[f]`` for the full system, ``[g, M, b, c]`` for the homogenized one. The kernel never stores
the trajectory: it records the mean on every ``record_every``-th step, the positions at the
snapshot steps and a histogram accumulated over the recorded steps from ``average_from`` on.
"""

import numpy as np
from numba import njit

JIT = dict(cache=True, nogil=True, fastmath={"reassoc", "contract"}, error_model="numpy")

DRIFT, MOBILITY, DIFFUSION, MILSTEIN = 0, 1, 2, 3
"""Table rows of the homogenized system (the full system has only DRIFT)."""


@njit(**JIT)
def simulate(x, rng, table, x_lo, inv_h, homogenized, theta, dt, noise, n_steps, record_every,
             snapshot_steps, bin_lo, bin_inv_width, n_bins, average_from):
    """Advance ``x`` (modified in place) by ``n_steps`` steps; returns (means, snapshots, counts, failed).

    ``noise`` is sqrt(2 dt / beta) for the full system and sqrt(dt) for the homogenized one.
    ``failed`` is -1, or the step at which a particle left the table's domain or became
    non-finite (the arrays are then incomplete and must not be used).
    """
    n = x.size
    last_node = table.shape[1] - 1
    means = np.empty(n_steps // record_every + 1)
    snapshots = np.empty((snapshot_steps.size, n))
    counts = np.zeros(n_bins, dtype=np.int64)
    snap = 0
    for step in range(n_steps + 1):
        xbar = 0.0
        for i in range(n):
            xbar += x[i]
        xbar /= n
        if step % record_every == 0:
            means[step // record_every] = xbar
            if step >= average_from:
                for i in range(n):
                    k = int(np.floor((x[i] - bin_lo) * bin_inv_width))
                    if 0 <= k < n_bins:
                        counts[k] += 1
        while snap < snapshot_steps.size and snapshot_steps[snap] == step:
            snapshots[snap, :] = x
            snap += 1
        if step == n_steps:
            break
        z = rng.standard_normal(n)
        for i in range(n):
            u = (x[i] - x_lo) * inv_h
            if not (u >= 0.0 and u < last_node):  # also catches NaN
                return means, snapshots, counts, step
            j = int(u)
            w = u - j
            drift = table[DRIFT, j] + w * (table[DRIFT, j + 1] - table[DRIFT, j])
            if homogenized:
                mobility = table[MOBILITY, j] + w * (table[MOBILITY, j + 1] - table[MOBILITY, j])
                diffusion = table[DIFFUSION, j] + w * (table[DIFFUSION, j + 1] - table[DIFFUSION, j])
                milstein = table[MILSTEIN, j] + w * (table[MILSTEIN, j + 1] - table[MILSTEIN, j])
                dw = noise * z[i]
                x[i] += (drift - theta * mobility * (x[i] - xbar)) * dt + diffusion * dw + milstein * (dw * dw - dt)
            else:
                x[i] += (drift - theta * (x[i] - xbar)) * dt + noise * z[i]
    return means, snapshots, counts, -1

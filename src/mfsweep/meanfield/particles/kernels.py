"""Numba kernel of the interacting-particle systems of Gomes & Pavliotis (2017), Section 4.4.

One serial, ``nogil`` kernel advances N particles coupled through their mean (the Curie-Weiss
interaction F(x) = x^2/2 gives -theta/N sum_j F'(x_i - x_j) = -theta (x_i - xbar)):

* full system (eq. 2.1), Euler-Maruyama::

    X += (f(X) - theta (X - xbar)) dt + sqrt(2 dt / beta) Z,        f = -dV^eps/dx

* homogenized system (eq. 2.17 / 2.22), Milstein for the multiplicative noise::

    X += (g(X) - theta M(X) (X - xbar)) dt + b(X) dW + c(X) (dW^2 - dt),   dW = sqrt(dt) Z

  with g = -M (V0' + psi') + beta^{-1} M', b = sqrt(2 M / beta) and c = b b'/2 = M'/(2 beta).

The space-dependent coefficients come as rows of a table on a uniform grid (linear
interpolation; see :mod:`.tables` for how they are built and how accurate they are):
``[f]`` for the full system, ``[g, M, b, c]`` for the homogenized one. The kernel never stores
the trajectory: it records the mean on every ``record_every``-th step, the positions at the
snapshot steps and a histogram accumulated over the recorded steps from ``average_from`` on.

Step stability: the local stiffness of a particle-step at x in cell j is kappa = s_j + theta
(full) or s_j + theta M(x) (homogenized; the term theta M'(x) (x - xbar) of the linearised drift
is left out), with s_j = -(drift[j+1] - drift[j]) / h the slope of the interpolated drift row on
the cell (:attr:`.tables.DriftTable.stiffness` tabulates the same finite difference). The step
multiplies perturbations by 1 - dt kappa: it is unstable where dt kappa >= 2. The kernel counts
those particle-steps and tracks the largest kappa met, forming s_j from the two drift values it
already reads for the interpolation (no extra table read; positions, means, histograms and the
random stream are those of the kernel without the count), and stops early, after the step at
which the count exceeds ``unstable_limit`` (a run that cannot meet its tolerance any more, see
:func:`.method.simulate`). The count is branch-free on purpose: with ``fastmath`` reassoc
the compiled update depends on the code around it, and an ``if`` around the count (or one loop per
model) re-associated x + (a dt + b dW) and changed the last bits of the positions;
``tests/test_particles.py`` pins them against a copy of the kernel without the count.

Compiled with :data:`mfsweep.numba_policy.fast` (``reassoc`` and ``contract`` fastmath, the flags
the stored results were made with: other flags change their last bits).
"""

import numpy as np

from mfsweep.numba_policy import fast

DRIFT, MOBILITY, DIFFUSION, MILSTEIN = 0, 1, 2, 3
"""Table rows of the homogenized system (the full system has only DRIFT)."""


@fast
def simulate(x, rng, table, x_lo, inv_h, homogenized, theta, dt, noise, n_steps, record_every,
             snapshot_steps, bin_lo, bin_inv_width, n_bins, average_from, unstable_limit):
    """Advance ``x`` (modified in place) by up to ``n_steps`` steps.

    Returns (means, snapshots, counts, failed, steps, unstable, max_kappa). ``noise`` is
    sqrt(2 dt / beta) for the full system and sqrt(dt) for the homogenized one. ``failed`` is -1,
    or the step at which a particle left the table's domain or became non-finite; ``steps`` is the number of
    steps taken (``n_steps``, fewer if the run failed or ``unstable`` exceeded ``unstable_limit``:
    the arrays are then incomplete and must not be used); ``unstable`` counts the particle-steps
    taken with dt kappa >= 2 and ``max_kappa`` is the largest kappa met (-inf if none).
    """
    n = x.size
    last_node = table.shape[1] - 1
    unstable = 0
    max_kappa = -np.inf
    # full system: kappa - theta = -slope * inv_h is tested as slope <= -(2/dt - theta) h and the
    # running minimum of the slope gives the largest kappa on return
    unstable_slope = -(2.0 / dt - theta) / inv_h
    min_slope = np.inf
    limit_kappa = 2.0 / dt
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
                return (means, snapshots, counts, step, step, unstable,
                        _largest(homogenized, max_kappa, min_slope, inv_h, theta))
            j = int(u)
            w = u - j
            slope = table[DRIFT, j + 1] - table[DRIFT, j]
            drift = table[DRIFT, j] + w * slope
            if homogenized:
                mobility = table[MOBILITY, j] + w * (table[MOBILITY, j + 1] - table[MOBILITY, j])
                diffusion = table[DIFFUSION, j] + w * (table[DIFFUSION, j + 1] - table[DIFFUSION, j])
                milstein = table[MILSTEIN, j] + w * (table[MILSTEIN, j + 1] - table[MILSTEIN, j])
                dw = noise * z[i]
                x[i] += (drift - theta * mobility * (x[i] - xbar)) * dt + diffusion * dw + milstein * (dw * dw - dt)
                kappa = theta * mobility - slope * inv_h
                unstable += 1 if kappa >= limit_kappa else 0
                max_kappa = max(max_kappa, kappa)
            else:
                x[i] += (drift - theta * (x[i] - xbar)) * dt + noise * z[i]
                unstable += 1 if slope <= unstable_slope else 0
                min_slope = min(min_slope, slope)
        if unstable > unstable_limit:
            return (means, snapshots, counts, -1, step + 1, unstable,
                    _largest(homogenized, max_kappa, min_slope, inv_h, theta))
    return means, snapshots, counts, -1, n_steps, unstable, _largest(homogenized, max_kappa, min_slope, inv_h, theta)


@fast
def _largest(homogenized, max_kappa, min_slope, inv_h, theta):
    """The largest kappa met (-inf if none) from the kernel's running extremes."""
    if homogenized:
        return max_kappa
    return -min_slope * inv_h + theta if min_slope < np.inf else -np.inf

"""Plain-numpy reference implementation of multiscale CBO for tri-level problems.

A line-by-line statement of Algorithm 2 of Herty, Huang, Kalise & Kouhkouh (2024)
("Approach 2": the R-particles of X^i are attached to the consensus v^i of its
Y-particles), written from the pseudo-code to test the numba kernel
:func:`mfsweep.cbo.kernels.trilevel.ms_cbo_trilevel` against: both draw the same normals from
the same ``numpy.random.Generator`` in the same order, so they must agree to rounding.
Objectives are evaluated in full at every consensus (no caching, no dropped terms).

Readings of the printed pseudo-code (see :mod:`mfsweep.cbo.trilevel`): the first
r-consensus normalises over the P R-particles (printed ``sum_{l=1}^M``, a typo); the first
v of particle i uses the mean of its current R-particles; all X move after the i-loop;
Brownian increments are sqrt(dt) times standard normals.
"""

import numpy as np

from mfsweep.cbo.reference import D_R_delta, consensus, psi_R


def ms_cbo_trilevel_reference(F, G, E, x0, y0, r0, rng, *, alpha1, alpha2, alpha3, lam, sigma, dt, gamma, delta,
                              Q, n_x, n_y, n_r):
    """Run Algorithm 2; return ``(x_star, y_star, r_star, v, r, X, Y, R)``.

    F, G, E : callables ``(x, y, r)`` broadcasting over leading axes (upper, middle and
        lower objective). x0 (N, d), y0 (N, M, d), r0 (N, P, d): initial particles (not modified).
    rng : source of all noise. Per outer step, per particle i, per tau-step: per s-step
        ``standard_normal((P, d))`` for R_i, then ``standard_normal((M, d))`` for Y_i;
        after the i-loop ``standard_normal((N, d))`` for X.
    alpha1, alpha2, alpha3 : weights omega1 = exp(-alpha1 F), omega2 = exp(-alpha2 G), omega3 = exp(-alpha3 E).
    lam, sigma, dt, delta, Q : drift, diffusion, time step, D_Q^delta offset and truncation radius (all levels).
    gamma : FLA weight. n_x, n_y, n_r : iteration counts of the t-, tau- and s-loops.

    Returns X*, Y*, R* (the last lines of Algorithm 2), the final v^i and r^i (N, d)
    and the final particles X, Y, R.
    """
    X = np.array(x0, dtype=float)
    Y = np.array(y0, dtype=float)
    R = np.array(r0, dtype=float)
    N, d = X.shape

    def step(points, centre):
        """Euler-Maruyama: points - lam psi_Q(points - centre) dt + sigma D_Q^delta(points - centre) W."""
        W = np.sqrt(dt) * rng.standard_normal(points.shape)
        diff = points - centre
        return points - lam * psi_R(diff, Q) * dt + sigma * D_R_delta(diff, Q, delta) * W

    z = X.copy()                                   # z^i_0 = X^i_0
    v = np.empty((N, d))
    r = np.empty((N, d))
    for _t in range(n_x):
        for i in range(N):
            x = X[i]
            v_i = consensus(Y[i], G(x, Y[i], R[i].mean(axis=0)), alpha2)       # consensus of Y_{i,0}
            for _tau in range(n_y):
                r_i = consensus(R[i], E(x, v_i, R[i]), alpha3)                 # consensus of R_{i,0}
                for _s in range(n_r):
                    R[i] = step(R[i], r_i)
                    r_i = consensus(R[i], E(x, v_i, R[i]), alpha3)             # consensus of R_{i,s}
                    v_aux = consensus(Y[i], G(x, Y[i], r_i), alpha2)
                    v_i = (1.0 - gamma) * v_i + gamma * v_aux                  # FLA of Y_{i,tau}
                Y[i] = step(Y[i], v_i)
                v_i = consensus(Y[i], G(x, Y[i], r_i), alpha2)
                z_aux = consensus(X, F(X, v_i, r_i), alpha1)                   # every X^q paired with (v^i, r^i)
                z[i] = (1.0 - gamma) * z[i] + gamma * z_aux                    # FLA of X^i
            v[i], r[i] = v_i, r_i
        X = step(X, z)                                                         # all X^i, after the i-loop

    x_bar, v_bar, r_bar = X.mean(axis=0), v.mean(axis=0), r.mean(axis=0)
    x_star = consensus(X, F(X, v_bar, r_bar), alpha1)
    y_star = consensus(v, G(x_bar, v, r_bar), alpha2)
    r_star = consensus(r, E(x_bar, v_bar, r), alpha3)
    return x_star, y_star, r_star, v, r, X, Y, R

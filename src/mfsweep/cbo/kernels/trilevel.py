"""Algorithm 2 of Herty et al. (2024), multiscale CBO for tri-level problems ("Approach 2"), as one numba loop.

One outer step t:

* for each particle i (X fixed throughout the i-loop):
  - v^i = consensus of Y_i with omega2(X^i, Y_i^j, mean_k R_i^k);
  - repeat n_y times (tau-loop):
      r^i = consensus of R_i with omega3(X^i, v^i, R_i^k);
      repeat n_r times (s-loop): move R_i towards r^i; r^i = consensus of R_i;
      v' = consensus of Y_i with omega2(X^i, Y_i^j, r^i); v^i <- (1 - gamma) v^i + gamma v';
      move Y_i towards v^i; v^i = consensus of Y_i with omega2(X^i, Y_i^j, r^i);
      z' = consensus of all X^q with omega1(X^q, v^i, r^i); z^i <- (1 - gamma) z^i + gamma z';
* then every X^i moves towards z^i (after the i-loop, as printed: a Jacobi update).

Outputs (last lines of Algorithm 2): with means X_bar, v_bar, r_bar over i of the final X^i, v^i,
r^i: X* = consensus of X with omega1(X^k, v_bar, r_bar), Y* = consensus of the v^k with
omega2(X_bar, v^k, r_bar), R* = consensus of the r^k with omega3(X_bar, v_bar, r^k).

Random stream: the kernel's standard normals, per outer step, per particle i, per tau-step: per
s-step one (P, d) block for R_i, then one (M, d) block for Y_i; after the i-loop one (N, d) block
for X (all row-major).

Cost: energies are evaluated only through terms that depend on the moving particles' variable;
terms constant over the particles of a consensus are dropped (they shift all energies equally and
cancel in the normalised weights), the x-only part of F is cached per outer step (X is fixed during
the i-loop) and the y-part of G not involving r per Y-move. When F couples x with nothing (Tests A,
C) z' is the same for all i and tau, and when G does not involve r (Table 2) v' is the current
consensus of Y_i: both are then computed once. This is exact, not an approximation. A user function
F(x, y, r) counts as one term involving all three (:mod:`mfsweep.cbo.kernels.energies`). What
remains is the 6.0e8 normals of a Table-2 run (n_x N n_y (n_r P + M) d) and, in Tests A and B, the
Levy terms. Call it through :func:`algorithm2`.
"""

import math

import numpy as np

from mfsweep.cbo.kernels.common import consensus, noise_scale, truncate
from mfsweep.cbo.kernels.compiled import Kernel, three_variables
from mfsweep.cbo.kernels.energies import R_BIT, X_BIT, Y_BIT, add_energies3, involves
from mfsweep.numba_policy import fast, fast_inline


def algorithm2(X, Y, R, rng, F, G, E, params):
    """One run of Algorithm 2 on X (N, d), Y (N, M, d), R (N, P, d), in place.

    ``F``, ``G``, ``E``: objectives (:class:`~mfsweep.cbo.objectives.Objective` or numba-jittable
    F(x, y, r)); ``params``: :class:`mfsweep.cbo.trilevel.Params`. Returns ((x_star, y_star,
    r_star, v, r), seconds) with v, r (N, d) the final consensus points v^i, r^i and ``seconds`` the
    loop's wall time, compilation excluded.
    """
    p = params
    return ALGORITHM2(X, Y, R, rng, three_variables(F, "F"), three_variables(G, "G"), three_variables(E, "E"),
                      p.alpha1, p.alpha2, p.alpha3, p.lam, p.sigma, p.dt, p.gamma, p.delta, p.Q, *p.loop_counts())


@fast
def _y_consensus(G, x, Ys, r, alpha2, g_fixed, energies, out):
    """v = consensus of Ys (M, d) with omega2(x, Y^j, r); refreshes g_fixed, the part of G not involving r."""
    g_fixed[:] = 0.0
    add_energies3(G, Ys, x, Ys[0], r, Y_BIT, R_BIT, 0, g_fixed)
    energies[:] = g_fixed
    add_energies3(G, Ys, x, Ys[0], r, Y_BIT, 0, R_BIT, energies)
    consensus(Ys, energies, alpha2, out)


@fast
def _r_consensus(E, x, v, Rs, alpha3, energies, out):
    """r = consensus of Rs (P, d) with omega3(x, v, R^k)."""
    energies[:] = 0.0
    add_energies3(E, Rs, x, v, Rs[0], R_BIT, 0, 0, energies)
    consensus(Rs, energies, alpha3, out)


@fast_inline
def _move(point, centre, lam, sigma, dt, sqrt_dt, Q, delta, rng):
    """Euler-Maruyama step of one particle (d,) towards ``centre``, in place; draws d normals."""
    for l in range(point.shape[0]):
        diff = point[l] - centre[l]
        noise = sigma * noise_scale(diff, Q, delta) * sqrt_dt * rng.standard_normal()
        point[l] += -lam * truncate(diff, Q) * dt + noise


@fast
def ms_cbo_trilevel(X, Y, R, rng, F, G, E, alpha1, alpha2, alpha3, lam, sigma, dt, gamma, delta, Q, n_x, n_y, n_r):
    """Algorithm 2 (multiscale CBO for tri-level problems), one run; X (N, d), Y (N, M, d), R (N, P, d) move in place.

    F, G, E are term arrays (:meth:`~mfsweep.cbo.objectives.Objective.as_trilevel_array`) or user
    functions; n_x, n_y, n_r the iteration counts of the t-, tau- and s-loops. Noise order: see the
    module docstring.
    Returns (x_star, y_star, r_star, v, r) with v, r (N, d) the final consensus points v^i, r^i.
    """
    N, d = X.shape
    M = Y.shape[1]
    P = R.shape[1]
    sqrt_dt = math.sqrt(dt)
    z = X.copy()
    v = np.empty((N, d))
    r = np.empty((N, d))
    f_x = np.empty(N)  # x-only part of F at each X^q, fixed during an outer step
    f_energies = np.empty(N)
    g_fixed = np.empty(M)  # part of G at (X^i, Y_i^j) not involving r, fixed during an s-loop
    g_energies = np.empty(M)
    e_energies = np.empty(P)
    z_prime = np.empty(d)
    v_prime = np.empty(d)
    r_mean = np.empty(d)
    f_coupled = involves(F, X_BIT, Y_BIT | R_BIT)
    g_coupled = involves(G, Y_BIT, R_BIT)
    for _ in range(n_x):
        f_x[:] = 0.0
        add_energies3(F, X, X[0], X[0], X[0], X_BIT, Y_BIT | R_BIT, 0, f_x)
        if not f_coupled:
            consensus(X, f_x, alpha1, z_prime)  # omega1(X^q, v^i, r^i) then weights X^q alike for every i
        for i in range(N):
            xi, Yi, Ri, vi, ri = X[i], Y[i], R[i], v[i], r[i]
            for l in range(d):
                r_mean[l] = Ri[:, l].sum() / P
            _y_consensus(G, xi, Yi, r_mean, alpha2, g_fixed, g_energies, vi)
            for _tau in range(n_y):
                _r_consensus(E, xi, vi, Ri, alpha3, e_energies, ri)
                if not g_coupled:
                    v_prime[:] = vi  # G involves no r: v' is the current consensus of Y_i, at every s
                for _s in range(n_r):
                    for k in range(P):
                        _move(Ri[k], ri, lam, sigma, dt, sqrt_dt, Q, delta, rng)
                    _r_consensus(E, xi, vi, Ri, alpha3, e_energies, ri)
                    if g_coupled:
                        g_energies[:] = g_fixed
                        add_energies3(G, Yi, xi, Yi[0], ri, Y_BIT, 0, R_BIT, g_energies)
                        consensus(Yi, g_energies, alpha2, v_prime)
                    for l in range(d):
                        vi[l] = (1.0 - gamma) * vi[l] + gamma * v_prime[l]
                for j in range(M):
                    _move(Yi[j], vi, lam, sigma, dt, sqrt_dt, Q, delta, rng)
                _y_consensus(G, xi, Yi, ri, alpha2, g_fixed, g_energies, vi)
                if f_coupled:
                    f_energies[:] = f_x
                    add_energies3(F, X, X[0], vi, ri, X_BIT, 0, Y_BIT | R_BIT, f_energies)
                    consensus(X, f_energies, alpha1, z_prime)
                for l in range(d):
                    z[i, l] = (1.0 - gamma) * z[i, l] + gamma * z_prime[l]
        for i in range(N):
            _move(X[i], z[i], lam, sigma, dt, sqrt_dt, Q, delta, rng)
    return _output(X, v, r, F, G, E, alpha1, alpha2, alpha3)


@fast
def _output(X, v, r, F, G, E, alpha1, alpha2, alpha3):
    """Last lines of Algorithm 2: X*, Y*, R* as consensus of X, v, r at the means of the other two."""
    N, d = X.shape
    x_bar = np.empty(d)
    v_bar = np.empty(d)
    r_bar = np.empty(d)
    for l in range(d):
        x_bar[l] = X[:, l].sum() / N
        v_bar[l] = v[:, l].sum() / N
        r_bar[l] = r[:, l].sum() / N
    energies = np.zeros(N)
    x_star = np.empty(d)
    y_star = np.empty(d)
    r_star = np.empty(d)
    add_energies3(F, X, X[0], v_bar, r_bar, X_BIT, 0, 0, energies)
    consensus(X, energies, alpha1, x_star)
    energies[:] = 0.0
    add_energies3(G, v, x_bar, v[0], r_bar, Y_BIT, 0, 0, energies)
    consensus(v, energies, alpha2, y_star)
    energies[:] = 0.0
    add_energies3(E, r, x_bar, v_bar, r[0], R_BIT, 0, 0, energies)
    consensus(r, energies, alpha3, r_star)
    return x_star, y_star, r_star, v, r


ALGORITHM2 = Kernel(ms_cbo_trilevel)

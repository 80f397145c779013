"""Algorithm 1 of Herty et al. (2024), multiscale CBO for bi-level problems, as one numba loop.

The loop reads its objectives through :mod:`mfsweep.cbo.kernels.energies`, so F and G may each be
a term array (the fast path: x-only parts of F cached per particle, y-only parts dropped, the
coupled part of all inner steps at once as a matrix product) or a user function F(x, y) (evaluated
in full for every pair). Call it through :func:`algorithm1`.
"""

import math

import numpy as np

from mfsweep.cbo.kernels.common import consensus, noise_scale, truncate
from mfsweep.cbo.kernels.compiled import Kernel, two_variables
from mfsweep.cbo.kernels.energies import ALL, X_ONLY, add_energies, coupled_energies, is_coupled, objective
from mfsweep.numba_policy import fast


def algorithm1(X, Y, rng, F, G, params, counts=None):
    """One run of Algorithm 1 on X (N, d) and Y (N, M, d), in place; ((x_star, y_star, v), seconds).

    ``F``, ``G``: objectives (:class:`~mfsweep.cbo.objectives.Objective` or numba-jittable F(x, y));
    ``params``: :class:`mfsweep.cbo.bilevel.Params`; ``counts``: (outer, inner) iteration counts
    (default ``params.loop_counts()``). ``v`` (N, d) is the final lower-level consensus of every
    particle; ``seconds`` the loop's wall time, compilation excluded.
    """
    p = params
    n_outer, n_inner = counts or p.loop_counts()
    return ALGORITHM1(X, Y, rng, *two_variables(F, "F"), *two_variables(G, "G"), p.alpha, p.beta, p.lambda1,
                      p.lambda2, p.sigma1, p.sigma2, p.dt, p.dtau, n_outer, n_inner, p.R1, p.R2, p.delta1,
                      p.delta2, p.gamma, p.c, p.pairing == "own", p.x_update == "jacobi")


@fast
def lower_consensus(G, G_xy, x, Ys, beta, energies, out):
    """v = consensus of the Y-particles ``Ys`` (M, d) for fixed x, weights exp(-beta G(x, Y^j)), eq. (2.9).

    The x-only part of G is left out (a constant shift of all energies, exact).
    """
    energies[:] = 0.0
    add_energies(G, G_xy, Ys, x, False, True, energies)
    consensus(Ys, energies, beta, out)


@fast
def ms_cbo_bilevel(X, Y, rng, F, F_xy, G, G_xy, alpha, beta, lam1, lam2, sigma1, sigma2,
                   dt, dtau, n_outer, n_inner, R1, R2, delta1, delta2, gamma, c, own_pairing, jacobi):
    """Algorithm 1 (multiscale CBO for bi-level problems), one run; X (N, d) and Y (N, M, d) evolve in place.

    Noise is drawn from ``rng`` in this order: per outer step, per particle i, per inner
    step one (M, d) block for Y_i (row-major), then d values for X^i. z^i is updated
    with the z' of each inner step in turn, after Y_i's inner steps (which do not use it).
    ``own_pairing``: z' weights use omega(X^k, v^k/c) instead of the printed omega(X^k, v^i/c).
    ``jacobi``: all X^i move after the i-loop instead of inside it (Gauss-Seidel, as printed).
    Returns (x_star, y_star, v) with v the final lower-level consensus of every particle.
    """
    N, d = X.shape
    M = Y.shape[1]
    sqrt_dt = math.sqrt(dt)
    sqrt_dtau = math.sqrt(dtau)
    z = X.copy()
    v = np.empty((N, d))
    g_energies = np.empty(M)
    for i in range(N):
        lower_consensus(G, G_xy, X[i], Y[i], beta, g_energies, v[i])
    coupled = is_coupled(F, F_xy)
    f_cache = np.empty(N)  # X_ONLY part of F at X^k (printed) or F(X^k, v^k/c) (own pairing)
    energies = np.empty(N)
    vi = np.empty(d)
    scaled = np.empty((n_inner, d))  # v^i/c after each inner step
    z_prime = np.empty(d)
    z_primes = np.empty((n_inner, d))
    upper_energies = np.empty((n_inner, N))
    Xs = X  # the positions the consensus sees: X itself (Gauss-Seidel) or a snapshot (Jacobi)
    Xs_t = np.ascontiguousarray(X.T)  # Xs transposed, for coupled_energies
    for t in range(n_outer):
        if jacobi:
            Xs = X.copy()
            Xs_t[:] = Xs.T
        for k in range(N):
            f_cache[k] = _upper_cache(F, F_xy, Xs[k], v[k], c, own_pairing)
        for i in range(N):
            xi = Xs[i]
            energies[:] = f_cache
            if not (own_pairing or coupled):
                consensus(Xs, energies, alpha, z_prime)  # F(X^k, v^i/c) - F_y(v^i/c) does not depend on v^i
            lower_consensus(G, G_xy, xi, Y[i], beta, g_energies, vi)
            for tau in range(n_inner):
                noise = rng.standard_normal(M * d)  # one block: the same stream as M*d scalar draws
                for j in range(M):
                    for l in range(d):
                        diff = Y[i, j, l] - c * vi[l]
                        Y[i, j, l] += (-lam2 * truncate(diff, R2) * dtau
                                       + sigma2 * noise_scale(diff, R2, delta2) * sqrt_dtau * noise[j * d + l])
                lower_consensus(G, G_xy, xi, Y[i], beta, g_energies, vi)
                for l in range(d):
                    scaled[tau, l] = vi[l] / c
                if own_pairing:
                    energies[i] = objective(F, F_xy, xi, scaled[tau], ALL)
                    consensus(Xs, energies, alpha, z_primes[tau])
                elif not coupled:
                    z_primes[tau] = z_prime
            if coupled and not own_pairing:  # the z' of all inner steps at once (Y_i does not depend on them)
                coupled_energies(F, F_xy, Xs, Xs_t, scaled, f_cache, upper_energies)
                for tau in range(n_inner):
                    consensus(Xs, upper_energies[tau], alpha, z_primes[tau])
            for tau in range(n_inner):
                for l in range(d):
                    z[i, l] = (1.0 - gamma) * z[i, l] + gamma * z_primes[tau, l]
            v[i] = vi
            for l in range(d):
                diff = xi[l] - z[i, l]
                X[i, l] = (xi[l] - lam1 * truncate(diff, R1) * dt
                           + sigma1 * noise_scale(diff, R1, delta1) * sqrt_dt * rng.standard_normal())
            Xs_t[:, i] = Xs[i]  # a no-op under Jacobi, where Xs[i] has not moved
            f_cache[i] = _upper_cache(F, F_xy, Xs[i], v[i], c, own_pairing)
    return _output(X, v, F, F_xy, G, G_xy, alpha, beta, c)


@fast
def _upper_cache(F, F_xy, x, v, c, own_pairing):
    if own_pairing:
        return objective(F, F_xy, x, v / c, ALL)
    return objective(F, F_xy, x, x, X_ONLY)


@fast
def _output(X, v, F, F_xy, G, G_xy, alpha, beta, c):
    """Last lines of Algorithm 1: X* = consensus of X at mean(v)/c; Y* = (1/c) consensus of v at mean(X)."""
    N, d = X.shape
    x_bar = np.empty(d)
    v_bar = np.empty(d)
    for l in range(d):
        x_bar[l] = X[:, l].mean()
        v_bar[l] = v[:, l].mean() / c
    energies = np.empty(N)
    for k in range(N):
        energies[k] = objective(F, F_xy, X[k], v_bar, ALL)
    x_star = np.empty(d)
    consensus(X, energies, alpha, x_star)
    for k in range(N):
        energies[k] = objective(G, G_xy, x_bar, v[k] / c, ALL)
    y_star = np.empty(d)
    consensus(v, energies, beta, y_star)
    return x_star, y_star / c, v


ALGORITHM1 = Kernel(ms_cbo_bilevel)

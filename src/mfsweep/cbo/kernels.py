"""Numba kernels of the multiscale CBO, Herty, Huang, Kalise & Kouhkouh (2024).

Serial, ``nogil`` and cached: dask threads fan runs out over them (one level of
parallelism). The public Python API is :mod:`mfsweep.cbo.bilevel`; nothing else
imports numba.

Objectives arrive as term arrays (see :class:`mfsweep.cbo.objectives.Objective`):
rows [function code, coef, a, b, shift] meaning coef * f(a x + b y - shift), plus a
bilinear coefficient ``xy``. Splitting terms by what they depend on is what makes the
z' consensus of Algorithm 1 cheap: the paper's loop evaluates F(X^k, v^i/c) for all
N particles k, at every inner step of every particle i (N^2 (T_y/dtau)(T_x/dt) ~ 2.5e7
evaluations per run); here the x-only part of F is cached per particle and refreshed
only when that particle moves, the y-only part is a constant shift of all energies
(it cancels in the normalised weights) and only terms coupling x and y are evaluated
per pair. Since Y_i's inner steps do not depend on z', the z' of all inner steps of
particle i are computed after them, so the bilinear part is one matrix product
(:func:`coupled_energies`). This is exact, not an approximation. The pairs remain
O(N^2 T_y/dtau) per outer step.
"""

import math

import numpy as np
from numba import njit

from mfsweep.cbo.testfunctions import FUNCTION_CODES

# Sums may be reassociated and fused so that the loops over the d components vectorise
# (about 2.5x faster); NaN/inf semantics stay IEEE (no "nnan"/"ninf" flags).
FASTMATH = {"reassoc", "contract"}
jit = njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
inline_jit = njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy", inline="always")  # helpers inside hot loops

SPHERE = FUNCTION_CODES["sphere"]
ACKLEY = FUNCTION_CODES["ackley"]
RASTRIGIN = FUNCTION_CODES["rastrigin"]
LEVY = FUNCTION_CODES["levy"]
TWO_PI = 2.0 * math.pi
INV_PI = 1.0 / math.pi

# Which terms of an objective to evaluate.
ALL, X_ONLY, Y_ONLY, COUPLED = 0, 1, 2, 3

#: exp(-a) rounds to exactly 0.0 in float64 for a > 745.2, so such weights are skipped.
EXP_CUTOFF = 745.2

#: Taylor coefficients of cos(2 pi b) in powers of b^2; on |b| <= 1/4 the remainder is < 2e-17.
C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10 = (
    (-1) ** n * TWO_PI ** (2 * n) / math.factorial(2 * n) for n in range(11)
)


@inline_jit
def cos2pi(x):
    """cos(2 pi x), reduced exactly to a quarter period first, then a degree-20 polynomial.

    About 3x faster than ``math.cos(2 * pi * x)`` and at least as accurate (the product
    2 pi x already carries an absolute error ~|x| 1e-16 before the cosine is taken).
    """
    a = abs(x - math.floor(x + 0.5))  # |x - nearest integer| in [0, 1/2], exact
    b = min(a, 0.5 - a)  # cos(2 pi a) = -cos(2 pi (1/2 - a)); b in [0, 1/4]
    s = b * b
    p = C0 + s * (C1 + s * (C2 + s * (C3 + s * (C4 + s * (C5 + s * (C6 + s * (C7 + s * (C8 + s * (C9 + s * C10)))))))))
    return math.copysign(p, 0.25 - a)  # branch-free: -p beyond a quarter period


@inline_jit
def term_value(code, x, y, a, b, shift):
    """f_code(a x + b y - shift) for the benchmark function with the given code, eqs. (5.1)-(5.3)."""
    d = x.shape[0]
    if code == SPHERE:
        total = 0.0
        for k in range(d):
            u = a * x[k] + b * y[k] - shift
            total += u * u
        return total
    if code == ACKLEY:
        sum_sq = 0.0
        sum_cos = 0.0
        for k in range(d):
            u = a * x[k] + b * y[k] - shift
            sum_sq += u * u
            sum_cos += cos2pi(u)
        return -20.0 * math.exp(-0.2 * math.sqrt(sum_sq / d)) - math.exp(sum_cos / d) + math.e + 20.0
    if code == RASTRIGIN:
        total = 0.0
        for k in range(d):
            u = a * x[k] + b * y[k] - shift
            total += u * u + 1.5 * (1.0 - cos2pi(u))
        return total
    if code == LEVY:  # sin(z)^2 = (1 - cos 2z) / 2, with 2z / 2pi = w, w + 1/pi and 2w
        w = 1.0 + (a * x[0] + b * y[0] - shift) / 4.0
        total = 0.5 * (1.0 - cos2pi(w))
        for k in range(d - 1):
            w = 1.0 + (a * x[k] + b * y[k] - shift) / 4.0
            total += (w - 1.0) ** 2 * (1.0 + 5.0 * (1.0 - cos2pi(w + INV_PI)))
        w = 1.0 + (a * x[d - 1] + b * y[d - 1] - shift) / 4.0
        return total + (w - 1.0) ** 2 * (1.0 + 0.5 * (1.0 - cos2pi(2.0 * w)))
    return math.nan


@jit
def add_term_rows(code, coef, points, other, a, b, shift, out):
    """out[k] += coef * f_code(a points[k] + b other - shift) for every row k of ``points`` (K, d).

    Same values as :func:`term_value` row by row. For the functions with cosines the
    arguments are laid out component-major, u (d, K), and the cosines are taken in one
    flat loop over all K d of them, in place: that vectorises without a scalar remainder
    per row (15-50 % faster runs with Levy, Rastrigin or Ackley terms at d = 10); the sums
    over components then run vectorised over k.
    """
    K, d = points.shape
    if code == SPHERE:  # no cosines: row by row is faster
        for k in range(K):
            out[k] += coef * term_value(code, points[k], other, a, b, shift)
        return
    u = np.empty((d, K))
    for l in range(d):
        offset = b * other[l] - shift
        for k in range(K):
            u[l, k] = a * points[k, l] + offset
    flat = u.reshape(d * K)
    total = np.zeros(K)
    rows = d
    if code == RASTRIGIN:
        for j in range(d * K):
            flat[j] = flat[j] * flat[j] + 1.5 * (1.0 - cos2pi(flat[j]))
    elif code == ACKLEY:  # total = sum of squares; u becomes the cosines
        for l in range(d):
            for k in range(K):
                total[k] += u[l, k] * u[l, k]
        for j in range(d * K):
            flat[j] = cos2pi(flat[j])
    elif code == LEVY:  # sin(z)^2 = (1 - cos 2z) / 2 as in term_value; rows 0..d-2 hold the middle terms
        for k in range(K):
            w = 1.0 + u[d - 1, k] / 4.0
            total[k] = (0.5 * (1.0 - cos2pi(1.0 + u[0, k] / 4.0))
                        + (w - 1.0) ** 2 * (1.0 + 0.5 * (1.0 - cos2pi(2.0 * w))))
        rows = d - 1
        for j in range(rows * K):
            w = 1.0 + flat[j] / 4.0
            flat[j] = (w - 1.0) ** 2 * (1.0 + 5.0 * (1.0 - cos2pi(w + INV_PI)))
    else:
        total[:] = math.nan
    if code == ACKLEY:
        for k in range(K):
            sum_cos = 0.0
            for l in range(d):
                sum_cos += u[l, k]
            total[k] = -20.0 * math.exp(-0.2 * math.sqrt(total[k] / d)) - math.exp(sum_cos / d) + math.e + 20.0
    else:
        for l in range(rows):
            for k in range(K):
                total[k] += u[l, k]
    for k in range(K):
        out[k] += coef * total[k]


@inline_jit
def objective(terms, xy, x, y, part):
    """The ``part`` (ALL, X_ONLY, Y_ONLY or COUPLED terms) of an objective at (x, y)."""
    total = 0.0
    if xy != 0.0 and (part == ALL or part == COUPLED):
        dot = 0.0
        for k in range(x.shape[0]):
            dot += x[k] * y[k]
        total += xy * dot
    for t in range(terms.shape[0]):
        a = terms[t, 2]
        b = terms[t, 3]
        kind = X_ONLY if b == 0.0 else (Y_ONLY if a == 0.0 else COUPLED)
        if part == ALL or part == kind:
            total += terms[t, 1] * term_value(int(terms[t, 0]), x, y, a, b, terms[t, 4])
    return total


@jit
def add_energies(terms, xy, points, fixed, points_are_x, with_single, out):
    """out[k] += the terms of an objective that couple x and y, at the pairs (points[k], fixed).

    ``points`` (K, d) are x-values if ``points_are_x``, else y-values; ``fixed`` is the other
    argument. With ``with_single`` the terms of the points' own variable alone are added too.
    Terms of ``fixed`` alone are constant over k and left out: they cancel in a consensus.
    Terms outside, particles inside, so the bilinear part is a vectorised matrix-vector product.
    """
    K, d = points.shape
    if xy != 0.0:
        for k in range(K):
            dot = 0.0
            for l in range(d):
                dot += points[k, l] * fixed[l]
            out[k] += xy * dot
    for t in range(terms.shape[0]):
        code, coef, a, b, shift = int(terms[t, 0]), terms[t, 1], terms[t, 2], terms[t, 3], terms[t, 4]
        own, other = (a, b) if points_are_x else (b, a)
        if own == 0.0 or (other == 0.0 and not with_single):
            continue
        add_term_rows(code, coef, points, fixed, own, other, shift, out)


@jit
def coupled_energies(terms, xy, points, points_t, fixed_rows, base, out):
    """out[t, k] = base[k] + the terms of an objective that couple x and y, at (points[k], fixed_rows[t]).

    ``points`` (K, d) are x-values, ``points_t`` the same transposed (d, K), ``fixed_rows``
    (T, d) the y-values. The bilinear part for all T rows at once is one matrix product
    (BLAS dgemm: about 3x faster than T matrix-vector products at K = 600, d = 20).
    """
    if xy != 0.0:
        np.dot(fixed_rows, points_t, out)
        for t in range(out.shape[0]):
            for k in range(out.shape[1]):
                out[t, k] = base[k] + xy * out[t, k]
    else:
        for t in range(out.shape[0]):
            out[t] = base
    for t in range(out.shape[0]):
        add_energies(terms, 0.0, points, fixed_rows[t], True, False, out[t])


@jit
def is_coupled(terms, xy):
    """Whether any part of the objective depends on x and y jointly."""
    if xy != 0.0:
        return True
    for t in range(terms.shape[0]):
        if terms[t, 2] != 0.0 and terms[t, 3] != 0.0:
            return True
    return False


@inline_jit
def lowest_value(values):
    """min(values) ignoring NaN (inf if all are NaN); four running minima break the dependency chain (2x faster)."""
    K = values.shape[0]
    m0 = m1 = m2 = m3 = np.inf
    k = 0
    while k + 4 <= K:
        m0 = min(m0, values[k])
        m1 = min(m1, values[k + 1])
        m2 = min(m2, values[k + 2])
        m3 = min(m3, values[k + 3])
        k += 4
    for j in range(k, K):
        m0 = min(m0, values[j])
    return min(min(m0, m1), min(m2, m3))


@jit
def consensus(points, energies, scale, out):
    """Weighted mean of ``points`` (K, d) with weights exp(-scale * energy), eqs. (2.5), (2.7).

    Weights are taken relative to the smallest energy (log-sum-exp), so any scale
    works; scale = 1e15 gives the arg-min (copied directly when it alone has a non-zero
    weight: the same result, 2.7x faster at K = 600). NaN energies propagate into ``out``.
    """
    lowest = lowest_value(energies)
    near = 0  # points whose weight is not exactly 0 (NaN counts): a vectorised count first
    for k in range(energies.shape[0]):
        near += not (scale * (energies[k] - lowest) > EXP_CUTOFF)
    if near == 1:  # the usual case at scale 1e15: the arg-min alone, with weight exactly 1
        for k in range(energies.shape[0]):
            if energies[k] == lowest:
                out[:] = points[k]
                return
    out[:] = 0.0
    weight_sum = 0.0
    for k in range(points.shape[0]):
        exponent = scale * (energies[k] - lowest)
        if exponent > EXP_CUTOFF:
            continue
        weight = math.exp(-exponent)
        weight_sum += weight
        for l in range(points.shape[1]):
            out[l] += weight * points[k, l]
    for l in range(points.shape[1]):
        out[l] /= weight_sum


@inline_jit
def truncate(value, radius):
    """psi_R for one component: value clipped to [-R, R] (Section 3.1)."""
    return min(max(value, -radius), radius)


@inline_jit
def noise_scale(value, radius, delta):
    """Diagonal entry of D_R^delta for one component: delta + min(|value|, R) (Section 3.1)."""
    return delta + min(abs(value), radius)


@jit
def lower_consensus(G_terms, G_xy, x, Ys, beta, energies, out):
    """v = consensus of the Y-particles ``Ys`` (M, d) for fixed x, weights exp(-beta G(x, Y^j)), eq. (2.9).

    The x-only part of G is left out (a constant shift of all energies, exact).
    """
    energies[:] = 0.0
    add_energies(G_terms, G_xy, Ys, x, False, True, energies)
    consensus(Ys, energies, beta, out)


@jit
def ms_cbo_bilevel(X, Y, rng, F_terms, F_xy, G_terms, G_xy, alpha, beta, lam1, lam2, sigma1, sigma2,
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
        lower_consensus(G_terms, G_xy, X[i], Y[i], beta, g_energies, v[i])
    coupled = is_coupled(F_terms, F_xy)
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
            f_cache[k] = _upper_cache(F_terms, F_xy, Xs[k], v[k], c, own_pairing)
        for i in range(N):
            xi = Xs[i]
            energies[:] = f_cache
            if not (own_pairing or coupled):
                consensus(Xs, energies, alpha, z_prime)  # F(X^k, v^i/c) - F_y(v^i/c) does not depend on v^i
            lower_consensus(G_terms, G_xy, xi, Y[i], beta, g_energies, vi)
            for tau in range(n_inner):
                noise = rng.standard_normal(M * d)  # one block: the same stream as M*d scalar draws
                for j in range(M):
                    for l in range(d):
                        diff = Y[i, j, l] - c * vi[l]
                        Y[i, j, l] += (-lam2 * truncate(diff, R2) * dtau
                                       + sigma2 * noise_scale(diff, R2, delta2) * sqrt_dtau * noise[j * d + l])
                lower_consensus(G_terms, G_xy, xi, Y[i], beta, g_energies, vi)
                for l in range(d):
                    scaled[tau, l] = vi[l] / c
                if own_pairing:
                    energies[i] = objective(F_terms, F_xy, xi, scaled[tau], ALL)
                    consensus(Xs, energies, alpha, z_primes[tau])
                elif not coupled:
                    z_primes[tau] = z_prime
            if coupled and not own_pairing:  # the z' of all inner steps at once (Y_i does not depend on them)
                coupled_energies(F_terms, F_xy, Xs, Xs_t, scaled, f_cache, upper_energies)
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
            f_cache[i] = _upper_cache(F_terms, F_xy, Xs[i], v[i], c, own_pairing)
    return _output(X, v, F_terms, F_xy, G_terms, G_xy, alpha, beta, c)


@jit
def _upper_cache(F_terms, F_xy, x, v, c, own_pairing):
    if own_pairing:
        return objective(F_terms, F_xy, x, v / c, ALL)
    return objective(F_terms, F_xy, x, x, X_ONLY)


@jit
def _output(X, v, F_terms, F_xy, G_terms, G_xy, alpha, beta, c):
    """Last lines of Algorithm 1: X* = consensus of X at mean(v)/c; Y* = (1/c) consensus of v at mean(X)."""
    N, d = X.shape
    x_bar = np.empty(d)
    v_bar = np.empty(d)
    for l in range(d):
        x_bar[l] = X[:, l].mean()
        v_bar[l] = v[:, l].mean() / c
    energies = np.empty(N)
    for k in range(N):
        energies[k] = objective(F_terms, F_xy, X[k], v_bar, ALL)
    x_star = np.empty(d)
    consensus(X, energies, alpha, x_star)
    for k in range(N):
        energies[k] = objective(G_terms, G_xy, x_bar, v[k] / c, ALL)
    y_star = np.empty(d)
    consensus(v, energies, beta, y_star)
    return x_star, y_star / c, v

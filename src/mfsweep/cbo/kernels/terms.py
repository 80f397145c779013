"""The term language in the kernels: objectives as arrays of terms coef * f(a u + b w - shift).

Two-variable objectives F(x, y) (:meth:`mfsweep.cbo.objectives.Objective.as_bilevel_array`) are rows
[function code, coef, a, b, shift] plus a bilinear coefficient ``xy``; three-variable ones
(:meth:`~mfsweep.cbo.objectives.Objective.as_trilevel_array`) rows [function code, coef, p, a, q, b, shift]
meaning coef * f(a v_p + b v_q - shift), v = (x, y, r).

Splitting terms by what they depend on is what makes the consensus energies cheap: the paper's
Algorithm 1 evaluates F(X^k, v^i/c) for all N particles k, at every inner step of every particle i
(N^2 (T_y/dtau)(T_x/dt) ~ 2.5e7 evaluations per run); with terms, the x-only part of F is cached per
particle and refreshed only when that particle moves, the y-only part is a constant shift of all
energies (it cancels in the normalised weights) and only terms coupling x and y are evaluated per
pair, the bilinear part for all inner steps at once as one matrix product (:func:`coupled_energies`).
This is exact, not an approximation. The kernels reach these functions through
:mod:`mfsweep.cbo.kernels.energies`, which also accepts user functions in place of term arrays.
"""

import math

import numpy as np

from mfsweep.cbo.functions import FUNCTION_CODES
from mfsweep.cbo.kernels.common import INV_PI, cos2pi
from mfsweep.numba_policy import fast, fast_inline

SPHERE = FUNCTION_CODES["sphere"]
ACKLEY = FUNCTION_CODES["ackley"]
RASTRIGIN = FUNCTION_CODES["rastrigin"]
LEVY = FUNCTION_CODES["levy"]

# Which terms of a two-variable objective to evaluate.
ALL, X_ONLY, Y_ONLY, COUPLED = 0, 1, 2, 3

# The variables of a three-variable objective as bits: 1 << index in (x, y, r).
X_BIT, Y_BIT, R_BIT = 1, 2, 4


@fast_inline
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


@fast
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


@fast_inline
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


@fast
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


@fast
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


@fast
def is_coupled(terms, xy):
    """Whether any part of the objective depends on x and y jointly."""
    if xy != 0.0:
        return True
    for t in range(terms.shape[0]):
        if terms[t, 2] != 0.0 and terms[t, 3] != 0.0:
            return True
    return False


@fast_inline
def pick(var, x, y, r):
    if var == 0:
        return x
    if var == 1:
        return y
    return r


@fast_inline
def term_mask(terms, t):
    """The variables term ``t`` involves, as bits X_BIT, Y_BIT, R_BIT."""
    p_bit = (1 << int(terms[t, 2])) if terms[t, 3] != 0.0 else 0
    return p_bit | ((1 << int(terms[t, 4])) if terms[t, 5] != 0.0 else 0)


@fast
def add_energies3(terms, points, x, y, r, moving, exclude, require, out):
    """out[k] += the terms at points[k] involving ``moving``, none of ``exclude`` and, if nonzero, one of ``require``.

    ``moving`` (a bit) is the variable the rows of ``points`` (K, d) stand for; the other
    two are fixed at their vectors among x, y, r (the moving one's slot is a placeholder,
    multiplied by 0 in single-variable terms). Terms not involving ``moving`` are constant
    over the particles of a consensus and are left out. Needs p != q or b = 0 in every row.
    """
    for t in range(terms.shape[0]):
        mask = term_mask(terms, t)
        if mask & moving == 0 or mask & exclude != 0 or (require != 0 and mask & require == 0):
            continue
        p = int(terms[t, 2])
        q = int(terms[t, 4])
        if (1 << p) == moving:  # the moving variable goes first: add_term_rows(code, coef, moving, other, ...)
            a, b, other = terms[t, 3], terms[t, 5], pick(q, x, y, r)
        else:
            a, b, other = terms[t, 5], terms[t, 3], pick(p, x, y, r)
        code, coef, shift = int(terms[t, 0]), terms[t, 1], terms[t, 6]
        add_term_rows(code, coef, points, other, a, b, shift, out)


@fast
def involves(terms, moving, other):
    """Whether some term involves both ``moving`` and one of ``other`` (bit masks)."""
    for t in range(terms.shape[0]):
        if term_mask(terms, t) & moving != 0 and term_mask(terms, t) & other != 0:
            return True
    return False

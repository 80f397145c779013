"""Numba kernels against numpy: building blocks, then Algorithm 1 against the plain-numpy reference."""

import copy
import dataclasses

import math

import numba
import numpy as np
import pytest

from mfsweep import seeding
from mfsweep.cbo import bilevel, reference
from mfsweep.cbo.bilevel import initial_positions
from mfsweep.cbo.functions import FUNCTION_CODES, FUNCTIONS
from mfsweep.cbo.kernels import common
from mfsweep.cbo.kernels import terms as kterms
from mfsweep.cbo.kernels.bilevel import ms_cbo_bilevel
from mfsweep.cbo.objectives import Objective
from mfsweep.cbo.problems import BilevelProblem, bilevel_problem
from mfsweep.cbo.reference.bilevel import ms_cbo_bilevel_reference

EPS = np.finfo(float).eps


# --------------------------------------------------------------------------------------
# cos2pi
# --------------------------------------------------------------------------------------


def test_cos2pi_against_exactly_reduced_numpy_cos():
    rng = np.random.default_rng(10)
    x = np.concatenate([
        rng.uniform(-50, 50, size=20000),
        rng.uniform(-1, 1, size=2000),
        np.arange(-50.0, 51.0),                                   # integers: cos = 1
        np.arange(-50.0, 50.0) + 0.5,                            # half integers: cos = -1
        [0.0, -0.0, 0.25, -0.25, 0.5, -0.5, 0.125, -0.125, 0.375, 0.75, 1 / 3,
         np.nextafter(0.5, 0), np.nextafter(0.25, 0), np.nextafter(0.25, 1), 1e-300, 49.999999999999],
    ])
    r = x - np.round(x)  # exact for |x| <= 50 (Sterbenz): the reference has no reduction error
    expected = np.cos(2.0 * np.pi * r)
    got = np.array([common.cos2pi(v) for v in x])
    # Reference error: 2 pi r with |r| <= 1/2 is rounded to <= pi * 2^-53 ~ 3.5e-16 (plus 2pi's own
    # 2.4e-17 rel.), and np.cos adds < 1 ulp; the kernel's degree-20 polynomial has truncation
    # < 2e-17 and Horner rounding of a few ulp of 1. Together < ~1e-15; 2e-15 leaves margin but
    # still fails for any wrong coefficient, wrong quadrant sign or argument reduction bug.
    np.testing.assert_allclose(got, expected, rtol=0, atol=2e-15)


def test_cos2pi_exact_special_values():
    # At the reduction's exact nodes the polynomial is C0 = 1 (b = 0) or -C0 (a = 1/2):
    # these must be exact, not merely close.
    for k in range(-5, 6):
        assert common.cos2pi(float(k)) == 1.0
        assert common.cos2pi(k + 0.5) == -1.0
    # cos(2 pi / 4) = 0: b = 1/4 exactly, so only the polynomial's rounding remains (< 1e-16 abs).
    assert abs(common.cos2pi(0.25)) < 1e-16
    assert abs(common.cos2pi(-0.75)) < 1e-16


# --------------------------------------------------------------------------------------
# term_value and objective
# --------------------------------------------------------------------------------------

COEFS = [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (1.0, -1.0, 0.0), (1.0, -0.5, 0.3), (-2.0, 1.5, -1.0), (0.7, 0.0, 1.0)]


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("a, b, shift", COEFS)
@pytest.mark.parametrize("d", [2, 3, 7])
def test_term_value_matches_numpy(name, a, b, shift, d):
    rng = np.random.default_rng(11)
    for _ in range(10):
        x = rng.uniform(-3, 3, size=d)
        y = rng.uniform(-3, 3, size=d)
        got = kterms.term_value(FUNCTION_CODES[name], x, y, a, b, shift)
        expected = FUNCTIONS[name](a * x + b * y - shift)
        # The kernel forms u = a x + b y - shift in the same order but may contract it into FMAs,
        # uses cos2pi (<= 2e-15 abs) instead of np.cos, and reassociates the d-term sums; values
        # here are O(1..100) with Ackley's 22.7-sized cancellation, so rel. agreement is ~1e-15;
        # 1e-13 leaves margin and still catches any formula difference.
        assert got == pytest.approx(expected, rel=1e-13, abs=1e-13)


def test_term_value_unknown_code_is_nan():
    x = np.ones(3)
    assert np.isnan(kterms.term_value(99, x, x, 1.0, 0.0, 0.0))


MIXED = Objective.from_spec({
    "terms": [
        {"fn": "rastrigin", "x": 1.0, "shift": 0.5},             # x only
        {"fn": "levy", "coef": 0.5, "y": 2.0},                    # y only
        {"fn": "ackley", "coef": 3.0, "x": 1.0, "y": -0.5},       # coupled
        {"fn": "sphere", "coef": 0.25, "x": 1.0, "y": 1.0, "shift": -1.0},  # coupled
    ],
    "xy": 1.5,                                                     # coupled
}, "test")


def _parts(obj, x, y):
    terms = obj.as_bilevel_array()
    return {part: kterms.objective(terms, obj.xy, x, y, part)
            for part in (kterms.ALL, kterms.X_ONLY, kterms.Y_ONLY, kterms.COUPLED)}


@pytest.mark.parametrize("problem", ["i", "ii", "iii", "iv", "v", "vi"])
def test_objective_all_matches_numpy_for_table1(problem):
    prob = bilevel_problem(problem)
    rng = np.random.default_rng(12)
    for _ in range(10):
        x, y = rng.uniform(-1, 3, size=(2, 4))
        for obj in (prob.F, prob.G):
            # Same formula; differences are FMA/reassociation and cos2pi rounding (~1e-15 rel.).
            assert kterms.objective(obj.as_bilevel_array(), obj.xy, x, y, kterms.ALL) == pytest.approx(
                float(obj(x, y)), rel=1e-13, abs=1e-13)


def test_objective_parts_sum_to_all_and_match_numpy():
    rng = np.random.default_rng(13)
    x_only = Objective((MIXED.terms[0],))
    y_only = Objective((MIXED.terms[1],))
    coupled = Objective(MIXED.terms[2:], MIXED.xy)
    for _ in range(20):
        x, y = rng.uniform(-2, 2, size=(2, 5))
        p = _parts(MIXED, x, y)
        # ~1e-15 relative agreement expected (see test_term_value_matches_numpy); 1e-13 margin.
        assert p[kterms.ALL] == pytest.approx(float(MIXED(x, y)), rel=1e-13)
        assert p[kterms.X_ONLY] == pytest.approx(float(x_only(x, y)), rel=1e-13)
        assert p[kterms.Y_ONLY] == pytest.approx(float(y_only(x, y)), rel=1e-13)
        assert p[kterms.COUPLED] == pytest.approx(float(coupled(x, y)), rel=1e-13)
        split = p[kterms.X_ONLY] + p[kterms.Y_ONLY] + p[kterms.COUPLED]
        magnitude = abs(p[kterms.X_ONLY]) + abs(p[kterms.Y_ONLY]) + abs(p[kterms.COUPLED])
        # Regrouping a sum of 5 terms changes it by at most ~5 eps * sum|terms|; 8 eps for margin.
        assert abs(split - p[kterms.ALL]) <= 8 * EPS * magnitude


def test_objective_x_only_part_ignores_y_and_y_only_ignores_x():
    # The kernel caches the X_ONLY part per particle and drops the Y_ONLY part as a constant
    # shift: that is exact only if these parts truly do not read the other variable.
    rng = np.random.default_rng(14)
    x, y1, y2 = rng.uniform(-2, 2, size=(3, 5))
    terms = MIXED.as_bilevel_array()
    assert kterms.objective(terms, MIXED.xy, x, y1, kterms.X_ONLY) == kterms.objective(
        terms, MIXED.xy, x, y2, kterms.X_ONLY)
    assert kterms.objective(terms, MIXED.xy, y1, x, kterms.Y_ONLY) == kterms.objective(
        terms, MIXED.xy, y2, x, kterms.Y_ONLY)


@pytest.mark.parametrize("name", sorted(FUNCTION_CODES))
@pytest.mark.parametrize("K, d", [(1, 1), (3, 2), (25, 20), (14, 8)])
def test_add_term_rows_matches_term_value_row_by_row(name, K, d):
    # Component-major batch evaluation against the row-by-row one: only the order of the
    # sums over d components differs (each within d eps relative), and Ackley's exp/sqrt
    # amplify that by at most e; hence 4 d eps (1 + |value|).
    rng = np.random.default_rng(K * 100 + d)
    points = rng.uniform(-4, 4, size=(K, d))
    other = rng.uniform(-4, 4, size=d)
    code, a, b, shift = FUNCTION_CODES[name], 0.7, -1.3, 0.4
    out = np.full(K, 0.5)
    kterms.add_term_rows(code, 2.0, points, other, a, b, shift, out)
    expected = np.array([0.5 + 2.0 * kterms.term_value(code, p, other, a, b, shift) for p in points])
    np.testing.assert_allclose(out, expected, rtol=4 * d * EPS, atol=4 * d * EPS)


def test_add_energies_matches_the_objective_parts():
    # Batched energies of the z' consensus (points are x: coupled terms only) and of the
    # lower-level consensus (points are y: y-only and coupled terms), against `objective`
    # term by term; only the summation order differs (8 eps * sum|parts| as above).
    rng = np.random.default_rng(15)
    points = rng.uniform(-2, 2, size=(7, 5))
    fixed = rng.uniform(-2, 2, size=5)
    terms = MIXED.as_bilevel_array()
    for points_are_x, with_single in ((True, False), (False, True), (True, True), (False, False)):
        out = np.full(7, 0.5)
        kterms.add_energies(terms, MIXED.xy, points, fixed, points_are_x, with_single, out)
        for k, point in enumerate(points):
            x, y = (point, fixed) if points_are_x else (fixed, point)
            p = _parts(MIXED, x, y)
            own = p[kterms.X_ONLY] if points_are_x else p[kterms.Y_ONLY]
            expected = 0.5 + p[kterms.COUPLED] + (own if with_single else 0.0)
            assert abs(out[k] - expected) <= 8 * EPS * (0.5 + abs(p[kterms.COUPLED]) + abs(own))


@pytest.mark.parametrize("xy", [1.5, 0.0])
@pytest.mark.parametrize("K, d, T", [(1, 1, 1), (7, 5, 3), (600, 20, 6)])
def test_coupled_energies_matches_the_objective_parts(xy, K, d, T):
    # The z' energies of T inner steps at once (bilinear part as a matrix product) against
    # `base + coupled part` from `objective`, pair by pair: only the summation order differs,
    # so each may differ by (d + 8) eps times the sum of the magnitudes (a rounding bound).
    obj = dataclasses.replace(MIXED, xy=xy)
    rng = np.random.default_rng(K)
    points = rng.uniform(-3, 3, size=(K, d))
    rows = rng.standard_normal((T, d))
    base = rng.uniform(-1, 1, size=K)
    out = np.empty((T, K))
    kterms.coupled_energies(obj.as_bilevel_array(), xy, points, np.ascontiguousarray(points.T), rows, base, out)
    for t, k in np.ndindex(T, K):
        coupled = _parts(obj, points[k], rows[t])[kterms.COUPLED]
        magnitude = abs(base[k]) + abs(xy) * np.abs(points[k]) @ np.abs(rows[t]) + abs(coupled)
        assert abs(out[t, k] - (base[k] + coupled)) <= (d + 8) * EPS * magnitude


def test_is_coupled():
    assert kterms.is_coupled(MIXED.as_bilevel_array(), 0.0)
    for name, expected in (("i", False), ("iii", True), ("v", False)):
        F = bilevel_problem(name).F
        assert kterms.is_coupled(F.as_bilevel_array(), F.xy) is expected
    G = bilevel_problem("v").G  # A(x - y)
    assert kterms.is_coupled(G.as_bilevel_array(), G.xy)


# --------------------------------------------------------------------------------------
# consensus
# --------------------------------------------------------------------------------------


def _consensus(points, energies, scale):
    out = np.empty(points.shape[1])
    common.consensus(np.ascontiguousarray(points, dtype=np.float64), np.asarray(energies, dtype=np.float64),
                      float(scale), out)
    return out


@pytest.mark.parametrize("K", [2, 5, 7, 12, 13])  # the minimum search runs 4 lanes plus a remainder
def test_consensus_huge_scale_is_exact_argmin(K):
    rng = np.random.default_rng(15 + K)
    points = rng.uniform(-3, 3, size=(K, 4))
    energies = rng.uniform(0, 1, size=K)
    # Keep the runner-up more than 1e-12 above the minimum so its weight exp(-1e15 gap) is 0.
    assume_gap = np.sort(energies)[1] - np.sort(energies)[0]
    assert assume_gap > 1e-12
    # Weight 1 for the minimiser, exactly 0 for the others: the result is the point, bit for bit.
    assert np.array_equal(_consensus(points, energies, 1e15), points[np.argmin(energies)])


def test_consensus_ties_give_mean_of_tied_points():
    points = np.array([[1.0, 2.0, -3.0], [0.5, -7.0, 2.0], [3.0, 4.0, 5.0], [9.0, 9.0, 9.0]])
    energies = np.array([0.25, 7.0, 0.25, 1.0])
    # Two weights of exactly 1, the rest exactly 0: (p0 + p2) / 2 rounds identically.
    assert np.array_equal(_consensus(points, energies, 1e15), (points[0] + points[2]) / 2.0)


@pytest.mark.parametrize("scale", [0.0, 0.3, 1.0, 5.0, 30.0])
def test_consensus_moderate_scale_is_softmax_weighted_mean(scale):
    rng = np.random.default_rng(16)
    points = rng.uniform(-3, 3, size=(12, 4))
    energies = rng.uniform(0, 3, size=12)
    # Direct formula, no shift: weights exp(-scale E) are in [e^-90, 1], no under/overflow.
    w = np.exp(-scale * energies)
    expected = (w[:, None] * points).sum(axis=0) / w.sum()
    # The kernel's min-shift multiplies numerator and denominator by the same exp(scale E_min)
    # (mathematically a no-op); exp/summation rounding is O(N eps) ~ 3e-15 rel. of the terms,
    # but cancellation in the weighted sum of +/- points can amplify it; 1e-12 covers that.
    np.testing.assert_allclose(_consensus(points, energies, scale), expected, rtol=1e-12, atol=1e-14)


def test_consensus_scale_zero_is_plain_mean():
    rng = np.random.default_rng(17)
    points = rng.uniform(-3, 3, size=(8, 3))
    # All weights exactly 1: a sum of 8 terms divided by 8 (a few ulp of the sum of |points|).
    np.testing.assert_allclose(_consensus(points, rng.uniform(0, 1, 8), 0.0), points.mean(axis=0),
                               rtol=0, atol=8 * EPS * np.abs(points).sum(axis=0).max() / 8)


def test_consensus_huge_energies_stay_finite():
    points = np.array([[1.0, -1.0], [2.0, 5.0], [-4.0, 0.5]])
    # Offsets of 1e300: exp(-scale * E) would underflow to 0/0 without the min-shift.
    energies = np.array([1e300, 1e300 + 1e285, 1.5e300])
    for scale in (1.0, 1e15):
        out = _consensus(points, energies, scale)
        assert np.all(np.isfinite(out))
        # The other energies are >= 1e285 above the minimum: weight exactly 0.
        assert np.array_equal(out, points[0])
    # Gaps 2e300 and 1.7e308 + 1e300 = inf: only the minimiser survives, no inf - inf = NaN.
    energies = np.array([1e300, -1e300, 1.7e308])
    assert np.array_equal(_consensus(points, energies, 1.0), points[1])
    # A huge common offset with O(1) gaps: 1e300 * (1 + k 2^-52) has gaps k * ulp(1e300), so with
    # scale = 1 / ulp(1e300) the weights are exp(-k) exactly as for energies k.
    ulp = np.spacing(1e300)
    energies = 1e300 + ulp * np.array([0.0, 1.0, 2.0])
    w = np.exp(-np.array([0.0, 1.0, 2.0]))
    expected = (w[:, None] * points).sum(axis=0) / w.sum()
    # Gaps are exact (consecutive floats), scale * gap = k up to 1 rounding: rel ~1e-15; 1e-12 margin.
    np.testing.assert_allclose(_consensus(points, energies, 1.0 / ulp), expected, rtol=1e-12)


def test_consensus_nan_energy_propagates():
    rng = np.random.default_rng(18)
    points = rng.uniform(-3, 3, size=(6, 3))
    for where in (0, 3, 5):
        energies = rng.uniform(0, 1, size=6)
        energies[where] = np.nan
        for scale in (1.0, 1e15):
            assert np.all(np.isnan(_consensus(points, energies, scale)))
    # All energies NaN, also for a single point (the arg-min shortcut must not return it).
    for K in (1, 4):
        assert np.all(np.isnan(_consensus(points[:K], np.full(K, np.nan), 1e15)))


# --------------------------------------------------------------------------------------
# truncation psi_R and diffusion scale D_R^delta (Section 3.1)
# --------------------------------------------------------------------------------------

TRUNC_VALUES = [-1e300, -15.0, -10.000000001, -10.0, -9.999, -3.2, -0.0, 0.0, 1e-300, 2.5, 9.75, 10.0, 10.5, 1e300,
                np.inf, -np.inf]


@pytest.mark.parametrize("radius", [10.0, 1.5, 0.0])
def test_truncate_matches_reference_psi_R(radius):
    got = np.array([common.truncate(v, radius) for v in TRUNC_VALUES])
    # Both are a clip (min/max): no rounding, exact equality.
    assert np.array_equal(got, reference.psi_R(np.array(TRUNC_VALUES), radius))
    inside = np.abs(TRUNC_VALUES) <= radius
    assert np.array_equal(got[inside], np.array(TRUNC_VALUES)[inside])
    assert np.all(np.abs(got) <= radius)


@pytest.mark.parametrize("radius, delta", [(10.0, 1e-5), (1.5, 0.1), (10.0, 0.0)])
def test_noise_scale_matches_reference_D_R_delta(radius, delta):
    got = np.array([common.noise_scale(v, radius, delta) for v in TRUNC_VALUES])
    # delta + min(|v|, R): one rounded addition in both, exact equality.
    assert np.array_equal(got, reference.D_R_delta(np.array(TRUNC_VALUES), radius, delta))
    assert common.noise_scale(-3.0, 10.0, 1e-5) == 3.0 + 1e-5
    assert common.noise_scale(-30.0, 10.0, 1e-5) == 10.0 + 1e-5


# --------------------------------------------------------------------------------------
# Algorithm 1: numba kernel vs plain-numpy reference, same noise stream
# --------------------------------------------------------------------------------------

CUSTOM = {
    "coupled_ackley": {
        # F = A(x - 0.5 y) + |y|^2: a transcendental term coupling x and y.
        "F": {"terms": [{"fn": "ackley", "x": 1.0, "y": -0.5}, {"fn": "sphere", "y": 1.0}]},
        "G": {"terms": [{"fn": "sphere", "x": 1.0, "y": -1.0}]},
        "x_star": 0.0,
        "y_star": 0.0,
    }
}
PROBLEMS = ["iii", "v", "coupled_ackley"]  # coupled polynomial, uncoupled, coupled transcendental

# Tiny, with distinct values per level so a swapped argument cannot go unnoticed; R2 small so
# the truncation psi_R is active for the Y-drift (initial spread is 4).
TINY = dict(N=12, M=4, dim=3, T_x=0.5, T_y=0.3, dt=0.1, dtau=0.1, lambda1=1.0, lambda2=0.8,
            sigma1=2.0, sigma2=1.5, gamma=0.75, delta1=1e-5, delta2=2e-5, R1=10.0, R2=1.5, c=1.0)
N_OUTER, N_INNER = 5, 3


def _params(alpha, pairing, update, **over):
    return bilevel.Params(**{**TINY, "alpha": alpha, "beta": alpha, "pairing": pairing, "x_update": update, **over})


def _kernel(problem, p, X0, Y0, rng, n_outer=N_OUTER, n_inner=N_INNER):
    return ms_cbo_bilevel(
        X0.copy(), Y0.copy(), rng, problem.F.as_bilevel_array(), problem.F.xy, problem.G.as_bilevel_array(), problem.G.xy,
        p.alpha, p.beta, p.lambda1, p.lambda2, p.sigma1, p.sigma2, p.dt, p.dtau, n_outer, n_inner,
        p.R1, p.R2, p.delta1, p.delta2, p.gamma, p.c, p.pairing == "own", p.x_update == "jacobi")


def _reference(problem, p, X0, Y0, rng, n_outer=N_OUTER, n_inner=N_INNER):
    return ms_cbo_bilevel_reference(
        problem.F, problem.G, X0, Y0, rng, alpha=p.alpha, beta=p.beta, lam1=p.lambda1, lam2=p.lambda2,
        sigma1=p.sigma1, sigma2=p.sigma2, dt=p.dt, dtau=p.dtau, n_outer=n_outer, n_inner=n_inner,
        R1=p.R1, R2=p.R2, delta1=p.delta1, delta2=p.delta2, gamma=p.gamma, c=p.c,
        pairing=p.pairing, update=p.x_update)


def _start(p, seed):
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    X0, Y0 = initial_positions(p, rng)
    return X0, Y0, rng


def _assert_close(got, expected):
    # Same noise stream in the same order and the same arithmetic, except that the kernel is
    # compiled with fastmath reassoc+contract (reordered sums, FMAs) and uses cos2pi: per-step
    # differences are ~1e-16 rel., amplified over 5 outer x 3 inner steps of a chaotic particle
    # system to <= 6e-12 rel. (observed over all cases here); 1e-9 keeps margin while any algorithmic difference
    # (pairing, update order, a swapped parameter, a missing/extra draw) shows as O(1e-3..1).
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("alpha", [1e15, 5.0])
@pytest.mark.parametrize("update", ["gauss_seidel", "jacobi"])
@pytest.mark.parametrize("pairing", ["printed", "own"])
@pytest.mark.parametrize("name", PROBLEMS)
def test_kernel_matches_reference(name, pairing, update, alpha):
    problem = bilevel_problem(name, CUSTOM)
    p = _params(alpha, pairing, update)
    X0, Y0, rng = _start(p, seed=PROBLEMS.index(name))
    X0_copy, Y0_copy = X0.copy(), Y0.copy()
    rng_kernel, rng_ref = copy.deepcopy(rng), copy.deepcopy(rng)
    got = _kernel(problem, p, X0, Y0, rng_kernel)
    expected = _reference(problem, p, X0, Y0, rng_ref)
    _assert_close(got, expected)
    assert got[2].shape == (TINY["N"], TINY["dim"])
    # Inputs untouched (we passed copies to the kernel; the reference copies internally).
    assert np.array_equal(X0, X0_copy) and np.array_equal(Y0, Y0_copy)
    # Both consumed exactly N_OUTER * N * (N_INNER * M * d + d) normals: the next draws coincide.
    assert np.array_equal(rng_kernel.standard_normal(4), rng_ref.standard_normal(4))


@pytest.mark.parametrize("name", PROBLEMS)
def test_kernel_draws_exactly_the_documented_number_of_normals(name):
    problem = bilevel_problem(name, CUSTOM)
    p = _params(1e15, "printed", "gauss_seidel")
    X0, Y0, rng = _start(p, seed=3)
    rng_kernel, rng_count = copy.deepcopy(rng), copy.deepcopy(rng)
    _kernel(problem, p, X0, Y0, rng_kernel)
    # Per outer step and particle: N_INNER blocks of (M, d) for Y_i, then d for X^i.
    rng_count.standard_normal(N_OUTER * TINY["N"] * (N_INNER * TINY["M"] * TINY["dim"] + TINY["dim"]))
    assert np.array_equal(rng_kernel.standard_normal(5), rng_count.standard_normal(5))


@pytest.mark.parametrize("name", PROBLEMS)
@pytest.mark.parametrize("update", ["gauss_seidel", "jacobi"])
def test_kernel_vs_reference_distinguishes_pairing(name, update):
    # Guard against the comparison above being vacuous: the kernel's "printed" run must NOT
    # match the reference's "own" run on the same inputs (and vice versa).
    problem = bilevel_problem(name, CUSTOM)
    for alpha in (1e15, 5.0):
        printed, own = _params(alpha, "printed", update), _params(alpha, "own", update)
        X0, Y0, rng = _start(printed, seed=21)
        got = _kernel(problem, printed, X0, Y0, copy.deepcopy(rng))
        wrong = _reference(problem, own, X0, Y0, copy.deepcopy(rng))
        assert not np.allclose(got[0], wrong[0], rtol=1e-6, atol=1e-6)
        got = _kernel(problem, own, X0, Y0, copy.deepcopy(rng))
        wrong = _reference(problem, printed, X0, Y0, copy.deepcopy(rng))
        assert not np.allclose(got[0], wrong[0], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("pairing", ["printed", "own"])
def test_kernel_vs_reference_distinguishes_update_order(pairing):
    problem = bilevel_problem("iii")
    gs, jac = _params(5.0, pairing, "gauss_seidel"), _params(5.0, pairing, "jacobi")
    X0, Y0, rng = _start(gs, seed=22)
    got = _kernel(problem, gs, X0, Y0, copy.deepcopy(rng))
    wrong = _reference(problem, jac, X0, Y0, copy.deepcopy(rng))
    assert not np.allclose(got[0], wrong[0], rtol=1e-6, atol=1e-6)


# --------------------------------------------------------------------------------------
# bilevel.run
# --------------------------------------------------------------------------------------


def _run(name="iii", seed=5, **over):
    return bilevel.run(bilevel_problem(name, CUSTOM), _params(1e15, "printed", "gauss_seidel", **over), seed=seed)


def test_run_bilevel_dataset():
    ds = _run()
    assert dict(ds.sizes) == {"run": 1, "dim": TINY["dim"]}
    res = ds.isel(run=0)
    x_star, y_star = res.x_star.values, res.y_star.values
    assert np.all(np.isfinite(x_star)) and np.all(np.isfinite(y_star))
    problem = bilevel_problem("iii")
    # Eq. (5.4): Euclidean errors to the known solution (0, 0), computed the same way -> exact.
    assert float(res.x_error) == np.linalg.norm(x_star) and float(res.y_error) == np.linalg.norm(y_star)
    assert float(res.error) == float(res.x_error) + float(res.y_error)
    assert bool(res.success) == (float(res.error) <= 0.25)
    assert float(res.upper_objective) == float(problem.F(x_star, y_star))
    assert float(res.lower_objective) == float(problem.G(x_star, y_star))
    assert float(res.wall_time) >= 0.0
    assert ds.attrs["method"] == "ms_cbo_bilevel" and ds.attrs["parameters"]["N"] == TINY["N"]
    assert ds.x_star.attrs["long_name"] and ds.wall_time.attrs["units"] == "s"
    assert np.array_equal(ds.x_solution.values, np.zeros(TINY["dim"]))


def test_run_bilevel_same_seed_is_bit_identical_and_seeds_differ():
    a, b, c = _run(seed=5), _run(seed=5), _run(seed=6)
    assert np.array_equal(a.x_star, b.x_star) and np.array_equal(a.y_star, b.y_star)
    assert np.array_equal(a.error, b.error)
    assert not np.array_equal(a.x_star, c.x_star)


def test_run_bilevel_streams_are_keyed_by_method_problem_and_run():
    # Run k of problem p under an int seed draws from seed_sequence(seed, "cbo_bilevel", p, k) (the
    # Table-1 streams); a chunk of runs equals the same runs of one call; a SeedSequence is the base.
    p = _params(1e15, "printed", "gauss_seidel")
    whole = bilevel.run("iii", p, runs=3, seed=5)
    chunk = bilevel.run("iii", p, runs=[2], seed=5)
    assert np.array_equal(whole.x_star.sel(run=2), chunk.x_star.sel(run=2))
    keyed = bilevel.run("iii", p, runs=[2], seed=seeding.seed_sequence(5, "cbo_bilevel", "iii"))
    assert np.array_equal(keyed.x_star, chunk.x_star)


@pytest.mark.parametrize("pairing, update, loop_bound", [("printed", "gauss_seidel", "inclusive"),
                                                         ("own", "jacobi", "exclusive")])
def test_run_bilevel_wires_parameters_like_the_reference(pairing, update, loop_bound):
    # End to end: bilevel.run (initial draw + argument order of the kernel call + loop counts)
    # against the reference fed the same parameters by keyword. c != 1, R1 small and every
    # per-level parameter distinct so any swapped or dropped argument changes the result.
    over = dict(c=2.0, R1=0.7, gamma=0.6, alpha=5.0, beta=3.0, pairing=pairing, x_update=update,
                loop_bound=loop_bound)
    p = bilevel.Params(**{**TINY, **over})
    problem = bilevel_problem("coupled_ackley", CUSTOM)
    base = np.random.SeedSequence(9)
    res = bilevel.run(problem, p, seed=base).isel(run=0)
    rng = np.random.Generator(np.random.PCG64(seeding.run_sequence(base, 0)))
    X0, Y0 = initial_positions(p, rng)
    n_outer, n_inner = p.loop_counts()
    assert (n_outer, n_inner) == ((6, 4) if loop_bound == "inclusive" else (5, 3))
    x_star, y_star, _ = _reference(problem, p, X0, Y0, rng, n_outer=n_outer, n_inner=n_inner)
    # Same justification as _assert_close.
    _assert_close((res.x_star.values, res.y_star.values), (x_star, y_star))


def test_run_bilevel_overflow_raises_floating_point_error():
    custom = {"huge": {"F": {"terms": [{"fn": "sphere", "coef": 1e308, "x": 1.0}]},
                       "G": {"terms": [{"fn": "sphere", "x": 1.0, "y": -1.0}]}, "x_star": 0.0, "y_star": 0.0}}
    p = bilevel.Params(**{**TINY, "init_low": 1e200, "init_high": 1e201})
    with pytest.raises(FloatingPointError, match="huge"):
        bilevel.run(bilevel_problem("huge", custom), p, seed=1)


# --------------------------------------------------------------------------------------
# user problems: numba-jittable functions instead of terms
# --------------------------------------------------------------------------------------


@numba.njit
def _rastrigin(u):
    total = 0.0
    for k in range(u.shape[0]):
        total += u[k] * u[k] + 1.5 * (1.0 - math.cos(2.0 * math.pi * u[k]))
    return total


@numba.njit
def user_F(x, y):
    """Table 1 (v)'s F = R(x) + R(y), written by hand."""
    return _rastrigin(x) + _rastrigin(y)


@numba.njit
def user_G(x, y):
    """|x - y|^2 (Table 1 (i)-(iv)'s G), written by hand."""
    total = 0.0
    for k in range(x.shape[0]):
        total += (x[k] - y[k]) ** 2
    return total


def test_user_jitted_rastrigin_problem_matches_the_term_spec():
    # The same problem as user functions (the generic kernel path) and as terms (the fast path), same
    # seed: the fast path drops and caches parts of F and uses cos2pi, so the outputs agree to rounding.
    spec = {"F": {"terms": [{"fn": "rastrigin", "x": 1.0}, {"fn": "rastrigin", "y": 1.0}]},
            "G": {"terms": [{"fn": "sphere", "x": 1.0, "y": -1.0}]}, "x_star": 0.0, "y_star": 0.0}
    p = _params(1e15, "printed", "gauss_seidel")
    terms_ds = bilevel.run(bilevel_problem("rastrigin", {"rastrigin": spec}), p, runs=2, seed=3)
    user_ds = bilevel.run(BilevelProblem("rastrigin", user_F, user_G, 0.0, 0.0), p, runs=2, seed=3)
    for name in ("x_star", "y_star", "error", "upper_objective", "lower_objective"):
        np.testing.assert_allclose(user_ds[name], terms_ds[name], rtol=0, atol=1e-12)
    assert user_ds.attrs["objective_F"].endswith("user_F")


def test_user_problem_by_import_path_and_without_solution():
    problem = BilevelProblem("mine", f"{__name__}:user_F", f"{__name__}:user_G")
    ds = bilevel.run(problem, _params(1e15, "printed", "gauss_seidel"), runs=2, seed=0)
    assert "error" not in ds and "success" not in ds and "x_solution" not in ds
    assert ds.x_star.shape == (2, TINY["dim"]) and np.all(np.isfinite(ds.upper_objective))
    assert ds.upper_objective.values[0] == pytest.approx(float(user_F(ds.x_star.values[0], ds.y_star.values[0])))

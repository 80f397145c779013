"""Numba kernels against numpy: building blocks, then Algorithm 1 against the plain-numpy reference."""

import copy
import dataclasses

import numpy as np
import pytest

from mfsweep.cbo import kernels, reference
from mfsweep.cbo.bilevel import MSCBOParams, initial_positions, run_bilevel
from mfsweep.cbo.objectives import Objective, bilevel_problem
from mfsweep.cbo.testfunctions import FUNCTION_CODES, FUNCTIONS

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
    got = np.array([kernels.cos2pi(v) for v in x])
    # Reference error: 2 pi r with |r| <= 1/2 is rounded to <= pi * 2^-53 ~ 3.5e-16 (plus 2pi's own
    # 2.4e-17 rel.), and np.cos adds < 1 ulp; the kernel's degree-20 polynomial has truncation
    # < 2e-17 and Horner rounding of a few ulp of 1. Together < ~1e-15; 2e-15 leaves margin but
    # still fails for any wrong coefficient, wrong quadrant sign or argument reduction bug.
    np.testing.assert_allclose(got, expected, rtol=0, atol=2e-15)


def test_cos2pi_exact_special_values():
    # At the reduction's exact nodes the polynomial is C0 = 1 (b = 0) or -C0 (a = 1/2):
    # these must be exact, not merely close.
    for k in range(-5, 6):
        assert kernels.cos2pi(float(k)) == 1.0
        assert kernels.cos2pi(k + 0.5) == -1.0
    # cos(2 pi / 4) = 0: b = 1/4 exactly, so only the polynomial's rounding remains (< 1e-16 abs).
    assert abs(kernels.cos2pi(0.25)) < 1e-16
    assert abs(kernels.cos2pi(-0.75)) < 1e-16


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
        got = kernels.term_value(FUNCTION_CODES[name], x, y, a, b, shift)
        expected = FUNCTIONS[name](a * x + b * y - shift)
        # The kernel forms u = a x + b y - shift in the same order but may contract it into FMAs,
        # uses cos2pi (<= 2e-15 abs) instead of np.cos, and reassociates the d-term sums; values
        # here are O(1..100) with Ackley's 22.7-sized cancellation, so rel. agreement is ~1e-15;
        # 1e-13 leaves margin and still catches any formula difference.
        assert got == pytest.approx(expected, rel=1e-13, abs=1e-13)


def test_term_value_unknown_code_is_nan():
    x = np.ones(3)
    assert np.isnan(kernels.term_value(99, x, x, 1.0, 0.0, 0.0))


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
    terms = obj.as_array()
    return {part: kernels.objective(terms, obj.xy, x, y, part)
            for part in (kernels.ALL, kernels.X_ONLY, kernels.Y_ONLY, kernels.COUPLED)}


@pytest.mark.parametrize("problem", ["i", "ii", "iii", "iv", "v", "vi"])
def test_objective_all_matches_numpy_for_table1(problem):
    prob = bilevel_problem(problem)
    rng = np.random.default_rng(12)
    for _ in range(10):
        x, y = rng.uniform(-1, 3, size=(2, 4))
        for obj in (prob.F, prob.G):
            # Same formula; differences are FMA/reassociation and cos2pi rounding (~1e-15 rel.).
            assert kernels.objective(obj.as_array(), obj.xy, x, y, kernels.ALL) == pytest.approx(
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
        assert p[kernels.ALL] == pytest.approx(float(MIXED(x, y)), rel=1e-13)
        assert p[kernels.X_ONLY] == pytest.approx(float(x_only(x, y)), rel=1e-13)
        assert p[kernels.Y_ONLY] == pytest.approx(float(y_only(x, y)), rel=1e-13)
        assert p[kernels.COUPLED] == pytest.approx(float(coupled(x, y)), rel=1e-13)
        split = p[kernels.X_ONLY] + p[kernels.Y_ONLY] + p[kernels.COUPLED]
        magnitude = abs(p[kernels.X_ONLY]) + abs(p[kernels.Y_ONLY]) + abs(p[kernels.COUPLED])
        # Regrouping a sum of 5 terms changes it by at most ~5 eps * sum|terms|; 8 eps for margin.
        assert abs(split - p[kernels.ALL]) <= 8 * EPS * magnitude


def test_objective_x_only_part_ignores_y_and_y_only_ignores_x():
    # The kernel caches the X_ONLY part per particle and drops the Y_ONLY part as a constant
    # shift: that is exact only if these parts truly do not read the other variable.
    rng = np.random.default_rng(14)
    x, y1, y2 = rng.uniform(-2, 2, size=(3, 5))
    terms = MIXED.as_array()
    assert kernels.objective(terms, MIXED.xy, x, y1, kernels.X_ONLY) == kernels.objective(
        terms, MIXED.xy, x, y2, kernels.X_ONLY)
    assert kernels.objective(terms, MIXED.xy, y1, x, kernels.Y_ONLY) == kernels.objective(
        terms, MIXED.xy, y2, x, kernels.Y_ONLY)


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
    kernels.add_term_rows(code, 2.0, points, other, a, b, shift, out)
    expected = np.array([0.5 + 2.0 * kernels.term_value(code, p, other, a, b, shift) for p in points])
    np.testing.assert_allclose(out, expected, rtol=4 * d * EPS, atol=4 * d * EPS)


def test_add_energies_matches_the_objective_parts():
    # Batched energies of the z' consensus (points are x: coupled terms only) and of the
    # lower-level consensus (points are y: y-only and coupled terms), against `objective`
    # term by term; only the summation order differs (8 eps * sum|parts| as above).
    rng = np.random.default_rng(15)
    points = rng.uniform(-2, 2, size=(7, 5))
    fixed = rng.uniform(-2, 2, size=5)
    terms = MIXED.as_array()
    for points_are_x, with_single in ((True, False), (False, True), (True, True), (False, False)):
        out = np.full(7, 0.5)
        kernels.add_energies(terms, MIXED.xy, points, fixed, points_are_x, with_single, out)
        for k, point in enumerate(points):
            x, y = (point, fixed) if points_are_x else (fixed, point)
            p = _parts(MIXED, x, y)
            own = p[kernels.X_ONLY] if points_are_x else p[kernels.Y_ONLY]
            expected = 0.5 + p[kernels.COUPLED] + (own if with_single else 0.0)
            assert abs(out[k] - expected) <= 8 * EPS * (0.5 + abs(p[kernels.COUPLED]) + abs(own))


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
    kernels.coupled_energies(obj.as_array(), xy, points, np.ascontiguousarray(points.T), rows, base, out)
    for t, k in np.ndindex(T, K):
        coupled = _parts(obj, points[k], rows[t])[kernels.COUPLED]
        magnitude = abs(base[k]) + abs(xy) * np.abs(points[k]) @ np.abs(rows[t]) + abs(coupled)
        assert abs(out[t, k] - (base[k] + coupled)) <= (d + 8) * EPS * magnitude


def test_is_coupled():
    assert kernels.is_coupled(MIXED.as_array(), 0.0)
    for name, expected in (("i", False), ("iii", True), ("v", False)):
        F = bilevel_problem(name).F
        assert kernels.is_coupled(F.as_array(), F.xy) is expected
    G = bilevel_problem("v").G  # A(x - y)
    assert kernels.is_coupled(G.as_array(), G.xy)


# --------------------------------------------------------------------------------------
# consensus
# --------------------------------------------------------------------------------------


def _consensus(points, energies, scale):
    out = np.empty(points.shape[1])
    kernels.consensus(np.ascontiguousarray(points, dtype=np.float64), np.asarray(energies, dtype=np.float64),
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
    got = np.array([kernels.truncate(v, radius) for v in TRUNC_VALUES])
    # Both are a clip (min/max): no rounding, exact equality.
    assert np.array_equal(got, reference.psi_R(np.array(TRUNC_VALUES), radius))
    inside = np.abs(TRUNC_VALUES) <= radius
    assert np.array_equal(got[inside], np.array(TRUNC_VALUES)[inside])
    assert np.all(np.abs(got) <= radius)


@pytest.mark.parametrize("radius, delta", [(10.0, 1e-5), (1.5, 0.1), (10.0, 0.0)])
def test_noise_scale_matches_reference_D_R_delta(radius, delta):
    got = np.array([kernels.noise_scale(v, radius, delta) for v in TRUNC_VALUES])
    # delta + min(|v|, R): one rounded addition in both, exact equality.
    assert np.array_equal(got, reference.D_R_delta(np.array(TRUNC_VALUES), radius, delta))
    assert kernels.noise_scale(-3.0, 10.0, 1e-5) == 3.0 + 1e-5
    assert kernels.noise_scale(-30.0, 10.0, 1e-5) == 10.0 + 1e-5


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
    return MSCBOParams(**{**TINY, "alpha": alpha, "beta": alpha, "pairing": pairing, "x_update": update, **over})


def _kernel(problem, p, X0, Y0, rng, n_outer=N_OUTER, n_inner=N_INNER):
    return kernels.ms_cbo_bilevel(
        X0.copy(), Y0.copy(), rng, problem.F.as_array(), problem.F.xy, problem.G.as_array(), problem.G.xy,
        p.alpha, p.beta, p.lambda1, p.lambda2, p.sigma1, p.sigma2, p.dt, p.dtau, n_outer, n_inner,
        p.R1, p.R2, p.delta1, p.delta2, p.gamma, p.c, p.pairing == "own", p.x_update == "jacobi")


def _reference(problem, p, X0, Y0, rng, n_outer=N_OUTER, n_inner=N_INNER):
    return reference.ms_cbo_bilevel_reference(
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
# run_bilevel
# --------------------------------------------------------------------------------------


def _run(name="iii", seed=5, **over):
    return run_bilevel(bilevel_problem(name, CUSTOM), _params(1e15, "printed", "gauss_seidel", **over),
                       np.random.SeedSequence(seed))


def test_run_bilevel_smoke():
    res = _run()
    assert res["x_star"].shape == res["y_star"].shape == (TINY["dim"],)
    assert np.all(np.isfinite(res["x_star"])) and np.all(np.isfinite(res["y_star"]))
    problem = bilevel_problem("iii")
    # Eq. (5.4): Euclidean errors to the known solution (0, 0), computed the same way -> exact.
    assert res["x_error"] == np.linalg.norm(res["x_star"]) and res["y_error"] == np.linalg.norm(res["y_star"])
    assert res["error"] == res["x_error"] + res["y_error"]
    assert res["upper_objective"] == float(problem.F(res["x_star"], res["y_star"]))
    assert res["lower_objective"] == float(problem.G(res["x_star"], res["y_star"]))
    assert res["wall_time"] >= 0.0


def test_run_bilevel_same_seed_is_bit_identical_and_seeds_differ():
    a, b, c = _run(seed=5), _run(seed=5), _run(seed=6)
    assert np.array_equal(a["x_star"], b["x_star"]) and np.array_equal(a["y_star"], b["y_star"])
    assert a["error"] == b["error"]
    assert not np.array_equal(a["x_star"], c["x_star"])


@pytest.mark.parametrize("pairing, update, loop_bound", [("printed", "gauss_seidel", "inclusive"),
                                                         ("own", "jacobi", "exclusive")])
def test_run_bilevel_wires_parameters_like_the_reference(pairing, update, loop_bound):
    # End to end: run_bilevel (initial draw + argument order of the kernel call + loop counts)
    # against the reference fed the same parameters by keyword. c != 1, R1 small and every
    # per-level parameter distinct so any swapped or dropped argument changes the result.
    over = dict(c=2.0, R1=0.7, gamma=0.6, alpha=5.0, beta=3.0, pairing=pairing, x_update=update,
                loop_bound=loop_bound)
    p = MSCBOParams(**{**TINY, **over})
    problem = bilevel_problem("coupled_ackley", CUSTOM)
    res = run_bilevel(problem, p, np.random.SeedSequence(9))
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(9)))
    X0, Y0 = initial_positions(p, rng)
    n_outer, n_inner = p.loop_counts()
    assert (n_outer, n_inner) == ((6, 4) if loop_bound == "inclusive" else (5, 3))
    x_star, y_star, _ = _reference(problem, p, X0, Y0, rng, n_outer=n_outer, n_inner=n_inner)
    # Same justification as _assert_close.
    _assert_close((res["x_star"], res["y_star"]), (x_star, y_star))


def test_run_bilevel_overflow_raises_floating_point_error():
    custom = {"huge": {"F": {"terms": [{"fn": "sphere", "coef": 1e308, "x": 1.0}]},
                       "G": {"terms": [{"fn": "sphere", "x": 1.0, "y": -1.0}]}, "x_star": 0.0, "y_star": 0.0}}
    p = MSCBOParams(**{**TINY, "init_low": 1e200, "init_high": 1e201})
    with pytest.raises(FloatingPointError, match="huge"):
        run_bilevel(bilevel_problem("huge", custom), p, np.random.SeedSequence(1))

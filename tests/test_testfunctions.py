"""Benchmark functions of Herty et al. (2024), eqs. (5.1)-(5.3), against analytic values."""

import math

import numpy as np
import pytest

from mfsweep.cbo.functions import FUNCTION_CODES, FUNCTIONS, ackley, levy, rastrigin, sphere

EPS = np.finfo(float).eps
DIMS = (2, 3, 10)


def textbook_levy(x):
    """Standard Lévy function (minimum 0 at x = 1), written out independently, one point at a time."""
    x = [float(v) for v in x]
    w = [1.0 + (v - 1.0) / 4.0 for v in x]
    total = math.sin(math.pi * w[0]) ** 2
    for wi in w[:-1]:
        total += (wi - 1.0) ** 2 * (1.0 + 10.0 * math.sin(math.pi * wi + 1.0) ** 2)
    return total + (w[-1] - 1.0) ** 2 * (1.0 + math.sin(2.0 * math.pi * w[-1]) ** 2)


def test_registry_names_and_codes():
    # The kernels dispatch on these integer codes; their order is part of the contract.
    assert list(FUNCTIONS) == ["sphere", "ackley", "rastrigin", "levy"]
    assert FUNCTION_CODES == {"sphere": 0, "ackley": 1, "rastrigin": 2, "levy": 3}


@pytest.mark.parametrize("d", DIMS)
def test_exact_zero_at_origin_for_polynomial_and_cosine_functions(d):
    # cos(0) = 1 exactly, so sphere and Rastrigin are exactly 0 at the origin (no rounding at all).
    assert sphere(np.zeros(d)) == 0.0
    assert rastrigin(np.zeros(d)) == 0.0


@pytest.mark.parametrize("d", DIMS)
def test_ackley_zero_at_origin(d):
    # -20 e^0 - e^1 + e + 20 = 0 analytically; evaluating it in float64 rounds at most a few
    # ulp of the intermediate 22.7, i.e. < 8 * eps * 22.7 ~ 4e-14.
    assert abs(ackley(np.zeros(d))) <= 8 * EPS * 22.8


@pytest.mark.parametrize("d", DIMS)
def test_levy_zero_at_origin(d):
    # L(0) = sin^2(pi) = 0 analytically; float64 pi is off by 1.2e-16, so sin(pi) ~ 1.2e-16
    # and its square is ~1.5e-32; nothing else contributes (w - 1 = 0 exactly).
    value = levy(np.zeros(d))
    assert 0.0 <= value <= 1e-31


@pytest.mark.parametrize("d", DIMS)
def test_sphere_known_values(d):
    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, size=d)
    # Sum of d squares: float summation error <= d * eps * sum.
    assert sphere(x) == pytest.approx(sum(v * v for v in x), rel=d * EPS)


@pytest.mark.parametrize("d", DIMS)
def test_rastrigin_at_half_integers(d):
    # At x = 0.5: cos(pi) = -1 (np.cos(np.pi) rounds to exactly -1), so each component gives
    # 0.25 + 1.5 * 2 = 3.25; only the d-term sum rounds: rel <= d * eps.
    assert rastrigin(np.full(d, 0.5)) == pytest.approx(3.25 * d, rel=d * EPS)
    assert rastrigin(np.full(d, -0.5)) == pytest.approx(3.25 * d, rel=d * EPS)


def test_rastrigin_at_integer_points_is_sum_of_squares():
    # At integers cos(2 pi k) = 1 up to (k * 1e-15)^2 ~ 1e-28, so R(k) = sum k_i^2 to rounding of
    # the cosine term (1 - cos ~ 1e-16 * 1.5 at most per component) and the sum.
    k = np.array([1.0, -2.0, 3.0, 0.0, 7.0])
    assert rastrigin(k) == pytest.approx(63.0, rel=10 * EPS)


def test_rastrigin_at_quarter_points():
    # cos(2 pi * 1/4) = 0 analytically (float: ~6e-17), so each component gives 1/16 + 1.5;
    # the residual cosine contributes at most 1.5 * 1e-16 per component.
    x = np.array([0.25, -0.25, 0.25])
    assert rastrigin(x) == pytest.approx(3 * (0.0625 + 1.5), rel=10 * EPS)


@pytest.mark.parametrize("k", [1.0, -1.0, 2.0, 3.0, -5.0])
@pytest.mark.parametrize("d", DIMS)
def test_ackley_at_constant_integer_points(d, k):
    # All cosines are 1, so A(k 1) = -20 exp(-0.2 |k|) - e + e + 20 = 20 (1 - exp(-0.2 |k|));
    # rounding of the 22.7-sized intermediates limits agreement to a few ulp of 22.7.
    expected = 20.0 * (1.0 - math.exp(-0.2 * abs(k)))
    assert ackley(np.full(d, k)) == pytest.approx(expected, rel=0, abs=16 * EPS * 22.8)


def test_ackley_at_mixed_integer_and_half_integer_points():
    # Mixed integers (1, 2, -2): mean square 3, cosines 1 -> 20 (1 - exp(-0.2 sqrt 3)).
    expected = 20.0 * (1.0 - math.exp(-0.2 * math.sqrt(3.0)))
    assert ackley(np.array([1.0, 2.0, -2.0])) == pytest.approx(expected, rel=0, abs=16 * EPS * 22.8)
    # Half integers (0.5, -0.5, 1.5, -1.5): mean square 1.25, every cosine -1 -> exp(-1).
    expected = -20.0 * math.exp(-0.2 * math.sqrt(1.25)) - math.exp(-1.0) + math.e + 20.0
    # Same few-ulp-of-22.7 rounding as above.
    assert ackley(np.array([0.5, -0.5, 1.5, -1.5])) == pytest.approx(expected, rel=0, abs=16 * EPS * 22.8)


@pytest.mark.parametrize("d", DIMS)
def test_levy_at_plus_minus_four(d):
    # x = -4: w = 0, sin(0) = 0, each body term (-1)^2 (1 + 10 sin^2(1)), tail (-1)^2 (1 + 0).
    # x = +4: w = 2, sin(2 pi) ~ 0, body (1)^2 (1 + 10 sin^2(2 pi + 1)) = same, tail 1 (1 + sin^2(4 pi)).
    expected = (d - 1) * (1.0 + 10.0 * math.sin(1.0) ** 2) + 1.0
    # sin(2 pi + 1) vs sin(1): the float argument 2 pi + 1 carries ~4e-16 error -> rel ~1e-15; sums of d terms.
    assert levy(np.full(d, -4.0)) == pytest.approx(expected, rel=10 * d * EPS)
    assert levy(np.full(d, 4.0)) == pytest.approx(expected, rel=10 * d * EPS)


@pytest.mark.parametrize("d", DIMS)
def test_levy_is_textbook_levy_shifted_by_one(d):
    rng = np.random.default_rng(2)
    for u in rng.uniform(-10, 10, size=(20, d)):
        # Same formula term by term, but w is formed as 1 + u/4 vs 1 + ((u + 1) - 1)/4: the shifted
        # argument loses up to ~1 ulp of |u| ~ 10, which changes L by at most ~|dL/du| * 2e-15;
        # L and its gradient are O(10^2) on [-10, 10], so rel 1e-12 is ample and far below any formula error.
        assert levy(u) == pytest.approx(textbook_levy(u + 1.0), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("d", DIMS)
def test_origin_is_global_minimiser_on_samples(name, d):
    f = FUNCTIONS[name]
    rng = np.random.default_rng(3)
    f0 = f(np.zeros(d))
    samples = [rng.uniform(-5, 5, size=(2000, d)), rng.uniform(-30, 30, size=(500, d))]
    for scale in (1e-1, 1e-3, 1e-6):
        samples.append(scale * rng.standard_normal(size=(200, d)))
    # Lattice points are local minimisers of Ackley/Rastrigin; include them explicitly.
    samples.append(rng.integers(-3, 4, size=(200, d)).astype(float))
    points = np.concatenate(samples)
    points = points[np.any(points != 0.0, axis=1)]
    values = f(points)
    # Strict inequality: the minimiser is unique. Near the origin the growth beats rounding:
    # at |x| ~ 1e-6 Ackley is ~4|x| ~ 1e-6 >> its 4e-14 rounding at 0, and sphere/Rastrigin/Lévy
    # grow like |x|^2 ~ 1e-12 (Lévy also ~(pi x1 / 4)^2) >> f(0) = 0 (Lévy: 1.5e-32).
    assert np.all(values > f0), points[values <= f0][:3]


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_broadcasting_over_leading_axes(name):
    f = FUNCTIONS[name]
    rng = np.random.default_rng(4)
    x = rng.uniform(-3, 3, size=(4, 5, 3))
    values = f(x)
    assert values.shape == (4, 5)
    looped = np.array([[f(x[i, j]) for j in range(5)] for i in range(4)])
    # Same elementwise operations on the same numbers: exact, up to pairwise vs sequential
    # summation order of 3 terms (a few ulp).
    np.testing.assert_allclose(values, looped, rtol=4 * EPS, atol=0)
    assert np.ndim(f(x[0, 0])) == 0


@pytest.mark.parametrize("shape", [(1,), (5, 1), (0,)])
def test_levy_needs_two_dimensions(shape):
    with pytest.raises(ValueError, match="d >= 2"):
        levy(np.zeros(shape))

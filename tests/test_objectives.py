"""Objectives and the Table-1 problems of Herty et al. (2024), and the parameters of Algorithm 1."""

import numpy as np
import pytest

from mfsweep.cbo import bilevel
from mfsweep.cbo.functions import ackley, levy, rastrigin
from mfsweep.cbo.objectives import Objective
from mfsweep.cbo.problems import TABLE1_SPECS, bilevel_problem

EPS = np.finfo(float).eps

# --------------------------------------------------------------------------------------
# Table 1, written out independently from the paper's formulas (Section 5.1)
# --------------------------------------------------------------------------------------

TABLE1 = {
    # name: (F, G, x*, y*)
    "i": (lambda x, y: np.sum(x**2 + y**2, -1), lambda x, y: np.sum((x - y) ** 2, -1), 0.0, 0.0),
    "ii": (lambda x, y: np.sum((x - 1) ** 2 + (y - 1) ** 2, -1), lambda x, y: np.sum((x - y) ** 2, -1), 1.0, 1.0),
    "iii": (lambda x, y: np.sum(x**2 + y**2 + 2 * x * y, -1), lambda x, y: np.sum((x - y) ** 2, -1), 0.0, 0.0),
    "iv": (lambda x, y: ackley(x) + ackley(y), lambda x, y: np.sum((x - y) ** 2, -1), 0.0, 0.0),
    "v": (lambda x, y: rastrigin(x) + rastrigin(y), lambda x, y: ackley(x - y), 0.0, 0.0),
    "vi": (lambda x, y: levy(x) + levy(y), lambda x, y: ackley(x - y), 0.0, 0.0),
}

# F and G at the solution: exactly 0 except for rounding in Ackley (-20 - e + e + 20, a few ulp
# of 22.7 ~ 4e-15) and Lévy (sin(pi)^2 ~ 1.5e-32 per term); 1e-13 bounds both with margin.
ZERO_TOL = 1e-13


def test_table1_has_the_six_problems():
    assert sorted(TABLE1_SPECS) == sorted(TABLE1)


@pytest.mark.parametrize("name", list(TABLE1))
@pytest.mark.parametrize("d", [2, 3, 10])
def test_table1_objectives_match_paper_formulas(name, d):
    problem = bilevel_problem(name)
    F, G, _, _ = TABLE1[name]
    rng = np.random.default_rng(30)
    x, y = rng.uniform(-1, 3, size=(2, 50, d))
    # Same formulas, terms grouped differently (e.g. sum x^2 + sum y^2 + 2 sum xy vs sum of
    # (x^2 + y^2 + 2xy)): rounding ~ d eps * sum|terms| <= ~1e-14 relative for these O(1..100)
    # values; 1e-12 with atol for (iii)'s (x + y)^2 which can be near 0.
    np.testing.assert_allclose(problem.F(x, y), F(x, y), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(problem.G(x, y), G(x, y), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", list(TABLE1))
@pytest.mark.parametrize("d", [2, 3, 10])
def test_table1_solution_is_zero_of_F_and_G_and_positive_nearby(name, d):
    problem = bilevel_problem(name)
    _, _, x_star, y_star = TABLE1[name]
    assert (problem.x_star, problem.y_star) == (x_star, y_star)
    xs, ys = problem.solution(d)
    assert np.array_equal(xs, np.full(d, x_star)) and np.array_equal(ys, np.full(d, y_star))
    assert abs(problem.F(xs, ys)) <= ZERO_TOL
    assert abs(problem.G(xs, ys)) <= ZERO_TOL
    rng = np.random.default_rng(31)
    for scale in (1e-1, 1e-3):
        dx, dy = scale * rng.standard_normal(size=(2, 200, d))
        # Generic perturbations (not on x = -y or x = y): both objectives grow at least like
        # scale^2 ~ 1e-6, far above the rounding at the solution.
        assert np.all(problem.F(xs + dx, ys + dy) > ZERO_TOL)
        assert np.all(problem.G(xs + dx, ys + dy) > ZERO_TOL)


def test_problem_iii_zero_sets_only_meet_at_origin():
    # (iii): F = |x + y|^2 vanishes on x = -y, G = |x - y|^2 on x = y (exactly, in float: the
    # terms are x^2 + x^2 - 2 x^2 with exactly representable products); only (0, 0) is in both.
    problem = bilevel_problem("iii")
    x = np.array([0.5, -1.25, 2.0])
    assert problem.F(x, -x) == 0.0 and problem.G(x, -x) > 0.0
    assert problem.G(x, x) == 0.0 and problem.F(x, x) > 0.0


def test_unknown_problem_names_the_key_and_allowed_values():
    with pytest.raises(ValueError, match=r"cbo_bilevel\.problems: unknown problem 'vii'") as err:
        bilevel_problem("vii")
    assert str(err.value).endswith("allowed: i, ii, iii, iv, v, vi")
    with pytest.raises(ValueError, match="mine"):
        bilevel_problem("vii", {"mine": {}})


def _custom(F=None, G=None, **extra):
    spec = {"F": F or {"terms": [{"fn": "sphere", "x": 1.0}]},
            "G": G or {"terms": [{"fn": "sphere", "x": 1.0, "y": -1.0}]}, "x_star": 0.0, "y_star": 0.0}
    spec.update(extra)
    return {"mine": spec}


def test_unknown_function_names_the_key_and_allowed_functions():
    with pytest.raises(ValueError) as err:
        bilevel_problem("mine", _custom(F={"terms": [{"fn": "sphere", "x": 1.0}, {"fn": "griewank", "y": 1.0}]}))
    message = str(err.value)
    assert "cbo_bilevel.custom_problems.mine.F.terms[1].fn" in message and "griewank" in message
    assert all(name in message for name in ("sphere", "ackley", "rastrigin", "levy"))


@pytest.mark.parametrize("bad", ["2", None, True, float("nan"), float("inf"), [1.0]])
def test_non_numeric_coefficient_names_the_key(bad):
    with pytest.raises(ValueError, match=r"custom_problems\.mine\.G\.terms\[0\]\.coef"):
        bilevel_problem("mine", _custom(G={"terms": [{"fn": "ackley", "coef": bad, "x": 1.0}]}))


@pytest.mark.parametrize("spec, key", [
    ({"terms": [{"fn": "sphere", "x": 1.0}], "xy": "2"}, r"\.F\.xy"),
    ({"terms": [{"fn": "sphere", "x": 1.0, "scale": 2.0}]}, r"\.F\.terms\[0\]: unknown keys \['scale'\]"),
    ({"terms": [{"fn": "sphere"}]}, r"\.F\.terms\[0\]: a term needs one or two nonzero coefficients among"),
    ({"terms": [{"fn": "sphere", "x": 1.0}], "extra": 1}, r"\.F: unknown keys \['extra'\]"),
    ([1, 2], r"\.F: expected a mapping"),
])
def test_malformed_objective_specs_name_the_key(spec, key):
    with pytest.raises(ValueError, match=key):
        bilevel_problem("mine", _custom(F=spec))


def test_custom_problem_missing_keys_and_bad_solution():
    with pytest.raises(ValueError, match=r"missing keys \['y_star'\]"):
        bilevel_problem("mine", {"mine": {"F": {"terms": []}, "G": {"terms": []}, "x_star": 0.0}})
    with pytest.raises(ValueError, match=r"mine\.x_star"):
        bilevel_problem("mine", _custom(x_star="0"))


def test_custom_problem_from_spec():
    custom = _custom(
        F={"terms": [{"fn": "ackley", "x": 1.0, "y": -0.5}, {"fn": "sphere", "coef": 3, "y": 1.0, "shift": 0.25}],
           "xy": -1.5},
        G={"terms": [{"fn": "levy", "x": 2.0, "y": -1.0, "shift": 1.0}]},
        x_star=0.5, y_star=-2,
    )
    problem = bilevel_problem("mine", custom)
    assert problem.name == "mine" and (problem.x_star, problem.y_star) == (0.5, -2.0)
    assert isinstance(problem.y_star, float)
    rng = np.random.default_rng(32)
    x, y = rng.uniform(-2, 2, size=(2, 30, 4))
    F = ackley(x - 0.5 * y) + 3.0 * np.sum((y - 0.25) ** 2, -1) - 1.5 * np.sum(x * y, -1)
    G = levy(2.0 * x - y - 1.0)
    # Same arithmetic up to grouping (a - s vs a x + b y - s, sum order): ~1e-15 rel.; the signed
    # F can cancel, hence the atol.
    np.testing.assert_allclose(problem.F(x, y), F, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(problem.G(x, y), G, rtol=1e-12, atol=1e-12)
    # A custom name shadows nothing: Table-1 names still resolve when custom problems exist.
    assert bilevel_problem("v", custom).F.describe() == "rastrigin(x) + rastrigin(y)"


def test_as_array_layout_for_kernels():
    obj = Objective.from_spec({"terms": [{"fn": "levy", "coef": 2.0, "x": 1.0, "y": -3.0, "shift": 0.5},
                                         {"fn": "rastrigin", "y": 1.0}]}, "k")
    expected = np.array([[3.0, 2.0, 1.0, -3.0, 0.5], [2.0, 1.0, 0.0, 1.0, 0.0]])
    assert obj.as_bilevel_array().dtype == np.float64
    assert np.array_equal(obj.as_bilevel_array(), expected)
    assert Objective((), 1.0).as_bilevel_array().shape == (0, 5)


@pytest.mark.parametrize("name, F, G", [
    ("i", "sphere(x) + sphere(y)", "sphere(x-y)"),
    ("ii", "sphere(x-1) + sphere(y-1)", "sphere(x-y)"),
    ("iii", "sphere(x) + sphere(y) + 2*<x,y>", "sphere(x-y)"),
    ("iv", "ackley(x) + ackley(y)", "sphere(x-y)"),
    ("v", "rastrigin(x) + rastrigin(y)", "ackley(x-y)"),
    ("vi", "levy(x) + levy(y)", "ackley(x-y)"),
])
def test_describe_is_readable(name, F, G):
    problem = bilevel_problem(name)
    assert problem.F.describe() == F
    assert problem.G.describe() == G


def test_describe_custom_coefficients():
    obj = Objective.from_spec({"terms": [{"fn": "ackley", "x": 1.0, "y": -0.5}, {"fn": "sphere", "coef": 3, "y": 2.0}]},
                              "k")
    assert obj.describe() == "ackley(x-0.5y) + 3*sphere(2y)"


# --------------------------------------------------------------------------------------
# bilevel.Params: eq. (5.5) defaults and validation
# --------------------------------------------------------------------------------------


def test_params_defaults_are_eq_5_5():
    p = bilevel.Params()
    expected = dict(N=100, M=25, dim=10, alpha=1e15, beta=1e15, T_x=50.0, T_y=0.5, dt=0.1, dtau=0.1,
                    lambda1=1.0, lambda2=1.0, sigma1=2.0, sigma2=2.0, gamma=0.75, delta1=1e-5, delta2=1e-5,
                    R1=10.0, R2=10.0, c=1.0, init_low=-1.0, init_high=3.0,  # rho_0 = mu_0 = U[-1, 3]^d
                    pairing="printed", x_update="gauss_seidel", loop_bound="inclusive")
    assert {k: getattr(p, k) for k in expected} == expected


def test_loop_counts():
    # T_x / dt = 500, T_y / dtau = 5; the printed "while t <= T" adds one iteration to each.
    assert bilevel.Params().loop_counts() == (501, 6)
    assert bilevel.Params(loop_bound="exclusive").loop_counts() == (500, 5)
    assert bilevel.Params(T_x=0.5, T_y=0.3, loop_bound="exclusive").loop_counts() == (5, 3)
    counts = bilevel.Params().loop_counts()
    assert all(type(n) is int for n in counts)


@pytest.mark.parametrize("key, value, match", [
    ("N", -3, r"^N: must be > 0"),
    ("N", 0, r"^N: must be > 0"),
    ("N", 12.5, r"^N: expected an integer"),
    ("M", 2.5, r"^M: expected an integer"),
    ("alpha", "1e15", r"^alpha: expected a finite number"),
    ("alpha", float("inf"), r"^alpha: expected a finite number"),
    ("beta", None, r"^beta: expected a finite number"),
    ("sigma1", True, r"^sigma1: expected a finite number"),
    ("sigma2", -1.0, r"^sigma2: must be >= 0"),
    ("dt", 0.0, r"^dt: must be > 0"),
    ("gamma", 1.5, r"^gamma: must lie in \[0, 1\]"),
    ("init_high", -2.0, r"^init_high"),
    ("pairing", "mine", r"^pairing: 'mine' is not allowed; allowed: printed, own"),
    ("x_update", "sor", r"^x_update: 'sor' is not allowed; allowed: gauss_seidel, jacobi"),
    ("loop_bound", "open", r"^loop_bound: 'open' is not allowed; allowed: inclusive, exclusive"),
])
def test_params_bad_values_name_the_key(key, value, match):
    with pytest.raises(ValueError, match=match):
        bilevel.Params(**{key: value})


def test_params_horizon_not_a_multiple_of_the_step():
    with pytest.raises(ValueError, match=r"^T_x: 50\.05 is not a whole number of steps dt = 0\.1"):
        bilevel.Params(T_x=50.05)  # rejected at construction, not only when the loops are counted
    with pytest.raises(ValueError, match=r"^T_y"):
        bilevel.Params(T_y=0.5, dtau=0.3)
    # 0.3 / 0.1 = 2.9999999999999996 in float: still exactly 3 steps, not an error.
    assert bilevel.Params(T_y=0.3, loop_bound="exclusive").loop_counts()[1] == 3


def test_params_from_mapping():
    p = bilevel.Params.from_mapping({"N": 12, "alpha": 5.0, "pairing": "own"}, "here")
    assert (p.N, p.alpha, p.pairing, p.M) == (12, 5.0, "own", 25)
    with pytest.raises(ValueError) as err:
        bilevel.Params.from_mapping({"N": 12, "lambda": 1.0}, "a.b")
    message = str(err.value)
    assert message.startswith("a.b: unknown key 'lambda'; allowed: N, M, dim,")
    assert all(k in message for k in ("alpha", "lambda1", "pairing", "loop_bound"))
    with pytest.raises(ValueError, match=r"^a\.b\.sigma1: must be >= 0, got -1\.0$"):
        bilevel.Params.from_mapping({"sigma1": -1.0}, "a.b")  # the parameter's own error, under the config key
    with pytest.raises(ValueError, match=r"^T_x: 1\.05 is not a whole number of steps dt = 0\.1$"):
        bilevel.Params(T_x=1.05)  # constructed directly: the message names the parameter alone


def test_params_as_dict_round_trip():
    p = bilevel.Params(N=7, sigma2=0.5, pairing="own")
    assert bilevel.Params.from_mapping(p.as_dict(), "p") == p
    assert p.as_dict()["sigma2"] == 0.5

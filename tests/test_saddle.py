"""Single-level CBO (mfsweep.cbo.standard) and SP-CBO (mfsweep.cbo.spcbo): numba kernels vs the numpy reference,
the run API, convergence, and CBXPy."""

import copy

import numpy as np
import pytest

from mfsweep import seeding
from mfsweep.cbo import reference, spcbo, standard
from mfsweep.cbo.kernels.cbo import cbo_kernel, spcbo_kernel
from mfsweep.cbo.objectives import Objective, Term
from mfsweep.cbo.problems import REGISTRIES, MinMaxProblem, SingleLevelProblem
from mfsweep.cbo.reference.cbo import cbo_reference, spcbo_reference

CBOParams, SPCBOParams = standard.Params, spcbo.Params

CBX_MISSING = "CBXPy is not installed (pip install cbx, listed in the 'test' extra): CBXPy comparisons skipped"


def _generator(seed):
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))


def _run_stream(seed):
    """The stream of run 0 of a method called with ``seed=SeedSequence(seed)``."""
    return np.random.Generator(np.random.PCG64(seeding.run_sequence(np.random.SeedSequence(seed), 0)))


def _objective(*rows, xy=0.0):
    """An Objective from rows (fn, coef, x coefficient, y coefficient, shift)."""
    return Objective(tuple(Term(fn, coef, x=a, y=b, shift=shift) for fn, coef, a, b, shift in rows), xy)


_x_only = _objective


def _record(ds):
    """Run 0 of a method's Dataset as a dict of its run variables."""
    return {name: ds[name].values[0] for name in ds.data_vars if ds[name].dims[:1] == ("run",)}


def run_cbo(f, params, seed, solution):
    return _record(standard.run(SingleLevelProblem("f", f, solution), params, seed=seed))


def run_spcbo(problem, params, seed):
    return _record(spcbo.run(problem, params, seed=seed))


#: x-only objectives for CBO: shifted sphere, shifted Ackley, and a scaled/shifted Rastrigin + Lévy sum.
CBO_OBJECTIVES = {
    "sphere": _x_only(("sphere", 1.0, 1.0, 0.0, 0.5)),
    "ackley": _x_only(("ackley", 1.0, 1.0, 0.0, 2.0)),
    "rastrigin_levy": _x_only(("rastrigin", 1.0, 0.8, 0.0, -0.3), ("levy", 0.5, 1.5, 0.0, 1.0)),
}


#: Saddle functions F(x, y): Table 3's (a)-(d) and one with a transcendental x-y coupling plus <x, y>.
SP_OBJECTIVES = {
    **{name: REGISTRIES["minmax"][name].F for name in "abcd"},
    "coupled": _objective(("ackley", 1.0, 1.0, -0.5, 0.0), ("sphere", 0.3, 1.0, 0.0, 0.2),
                          ("rastrigin", -1.0, 0.0, 1.0, 0.0), xy=0.7),
}


def _minmax(name, F):
    """min_x max_y F, solution (0, 0)."""
    return MinMaxProblem(name, F, 0.0, 0.0)


SMALL = dict(N=12, dim=3, dt=0.1, lam=1.0, sigma=1.5)
N_STEPS = 20


def _cbo_kernel(obj, X0, rng, alpha, n_steps, noise, lam=SMALL["lam"], sigma=SMALL["sigma"], dt=SMALL["dt"]):
    X = X0.copy()
    x_star = cbo_kernel(X, rng, obj.as_bilevel_array(), obj.xy, alpha, lam, sigma, dt, n_steps, noise == "isotropic")
    return x_star, X


def _spcbo_kernel(F, X0, Y0, rng, alpha, n_steps, noise, lam=SMALL["lam"], sigma=SMALL["sigma"], dt=SMALL["dt"]):
    """The SP-CBO kernel with beta = alpha / 2 (distinct, so that a swapped alpha and beta shows)."""
    X, Y = X0.copy(), Y0.copy()
    x_star, y_star = spcbo_kernel(X, Y, rng, F.as_bilevel_array(), F.xy, alpha, 0.5 * alpha, lam, sigma, dt, n_steps,
                                  noise == "isotropic")
    return x_star, y_star, X, Y


def _assert_close(got, expected):
    # Same noise in the same order and the same formulas; the kernel differs only in rounding (fastmath
    # reassoc/contract: FMAs, reordered sums; cos2pi instead of np.cos; its own log-sum-exp loop): ~1e-16
    # rel. per operation. Over 20 steps of a noisy particle system, with alpha = 30 turning energy
    # differences into weight differences, these grow to |diff| <= 1.2e-11 (1 + |value|) (observed max over
    # all cases here: CBO on Ackley, alpha = 30, isotropic; most cases stay below 1e-13). 1e-9 keeps margin
    # while a changed formula, parameter or draw order shows as O(1e-3..1).
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-9, atol=1e-10)


# --------------------------------------------------------------------------------------
# parameters
# --------------------------------------------------------------------------------------


def test_defaults():
    assert SPCBOParams().as_dict() == dict(N=100, dim=10, T=50.0, dt=0.1, alpha=1e15, beta=1e15, lam=1.0, sigma=2.0,
                                           init_low=-1.0, init_high=3.0, noise="anisotropic")
    assert SPCBOParams().n_steps() == 500  # CBOSP.m: for k = 1:T/dt
    assert CBOParams().n_steps() == 500
    assert CBOParams().dt == 0.01 and CBOParams().noise == "anisotropic"


@pytest.mark.parametrize("cls", [CBOParams, SPCBOParams])
def test_validation_errors_name_the_key(cls):
    for over, key in [({"sigma": -1.0}, "sigma"), ({"N": 0}, "N"), ({"N": 2.5}, "N"), ({"dt": 0.0}, "dt"),
                      ({"alpha": float("nan")}, "alpha"), ({"lam": True}, "lam"), ({"init_high": -1.0}, "init_high"),
                      ({"T": 0.555}, "T"), ({"noise": "gaussian"}, "noise")]:
        with pytest.raises(ValueError, match=f"^{key}: "):
            cls(**over)
        with pytest.raises(ValueError, match=f"^sweep.params.{key}: "):
            cls.from_mapping(over, "sweep.params")
    with pytest.raises(ValueError, match="^sweep.params: unknown key 'M'; allowed: N, dim, T"):
        cls.from_mapping({"M": 3}, "sweep.params")
    assert cls.from_mapping({"N": np.int64(7)}, "p").N == 7 and type(cls.from_mapping({"N": np.int64(7)}, "p").N) is int


# --------------------------------------------------------------------------------------
# kernels vs the numpy reference, same noise stream
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("noise", ["anisotropic", "isotropic"])
@pytest.mark.parametrize("alpha", [30.0, 1e15])
@pytest.mark.parametrize("name", list(CBO_OBJECTIVES))
def test_cbo_kernel_matches_reference(name, alpha, noise):
    obj = CBO_OBJECTIVES[name]
    rng = _generator(list(CBO_OBJECTIVES).index(name))
    X0 = rng.uniform(-1.0, 3.0, size=(SMALL["N"], SMALL["dim"]))
    rng_kernel, rng_ref = copy.deepcopy(rng), copy.deepcopy(rng)
    got = _cbo_kernel(obj, X0, rng_kernel, alpha, N_STEPS, noise)
    expected = cbo_reference(lambda X: obj(X, 0.0), X0, rng_ref, alpha=alpha, lam=SMALL["lam"], sigma=SMALL["sigma"],
                             dt=SMALL["dt"], n_steps=N_STEPS, noise=noise)
    _assert_close(got, expected)
    assert not np.allclose(got[1], X0)  # the particles did move
    # Both drew exactly N_STEPS blocks of N*d normals: the next draws coincide.
    assert np.array_equal(rng_kernel.standard_normal(3), rng_ref.standard_normal(3))


@pytest.mark.parametrize("noise", ["anisotropic", "isotropic"])
@pytest.mark.parametrize("alpha", [30.0, 1e15])
@pytest.mark.parametrize("name", list(SP_OBJECTIVES))
def test_spcbo_kernel_matches_reference(name, alpha, noise):
    F = SP_OBJECTIVES[name]
    rng = _generator(10 + list(SP_OBJECTIVES).index(name))
    X0 = rng.uniform(-1.0, 3.0, size=(SMALL["N"], SMALL["dim"]))
    Y0 = rng.uniform(-1.0, 3.0, size=(SMALL["N"], SMALL["dim"]))
    rng_kernel, rng_ref = copy.deepcopy(rng), copy.deepcopy(rng)
    got = _spcbo_kernel(F, X0, Y0, rng_kernel, alpha, N_STEPS, noise)
    # beta = alpha / 2, so that a swapped alpha/beta shows
    expected = spcbo_reference(F, X0, Y0, rng_ref, alpha=alpha, beta=0.5 * alpha, lam=SMALL["lam"],
                               sigma=SMALL["sigma"], dt=SMALL["dt"], n_steps=N_STEPS, noise=noise)
    _assert_close(got, expected)
    # Per step one block of N*d normals for X, then one for Y: 2 N_STEPS blocks in all.
    assert np.array_equal(rng_kernel.standard_normal(3), rng_ref.standard_normal(3))


def test_spcbo_noise_is_scaled_at_the_drifted_position():
    # CBOSP_update.m applies the drift first and then scales the noise with |X - x_alpha| of the drifted
    # X, i.e. (1 - lam dt) |X - x_alpha|. One step by hand, with F(x, y) = |x|^2 (no y-dependence, so
    # x_alpha is the particle of least |x|^2: alpha = 1e15 gives it weight 1, the others exactly 0).
    rng = _generator(30)
    X0, Y0 = rng.uniform(-1.0, 3.0, size=(2, 6, 2))
    F = _objective(("sphere", 1.0, 1.0, 0.0, 0.0))
    xi = copy.deepcopy(rng).standard_normal((6, 2))
    lam, sigma, dt = 1.0, 2.0, 0.1
    _, _, X1, _ = _spcbo_kernel(F, X0, Y0, rng, 1e15, 1, "anisotropic", lam=lam, sigma=sigma, dt=dt)
    x_alpha = X0[np.argmin((X0 ** 2).sum(axis=1))]
    diff = X0 - x_alpha
    # A few roundings of O(1) numbers: 1e-14 absolute.
    np.testing.assert_allclose(X1, X0 - lam * diff * dt + sigma * (1 - lam * dt) * np.abs(diff) * np.sqrt(dt) * xi,
                               rtol=0, atol=1e-14)
    assert not np.allclose(X1, X0 - lam * diff * dt + sigma * np.abs(diff) * np.sqrt(dt) * xi, rtol=0, atol=1e-3)
    # CBO (CBXPy, Pinnau et al.) scales the noise at the old position instead.
    rng = _generator(31)
    xi = copy.deepcopy(rng).standard_normal((6, 2))
    _, X1_cbo = _cbo_kernel(F, X0, rng, 1e15, 1, "anisotropic", lam=lam, sigma=sigma, dt=dt)
    np.testing.assert_allclose(X1_cbo, X0 - lam * diff * dt + sigma * np.abs(diff) * np.sqrt(dt) * xi,
                               rtol=0, atol=1e-14)


# --------------------------------------------------------------------------------------
# standard.run and spcbo.run
# --------------------------------------------------------------------------------------

SMALL_CBO = CBOParams(N=12, dim=3, T=2.0, dt=0.1, alpha=30.0, lam=0.8, sigma=1.5, init_low=-2.0, init_high=1.0,
                      noise="isotropic")
SMALL_SP = SPCBOParams(N=12, dim=3, T=2.0, dt=0.1, alpha=30.0, beta=20.0, lam=0.8, sigma=1.5, init_low=-2.0,
                       init_high=1.0)
COUPLED = _minmax("coupled", SP_OBJECTIVES["coupled"])


def test_run_cbo_wires_parameters_like_the_reference():
    obj = CBO_OBJECTIVES["rastrigin_levy"]
    res = run_cbo(obj, SMALL_CBO, np.random.SeedSequence(9), solution=0.5)
    rng = _run_stream(9)
    X0 = rng.uniform(-2.0, 1.0, size=(12, 3))  # drawn first from the run's stream
    x_star, _ = cbo_reference(lambda X: obj(X, 0.0), X0, rng, alpha=30.0, lam=0.8, sigma=1.5, dt=0.1, n_steps=20,
                              noise="isotropic")
    _assert_close((res["x_star"],), (x_star,))
    assert set(res) == {"x_star", "x_error", "error", "success", "objective", "wall_time"}
    # Computed from x_star exactly as documented: equality, not closeness.
    assert res["error"] == float(np.linalg.norm(res["x_star"] - 0.5))
    assert res["objective"] == float(obj(res["x_star"], 0.0))
    assert res["wall_time"] >= 0.0
    assert run_cbo(obj, SMALL_CBO, np.random.SeedSequence(9), solution=np.full(3, 0.5))["error"] == res["error"]


def test_run_spcbo_wires_parameters_like_the_reference():
    res = run_spcbo(COUPLED, SMALL_SP, np.random.SeedSequence(9))
    rng = _run_stream(9)
    X0 = rng.uniform(-2.0, 1.0, size=(12, 3))  # X, then Y, drawn first from the run's stream
    Y0 = rng.uniform(-2.0, 1.0, size=(12, 3))
    x_star, y_star, _, _ = spcbo_reference(COUPLED.F, X0, Y0, rng, alpha=30.0, beta=20.0, lam=0.8, sigma=1.5, dt=0.1,
                                           n_steps=20)
    _assert_close((res["x_star"], res["y_star"]), (x_star, y_star))
    assert set(res) == {"x_star", "y_star", "x_error", "y_error", "error", "success", "upper_objective",
                        "wall_time"}
    assert res["x_error"] == np.linalg.norm(res["x_star"]) and res["y_error"] == np.linalg.norm(res["y_star"])
    assert res["error"] == res["x_error"] + res["y_error"]  # eq. (5.4)
    assert res["upper_objective"] == float(COUPLED.F(res["x_star"], res["y_star"]))


def test_runs_are_reproducible_and_seeds_differ():
    obj = CBO_OBJECTIVES["ackley"]
    a, b, c = (run_cbo(obj, SMALL_CBO, np.random.SeedSequence(s), 2.0) for s in (5, 5, 6))
    assert np.array_equal(a["x_star"], b["x_star"]) and not np.array_equal(a["x_star"], c["x_star"])
    a, b, c = (run_spcbo(COUPLED, SMALL_SP, np.random.SeedSequence(s)) for s in (5, 5, 6))
    assert np.array_equal(a["y_star"], b["y_star"]) and not np.array_equal(a["y_star"], c["y_star"])


def test_run_cbo_rejects_objectives_that_depend_on_y():
    with pytest.raises(ValueError, match="depends on x, y; single-level CBO needs an objective of x alone"):
        run_cbo(_x_only(("ackley", 1.0, 1.0, 0.0, 0.0), ("sphere", 1.0, 1.0, 1.0, 0.0)), SMALL_CBO,
                np.random.SeedSequence(0), 0.0)
    with pytest.raises(ValueError, match="<x,y>.* depends on x, y"):
        run_cbo(_objective(("sphere", 1.0, 1.0, 0.0, 0.0), xy=1.0), SMALL_CBO, np.random.SeedSequence(0), 0.0)


def test_overflow_raises_floating_point_error():
    huge = _objective(("sphere", 1e308, 1.0, 0.0, 0.0), ("sphere", -1e308, 0.0, 1.0, 0.0))
    with pytest.raises(FloatingPointError, match="huge"):
        run_spcbo(_minmax("huge", huge),
                  SPCBOParams(N=4, dim=2, T=0.2, init_low=1e200, init_high=1e201), np.random.SeedSequence(1))
    with pytest.raises(FloatingPointError, match="^cbo produced non-finite values on problem 'f'"):
        run_cbo(Objective((huge.terms[0],)), CBOParams(N=4, dim=2, T=0.02, init_low=1e200, init_high=1e201),
                np.random.SeedSequence(1), 0.0)


# --------------------------------------------------------------------------------------
# convergence
# --------------------------------------------------------------------------------------

ACKLEY_SHIFT = 2.0  # minimiser 2*1: off the centre of the initial box [-1, 3]^10, so finding it takes exploration
SHIFTED_ACKLEY = _x_only(("ackley", 1.0, 1.0, 0.0, ACKLEY_SHIFT))
RUNS = 20
CBO_RUNS, CBO_SEED = 40, 3  # the shifted-Ackley runs: standard.run(..., runs=40, seed=3)


def _cbo_errors():
    problem = SingleLevelProblem("shifted_ackley", SHIFTED_ACKLEY, ACKLEY_SHIFT)
    return standard.run(problem, CBOParams(), runs=CBO_RUNS, seed=CBO_SEED).error.values


def _cbo_streams():
    """The streams of those runs (run k of CBO on "shifted_ackley" under seed 3)."""
    base = seeding.base_sequence(CBO_SEED, standard.SEED_LABEL, "shifted_ackley")
    return [np.random.Generator(np.random.PCG64(seeding.run_sequence(base, k))) for k in range(CBO_RUNS)]


def test_spcbo_reaches_the_saddle_of_table3_function_d():
    # F = |x|^2 - |y|^2 - 2<x, y> (Table 3 (d)) at the Table-3 settings. Strongly convex-concave, so every
    # run must succeed in the sense of eq. (5.4) (error <= 0.25; observed max over these seeds 4e-3). The
    # paper reports E[error] = 1.474e-3 for SP-CBO (we observe 1.4e-3 over 20 runs); the mean must stay
    # below 1e-2: with alpha = 1e15 the outputs are single particles near the saddle, whose distance is
    # limited by the noise, not by rounding, so a tighter bound would test the seeds.
    errors = np.array([run_spcbo(_minmax("d", SP_OBJECTIVES["d"]), SPCBOParams(), np.random.SeedSequence(k))["error"]
                       for k in range(RUNS)])
    assert np.all(errors <= 0.25)
    assert errors.mean() < 1e-2


def test_cbo_finds_the_minimiser_of_shifted_ackley():
    # Defaults (N = 100, d = 10, 500 steps of dt = 0.01, alpha = 1e15, lam = 1, sigma = 2, anisotropic):
    # 35 of these 40 runs end within 0.25 of 2*1 (median error 0.12; 38/40 with the unkeyed streams
    # SeedSequence(0..39), so the success probability is ~0.9). Requiring 28/40 (70 %, 3.5 binomial
    # standard deviations below 35) leaves room for unlucky streams, while a broken kernel (wrong sign,
    # missing noise, wrong consensus) gets ~0 %.
    errors = _cbo_errors()
    assert np.sum(errors <= 0.25) >= 28
    assert np.median(errors) < 0.2


# --------------------------------------------------------------------------------------
# CBXPy (Bailo et al. 2024): the same dynamics
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def CBX():
    """CBXPy's CBO class, or skip."""
    return pytest.importorskip("cbx.dynamics", reason=CBX_MISSING).CBO


def _cbx_run(CBX, obj, X0, n_steps, alpha, sigma, dt, **kwargs):
    """CBXPy CBO from X0 (N, d) or (M, N, d): no alpha schedule, max_it steps; returns (consensus history, final x)."""
    dyn = CBX(lambda x: obj(x, 0.0), f_dim="3D", x=X0 if X0.ndim == 3 else X0[None], alpha=alpha, sigma=sigma,
              lamda=1.0, dt=dt, max_it=n_steps, verbosity=0, track_args={"names": ["consensus"]}, **kwargs)
    dyn.optimize(sched=None)  # sched=None: alpha stays fixed (the default schedule multiplies it by 1.05 a step)
    assert dyn.it == n_steps
    return np.array(dyn.history["consensus"])[:, :, 0, :], dyn.x


def _our_trajectory(obj, X0, rng, n_steps, alpha, sigma, dt, noise="anisotropic"):
    """Consensus points c_0 .. c_n of our kernel, stepping it once per call (X evolves in place), and X_n."""
    X = X0.copy()
    terms = obj.as_bilevel_array()
    trajectory = [cbo_kernel(X, rng, terms, 0.0, alpha, 1.0, sigma, dt, min(k, 1), noise == "isotropic")
                  for k in range(n_steps + 1)]
    return np.array(trajectory), X


CBX_CASES = [("ackley", 30.0), ("ackley", 1e15), ("rastrigin_levy", 30.0)]


@pytest.mark.parametrize("name, alpha", CBX_CASES)
def test_cbxpy_deterministic_trajectory_matches(CBX, name, alpha):
    # With sigma = 0 both are the deterministic scheme x <- x - lam dt (x - c(x)): CBXPy's cbo_step computes
    # the consensus c from the current x (logsumexp weights), then the drift x - c, then x += -lam dt drift
    # + sigma noise, exactly our order. Differences are rounding only (logsumexp vs our min-shift, FMAs):
    # observed <= 1.5e-13 over 100 steps; 1e-10 is the requested bound.
    obj = CBO_OBJECTIVES[name]
    X0 = _generator(40).uniform(-1.0, 3.0, size=(50, 10 if name == "ackley" else 3))
    n_steps, dt = 100, 0.05
    ours, X_ours = _our_trajectory(obj, X0, _generator(0), n_steps, alpha, 0.0, dt)
    theirs, X_theirs = _cbx_run(CBX, obj, X0, n_steps, alpha, 0.0, dt, noise="anisotropic")
    np.testing.assert_allclose(theirs[:, 0], ours[:-1], rtol=0, atol=1e-10)
    np.testing.assert_allclose(X_theirs[0], X_ours, rtol=0, atol=1e-10)
    assert np.abs(ours[-1] - ours[0]).max() > 0.1  # the consensus did travel


@pytest.mark.parametrize("name, alpha", CBX_CASES)
@pytest.mark.parametrize("noise", ["anisotropic", "isotropic"])
def test_cbxpy_noisy_trajectory_matches_on_shared_noise(CBX, name, alpha, noise):
    # Like with like, with noise: CBXPy draws its normals from our Generator. Its isotropic noise,
    # sqrt(dt) ||x - c|| xi, is ours, so its built-in model takes our stream as ``sampler``
    # (check_f_dims=False: that check would draw a block first). Its anisotropic noise is
    # sqrt(dt) (x - c) xi, with the *signed* drift, which equals |x - c| xi in law (xi symmetric,
    # independent of x - c) but not path by path; so there CBXPy gets a noise callable with |x - c|.
    # Rounding differences are amplified by the noisy dynamics: observed <= 1e-11 over 100 steps; 1e-9.
    # Isotropic noise needs d sigma^2 < 2 lam to contract (else, in d = 10, positions reach CBXPy's
    # clipping at +-1e8, which we do not have): sigma = 0.4 there.
    obj = CBO_OBJECTIVES[name]
    X0 = _generator(41).uniform(-1.0, 3.0, size=(50, 10 if name == "ackley" else 3))
    n_steps, dt, sigma = 100, 0.05, 1.5 if noise == "anisotropic" else 0.4
    ours, X_ours = _our_trajectory(obj, X0, _generator(1), n_steps, alpha, sigma, dt, noise)
    rng = _generator(1)
    if noise == "isotropic":
        kwargs = dict(noise="isotropic", sampler=rng.standard_normal, check_f_dims=False)
    else:
        kwargs = dict(noise=lambda dyn: np.sqrt(dyn.dt) * np.abs(dyn.drift) * rng.standard_normal(dyn.drift.shape))
    theirs, X_theirs = _cbx_run(CBX, obj, X0, n_steps, alpha, sigma, dt, **kwargs)
    np.testing.assert_allclose(theirs[:, 0], ours[:-1], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(X_theirs[0], X_ours, rtol=1e-9, atol=1e-9)


def test_cbxpy_reaches_shifted_ackley_as_often_as_we_do(CBX):
    # CBXPy's own anisotropic noise (signed drift, its own generator) from the same 40 initial
    # ensembles, M = 40 runs batched, same parameters (CBOParams defaults). Observed: ours 35/40
    # successes (eq. 5.4, error <= 0.25), CBXPy 34/40 with seed 3; log-errors agree (KS p = 0.77). More than
    # 8 successes apart (~3.5 standard deviations of the difference of two Binomial(40, 0.9)), or a
    # KS p-value below 1e-3, would mean different dynamics.
    from scipy.stats import ks_2samp

    p = CBOParams()
    X0 = np.stack([standard.initial_positions(p, rng) for rng in _cbo_streams()])
    _, X_final = _cbx_run(CBX, SHIFTED_ACKLEY, X0, p.n_steps(), p.alpha, p.sigma, p.dt, noise="anisotropic", seed=3)
    # x_alpha of each final ensemble: the output run_cbo reports.
    consensus = np.stack([reference.consensus(X, SHIFTED_ACKLEY(X, 0.0), p.alpha) for X in X_final])
    theirs = np.linalg.norm(consensus - ACKLEY_SHIFT, axis=1)
    ours = _cbo_errors()
    assert abs(np.sum(ours <= 0.25) - np.sum(theirs <= 0.25)) <= 8
    assert np.mean(theirs <= 0.25) >= 0.8
    assert ks_2samp(np.log(ours), np.log(theirs)).pvalue > 1e-3


"""Interacting-particle Monte Carlo (Gomes & Pavliotis 2017, Section 4.4): kernels against exact results."""

import numpy as np
import pytest
from scipy.special import i0

from mfsweep import storage
from mfsweep.config import load_config
from mfsweep.meanfield import montecarlo
from mfsweep.meanfield.particles import DriftTable, full_table, homogenized_table, run_particles, table_spacing
from mfsweep.meanfield.potentials import TwoScalePotential
from mfsweep.meanfield.selfconsistency import GridSpec, MeanFieldProblem

OU = TwoScalePotential(v0="quadratic", v1="none")
NO_BINS = np.array([0.0, 1.0])


def _sample_variance_em(beta, stiffness, rate, dt, n):
    """E (1/N) sum (x_i - xbar)^2 at stationarity of the Euler-Maruyama chain with mobility ``rate``.

    Every mode orthogonal to the mean is an OU process x' = -rate k x + sqrt(2 rate/beta) noise with
    k = ``stiffness``; its EM chain has the stationary variance (1/(beta k)) / (1 - rate k dt/2).
    """
    return (1.0 - 1.0 / n) / (beta * stiffness * (1.0 - rate * stiffness * dt / 2.0))


@pytest.mark.parametrize("theta", [0.0, 1.5])
def test_ou_stationary_variance_and_exact_mean_decay(theta):
    beta, dt, n = 2.0, 0.01, 20000
    rng = np.random.default_rng(1)
    table = full_table(OU, (-10, 10), 1e-3)
    out = run_particles(table, np.full(n, 2.0), rng, theta=theta, beta=beta, dt=dt, n_steps=1000, record_every=10,
                        snapshot_steps=[1000])
    # mean: xbar(t) = 2 (1 - dt)^k + noise of sd <= sqrt(Var/N); the interaction cancels in the mean.
    k = 10 * np.arange(out.means.size)
    sd = np.sqrt(1.0 / (beta * n))
    assert np.max(np.abs(out.means - 2.0 * (1.0 - dt) ** k)) < 5 * sd
    assert np.max(np.abs(out.means - 2.0 * np.exp(-k * dt))) < 5 * sd + 2.0 * np.max(np.exp(-k * dt) - (1 - dt) ** k)
    # variance at t = 10 (e^-10 from the start): 1/beta up to the EM factor 1/(1 - (1 + theta) dt/2);
    # the sample variance of N = 20000 has relative sd sqrt(2/N) = 1 %, so 4 % is 4 sd.
    x = out.snapshots[0]
    expected = _sample_variance_em(beta, 1.0 + theta, 1.0, dt, n)
    assert abs(np.var(x) / expected - 1.0) < 0.04
    assert abs(np.var(x) * beta * (1 + theta) - 1.0) < 0.04 + (1 + theta) * dt  # continuous law, O(dt) bias


def test_homogenized_separable_has_constant_mobility_and_gaussian_law():
    beta, delta, theta, dt, n = 1.0, 1.0, 1.0, 0.01, 20000
    potential = TwoScalePotential.case(1, delta=delta)
    table = homogenized_table(potential, beta, (-10, 10), 1e-3)
    mobility = 1.0 / i0(beta * delta) ** 2
    np.testing.assert_allclose(table.values[1], mobility, rtol=1e-13)
    np.testing.assert_allclose(table.values[2], np.sqrt(2 * mobility / beta), rtol=1e-13)
    np.testing.assert_array_equal(table.values[3], 0.0)  # M' = 0: Milstein = Euler-Maruyama
    np.testing.assert_allclose(table.values[0], -mobility * table.x, rtol=1e-12, atol=1e-15)  # -M V0', psi' = 0
    rng = np.random.default_rng(2)
    out = run_particles(table, rng.normal(0.0, 2.0, n), rng, theta=theta, beta=beta, dt=dt, n_steps=2000,
                        snapshot_steps=[2000])
    # stationary law: Gaussian with the OU variance, time scaled by M (relaxation time 1/(M (1 + theta)) = 0.8)
    expected = _sample_variance_em(beta, 1.0 + theta, mobility, dt, n)
    assert abs(np.var(out.snapshots[0]) / expected - 1.0) < 0.04  # 4 sd of the sample variance


def _sinh_sde_error(dt, milstein, n=4000, horizon=1.0, seed=3):
    """Mean |X_T - exact| for dX = X/2 dt + sqrt(1 + X^2) dW, X_0 = 0, whose solution is sinh(W_t).

    The kernel's homogenized path with table rows [a, -, b, b b'/2] and theta = 0 is the Milstein
    scheme for dX = a dt + b dW (Euler-Maruyama when the last row is zero). W_T is rebuilt from the
    same Generator stream (numba's Generator draws the same normals as numpy's).
    """
    x = np.linspace(-60.0, 60.0, 120001)
    b = np.sqrt(1.0 + x * x)
    table = DriftTable(np.stack([0.5 * x, np.ones_like(x), b, 0.5 * x * milstein]), -60.0, 1e-3, homogenized=True)
    steps = int(round(horizon / dt))
    out = run_particles(table, np.zeros(n), np.random.default_rng(seed), theta=0.0, beta=1.0, dt=dt, n_steps=steps,
                        snapshot_steps=[steps])
    replay = np.random.default_rng(seed)
    w = np.sqrt(dt) * sum(replay.standard_normal(n) for _ in range(steps))
    return np.mean(np.abs(out.snapshots[0] - np.sinh(w)))


def test_milstein_has_strong_order_one_and_euler_maruyama_one_half():
    dts = 2.0 ** -np.arange(4, 9)
    for milstein, order in ((1.0, 1.0), (0.0, 0.5)):
        errors = [_sinh_sde_error(dt, milstein) for dt in dts]
        slope = np.polyfit(np.log(dts), np.log(errors), 1)[0]
        assert abs(slope - order) < 0.15, (milstein, slope, errors)


def test_drift_table_interpolation_error_within_bound():
    potential = TwoScalePotential.case(4, eps=0.1)
    h = table_spacing(0.1, False, 1024, 1e-3)
    table = full_table(potential, (-4, 4), h)
    x = np.random.default_rng(4).uniform(-4, 4, 10000)
    u = (x - table.x_lo) / h
    j = u.astype(int)
    interpolated = table.values[0, j] + (u - j) * (table.values[0, j + 1] - table.values[0, j])
    # linear interpolation: |error| <= h^2/8 max|f''|, max|f''| from second differences on a 10x finer grid
    # (dominated by delta x^2 sin(x/eps)/(2 eps^3): about 8000 at |x| = 4, i.e. a bound of 3.8e-4 on forces ~80)
    fine = np.linspace(-4, 4, int(80 / h) + 1)
    curvature = np.max(np.abs(np.diff(potential.derivative(fine), 2))) / (fine[1] - fine[0]) ** 2
    assert np.max(np.abs(interpolated + potential.derivative(x))) <= 1.01 * h * h / 8 * curvature


def _binned_stationary(problem, beta, edges):
    density = problem.stationary_density(0.0, beta)
    cdf = np.concatenate([[0.0], np.cumsum(density.w * density.p)])
    return np.diff(np.interp(edges, np.concatenate([[density.x[0] - 1e-12], density.x]), cdf))


@pytest.mark.parametrize("homogenized, dt", [(False, 0.001), (True, 0.01)])
def test_long_time_histogram_matches_stationary_density(homogenized, dt):
    """Case 2 with delta = 0.5, eps = 0.2, theta = 2, beta = 1: one stable state (m = 0), fast mixing.

    Tolerance: total variation 0.025. Measured: 0.007 (pooled over 2 x 1000 particles, t in [10, 50]);
    the TV between two independent seeds, i.e. the Monte Carlo noise, is 0.005-0.008; the EM bias of
    the full system at dt = 0.001 (stiffness delta/eps^2 = 12.5) is ~1 % in the variance. A wrong
    noise factor sqrt(2) or a wrong psi/M gives TV > 0.1.
    """
    potential = TwoScalePotential.case(2, eps=0.2, delta=0.5)
    beta, theta, n = 1.0, 2.0, 1000
    edges = np.linspace(-4, 4, 81)
    table = (homogenized_table(potential, beta, (-10, 10), 1e-3) if homogenized
             else full_table(potential, (-10, 10), table_spacing(0.2, False, 1024, 1e-3)))
    steps, every = int(round(50 / dt)), int(round(0.1 / dt))
    pooled = np.zeros(edges.size - 1)
    for seed in (0, 1):
        rng = np.random.default_rng(seed)
        out = run_particles(table, rng.normal(0, 1, n), rng, theta=theta, beta=beta, dt=dt, n_steps=steps,
                            record_every=every, bins=edges, average_from=steps // 5)
        pooled += out.counts / (2 * n * len(range(steps // 5, steps + 1, every)))
    problem = MeanFieldProblem(potential, theta, homogenized=homogenized, grid=GridSpec())
    assert [s.m for s in problem.stationary_states(beta)] == [0.0]
    assert 0.5 * np.abs(pooled - _binned_stationary(problem, beta, edges)).sum() < 0.025


def test_leaving_the_table_raises():
    table = full_table(OU, (-1, 1), 1e-3)
    with pytest.raises(FloatingPointError, match="left the table domain"):
        run_particles(table, np.full(10, 0.99), np.random.default_rng(0), theta=0.0, beta=0.01, dt=0.1,
                      n_steps=100, bins=NO_BINS)


def _tiny_config(runs_per_task, **setting):
    spec = {"case": "case4", "theta": 0.5, "beta": 5.6, "N": 50, "T": 2.0, "snapshots": [0.0, 1.0, 2.0],
            "record_dt": 0.5, "psi_signs": ["printed"], **setting}
    return load_config({"dask": {"runs_per_task": runs_per_task},
                        "particles": {"seeds": 3, "settings": {"tiny": spec}}})


def test_stores_do_not_depend_on_chunking_and_are_labelled(tmp_path):
    arrays = []
    for runs_per_task in (1, 3):
        for model in ("full", "homogenized-printed"):
            path = tmp_path / f"{runs_per_task}-{model}.zarr"
            montecarlo.run_store(_tiny_config(runs_per_task), "tiny", model, path, threads=2)
            ds = storage.open_store(path).load()
            arrays.append({name: ds[name].values for name in ("mean", "positions", "time_averaged_density")})
    for name in arrays[0]:
        np.testing.assert_array_equal(arrays[0][name], arrays[2][name])
        np.testing.assert_array_equal(arrays[1][name], arrays[3][name])
    # the models share initial positions (common random numbers), then differ
    np.testing.assert_array_equal(arrays[0]["positions"][:, 0], arrays[1]["positions"][:, 0])
    assert not np.array_equal(arrays[0]["positions"][:, -1], arrays[1]["positions"][:, -1])
    assert ds.sizes == {"seed": 3, "time": 5, "snapshot": 3, "particle": 50, "bin": 160, "bound": 2}
    assert str(ds.dynamics.values) == "homogenized" and str(ds.psi_sign.values) == "printed"
    assert ds.attrs["parameters"]["beta"] == 5.6 and ds.attrs["git_commit"]
    assert all("long_name" in ds[name].attrs for name in ds.variables if name not in ("bound",))


@pytest.mark.parametrize("setting, key", [({"T": 2.005}, "tiny.T"), ({"snapshots": [3.0]}, "tiny.snapshots"),
                                          ({"record_dt": 0.015}, "tiny.record_dt"), ({"case": "case9"}, "case9")])
def test_bad_setting_is_rejected_naming_the_key(setting, key):
    with pytest.raises(ValueError, match=key):
        montecarlo.validate(_tiny_config(1, **setting))

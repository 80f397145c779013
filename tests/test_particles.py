"""Interacting-particle Monte Carlo (Gomes & Pavliotis 2017, Section 4.4): kernels against exact results."""

import warnings

import numpy as np
import pytest
from numba import njit
from scipy.special import i0

from mfsweep import storage
from mfsweep.experiments.config import load_config
from mfsweep.experiments import particles as montecarlo
from mfsweep.meanfield import particles
from mfsweep.meanfield.model import Full, Homogenized, potential as named
from mfsweep.meanfield.particles.kernels import DIFFUSION, DRIFT, MILSTEIN, MOBILITY
from mfsweep.meanfield.particles.method import StepStabilityError, StepStabilityWarning, run_particles
from mfsweep.meanfield.particles.tables import DriftTable, drift_table, max_stiffness, table_spacing
from mfsweep.meanfield.stationary.selfconsistency import GridSpec, MeanFieldProblem
from mfsweep.numba_policy import FAST_OPTIONS
from mfsweep.reports import particles_figures, particles_table


def tsp(name, delta=1.0):
    return named(name).with_parameters(delta)


def full_table(potential, domain, spacing, eps=0.1):
    return drift_table(potential, Full(eps), 1.0, domain, spacing)


def homogenized_table(potential, beta, domain, spacing, psi_sign="printed"):
    return drift_table(potential, Homogenized(psi_sign), beta, domain, spacing)


OU = tsp("quadratic+none")
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
    potential = tsp("case1", delta=delta)
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
    table = DriftTable(np.stack([0.5 * x, np.ones_like(x), b, 0.5 * x * milstein]), -60.0, 1e-3, Homogenized())
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
    potential = tsp("case4")
    h = table_spacing(Full(0.1), 1024, 1e-3)
    table = full_table(potential, (-4, 4), h)
    x = np.random.default_rng(4).uniform(-4, 4, 10000)
    u = (x - table.x_lo) / h
    j = u.astype(int)
    interpolated = table.values[0, j] + (u - j) * (table.values[0, j + 1] - table.values[0, j])
    # linear interpolation: |error| <= h^2/8 max|f''|, max|f''| from second differences on a 10x finer grid
    # (dominated by delta x^2 sin(x/eps)/(2 eps^3): about 8000 at |x| = 4, i.e. a bound of 3.8e-4 on forces ~80)
    fine = np.linspace(-4, 4, int(80 / h) + 1)
    curvature = np.max(np.abs(np.diff(potential.derivative(fine, 0.1), 2))) / (fine[1] - fine[0]) ** 2
    assert np.max(np.abs(interpolated + potential.derivative(x, 0.1))) <= 1.01 * h * h / 8 * curvature


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
    potential = tsp("case2", delta=0.5)
    beta, theta, n = 1.0, 2.0, 1000
    edges = np.linspace(-4, 4, 81)
    table = (homogenized_table(potential, beta, (-10, 10), 1e-3) if homogenized
             else full_table(potential, (-10, 10), table_spacing(Full(0.2), 1024, 1e-3), eps=0.2))
    steps, every = int(round(50 / dt)), int(round(0.1 / dt))
    pooled = np.zeros(edges.size - 1)
    for seed in (0, 1):
        rng = np.random.default_rng(seed)
        out = run_particles(table, rng.normal(0, 1, n), rng, theta=theta, beta=beta, dt=dt, n_steps=steps,
                            record_every=every, bins=edges, average_from=steps // 5)
        pooled += out.counts / (2 * n * len(range(steps // 5, steps + 1, every)))
    problem = MeanFieldProblem(potential, theta, Homogenized() if homogenized else Full(0.2), grid=GridSpec())
    assert [s.m for s in problem.stationary_states(beta)] == [0.0]
    assert 0.5 * np.abs(pooled - _binned_stationary(problem, beta, edges)).sum() < 0.025


def test_leaving_the_table_raises():
    table = full_table(OU, (-1, 1), 1e-3)
    with pytest.raises(FloatingPointError, match="left the table domain"):
        run_particles(table, np.full(10, 0.99), np.random.default_rng(0), theta=0.0, beta=0.01, dt=0.1,
                      n_steps=100, bins=NO_BINS)


def _tiny_config(runs_per_task, **setting):
    # dt = 0.002: at the paper's dt = 0.01 the case-4 full system takes unstable steps from the particles
    # starting at |x| > 2, ~4 % of its particle-steps over T = 2 (see test_paper_time_step_is_stable_...)
    spec = {"case": "case4", "theta": 0.5, "beta": 5.6, "N": 50, "T": 2.0, "dt": 0.002,
            "snapshots": [0.0, 1.0, 2.0], "record_dt": 0.5, "psi_signs": ["printed"], **setting}
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
    assert ds.sizes == {"run": 3, "time": 5, "snapshot": 3, "particle": 50, "bin": 160, "bound": 2, "state": 3}
    assert str(ds.dynamics.values) == "homogenized-printed" and str(ds.psi_sign.values) == "printed"
    assert ds.attrs["parameters"]["beta"] == 5.6 and ds.attrs["git_commit"]
    assert all("long_name" in ds[name].attrs for name in ds.variables if name not in ("bound",))


@pytest.mark.parametrize("setting, key", [({"T": 2.005}, "tiny.T"), ({"snapshots": [3.0]}, "tiny.snapshots"),
                                          ({"record_dt": 0.015}, "tiny.record_dt"), ({"case": "case9"}, "case9")])
def test_bad_setting_is_rejected_naming_the_key(setting, key):
    with pytest.raises(ValueError, match=key):
        _tiny_config(1, **setting)  # load_config plans every store


# --- step stability -------------------------------------------------------------------------------


@njit(**FAST_OPTIONS)
def _simulate_without_count(x, rng, table, x_lo, inv_h, homogenized, theta, dt, noise, n_steps, record_every,
                            snapshot_steps, bin_lo, bin_inv_width, n_bins, average_from):
    """The kernel as it was before the stability count (verbatim, same compiler flags): the reference."""
    n = x.size
    last_node = table.shape[1] - 1
    means = np.empty(n_steps // record_every + 1)
    snapshots = np.empty((snapshot_steps.size, n))
    counts = np.zeros(n_bins, dtype=np.int64)
    snap = 0
    for step in range(n_steps + 1):
        xbar = 0.0
        for i in range(n):
            xbar += x[i]
        xbar /= n
        if step % record_every == 0:
            means[step // record_every] = xbar
            if step >= average_from:
                for i in range(n):
                    k = int(np.floor((x[i] - bin_lo) * bin_inv_width))
                    if 0 <= k < n_bins:
                        counts[k] += 1
        while snap < snapshot_steps.size and snapshot_steps[snap] == step:
            snapshots[snap, :] = x
            snap += 1
        if step == n_steps:
            break
        z = rng.standard_normal(n)
        for i in range(n):
            u = (x[i] - x_lo) * inv_h
            if not (u >= 0.0 and u < last_node):  # also catches NaN
                return means, snapshots, counts, step
            j = int(u)
            w = u - j
            drift = table[DRIFT, j] + w * (table[DRIFT, j + 1] - table[DRIFT, j])
            if homogenized:
                mobility = table[MOBILITY, j] + w * (table[MOBILITY, j + 1] - table[MOBILITY, j])
                diffusion = table[DIFFUSION, j] + w * (table[DIFFUSION, j + 1] - table[DIFFUSION, j])
                milstein = table[MILSTEIN, j] + w * (table[MILSTEIN, j + 1] - table[MILSTEIN, j])
                dw = noise * z[i]
                x[i] += (drift - theta * mobility * (x[i] - xbar)) * dt + diffusion * dw + milstein * (dw * dw - dt)
            else:
                x[i] += (drift - theta * (x[i] - xbar)) * dt + noise * z[i]
    return means, snapshots, counts, -1


EPS = 0.1
PAPER = {1: {"theta": 2.0, "beta": 8.0}, 4: {"theta": 0.5, "beta": 5.6}}  # Figs 11-13 and 14-16


def _table(case, model, beta):
    potential = tsp(f"case{case}")
    if model == "full":
        return full_table(potential, (-10, 10), table_spacing(Full(EPS), 1024, 1e-3), eps=EPS)
    return homogenized_table(potential, beta, (-10, 10), 1e-3, psi_sign=model)


@pytest.mark.parametrize("case, model, dt", [(1, "full", 0.05), (4, "full", 0.01), (4, "printed", 0.01),
                                             (1, "full", 0.01)])
def test_stability_count_leaves_the_run_bit_identical(case, model, dt):
    """Positions, means, histograms and the random stream equal those of the kernel without the count.

    The first two take unstable steps (fraction > 0: the count path runs), the last two none.
    """
    theta, beta = PAPER[case]["theta"], PAPER[case]["beta"]
    table = _table(case, model, beta)
    n, steps, edges = 100, 300, np.linspace(-4, 4, 161)
    runs = []
    for counted in (True, False):
        rng = np.random.default_rng(11)
        x = rng.normal(0.0, 2.0, n)
        if counted:
            out = run_particles(table, x, rng, theta=theta, beta=beta, dt=dt, n_steps=steps, record_every=10,
                                snapshot_steps=[0, 150, 300], bins=edges, average_from=150, allow_unstable=True,
                                stability_tolerance=1.0)
            result = (out.means, out.snapshots, out.counts, out.final)
            fraction = out.unstable_fraction
        else:
            homogenized = table.dynamics.homogenized
            noise = np.sqrt(dt) if homogenized else np.sqrt(2.0 * dt / beta)
            means, snapshots, counts, failed = _simulate_without_count(
                x, rng, table.values, table.x_lo, 1.0 / table.spacing, homogenized, theta, dt, noise, steps, 10,
                np.array([0, 150, 300], dtype=np.int64), -4.0, 1.0 / (edges[1] - edges[0]), 160, 150)
            assert failed == -1
            result = (means, snapshots, counts, x)
        runs.append((*result, rng.standard_normal(4)))
    for got, expected in zip(*runs):
        np.testing.assert_array_equal(got, expected)
    assert (fraction > 0.0) == (model == "full" and (case, dt) != (1, 0.01))


def _kinked_table(a, b):
    """Drift -a x for x < 0, -b x for x >= 0, spacing 1/16 (exact in binary): kappa = a or b, plus theta."""
    x = -20.0 + np.arange(641) / 16.0
    return DriftTable(np.where(x < 0, -a * x, -b * x)[None, :], -20.0, 1.0 / 16.0, Full(1.0))


def test_unstable_count_and_early_stop_match_the_positions_visited():
    """Exact count: a particle-step is unstable iff it starts at x < 0 (dt (a + theta) = 2.1, dt (b + theta) = 0.6).

    The independent count reads the positions at every step off the snapshots; the early stop must
    come right after the first step whose cumulative count exceeds floor(tolerance N n_steps).
    """
    a, b, theta, dt, n, steps = 3.0, 0.5, 0.5, 0.6, 50, 200
    table = _kinked_table(a, b)

    def run(**kw):
        rng = np.random.default_rng(3)
        return run_particles(table, rng.normal(0.0, 1.0, n), rng, theta=theta, beta=1.0, dt=dt, n_steps=steps,
                             snapshot_steps=np.arange(steps), bins=NO_BINS, **kw)

    out = run(allow_unstable=True, stability_tolerance=1.0)
    per_step = np.sum(out.snapshots < 0.0, axis=1)
    assert 0 < per_step.sum() < n * steps
    assert out.unstable_fraction == per_step.sum() / (n * steps)
    np.testing.assert_allclose(out.max_dt_kappa, dt * (a + theta), rtol=1e-12)
    # tolerance = the measured fraction is not exceeded: no error, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert run(stability_tolerance=out.unstable_fraction).unstable_fraction == out.unstable_fraction
    cumulative = np.cumsum(per_step)
    assert per_step[21] > 0  # so a limit equal to cumulative[20] is first exceeded at step 22, not reached at 21
    for limit in (int(np.floor(out.unstable_fraction / 10 * n * steps)), int(cumulative[20])):
        tolerance = (limit + 0.5) / (n * steps)  # floor(tolerance N n_steps) = limit
        stop = int(np.argmax(cumulative > limit)) + 1  # steps taken when the count first exceeds the limit
        with pytest.raises(StepStabilityError) as error:
            run(stability_tolerance=tolerance)
        assert error.value.steps == stop < steps
        assert error.value.unstable_fraction == cumulative[stop - 1] / (n * stop)
        assert f"step {stop} of {steps}" in str(error.value)


def test_full_system_at_five_times_the_stability_limit_raises_early():
    """Case 1, eps = 0.1, delta = 1, dt = 0.05: dt delta/eps^2 = 5, dt kappa up to dt (1 + 100 + theta) = 5.15."""
    theta, beta, dt, n, steps = 2.0, 8.0, 0.05, 100, 2000
    table = _table(1, "full", beta)
    rng = np.random.default_rng(0)
    with pytest.raises(StepStabilityError, match=r"dt = 0\.05, largest dt kappa met 5\.1") as error:
        run_particles(table, rng.normal(0.0, 2.0, n), rng, theta=theta, beta=beta, dt=dt, n_steps=steps)
    err = error.value
    assert isinstance(err, ArithmeticError) and err.dt == dt
    # about a third of the particle-steps are unstable: the limit 1e-3 N n_steps = 200 is passed within ~10 steps
    assert err.steps < 20 and err.unstable_fraction > 0.2
    assert 5.0 < err.max_dt_kappa <= dt * (1.0 + 1.0 / EPS**2 + theta) * (1 + 1e-6)
    np.testing.assert_allclose(err.stable_dt, 2.0 * dt / err.max_dt_kappa, rtol=1e-12)
    assert f"dt < 2 / max kappa = {err.stable_dt:.3g}" in str(err) and 0.0194 <= err.stable_dt < 0.02


def test_allow_unstable_warns_and_keeps_the_run():
    theta, beta, dt, n, steps = 2.0, 8.0, 0.05, 100, 200
    table = _table(1, "full", beta)
    rng = np.random.default_rng(0)
    with pytest.warns(StepStabilityWarning, match=r"dt = 0\.05.*allow_unstable=True"):
        out = run_particles(table, rng.normal(0.0, 2.0, n), rng, theta=theta, beta=beta, dt=dt, n_steps=steps,
                            record_every=10, allow_unstable=True)
    assert issubclass(StepStabilityWarning, UserWarning)
    assert out.means.size == steps // 10 + 1 and np.all(np.isfinite(out.final))
    assert 0.2 < out.unstable_fraction < 0.5  # measured 0.31 (N = 1000, T = 50)


@pytest.mark.parametrize("case, model, horizon", [(1, "full", 20.0), (1, "printed", 20.0), (4, "printed", 20.0),
                                                  (4, "flipped", 20.0), (4, "full", 500.0)])
def test_paper_time_step_is_stable_where_the_particles_go(case, model, horizon):
    """dt = 0.01 from N(0, 4) at the paper's parameters: no error with the default tolerance 1e-3.

    Case 1 full: dt kappa <= dt (1 + delta/eps^2 + theta) = 1.03 everywhere, so no unstable step.
    Case 4 full: V^eps'' ~ x^2/(2 eps^2) makes dt = 0.01 unstable at |x| >~ 2, where a third of
    the particles start; its ~7 unstable steps per particle all come before t ~ 4 (fraction
    1.5e-3 over T = 50, 1.5e-4 over T = 500, measured with N = 500, 4 seeds).
    """
    theta, beta, dt, n = PAPER[case]["theta"], PAPER[case]["beta"], 0.01, 100
    table = _table(case, model, beta)
    rng = np.random.default_rng(1)
    out = run_particles(table, rng.normal(0.0, 2.0, n), rng, theta=theta, beta=beta, dt=dt,
                        n_steps=int(round(horizon / dt)), record_every=100, bins=NO_BINS)
    if (case, model) == (4, "full"):
        assert 2e-5 < out.unstable_fraction < 1e-3 and out.max_dt_kappa > 2.0
    else:
        assert out.unstable_fraction == 0.0 and out.max_dt_kappa < 2.0
    if (case, model) == (1, "full"):
        assert out.max_dt_kappa <= dt * (1.0 + 1.0 / EPS**2 + theta) * (1 + 1e-6)


def _case4_curvature(x, delta=1.0):
    """V^eps'' of case 4, |x| < a: 3 x^2 - 1 + delta [(1 - x^2/(2 eps^2)) cos y - (2 x/eps) sin y], y = x/eps."""
    y = x / EPS
    return 3 * x**2 - 1 + delta * ((1 - x**2 / (2 * EPS**2)) * np.cos(y) - 2 * x / EPS * np.sin(y))


def test_max_stiffness_against_exact_curvatures():
    # OU: kappa = 1 + theta on every interval; separable homogenized: g = -M x, kappa = M (1 + theta)
    assert max_stiffness(full_table(OU, (-10, 10), 1e-3), -3.0, 7.0, theta=1.5) == pytest.approx(2.5, rel=1e-9)
    mobility = 1.0 / i0(1.0) ** 2
    table = homogenized_table(tsp("case1"), 1.0, (-10, 10), 1e-3)
    assert max_stiffness(table, -2.0, 2.0, theta=1.0) == pytest.approx(2 * mobility, rel=1e-9)
    # case 1 full: V'' + theta = 1 + (delta/eps^2) cos(x/eps) + theta, largest 103; the cell midpoints miss
    # the peak by <= h/2 (100 (1 - cos(h/(2 eps))) = 5e-4), the difference quotient errs by h^2/24 |V''''| = 2e-5
    case1 = _table(1, "full", 8.0)
    assert abs(max_stiffness(case1, -4.0, 4.0, theta=2.0) - 103.0) < 1e-3
    # case 4 full against the analytical V'' on a 10x finer grid (the same error terms, |V''''| <= 3e4 at
    # |x| <= 4, so 1e-2 is ample); the cells meeting [lo, hi] reach up to one spacing h beyond its ends
    case4 = _table(4, "full", 5.6)
    h = case4.spacing
    for lo, hi in ((-2.0, 2.0), (-4.0, 4.0), (1.0, 1.5)):
        inner, outer = (np.max(_case4_curvature(np.linspace(a, b, int((b - a) / h * 10) + 1))) + 0.5
                        for a, b in ((lo, hi), (lo - h, hi + h)))
        assert inner - 1e-2 <= max_stiffness(case4, lo, hi, theta=0.5) <= outer + 1e-2
    assert 2 / max_stiffness(case4, -2.0, 2.0, theta=0.5) > 0.01 > 2 / max_stiffness(case4, -4.0, 4.0, theta=0.5)
    with pytest.raises(ValueError, match="lo <= hi"):
        max_stiffness(case4, 1.0, -1.0)


# --- the method API, stored predictions, figures and table -------------------------------------------


def _tiny_store(tmp_path, model):
    path = tmp_path / f"{model}.zarr"
    montecarlo.run_store(_tiny_config(2), "tiny", model, path, threads=1)
    return storage.open_store(path).load()


@pytest.fixture(scope="module")
def tiny_stores(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tiny")
    return [_tiny_store(tmp, model) for model in ("full", "homogenized-printed")]


def test_library_run_with_the_store_seed_sequence_is_the_store(tiny_stores):
    config = _tiny_config(2)
    plan = montecarlo.plan(config, "tiny", "full")
    ds = particles.run("case4", plan.params, runs=3, seed=plan.base(config["seed"]))
    for name in ("mean", "positions", "histogram", "time_averaged_density", "stationary_probability", "state_m"):
        np.testing.assert_array_equal(ds[name].values, tiny_stores[0][name].values)
    # an int seed is keyed by the point; a chunk of runs equals the same runs of the whole
    whole = particles.run("case4", plan.params, runs=3, seed=5)
    part = particles.run("case4", plan.params, runs=[2], seed=5)
    np.testing.assert_array_equal(part.positions.sel(run=2), whole.positions.sel(run=2))
    assert not np.array_equal(whole.positions.sel(run=2), ds.positions.sel(run=2))


def test_stored_predictions_are_those_of_the_stationary_solver(tiny_stores):
    ds = tiny_stores[1]
    problem = MeanFieldProblem(tsp("case4"), 0.5, Homogenized())
    states = problem.stationary_states(5.6)
    np.testing.assert_array_equal(ds.state_m.values, [s.m for s in states])
    assert list(ds.state_stable.values) == [s.stable for s in states]
    edges = np.append(ds.bin_bounds.values[:, 0], ds.bin_bounds.values[-1, 1])
    for run in ds.run.values:
        at = ds.sel(run=run)
        nearest = min((s for s in states if s.stable), key=lambda s: abs(s.m - float(at.long_time_mean)))
        assert float(at.stationary_m) == nearest.m
        np.testing.assert_allclose(at.stationary_probability, _binned_stationary_at(problem, 5.6, edges, nearest.m),
                                   rtol=0, atol=1e-15)
        width = edges[1] - edges[0]
        empirical = at.time_averaged_density.values * width
        tv = 0.5 * (np.abs(empirical - at.stationary_probability.values).sum()
                    + abs(empirical.sum() - at.stationary_probability.values.sum()))
        assert float(at.tv_distance) == pytest.approx(tv, abs=1e-15)


def _binned_stationary_at(problem, beta, edges, m):
    density = problem.stationary_density(m, beta)
    cdf = np.concatenate([[0.0], np.cumsum(density.w * density.p)])
    return np.diff(np.interp(edges, np.concatenate([[density.x[0] - 1e-12], density.x]), cdf))


def test_figures_plot_the_dataset(tiny_stores):
    fig = particles_figures.plot_means(tiny_stores)
    for ax, ds in zip(fig.axes, tiny_stores):
        lines = ax.get_lines()
        np.testing.assert_array_equal(lines[0].get_ydata(), ds["mean"].mean("run").values)
        np.testing.assert_array_equal(lines[1].get_ydata(), ds["mean"].isel(run=0).values)
        assert sorted(float(line.get_ydata()[0]) for line in lines[2:]) == sorted(ds.state_m.values)
    fig = particles_figures.plot_histograms(tiny_stores)
    rows = tiny_stores[0].sizes["snapshot"]
    axes = np.array(fig.axes).reshape(rows, 2)
    for column, ds in enumerate(tiny_stores):
        width = float(ds.bin_bounds[0, 1] - ds.bin_bounds[0, 0])
        bars = [patch.get_height() for patch in axes[0, column].patches]
        np.testing.assert_array_equal(bars, ds.histogram.isel(run=0, snapshot=0).values)
        np.testing.assert_array_equal(axes[-1, column].get_lines()[-1].get_ydata(),
                                      ds.stationary_probability.isel(run=0).values / width)
    fig = particles_figures.plot_positions(tiny_stores)
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_xdata(),
                                  tiny_stores[0].positions.isel(run=0, snapshot=0).values)


def test_table_values(tiny_stores):
    table = particles_table.particles_table(tiny_stores)
    assert list(table.model) == ["full", "homogenized-printed"]
    for row, ds in zip(table.itertuples(), tiny_stores):
        assert row.runs == 3 and row.case == "case4" and row.theta == 0.5 and row.beta == 5.6
        assert row.long_time_mean == float(ds.long_time_mean.mean())
        assert row.mean_abs_long_time_mean == float(np.abs(ds.long_time_mean).mean())
        assert row.tv_distance == float(ds.tv_distance.mean())
        assert row.stationary_states == " ".join(f"{m:+.3f}{'' if s else '(u)'}"
                                                 for m, s in zip(ds.state_m.values, ds.state_stable.values))
        counts = dict(part.rsplit(": ", 1) for part in row.runs_per_state.replace(" +", "|+").replace(" -", "|-")
                      .split("|"))
        assert sum(map(int, counts.values())) == 3
        assert {float(m) for m in counts} == {round(float(m), 3) for m in ds.stationary_m.values}
    # the paper's column is matched by the kind of dynamics (full / homogenized)
    assert list(table.paper_long_time_mean) == [-1.0, 0.0]

"""Time-dependent McKean-Vlasov solver (Gomes & Pavliotis 2017, Section 4.5) against exact results."""

import numpy as np
import pytest
import xarray as xr

from mfsweep import storage
from mfsweep.experiments.config import load_config
from mfsweep.experiments import pde as mckean_vlasov
from mfsweep.meanfield import pde
from mfsweep.meanfield.model import Full, Homogenized, potential as named
from mfsweep.meanfield.pde.solver import FokkerPlanck, gaussian
from mfsweep.meanfield.stationary.selfconsistency import GridSpec, MeanFieldProblem
from mfsweep.params import ParameterError
from mfsweep.reports import pde_figures


def tsp(name, delta=1.0):
    return named(name).with_parameters(delta)


CONFIG = load_config()


@pytest.mark.parametrize("homogenized", [False, True])
def test_mass_positivity_and_free_energy_decrease(homogenized):
    fp = FokkerPlanck(tsp("case4"), 0.5, 5.6, Homogenized() if homogenized else Full(0.1))
    ev = fp.evolve(fp.initial(-0.1, 4.0), np.geomspace(0.01, 200.0, 40))
    assert np.max(np.abs(ev.mass - 1.0)) < 1e-12
    assert ev.min_density >= 0.0 and np.all(ev.p >= 0.0)
    # F non-increasing over every accepted step, up to rounding of a sum of ~2000 terms of size ~10
    assert ev.max_free_energy_increase <= 1e-12 * np.abs(ev.free_energy).max()
    assert np.all(np.diff(ev.free_energy) <= 1e-12 * np.abs(ev.free_energy).max())


def test_ou_stays_gaussian_with_exact_mean_and_variance():
    """V = x^2/2, theta = 1: m(t) = m0 e^{-t} (the interaction cancels in the mean) and
    v(t) = v_inf + (v0 - v_inf) e^{-2(1 + theta) t}, v_inf = 1/(beta (1 + theta)).

    Backward Euler is first order and the step control keeps the local error ~dt^2 <= tol, so the
    global error scales like sqrt(tol): measured 2.2e-3 / 4.2e-3 (mean / variance) at tol = 1e-4 and
    2.4e-4 / 4.7e-4 at tol = 1e-6; the spatial error O(h^2) = 1e-4 is below both.
    """
    beta, theta, m0, v0 = 2.0, 1.0, 0.7, 1.5
    fp = FokkerPlanck(tsp("quadratic+none"), theta, beta, Full(0.1), domain=(-8.0, 8.0))
    times = np.array([0.1, 0.3, 1.0, 3.0])
    v_inf = 1.0 / (beta * (1.0 + theta))
    mean = m0 * np.exp(-times)
    variance = v_inf + (v0 - v_inf) * np.exp(-2.0 * (1.0 + theta) * times)
    errors = {}
    for tol in (1e-4, 1e-6):
        ev = fp.evolve(fp.initial(m0, v0), times, tol=tol)
        computed_variance = fp.h * (ev.p * fp.x**2).sum(axis=1) - ev.mean**2
        errors[tol] = np.abs(ev.mean - mean).max(), np.abs(computed_variance - variance).max()
        gaussians = gaussian(fp.x[None, :], mean[:, None], variance[:, None])
        assert np.max(fp.h * np.abs(ev.p - gaussians).sum(axis=1)) < 20 * np.sqrt(tol)  # L1: still Gaussian
    assert max(errors[1e-6]) < 1e-3
    assert all(fine < coarse / 5 for fine, coarse in zip(errors[1e-6], errors[1e-4]))  # ~10x: sqrt(tol)


def _stationary_error(dx):
    potential = tsp("case2", delta=0.5)
    fp = FokkerPlanck(potential, 2.0, 1.0, Full(0.2), dx=dx, cells_per_period=4, domain=(-6.0, 6.0))
    ev = fp.evolve(fp.initial(0.3, 1.0), [400.0], dt_max=100.0)
    problem = MeanFieldProblem(potential, 2.0, Full(0.2), grid=GridSpec())
    log_z = float(problem.moments(0.0, 1.0).log_z)
    exact = np.exp(-(fp.confining(fp.x) + 2.0 * 0.5 * fp.x**2) - log_z)
    return fp.h * np.abs(ev.p[-1] - exact).sum()


def test_discrete_stationary_state_converges_to_self_consistency_density():
    """Case 2 (delta = 0.5, eps = 0.2, theta = 2, beta = 1; unique state m = 0): L1 error under refinement.

    The discrete fixed point is the Gibbs density at the cell centres, normalised and with m taken by
    the midpoint rule, which converges faster than any power of h for this smooth, fast-decaying
    integrand: measured 3.8e-6, 1.5e-7, 1.2e-8 at h = 0.3, 0.2, 0.15 (4.2 to 8.4 cells per period
    2 pi eps), then a floor of ~1e-8 set by how close the time stepping gets to the fixed point.
    An algebraic order p would give at most a factor (0.3/0.2)^p, i.e. ~2.3 for p = 2.
    """
    errors = np.array([_stationary_error(dx) for dx in (0.3, 0.2, 0.1)])
    assert errors[0] / errors[1] > 10.0  # far faster than second order (2.25)
    assert errors[1] < 1e-6 and errors[2] < 5e-8, errors


def test_homogenized_with_unit_mobility_equals_full_without_fluctuations():
    potential = tsp("bistable+none")
    runs = [FokkerPlanck(potential, 0.5, 3.0, dyn).evolve(
        FokkerPlanck(potential, 0.5, 3.0, Full(0.1)).initial(-0.1, 4.0), [1.0, 10.0, 100.0])
        for dyn in (Full(0.1), Homogenized())]
    np.testing.assert_allclose(runs[0].p, runs[1].p, rtol=0, atol=1e-13)
    np.testing.assert_allclose(runs[0].free_energy, runs[1].free_energy, rtol=1e-13)


def test_long_time_state_matches_stationary_solver_free_energy():
    fp = FokkerPlanck(tsp("case3"), 5.0, 2.0, Homogenized(), domain=(-5.0, 5.0))
    ev = fp.evolve(fp.initial(0.2, 1.0), [2000.0], dt_max=200.0)
    problem = MeanFieldProblem(fp.potential, 5.0, Homogenized(), grid=GridSpec())
    state = min((s for s in problem.stationary_states(2.0) if s.stable), key=lambda s: abs(s.m - ev.mean[-1]))
    assert abs(ev.mean[-1] - state.m) < 1e-3 and abs(ev.free_energy[-1] - state.free_energy) < 1e-3


def test_store_is_labelled(tmp_path):
    config = load_config({"mckean_vlasov": {"settings": {"s": {
        "case": "case4", "thetas": [0.5], "betas": [5.6, 8.0], "T": 5.0, "n_outputs": 5, "psi_signs": ["printed"],
        "snapshots": [0.0, 1.0]}}}})
    path = tmp_path / "s.zarr"
    mckean_vlasov.run_store(config, "s", "homogenized-printed", path, threads=2)
    ds = storage.open_store(path).load()
    assert ds.p.dims == ("theta", "beta", "time", "x") and ds.sizes["beta"] == 2
    assert ds["mean"].dims == ("theta", "beta", "time") and float(ds.time[0]) == 0.0
    np.testing.assert_allclose(ds.mass, 1.0, atol=1e-12)
    assert all("long_name" in ds[name].attrs for name in ds.variables)


def test_bad_setting_is_rejected_naming_the_key():
    with pytest.raises(ValueError, match="mckean_vlasov.settings.s.first_output"):
        load_config({"mckean_vlasov": {"settings": {"s": {"case": "case4", "thetas": [0.5], "betas": [5.6],
                                                          "T": 1.0, "first_output": 2.0}}}})


SMALL = dict(theta=0.5, T=5.0, n_outputs=5, snapshots=(0.0, 1.0), domain=(-6.0, 6.0), dx=0.05)


def test_run_carries_the_stationary_prediction_it_is_compared_with():
    ds = pde.run("case4", {**SMALL, "beta": 5.6, "model": "homogenized"})
    assert ds.p.dims == ("time", "x") and str(ds.dynamics.values) == "homogenized-printed"
    assert ds.attrs["method"] == "pde" and ds.attrs["potential"] == "case4" and ds.attrs["parameters"]["T"] == 5.0
    # the stored stationary state is a stable state of the stationary solver at the same point
    problem = MeanFieldProblem(tsp("case4"), 0.5, Homogenized())
    states = [s for s in problem.stationary_states(5.6) if s.stable]
    assert min(abs(float(ds.stationary_m) - s.m) for s in states) < 1e-12
    np.testing.assert_allclose(ds.attrs["cell_width"] * float(ds.stationary_p.sum()), 1.0, atol=1e-6)
    np.testing.assert_allclose(ds.distance_to_stationary, ds.attrs["cell_width"]
                               * np.abs(ds.p - ds.stationary_p).sum("x"), rtol=1e-12)


def test_bad_parameter_is_named():
    with pytest.raises(ParameterError, match="^first_output"):
        pde.Params(T=1.0, first_output=2.0)
    with pytest.raises(ParameterError, match="^model"):
        pde.Params(model="fast")


def _stacked(model):
    points = [[pde.run("case4", {**SMALL, "beta": beta, "model": model}) for beta in (5.6, 8.0)]]
    rows = [xr.concat(row, dim="beta", coords="minimal", compat="override", combine_attrs="override") for row in points]
    return xr.concat(rows, dim="theta", coords="minimal", compat="override",
                     combine_attrs="override").transpose("theta", "beta", ...)


def test_figures_show_every_theta_beta_point():
    datasets = [_stacked("full"), _stacked("homogenized")]
    fig = pde_figures.plot_densities(datasets)
    axes = np.array(fig.axes).reshape(2, 2)  # rows: (theta, beta) points, columns: dynamics
    for column, ds in enumerate(datasets):
        for row, beta in enumerate((5.6, 8.0)):
            point = ds.sel(theta=0.5, beta=beta)
            lines = axes[row, column].get_lines()
            np.testing.assert_array_equal(lines[-1].get_ydata(), point.stationary_p.values)
            np.testing.assert_array_equal(lines[0].get_ydata(), point.p.sel(time=0.0).values)
            assert f"β = {beta:g}" in axes[row, column].get_title()
    fig = pde_figures.plot_evolution(datasets)
    axes = np.array(fig.axes).reshape(2, 3)
    for row, beta in enumerate((5.6, 8.0)):
        for n, ds in enumerate(datasets):
            point = ds.sel(theta=0.5, beta=beta)
            curves = [line for line in axes[row, 0].get_lines() if line.get_linestyle() == "-"]
            np.testing.assert_array_equal(curves[n].get_ydata(), point["mean"].values[1:])
            curves = [line for line in axes[row, 2].get_lines()]
            np.testing.assert_array_equal(curves[n].get_ydata(), point.distance_to_stationary.values[1:])

"""Stored mean-field sweeps: bifurcation diagrams, states at fixed beta, critical betas, R-maps."""

import numpy as np
import pytest
from scipy.optimize import brentq

from mfsweep.cluster import dask_client
from mfsweep.experiments.config import load_config
from mfsweep.experiments import stationary as experiment
from mfsweep.meanfield.stationary import diagram
from mfsweep.reports import stationary_figures, stationary_table

CONFIG = load_config()
TABLE2 = {"fig6b": 45.0, "fig7b": 29.0, "fig8b": 20.0, "fig9b": 8.0}


@pytest.fixture(scope="module")
def diagrams():
    return {name: experiment.diagram_dataset(CONFIG, name) for name in TABLE2}


def _problem(spec):
    return experiment.problem(spec["case"], spec["eps"], spec["theta"], CONFIG, spec["psi_sign"])


def states_at_beta(ds, beta):
    """The states with m >= 0 at ``beta`` on a stored diagram's branches, largest m first (Table 2)."""
    states = diagram.states_at_beta(_problem(ds.attrs["spec"]), ds.m.values, ds.beta.values, beta)
    return [s for s in states if s.m >= -1e-9][::-1]


def _scan_states(prob, beta, m_max):
    """Independent: every root of R(m) - m on [0, m_max] from a fine sign-change scan plus brentq."""
    m = np.linspace(-1e-6, m_max, 20001)
    h = prob.residual(m, beta)
    brackets = np.flatnonzero(np.sign(h[:-1]) != np.sign(h[1:]))
    return np.array(sorted(brentq(lambda x: prob.residual(x, beta), m[k], m[k + 1], xtol=1e-13)
                           for k in brackets))[::-1]


@pytest.mark.parametrize("name", TABLE2)
def test_every_branch_point_solves_self_consistency(diagrams, name):
    ds = diagrams[name]
    prob = _problem(ds.attrs["spec"])
    keep = np.isfinite(ds.m.values)
    residual = np.abs(prob.residual(ds.m.values[keep], ds.beta.values[keep]))
    assert residual.max() < 1e-10  # the acceptance bound; Newton converges to ~1e-12


@pytest.mark.parametrize("name", TABLE2)
def test_states_at_table2_beta_match_an_independent_scan(diagrams, name):
    spec = diagrams[name].attrs["spec"]
    states = states_at_beta(diagrams[name], TABLE2[name])
    expected = _scan_states(_problem(spec), TABLE2[name], spec["m_range"][1])
    # Both are Newton/brentq-refined roots of the same equation: equal to the root tolerance.
    np.testing.assert_allclose([s.m for s in states], expected, atol=1e-8)
    # the diagram stores exactly these states at its free_energy_beta (all m; the table keeps m >= 0)
    stored = diagrams[name]
    keep = stored.state_m.values >= -1e-9
    np.testing.assert_array_equal(stored.state_m.values[keep][::-1], [s.m for s in states])
    np.testing.assert_array_equal(stored.state_free_energy.values[keep][::-1], [s.free_energy for s in states])


@pytest.mark.parametrize("name", TABLE2)
def test_stability_agrees_with_the_free_energy(diagrams, name):
    # Along the Gibbs family p(.; m), dF/dm = theta R'(m) (m - R(m)), so at a stationary state
    # d2F/dm2 = theta R'(1 - R'): a local minimum of F exactly when R' < 1 (our stability test).
    # Check it with the free-energy implementation itself, by finite differences in m.
    spec = diagrams[name].attrs["spec"]
    prob, beta = _problem(spec), TABLE2[name]
    states = states_at_beta(diagrams[name], beta)
    for state in states:
        h = 1e-4
        f = prob.free_energy(np.array([state.m - h, state.m, state.m + h]), beta)
        curvature = (f[0] - 2 * f[1] + f[2]) / h**2
        assert (curvature > 0) == state.stable, state
    lowest = min(states, key=lambda s: s.free_energy)
    assert lowest.stable  # the global minimiser of the free energy is a stable state


def test_same_branch_set_from_different_windows_and_grids():
    base = dict(CONFIG["meanfield"]["diagrams"]["fig9b"])
    other = {**base, "m_range": [-2.1, 2.1], "beta_range": [0.12, 48.0], "n_m": 301, "n_beta": 83}
    config = {**CONFIG, "meanfield": {**CONFIG["meanfield"], "diagrams": {"a": base, "b": other}}}
    a, b = (experiment.diagram_dataset(config, name) for name in ("a", "b"))
    for beta in (2.0, 8.0, 20.0, 40.0):
        ma = [s.m for s in states_at_beta(a, beta)]
        mb = [s.m for s in states_at_beta(b, beta)]
        np.testing.assert_allclose(ma, mb, atol=1e-8)  # same states, each refined to ~1e-12
    inside = lambda ds: sorted((k, round(beta, 6)) for k, beta in  # noqa: E731
                               zip(ds.special_kind.values, ds.special_beta.values) if 0.12 < beta < 48.0)
    assert inside(a) == inside(b)


def test_critical_betas_converge_to_the_homogenized_value():
    section = {**CONFIG["meanfield"]["critical"], "cases": ["case3", "case4"], "eps": [0.1, 0.05, 0.02, 0.01]}
    config = {**CONFIG, "meanfield": {**CONFIG["meanfield"], "critical": section}}
    with dask_client({"mode": "local"}, threads=2) as client:
        ds = experiment.critical_dataset(config, client)
    printed = ds.beta_c_homogenized.sel(psi_sign="printed", root=0)
    # eqs. 3.9-3.10 equal 2.25-2.27 with psi as printed: beta_c(eps) -> homogenized value as eps -> 0
    np.testing.assert_allclose(ds.beta_c.sel(eps=0.01, root=0), printed, rtol=1e-7)
    flipped = ds.beta_c_homogenized.sel(psi_sign="flipped", root=0, case="case4")
    assert abs(float(flipped) - float(printed.sel(case="case4"))) > 0.1  # the flipped sign is not the limit
    # Corollary 3.2: separable fluctuations leave the homogenized problem without fluctuations
    np.testing.assert_allclose(ds.beta_c_homogenized.sel(case="case3", root=0),
                               ds.beta_c_no_fluctuation.sel(case="case3", root=0), rtol=1e-10)


def test_rmap_dataset_is_labelled_and_odd():
    ds = experiment.rmap_dataset(CONFIG, "fig3")
    assert ds.R.dims == ("case", "eps", "beta", "m") and ds.eps.attrs["long_name"].startswith("scale")
    # symmetric potentials: R(-m) = -R(m); the stored m grid is symmetric
    np.testing.assert_allclose(ds.R.values, -ds.R.values[..., ::-1], atol=1e-12)


def test_unknown_case_names_the_allowed_ones():
    with pytest.raises(ValueError, match=r"^meanfield.case: unknown case 'case5'; allowed: case1, case2, case3, case4,"):
        experiment.potential("case5", CONFIG)
    with pytest.raises(ValueError, match=r"^particles.settings.s.case: unknown case 'case5'"):
        experiment.potential("case5", CONFIG, "particles.settings.s.case")


@pytest.mark.parametrize("name", TABLE2)
def test_free_energies_respect_the_gibbs_lower_bound(diagrams, name):
    # Gibbs variational principle: beta^-1 int p ln p + int V p >= -beta^-1 ln int exp(-beta V) for any
    # density p, and the interaction term theta Var/2 is >= 0, so no state can go below this bound
    # (computed here by an independent fine trapezoid sum of the potential alone).
    spec, beta = diagrams[name].attrs["spec"], TABLE2[name]
    potential = experiment.potential(spec["case"], CONFIG)
    x = np.linspace(-8.0, 8.0, 400_001)
    exponent = -beta * potential.value(x, spec["eps"])
    bound = -(exponent.max() + np.log(np.sum(np.exp(exponent - exponent.max())) * (x[1] - x[0]))) / beta
    for state in states_at_beta(diagrams[name], beta):
        assert state.free_energy > bound


def test_free_energy_table_values_come_from_the_stored_states(diagrams):
    table = stationary_table.free_energy_table([diagrams[name] for name in TABLE2])
    for name, beta in TABLE2.items():
        rows = table[table.figure == name]
        states = states_at_beta(diagrams[name], beta)
        np.testing.assert_array_equal(rows.m.values, [s.m for s in states])
        np.testing.assert_array_equal(rows.free_energy.values, [s.free_energy for s in states])
        assert list(rows.stable) == [s.stable for s in states] and set(rows.beta) == {beta}
    paper = stationary_table.paper_table2()
    fig6b = table[table.figure == "fig6b"]
    # the paper's values are matched by rank from the m = 0 state (the last row)
    expected = paper[(paper["case"] == "case1") & (paper.beta == 45.0) & (paper.eps == 0.1) & (paper.theta == 5.0)]
    reference = dict(zip(expected.rank_from_zero, expected.free_energy))
    assert list(fig6b.paper_free_energy) == [reference.get(rank) for rank in range(len(fig6b) - 1, -1, -1)]


def test_diagram_figure_plots_the_stored_branches(diagrams):
    ds = diagrams["fig9b"]
    fig = stationary_figures.plot_diagram(ds)
    lines = [line for line in fig.axes[0].get_lines() if line.get_marker() in ("None", "", None)
             and line.get_linestyle() in ("-", "--")]
    plotted = np.concatenate([line.get_ydata() for line in lines])
    stored = np.concatenate([ds.m.values[b, : int(n)] for b, n in enumerate(ds.n_points.values)])
    # every stored point is plotted (pieces overlap by one point where the stability changes)
    assert set(np.round(stored, 12)) == set(np.round(plotted, 12))
    dashed = [line for line in lines if line.get_linestyle() == "--"]
    assert dashed and all(np.isin(np.round(line.get_ydata(), 12), np.round(stored, 12)).all() for line in dashed)
    markers = [line for line in fig.axes[0].get_lines() if line.get_marker() in ("o", "s")]
    np.testing.assert_array_equal(np.sort(np.concatenate([line.get_xdata() for line in markers])),
                                  np.sort(ds.special_beta.values))


def test_rmap_and_critical_figures_plot_the_stored_values():
    ds = experiment.rmap_dataset(CONFIG, "fig3")
    fig = stationary_figures.plot_rmap(ds)
    for ax, case in zip(fig.axes, ds["case"].values):
        curves = ax.get_lines()[:-1]  # the last one is the diagonal
        expected = [ds.R.sel(case=case, eps=e, beta=b).values for e in ds.eps.values for b in ds.beta.values]
        assert len(curves) == len(expected)
        for line, values in zip(curves, expected):
            np.testing.assert_array_equal(line.get_ydata(), values)
    section = {**CONFIG["meanfield"]["critical"], "cases": ["case3"], "eps": [0.1, 0.05]}
    config = {**CONFIG, "meanfield": {**CONFIG["meanfield"], "critical": section}}
    with dask_client({"mode": "local"}, threads=1) as client:
        critical = experiment.critical_dataset(config, client)
    fig = stationary_figures.plot_critical(critical)
    first = fig.axes[0].get_lines()[0]
    np.testing.assert_array_equal(first.get_ydata(), critical.beta_c.sel(case="case3", root=0).values)
    levels = {float(line.get_ydata()[0]) for line in fig.axes[0].get_lines()[1:]}
    assert float(critical.beta_c_homogenized.sel(case="case3", psi_sign="printed", root=0)) in levels

"""The three-route phase diagram report, on stores built here with known values."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import xarray as xr

from mfsweep.reports import phase_diagram

THETAS, BETAS = [2.0, 5.0], [0.5, 1.0, 2.0]
#: the theory's largest stable |m|: 0 below beta_C, as stored by a stationary.states sweep
THEORY = np.array([[0.0, 0.0, 0.69], [0.0, 0.71, 0.89]])


def _stores():
    coords = {"theta": THETAS, "beta": BETAS}
    runs = np.stack([THEORY + 0.01, THEORY - 0.01, THEORY + 0.03], axis=-1) + 0.05 * (THEORY == 0)[..., None]
    particles = xr.Dataset({"long_time_abs_mean": (("theta", "beta", "run"), runs)}, {**coords, "run": [0, 1, 2]})
    pde = xr.Dataset({"mean": (("theta", "beta", "time"), np.stack([0 * THEORY, -THEORY], axis=-1))},
                     {**coords, "time": [0.0, 100.0]})  # m(T) = -m*: the |.| is compared
    state_m = np.stack([-THEORY, 0 * THEORY, THEORY], axis=-1)
    stable = np.stack([THEORY > 0, THEORY == 0, THEORY > 0], axis=-1)
    states = xr.Dataset({"state_m": (("theta", "beta", "state"), state_m),
                         "state_stable": (("theta", "beta", "state"), stable)}, {**coords, "state": [0, 1, 2]})
    critical = xr.Dataset({"beta_c": (("theta", "root"), [[1.23], [0.54]])}, {"theta": THETAS, "root": [0]})
    return particles, pde, states, critical


def test_agreement_rows_are_the_routes_values_and_their_differences():
    particles, pde, states, critical = _stores()
    table = phase_diagram.agreement(particles, pde, states).set_index(["theta", "beta"])
    runs = particles.long_time_abs_mean.values
    for i, theta in enumerate(THETAS):
        for j, beta in enumerate(BETAS):
            row = table.loc[(theta, beta)]
            assert row.particles_abs_m == pytest.approx(runs[i, j].mean(), rel=1e-14)
            assert row.particles_se == pytest.approx(runs[i, j].std(ddof=1) / np.sqrt(3), rel=1e-14)
            assert row.pde_abs_m == THEORY[i, j] and row.theory_abs_m == THEORY[i, j]
            expected = (runs[i, j].mean() - THEORY[i, j]) / (runs[i, j].std(ddof=1) / np.sqrt(3))
            assert row.particles_minus_theory_in_se == pytest.approx(expected, rel=1e-12)


def test_transitions_bracket_beta_c_and_the_figure_shows_the_tables_values():
    particles, pde, states, critical = _stores()
    table = phase_diagram.agreement(particles, pde, states)
    found = phase_diagram.transitions(table, critical).set_index("theta")
    assert found.loc[2.0, "particles_beta_below"] == 1.0 and found.loc[2.0, "particles_beta_above"] == 2.0
    assert found.loc[5.0, "theory_beta_below"] == 0.5 and found.loc[5.0, "theory_beta_above"] == 1.0
    assert found[[f"{r}_brackets_beta_c" for r in ("particles", "pde", "theory")]].all().all()
    fig = phase_diagram.plot(table, critical)
    for ax, route in zip(fig.axes[::2], ("particles", "pde", "theory")):
        mesh = ax.collections[0].get_array().reshape(len(BETAS), len(THETAS))
        expected = table.pivot(index="beta", columns="theta", values=f"{route}_abs_m").values
        np.testing.assert_array_equal(mesh, expected)
        line = ax.lines[0]
        np.testing.assert_array_equal(line.get_xdata(), THETAS)
        np.testing.assert_array_equal(line.get_ydata(), [1.23, 0.54])

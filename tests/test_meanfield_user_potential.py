"""A user's own potential (tests/user_potentials.py: callables, no registration) through every method.

The stationary diagram, the critical beta and the particle drift are checked against independent
computations: scipy.integrate.quad of the Gibbs integrals (full dynamics: V0 + V1(x, x/eps);
homogenized: V0 + psi with exp(-beta psi) = I0(beta delta/(1 + x^2)) from scipy.special.i0, while
the library computes psi by a y-quadrature because V1 is given as a general V1(x, y)).
Tolerance 1e-8 on m and beta: quad runs at epsrel 1e-12, the library's lattice is spectrally
accurate (resolution estimate < 1e-10 at these betas), brentq to 1e-13.
"""

import concurrent.futures
import multiprocessing

import numpy as np
import pytest
from scipy import integrate, special
from scipy.optimize import brentq

import user_potentials
from mfsweep.meanfield import particles
from mfsweep.meanfield.model import MissingDerivativeError, potential
from mfsweep.meanfield.stationary import critical, diagram

PATH = "user_potentials:QUARTIC_COSINE"
THETA, DELTA, EPS, BETA = 2.0, 0.5, 0.25, 4.0
TOL = 1e-8


def _energy(model, beta):
    if model == "full":
        return lambda x: user_potentials.v0(x) + user_potentials.v1(x, x / EPS, DELTA)
    return lambda x: user_potentials.v0(x) - np.log(special.i0(beta * DELTA / (1.0 + x * x))) / beta


def _moments(model, beta, m):
    """(mean, variance) of exp(-beta (W + theta (x^2/2 - m x))) by adaptive quadrature on [-6, 6]."""
    energy = _energy(model, beta)
    shift = min(energy(x) + THETA * (0.5 * x * x - m * x) for x in np.linspace(-3, 3, 6001))

    def density(x):
        return np.exp(-beta * (energy(x) + THETA * (0.5 * x * x - m * x) - shift))

    kw = dict(epsabs=0.0, epsrel=1e-12, limit=2000)
    z = integrate.quad(density, -6.0, 6.0, **kw)[0]
    kw["epsabs"] = 1e-13 * z  # the mean vanishes at m = 0: absolute tolerance relative to Z
    mean = integrate.quad(lambda x: x * density(x), -6.0, 6.0, **kw)[0] / z
    var = integrate.quad(lambda x: (x - mean) ** 2 * density(x), -6.0, 6.0, **kw)[0] / z
    return mean, var


def _params(model):
    return dict(theta=THETA, delta=DELTA, model=model, eps=EPS)


@pytest.mark.parametrize("model", ["full", "homogenized"])
def test_user_potential_diagram_matches_independent_quadrature(model):
    ds = diagram.run(PATH, {**_params(model), "m_range": (-2.0, 2.0), "beta_range": (0.2, 6.0), "n_m": 41,
                            "n_beta": 30, "free_energy_beta": BETA})
    assert ds.attrs["potential"] == PATH and str(ds.dynamics.values).startswith(model)
    # independent: every root of R(m) - m on [-2, 2] by a sign-change scan of the quad R, refined by brentq
    grid = np.linspace(-1.99, 2.01, 21)  # offset so that m = 0 is not a scan point
    h = np.array([_moments(model, BETA, m)[0] - m for m in grid])
    roots = [brentq(lambda m: _moments(model, BETA, m)[0] - m, grid[k], grid[k + 1], xtol=1e-13)
             for k in np.flatnonzero(np.sign(h[:-1]) != np.sign(h[1:]))]
    assert len(roots) == 3
    np.testing.assert_allclose(ds.state_m.values, roots, rtol=0, atol=TOL)
    # stability R'(m) = beta theta Var < 1 from the quad variance
    assert list(ds.state_stable.values) == [BETA * THETA * _moments(model, BETA, m)[1] < 1.0 for m in roots]
    # points along the branches solve m = R(m) of the independent quadrature
    m, beta = ds.m.values[np.isfinite(ds.m.values)], ds.beta.values[np.isfinite(ds.m.values)]
    for k in np.linspace(0, m.size - 1, 5).astype(int):
        assert abs(_moments(model, beta[k], m[k])[0] - m[k]) < TOL


@pytest.mark.parametrize("model", ["full", "homogenized"])
def test_user_potential_critical_beta_matches_independent_quadrature(model):
    ds = critical.run(PATH, {**_params(model), "beta_range": (0.2, 6.0)})
    expected = brentq(lambda b: b * THETA * _moments(model, b, 0.0)[1] - 1.0, 0.2, 6.0, xtol=1e-13)
    assert ds.beta_c.size == 1 and abs(float(ds.beta_c[0]) - expected) < TOL


def test_user_potential_particle_run_and_missing_derivative():
    params = dict(theta=THETA, beta=BETA, delta=DELTA, eps=EPS, N=40, T=1.0, dt=0.005, snapshots=(0.0, 1.0),
                  record_dt=0.1)
    ds = particles.run(PATH, params, runs=2, seed=7)
    assert ds.sizes["run"] == 2 and ds.attrs["potential"] == PATH
    assert np.all(np.isfinite(ds.positions)) and np.isfinite(ds.tv_distance).all()
    # run k is keyed by its index, not by how the runs are chunked
    again = particles.run(PATH, params, runs=[1], seed=7)
    np.testing.assert_array_equal(again.positions.sel(run=1), ds.positions.sel(run=1))
    # the same object given directly (labelled by its name) runs too
    assert particles.run(user_potentials.QUARTIC_COSINE, params).attrs["potential"] == "quartic_cosine"
    with pytest.raises(MissingDerivativeError, match=r"the derivative V0'\(x\) of 'quartic' is needed by the drift"):
        particles.run(user_potentials.NO_DERIVATIVES, params)
    # the stationary methods need values only
    assert diagram.run(user_potentials.NO_DERIVATIVES, {**_params("full"), "beta_range": (0.2, 2.0), "n_m": 21,
                                                        "n_beta": 10}).sizes["branch"] >= 1


def _resolve_in_worker(path):
    return potential(path).name


def test_user_potential_reaches_a_spawned_process_by_import_path():
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        assert pool.submit(_resolve_in_worker, PATH).result(timeout=120) == "quartic_cosine"

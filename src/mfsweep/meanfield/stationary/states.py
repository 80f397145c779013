"""Method ``states``: every stationary state m = R(m) at one (theta, beta) (eqs. 1.8-1.9, 2.24-2.25, 3.3-3.4).

Each state comes with its stability (R'(m) < 1), its free energy (eq. 1.5) and its Gibbs density
p(x; m) on the quadrature lattice. The particle and PDE methods compare their long-time results
with these states (:func:`solve`).
"""

from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..model import potentials
from ..common import (ATTRS, PointParams, QuadratureParams, StatesParams, as_params, attrs, model_potential,
                      scalar_coords, state_variables, stationary_problem)

METHOD = SEED_LABEL = "stationary.states"  # deterministic: SEED_LABEL only names the method in sweeps
resolve_problem = potentials.potential  # checks a problem (potential) name before a sweep runs


@dataclass(frozen=True)
class Params(StatesParams, QuadratureParams, PointParams):
    """The point (theta, beta), the dynamics, the lattice and the window of m (fields of the mixins)."""


def solve(problem, beta, m_range=(-3.0, 3.0), n_scan=601):
    """Every StationaryState(m, stable, free_energy) of a MeanFieldProblem at ``beta`` in ``m_range``, ascending in m."""
    return problem.stationary_states(beta, tuple(m_range), n_scan=n_scan)


def run(problem, params=None, *, runs=1, seed=0):
    """The stationary states of ``problem`` (a potential) at ``params``; ``runs`` and ``seed`` are ignored.

    Dataset, dims ``state`` (ascending m) and ``x`` (quadrature nodes): ``state_m``,
    ``state_stable``, ``state_free_energy``, ``state_dR_dm``, ``state_p`` (the normalised
    density p(x; m), sum of ``weight`` * p = 1) and ``weight`` (trapezoid weights).
    """
    del runs, seed  # deterministic
    params = as_params(Params, params)
    mfp = stationary_problem(model_potential(problem, params), params)
    states = solve(mfp, params.beta, params.m_range, params.n_scan)
    m = np.array([s.m for s in states], dtype=float)
    m_abs = max(map(abs, params.m_range))
    grid = mfp.quadrature_grid(params.beta, m_abs)
    density = mfp.stationary_density(m, params.beta) if m.size else None
    p = density.p if density is not None else np.empty((0, grid.x.size))
    x, weight = (density.x, density.w) if density is not None else (grid.x, grid.w)
    ds = xr.Dataset(
        {**state_variables(states),
         "state_dR_dm": ("state", np.array([mfp.dR_dm(s.m, params.beta) for s in states], dtype=float),
                         {"long_name": "R'(m) = beta theta Var of the state (stable if < 1)", "units": "1"}),
         "state_p": (("state", "x"), p, {"long_name": "stationary density p(x; m) (eq. 1.8)", "units": "1"}),
         "weight": ("x", weight, {"long_name": "trapezoid weight of the quadrature node", "units": "1"})},
        coords={"state": ("state", np.arange(m.size), ATTRS["state"]),
                "x": ("x", x, {"long_name": "quadrature node x", "units": "1"}), **scalar_coords(params)},
    )
    ds.attrs = attrs(params, METHOD, problem)
    return ds

"""Method ``diagram``: every branch of m = R(m; theta, beta) in an (m, beta) window (Figs 1b, 5c, 6b-9b).

The branches are traced by pseudo-arclength continuation of H = R - m (:mod:`.continuation`) with
exact derivatives (dR/dm = beta theta Var, dR/dbeta = -Cov(x, d(beta E)/d beta)); each point gets
its stability (R'(m) < 1) and free energy (eq. 1.5); folds and branch points are located. At
``free_energy_beta`` the states on the branches are refined by Newton and stored (Table 2): every
crossing of a branch with the line beta = const, m rounded to 9 digits.
"""

import logging
from dataclasses import dataclass

import numpy as np
import xarray as xr

from mfsweep.params import ParameterError, parameter

from ..model import potentials
from ..common import (ATTRS, ModelParams, Numbers, OptionalNumber, QuadratureParams, as_params, attrs, check_finite,
                      increasing, model_potential, scalar_coords, state_variables, stationary_problem)
from .continuation import ContinuationOptions, padded_arrays, trace_branches
from .selfconsistency import StationaryState

log = logging.getLogger(__name__)

METHOD = SEED_LABEL = "stationary.diagram"  # deterministic: SEED_LABEL only names the method in sweeps
resolve_problem = potentials.potential  # checks a problem (potential) name before a sweep runs


@dataclass(frozen=True)
class Params(QuadratureParams, ModelParams):
    m_range: Numbers = parameter((-2.0, 2.0), "window of m (symmetric about 0 for a symmetric potential)")
    beta_range: Numbers = parameter((0.1, 50.0), "window of beta (0 < lo < hi)")
    n_m: int = parameter(401, "m-points of the discovery grid of the continuation")
    n_beta: int = parameter(100, "beta-points of the discovery grid of the continuation")
    free_energy_beta: OptionalNumber = parameter(None, "beta at which the states on the branches are stored with "
                                                       "stability and free energy (Table 2); None: none")

    def _check(self):
        super()._check()
        increasing("m_range", self.m_range)
        increasing("beta_range", self.beta_range)
        if self.beta_range[0] <= 0:
            raise ParameterError(f"beta_range: need 0 < lo, got {list(self.beta_range)}")
        if self.free_energy_beta is not None and not self.free_energy_beta > 0:
            raise ParameterError(f"free_energy_beta: must be > 0, got {self.free_energy_beta!r}")
        _ = self.options  # n_m, n_beta >= 2

    @property
    def options(self):
        """The continuation options (discovery grid)."""
        try:
            return ContinuationOptions(n_m=self.n_m, n_beta=self.n_beta)
        except ValueError as error:
            raise ParameterError(f"n_m, n_beta: {error}") from None


def states_at_beta(problem, m, beta_points, beta):
    """The states at ``beta`` on branches given as (branch, point) arrays ``m``, ``beta_points`` (NaN padding).

    Every crossing of a branch with the line beta = const is refined by Newton on m = R(m); the
    roots are rounded to 9 digits, de-duplicated and returned ascending as StationaryState (stability
    and free energy evaluated there).
    """
    found = []
    for m_branch, b_branch in zip(np.atleast_2d(m), np.atleast_2d(beta_points)):
        keep = np.isfinite(m_branch)
        m_branch, b_branch = m_branch[keep], b_branch[keep]
        for k in np.flatnonzero(np.diff(np.sign(b_branch - beta)) != 0):
            weight = (beta - b_branch[k]) / (b_branch[k + 1] - b_branch[k])
            found.append(_newton(problem, m_branch[k] + weight * (m_branch[k + 1] - m_branch[k]), beta))
    return [StationaryState(float(s) + 0.0, bool(problem.dR_dm(s, beta) < 1.0), float(problem.free_energy(s, beta)))
            for s in np.unique(np.round(found, 9))]


def _newton(problem, m, beta, tol=1e-12, maxiter=50):
    for _ in range(maxiter):
        step = float(problem.residual(m, beta)) / (float(problem.dR_dm(m, beta)) - 1.0)
        m -= step
        if abs(step) < tol:
            return m
    raise ArithmeticError(f"Newton for m = R(m) at beta = {beta} did not converge from m = {m}")


def run(problem, params=None, *, runs=1, seed=0):
    """The bifurcation diagram of ``problem`` (a potential) at ``params``; ``runs`` and ``seed`` are ignored.

    Dataset: ``m``, ``beta``, ``stable`` (1/0, NaN padding), ``free_energy`` on (branch, point),
    ``n_points`` per branch, folds and branch points as ``special_m``, ``special_beta``,
    ``special_kind`` (special), and at ``free_energy_beta`` the states ``state_m``,
    ``state_stable``, ``state_free_energy`` (state). Raises QuadratureResolutionError before any
    work if the lattice does not resolve the window's top corner.
    """
    del runs, seed  # deterministic
    params = as_params(Params, params)
    mfp = stationary_problem(model_potential(problem, params), params)
    mfp.check_resolution(params.beta_range[1], max(map(abs, params.m_range)), what=METHOD)
    diagram = trace_branches(mfp.residual, params.m_range, params.beta_range, dH=mfp.jacobian,
                             symmetric=mfp.potential.symmetric, options=params.options)
    arrays = padded_arrays(diagram.branches)
    valid = np.isfinite(arrays["m"])
    free_energy = np.full(arrays["m"].shape, np.nan)
    for b, branch in enumerate(diagram.branches):
        free_energy[b, : len(branch)] = mfp.free_energy(branch.m, branch.beta)
    residual = max((np.max(np.abs(mfp.residual(br.m, br.beta))) for br in diagram.branches), default=0.0)
    check_finite(f"{METHOD} of {problem!r}", free_energy=free_energy[valid])
    special = diagram.special_points
    states = ([] if params.free_energy_beta is None else
              states_at_beta(mfp, arrays["m"], arrays["beta"], params.free_energy_beta))
    ds = xr.Dataset(
        {
            "m": (("branch", "point"), arrays["m"], ATTRS["m"]),
            "beta": (("branch", "point"), arrays["beta"], ATTRS["beta"]),
            "stable": (("branch", "point"), arrays["stable"],
                       {"long_name": "linearly stable: R'(m) < 1 (1 = stable, 0 = unstable, NaN = padding)",
                        "units": "1"}),
            "free_energy": (("branch", "point"), free_energy,
                            {"long_name": "free energy of the stationary state (eq. 1.5)", "units": "1"}),
            "n_points": ("branch", arrays["n_points"], {"long_name": "points on the branch", "units": "1"}),
            "special_m": ("special", np.array([p.m for p in special], dtype=float), ATTRS["m"]),
            "special_beta": ("special", np.array([p.beta for p in special], dtype=float), ATTRS["beta"]),
            "special_kind": ("special", np.array([p.kind for p in special], dtype=object),
                             {"long_name": "fold (saddle-node) or branch_point (pitchfork)"}),
            **state_variables(states),
        },
        coords={"branch": ("branch", np.arange(len(diagram.branches)), {"long_name": "branch index", "units": "1"}),
                "point": ("point", np.arange(arrays["m"].shape[1]),
                          {"long_name": "point index along the branch", "units": "1"}),
                "special": ("special", np.arange(len(special)), {"long_name": "special point index", "units": "1"}),
                "state": ("state", np.arange(len(states)), {"long_name": "stationary state at free_energy_beta "
                                                                         "(ascending m)", "units": "1"}),
                **scalar_coords(params)},
    )
    ds.attrs = attrs(params, METHOD, problem, max_abs_residual=float(residual))
    log.info("diagram of %s: %d branches, %d special points, max |m - R(m)| = %.1e",
             ds.attrs["potential"], len(diagram.branches), len(special), residual)
    return ds

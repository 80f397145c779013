"""Method ``critical``: every critical beta of the m = 0 state, the roots of beta theta Var_{m=0}(beta) = 1.

Eq. (1.10) without fluctuations, (4.4) for the full dynamics, (2.27) homogenized (Fig 10): at
such a beta the symmetric state changes stability (R'(0) = 1) and branches bifurcate from it.
"""

from dataclasses import dataclass

import numpy as np
import xarray as xr

from mfsweep.params import parameter

from ..model import potentials
from ..common import ModelParams, Numbers, QuadratureParams, as_params, attrs, increasing, model_potential, \
    scalar_coords, stationary_problem

METHOD = SEED_LABEL = "stationary.critical"  # deterministic: SEED_LABEL only names the method in sweeps
resolve_problem = potentials.potential  # checks a problem (potential) name before a sweep runs


@dataclass(frozen=True)
class Params(QuadratureParams, ModelParams):
    beta_range: Numbers = parameter((0.05, 60.0), "interval of beta searched for roots (0 < lo < hi)")
    n_scan: int = parameter(400, "points of the sign-change scan over beta_range (roots refined by brentq)")
    spacing: str = parameter("geometric", "spacing of the scan: geometric or linear")
    xtol: float = parameter(1e-10, "absolute tolerance of the roots (plus 1e-12 relative)")

    _POSITIVE = ("n_scan", "xtol")
    _CHOICES = {"spacing": ("geometric", "linear")}

    def _check(self):
        super()._check()
        increasing("beta_range", self.beta_range)


def solve(problem, params):
    """The critical betas of a MeanFieldProblem over ``params.beta_range`` (ascending)."""
    return problem.critical_betas(params.beta_range, n_scan=params.n_scan, spacing=params.spacing, xtol=params.xtol)


def run(problem, params=None, *, runs=1, seed=0):
    """Every critical beta of ``problem`` (a potential) at ``params``, dim ``root``; ``runs``, ``seed`` ignored.

    Tangential roots and roots closer than the scan spacing are not found; raises
    QuadratureResolutionError if the lattice does not resolve the m = 0 state at the top of beta_range.
    """
    del runs, seed  # deterministic
    params = as_params(Params, params)
    roots = solve(stationary_problem(model_potential(problem, params), params), params)
    ds = xr.Dataset(
        {"beta_c": ("root", np.asarray(roots, dtype=float),
                    {"long_name": "critical inverse temperature (roots of beta theta Var = 1, eqs. 1.10, 2.27, 4.4)",
                     "units": "1"})},
        coords={"root": ("root", np.arange(len(roots)), {"long_name": "index of the critical beta, ascending",
                                                         "units": "1"}), **scalar_coords(params)},
    )
    ds.attrs = attrs(params, METHOD, problem)
    return ds

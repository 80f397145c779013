"""Method ``rmap``: the self-consistency map R(m; theta, beta) and R'(m) on a grid of m (Figs 1a, 3, 4, 5a-b, 6a-9a).

R(m) = int x p(x; m) dx (eq. 3.4 for the full dynamics, eq. 2.25 homogenized) and
R'(m) = beta theta Var_{p(.; m)}(x), exact quadratures (:mod:`.selfconsistency`); the stationary
states are the crossings with the diagonal, stable where R' < 1.
"""

from dataclasses import dataclass

import numpy as np
import xarray as xr

from mfsweep.params import ParameterError, parameter

from ..model import potentials
from ..common import (ATTRS, Numbers, PointParams, QuadratureParams, as_params, attrs, check_finite, increasing,
                      model_potential, scalar_coords, stationary_problem)

METHOD = SEED_LABEL = "stationary.rmap"  # deterministic: SEED_LABEL only names the method in sweeps
resolve_problem = potentials.potential  # checks a problem (potential) name before a sweep runs


@dataclass(frozen=True)
class Params(QuadratureParams, PointParams):
    m_range: Numbers = parameter((-2.0, 2.0), "interval of the m grid")
    n_m: int = parameter(401, "points of the m grid (>= 2)")

    def _check(self):
        super()._check()
        increasing("m_range", self.m_range)
        if self.n_m < 2:
            raise ParameterError(f"n_m: need at least 2 points, got {self.n_m}")


def run(problem, params=None, *, runs=1, seed=0):
    """R(m) and R'(m) of ``problem`` (a potential) at ``params``, dim ``m``; ``runs`` and ``seed`` are ignored.

    Raises QuadratureResolutionError before any work if the lattice does not resolve the densities
    of the m grid at beta.
    """
    del runs, seed  # deterministic
    params = as_params(Params, params)
    mfp = stationary_problem(model_potential(problem, params), params)
    m = np.linspace(*params.m_range, params.n_m)
    mfp.check_resolution(params.beta, float(np.max(np.abs(m))), what=METHOD)
    R, dR = mfp.R(m, params.beta), mfp.dR_dm(m, params.beta)
    check_finite(f"{METHOD} of {problem!r}", R=R, dR_dm=dR)
    ds = xr.Dataset(
        {"R": ("m", R, {"long_name": "self-consistency map R(m; theta, beta) (eqs. 2.25, 3.4)", "units": "1"}),
         "dR_dm": ("m", dR, {"long_name": "R'(m) = beta theta Var (stable if < 1)", "units": "1"})},
        coords={"m": ("m", m, ATTRS["m"]), **scalar_coords(params)},
    )
    ds.attrs = attrs(params, METHOD, problem)
    return ds

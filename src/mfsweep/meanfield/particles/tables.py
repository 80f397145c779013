"""Coefficient tables of the particle kernel: drift (and mobility, noise) of either dynamics on a uniform grid.

The x-dependent coefficients are tabulated once per run from the potential (V^eps' for the full
system; psi', M, M' of :mod:`~mfsweep.meanfield.model.homogenization`, closed forms with stable
Bessel ratios i1e/i0e for V1 = A(x) cos y, quadrature otherwise), so any potential object works in
the one numba kernel (:mod:`.kernels`). Linear interpolation errs by at most h^2/8 max|f''|: with
the default 1024 nodes per fast period 2 pi eps (h = 6.1e-4 at eps = 0.1) that is 5e-5 on case 1's
force of amplitude delta/eps = 10 (4e-4 on case 4's force of size 80 at |x| = 4), far below the
O(dt) error of the time stepping. The tabulation is also 3x faster than evaluating sin(x/eps) per
particle-step.

The truncation chi_[-a,a] of the nonseparable fluctuation is evaluated exactly at the nodes
(chi(+-a) = 1); the jump of V^eps (and of psi) at |x| = a is smeared over the one cell containing
it, i.e. its singular force (a delta at +-a) is not represented. For the paper's a = 5 the Gibbs
weight there is ~exp(-beta V0(5)) = exp(-150 beta): no particle goes there after the first steps.

Local stiffness (see :mod:`.method` for the step-stability guard): :attr:`DriftTable.stiffness`
tabulates, per cell, the slope of the interpolated drift row, -(drift[j+1] - drift[j]) / h: the
exact stiffness of the piecewise-linear drift the kernel integrates, equal to -drift' at the cell
midpoint up to h^2/24 max|drift'''| (a finite difference of the table, not the analytical
V^eps'': the kernel's own dynamics is what has to be stable; the kernel forms the same difference
from the two drift values it reads anyway). The cell holding the jump at |x| = a has a spurious
stiffness ~jump/h; nobody goes there (above).
"""

import functools
from dataclasses import dataclass

import numpy as np

from ..model import homogenization as hom
from ..model.dynamics import Dynamics
from ..model.potentials import PERIOD, TwoScalePotential
from .kernels import DRIFT, MOBILITY

__all__ = ["DriftTable", "table_spacing", "drift_table", "max_stiffness"]


@dataclass(frozen=True)
class DriftTable:
    """Coefficient rows on the grid x_lo + k h: [f] (full) or [g, M, b, c] (homogenized), see :mod:`.kernels`."""

    values: np.ndarray
    x_lo: float
    spacing: float
    dynamics: Dynamics

    @property
    def x(self) -> np.ndarray:
        return self.x_lo + self.spacing * np.arange(self.values.shape[1])

    @property
    def x_hi(self) -> float:
        return self.x_lo + self.spacing * (self.values.shape[1] - 1)

    @functools.cached_property
    def stiffness(self) -> np.ndarray:
        """-(drift[j+1] - drift[j]) / h on each cell j: kappa - theta (full) or kappa - theta M (homogenized)."""
        drift = self.values[DRIFT]
        return np.ascontiguousarray(-(drift[1:] - drift[:-1]) / self.spacing)


def table_spacing(dynamics: Dynamics, points_per_period: int, dx: float) -> float:
    """Node spacing: dx, and for the full system at most 2 pi eps / points_per_period."""
    if dynamics.homogenized:
        return float(dx)
    return min(float(dx), PERIOD * dynamics.eps / points_per_period)


def _grid(domain, spacing):
    lo, hi = map(float, domain)
    if not hi > lo:
        raise ValueError(f"table_domain: need lo < hi, got {list(domain)}")
    return lo + spacing * np.arange(int(np.ceil((hi - lo) / spacing)) + 1)


def drift_table(potential: TwoScalePotential, dynamics: Dynamics, beta: float, domain, spacing: float) -> DriftTable:
    """The coefficient table of ``dynamics`` on a grid of ``domain`` with node spacing ``spacing``.

    * Full(eps): f = -dV^eps/dx (eq. 2.1);
    * Homogenized(psi_sign): g = -M (V0' + psi') + M'/beta, M, b = sqrt(2 M/beta), c = M'/(2 beta)
      (eqs. 2.16, 2.21, 2.22).

    Needs the derivatives of the potential (:class:`~mfsweep.meanfield.model.MissingDerivativeError`
    names a missing one).
    """
    x = _grid(domain, spacing)
    if not dynamics.homogenized:
        rows = -potential.derivative(x, dynamics.eps, needed_by="the drift of the full particle system (eq. 2.1)")
        return DriftTable(rows[None, :], float(x[0]), spacing, dynamics)
    needed_by = "the drift of the homogenized particle system (eq. 2.17)"
    mobility = hom.mobility(potential, x, beta)
    mobility_dx = hom.mobility_dx(potential, x, beta, needed_by=needed_by)
    force = hom.homogenized_potential_dx(potential, x, beta, psi_sign=dynamics.psi_sign, needed_by=needed_by)
    rows = np.stack([-mobility * force + mobility_dx / beta, mobility, np.sqrt(2.0 * mobility / beta),
                     mobility_dx / (2.0 * beta)])
    return DriftTable(rows, float(x[0]), spacing, dynamics)


def max_stiffness(table: DriftTable, lo: float, hi: float, theta: float = 0.0) -> float:
    """Largest local stiffness kappa on the table cells that meet [lo, hi]: a cheap check before a run.

    kappa = stiffness + theta (full) or stiffness + theta max(M at the cell's two nodes)
    (homogenized; an upper bound on the cell), as the kernel counts it. Steps dt < 2 / max_stiffness
    are stable on [lo, hi]; where the particles actually go is checked during the run
    (:func:`.method.run_particles`). Example: the case-4 full table (eps = 0.1, theta = 0.5) gives
    2 / max_stiffness of 0.0144 on [-2, 2] and 0.0031 on [-4, 4].
    """
    if not lo <= hi:
        raise ValueError(f"max_stiffness: need lo <= hi, got [{lo}, {hi}]")
    cells = table.stiffness.size
    first = min(max(int(np.floor((lo - table.x_lo) / table.spacing)), 0), cells - 1)
    last = min(max(int(np.ceil((hi - table.x_lo) / table.spacing)), first + 1), cells)
    kappa = table.stiffness[first:last]
    if table.dynamics.homogenized:
        mobility = table.values[MOBILITY]
        return float(np.max(kappa + theta * np.maximum(mobility[first:last], mobility[first + 1:last + 1])))
    return float(np.max(kappa) + theta)

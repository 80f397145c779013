"""Interacting diffusions in a two-scale potential: the full eps-system and the homogenized system.

Gomes & Pavliotis (2017), Section 4.4: N particles with F(x) = x^2/2, i.e.

* full (eq. 2.1):        dX = -(V^eps'(X) + theta (X - xbar)) dt + sqrt(2/beta) dB   (Euler-Maruyama);
* homogenized (2.17):    dX = [-M (V0' + psi' + theta (X - xbar)) + beta^{-1} M'] dt + sqrt(2 M/beta) dB
  (Ito form with the Klimontovich correction beta^{-1} M', eq. 2.22; Milstein).

The x-dependent coefficients are tabulated once per run on a uniform grid from the potentials
registry (:mod:`.potentials`: V^eps' for the full system; psi', M, M' of :mod:`.homogenization`,
closed forms with stable Bessel ratios i1e/i0e for V1 = A(x) cos y, quadrature otherwise), so any
registered potential works in the one numba kernel (:mod:`.particle_kernels`). Linear
interpolation errs by at most h^2/8 max|f''|: with the default 1024 nodes per fast period 2 pi eps
(h = 6.1e-4 at eps = 0.1) that is 5e-5 on case 1's force of amplitude delta/eps = 10 (4e-4 on case 4's
force of size 80 at |x| = 4), far below the
O(dt) error of the time stepping. The tabulation is also 3x faster than evaluating sin(x/eps) per
particle-step.

The truncation chi_[-a,a] of the nonseparable fluctuation is evaluated exactly at the nodes
(chi(+-a) = 1); the jump of V^eps (and of psi) at |x| = a is smeared over the one cell containing
it, i.e. its singular force (a delta at +-a) is not represented. For the paper's a = 5 the Gibbs
weight there is ~exp(-beta V0(5)) = exp(-150 beta): no particle goes there after the first steps.

Step stability. One Euler-Maruyama step at x multiplies a perturbation by 1 - dt kappa(x) (so
does Milstein: its noise terms do not enter the drift's linearisation), with the local stiffness

* full:         kappa = -f'(x) + theta = V^eps''(x) + theta;
* homogenized:  kappa = -g'(x) + theta M(x), the linearised drift without its term
  theta M'(x) (x - xbar) (which would need xbar per particle-step; it is small where M' is).

The step is unstable where dt kappa >= 2, and kappa depends on x: for case 1 V^eps'' = 1 + (delta /
eps^2) cos(x/eps) <= 101 (the paper's dt = 0.01 gives dt kappa <= 1.03 with theta = 2); for case 4
V^eps'' ~ delta chi(x) x^2/(2 eps^2) cos(x/eps) grows like x^2, and dt = 0.01 is unstable at |x| >~ 2
(2 / max kappa is 0.014 on [-2, 2], 0.0031 on [-4, 4]), where the particles of N(0, 4) start.
:attr:`DriftTable.stiffness` tabulates, per cell, the slope of the interpolated drift row,
-(drift[j+1] - drift[j]) / h: the exact stiffness of the piecewise-linear drift the kernel
integrates, equal to -drift' at the cell midpoint up to h^2/24 max|drift'''| (a finite difference
of the table, not the analytical V^eps'': the kernel's own dynamics is what has to be stable; the
kernel forms the same difference from the two drift values it reads anyway). The cell holding
the jump at |x| = a has a spurious stiffness ~jump/h; nobody goes there (above). The kernel counts
the particle-steps taken with dt kappa >= 2, so the check is about where the particles actually
are: :func:`run_particles` raises :class:`StepStabilityError` when their fraction exceeds
``stability_tolerance`` (or warns with ``allow_unstable=True``); :func:`max_stiffness` bounds
kappa on an interval before a run.

Measured (seeds 0-3, x0 ~ N(0, 4)): case 1 (theta = 2, beta = 8, eps = 0.1, N = 1000) at dt = 0.01
has no unstable step, full (largest dt kappa 1.03) or homogenized (1.6e-7); at dt = 0.05 the full
system has 31 % (dt kappa up to 5.15). Case 4 (theta = 0.5, beta = 5.6, N = 500) homogenized at
dt = 0.01 has none (largest 1.82, from particles starting beyond a = 5 where M = 1), but the full
system has 1.4-1.6e-3 of its particle-steps unstable over T = 50 (1.5e-4 over T = 500, 1.5e-5
over T = 5000): all in t <~ 4, about 7 unstable steps per particle, from the particles that start
at |x| > 2. They matter: at dt = 0.002 and 0.001 (no unstable step) 35 % of the particles stay
trapped in the wells of V1 at |x| > 2 up to T = 50; at dt = 0.01 the unstable steps throw them out
by t = 2 (0.6 % left). A fraction over a long horizon understates how much the transient decides.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import homogenization as hom
from .particle_kernels import DRIFT, MOBILITY, simulate
from .potentials import PERIOD, TwoScalePotential

__all__ = ["DriftTable", "Trajectory", "StepStabilityError", "StepStabilityWarning", "STABILITY_TOLERANCE",
           "table_spacing", "full_table", "homogenized_table", "max_stiffness", "run_particles"]

STABILITY_TOLERANCE = 1e-3
"""Default of ``run_particles(stability_tolerance=...)``: the largest fraction of particle-steps with dt kappa >= 2."""


@dataclass(frozen=True)
class DriftTable:
    """Coefficient rows on the grid x_lo + k h: [f] (full) or [g, M, b, c] (homogenized), see the kernel."""

    values: np.ndarray
    x_lo: float
    spacing: float
    homogenized: bool

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


class Trajectory(NamedTuple):
    means: np.ndarray  # xbar on the record steps
    snapshots: np.ndarray  # (snapshot, particle)
    counts: np.ndarray  # histogram counts accumulated over the recorded steps >= average_from
    final: np.ndarray  # positions at the end
    unstable_fraction: float = 0.0  # fraction of the particle-steps taken with dt kappa(x) >= 2
    max_dt_kappa: float = -np.inf  # largest dt kappa(x) over the particle-steps taken


class StepStabilityError(ArithmeticError):
    """Too many particle-steps were taken where dt kappa(x) >= 2, i.e. where the time step is unstable.

    Attributes: ``dt``; ``unstable_fraction`` and ``max_dt_kappa`` over the ``steps`` steps taken
    (of ``n_steps``); ``stable_dt`` = 2 / (largest kappa met).
    """

    def __init__(self, message, *, dt, unstable_fraction, max_dt_kappa, stable_dt, steps, n_steps):
        super().__init__(message)
        self.dt, self.unstable_fraction, self.max_dt_kappa = dt, unstable_fraction, max_dt_kappa
        self.stable_dt, self.steps, self.n_steps = stable_dt, steps, n_steps


class StepStabilityWarning(UserWarning):
    """Given by :func:`run_particles` instead of :class:`StepStabilityError` when ``allow_unstable=True``."""


def table_spacing(eps: float, homogenized: bool, points_per_period: int, dx: float) -> float:
    """Node spacing: dx, and for the full system at most 2 pi eps / points_per_period."""
    if homogenized:
        return float(dx)
    return min(float(dx), PERIOD * eps / points_per_period)


def _grid(domain, spacing):
    lo, hi = map(float, domain)
    if not hi > lo:
        raise ValueError(f"particles.table.domain: need lo < hi, got {list(domain)}")
    return lo + spacing * np.arange(int(np.ceil((hi - lo) / spacing)) + 1)


def full_table(potential: TwoScalePotential, domain, spacing: float) -> DriftTable:
    """f = -dV^eps/dx on the grid (eq. 2.1)."""
    x = _grid(domain, spacing)
    return DriftTable(-potential.derivative(x)[None, :], float(x[0]), spacing, homogenized=False)


def homogenized_table(potential: TwoScalePotential, beta: float, domain, spacing: float,
                      psi_sign: str = "printed") -> DriftTable:
    """g = -M (V0' + psi') + M'/beta, M, b = sqrt(2 M/beta), c = M'/(2 beta) on the grid (eqs. 2.16, 2.21, 2.22)."""
    x = _grid(domain, spacing)
    mobility = hom.mobility(potential, x, beta)
    mobility_dx = hom.mobility_dx(potential, x, beta)
    force = hom.homogenized_potential_dx(potential, x, beta, psi_sign=psi_sign)
    rows = np.stack([-mobility * force + mobility_dx / beta, mobility, np.sqrt(2.0 * mobility / beta),
                     mobility_dx / (2.0 * beta)])
    return DriftTable(rows, float(x[0]), spacing, homogenized=True)


def max_stiffness(table: DriftTable, lo: float, hi: float, theta: float = 0.0) -> float:
    """Largest local stiffness kappa on the table cells that meet [lo, hi]: a cheap check before a run.

    kappa = stiffness + theta (full) or stiffness + theta max(M at the cell's two nodes)
    (homogenized; an upper bound on the cell), as the kernel counts it. Steps dt < 2 / max_stiffness
    are stable on [lo, hi]; where the particles actually go is checked during the run
    (:func:`run_particles`). Example: the case-4 full table (eps = 0.1, theta = 0.5) gives
    2 / max_stiffness of 0.0144 on [-2, 2] and 0.0031 on [-4, 4].
    """
    if not lo <= hi:
        raise ValueError(f"max_stiffness: need lo <= hi, got [{lo}, {hi}]")
    cells = table.stiffness.size
    first = min(max(int(np.floor((lo - table.x_lo) / table.spacing)), 0), cells - 1)
    last = min(max(int(np.ceil((hi - table.x_lo) / table.spacing)), first + 1), cells)
    kappa = table.stiffness[first:last]
    if table.homogenized:
        mobility = table.values[MOBILITY]
        return float(np.max(kappa + theta * np.maximum(mobility[first:last], mobility[first + 1:last + 1])))
    return float(np.max(kappa) + theta)


def run_particles(table: DriftTable, x0, rng, *, theta: float, beta: float, dt: float, n_steps: int,
                  record_every: int = 1, snapshot_steps=(), bins=(0.0, 1.0), average_from: int = 0,
                  stability_tolerance: float = STABILITY_TOLERANCE, allow_unstable: bool = False) -> Trajectory:
    """Advance the particles ``x0`` by ``n_steps`` steps of size ``dt`` (kernel: :func:`.particle_kernels.simulate`).

    ``bins`` are uniform histogram edges; counts are accumulated on the recorded steps
    >= ``average_from``. Raises FloatingPointError if a particle leaves the table's domain or
    becomes non-finite (widen ``particles.table.domain`` or reduce dt).

    Step stability (module docstring): ``Trajectory.unstable_fraction`` is the fraction of the
    N ``n_steps`` particle-steps taken where dt kappa(x) >= 2, ``max_dt_kappa`` the largest
    dt kappa met. If the fraction exceeds ``stability_tolerance`` (default
    :data:`STABILITY_TOLERANCE` = 1e-3; the paper's settings give 0, except case 4 full, whose
    transient from N(0, 4) gives 1.5e-3 over T = 50, 1.5e-4 over T = 500 and 1.5e-5 over the
    paper's T = 5000; a step past the edge of stability in the fast wells, case 1 at dt = 0.05,
    gives 0.31) the run raises :class:`StepStabilityError`, naming dt, the largest dt kappa
    met and 2 / max kappa, the step that would be stable where the particles went. The error
    comes early: the kernel stops after the first step at which the count exceeds
    ``stability_tolerance`` N ``n_steps``, i.e. as soon as the run cannot pass whatever its
    remaining steps do (no run that would pass is stopped; one with a steady fraction f stops after
    a share ~tolerance/f of its horizon). With ``allow_unstable=True`` the run goes to the end
    and gives a :class:`StepStabilityWarning` instead. The count does not change the run:
    positions, means, histograms and the random stream are those of the kernel without it.
    """
    if not np.all(np.isfinite(table.values)):
        raise FloatingPointError("drift table has non-finite entries (potential, beta or domain too extreme)")
    if not stability_tolerance >= 0.0:
        raise ValueError(f"stability_tolerance must be >= 0, got {stability_tolerance!r}")
    x = np.array(x0, dtype=float)
    edges = np.asarray(bins, dtype=float)
    width = (edges[-1] - edges[0]) / (edges.size - 1)
    noise = np.sqrt(dt) if table.homogenized else np.sqrt(2.0 * dt / beta)
    n_steps = int(n_steps)
    budget = stability_tolerance * x.size * n_steps  # unstable particle-steps the whole run may take
    limit = np.iinfo(np.int64).max if allow_unstable or budget >= 2.0 ** 62 else int(np.floor(budget))
    means, snapshots, counts, failed, steps, unstable, max_kappa = simulate(
        x, rng, table.values, table.x_lo, 1.0 / table.spacing, table.homogenized, float(theta),
        float(dt), float(noise), n_steps, int(record_every), np.asarray(snapshot_steps, dtype=np.int64),
        float(edges[0]), 1.0 / width, edges.size - 1, int(average_from), limit)
    taken = x.size * steps
    fraction = unstable / taken if taken else 0.0
    max_dt_kappa = dt * max_kappa
    stable_dt = 2.0 / max_kappa if max_kappa > 0 else np.inf
    stability = (f"{unstable} of {taken} particle-steps ({fraction:.3g}) were taken where dt kappa(x) >= 2 "
                 f"(tolerance {stability_tolerance:g}): dt = {dt:g}, largest dt kappa met {max_dt_kappa:.3g}, "
                 f"stable there: dt < 2 / max kappa = {stable_dt:.3g}")
    if failed >= 0:
        raise FloatingPointError(
            f"particle system left the table domain [{table.x_lo:g}, {table.x_hi:g}] or became non-finite at "
            f"t = {failed * dt:g} (step {failed}); widen particles.table.domain or reduce dt"
            + (f"; before that, {unstable} particle-steps were taken where dt kappa(x) >= 2 (dt = {dt:g}, largest "
               f"dt kappa met {max_dt_kappa:.3g}, stable there: dt < {stable_dt:.3g})" if unstable else ""))
    if unstable > limit or steps < n_steps:  # the kernel stops early only past the limit
        stop = (f"; stopped at t = {steps * dt:g} (step {steps} of {n_steps}): the whole run can no longer pass"
                if steps < n_steps else "")
        raise StepStabilityError(
            f"unstable time step: {stability}{stop}; reduce dt (or pass allow_unstable=True to keep the results)",
            dt=dt, unstable_fraction=fraction, max_dt_kappa=max_dt_kappa, stable_dt=stable_dt, steps=steps,
            n_steps=n_steps)
    if fraction > stability_tolerance:
        warnings.warn(f"unstable time step: {stability}; results kept (allow_unstable=True)", StepStabilityWarning,
                      stacklevel=2)
    return Trajectory(means, snapshots, counts, x, fraction, max_dt_kappa)

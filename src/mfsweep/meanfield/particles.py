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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import homogenization as hom
from .particle_kernels import simulate
from .potentials import PERIOD, TwoScalePotential

__all__ = ["DriftTable", "Trajectory", "table_spacing", "full_table", "homogenized_table", "run_particles"]


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


class Trajectory(NamedTuple):
    means: np.ndarray  # xbar on the record steps
    snapshots: np.ndarray  # (snapshot, particle)
    counts: np.ndarray  # histogram counts accumulated over the recorded steps >= average_from
    final: np.ndarray  # positions at the end


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


def run_particles(table: DriftTable, x0, rng, *, theta: float, beta: float, dt: float, n_steps: int,
                  record_every: int = 1, snapshot_steps=(), bins=(0.0, 1.0), average_from: int = 0):
    """Advance the particles ``x0`` by ``n_steps`` steps of size ``dt`` (kernel: :func:`.particle_kernels.simulate`).

    ``bins`` are uniform histogram edges; counts are accumulated on the recorded steps
    >= ``average_from``. Raises FloatingPointError if a particle leaves the table's domain or
    becomes non-finite (widen ``particles.table.domain`` or reduce dt).
    """
    if not np.all(np.isfinite(table.values)):
        raise FloatingPointError("drift table has non-finite entries (potential, beta or domain too extreme)")
    x = np.array(x0, dtype=float)
    edges = np.asarray(bins, dtype=float)
    width = (edges[-1] - edges[0]) / (edges.size - 1)
    noise = np.sqrt(dt) if table.homogenized else np.sqrt(2.0 * dt / beta)
    means, snapshots, counts, failed = simulate(
        x, rng, table.values, table.x_lo, 1.0 / table.spacing, table.homogenized, float(theta), float(dt),
        float(noise), int(n_steps), int(record_every), np.asarray(snapshot_steps, dtype=np.int64),
        float(edges[0]), 1.0 / width, edges.size - 1, int(average_from))
    if failed >= 0:
        raise FloatingPointError(
            f"particle system left the table domain [{table.x_lo:g}, {table.x_hi:g}] or became non-finite at "
            f"t = {failed * dt:g} (step {failed}); widen particles.table.domain or reduce dt")
    return Trajectory(means, snapshots, counts, x)

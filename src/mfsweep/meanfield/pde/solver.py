"""Time-dependent McKean-Vlasov equation (Gomes & Pavliotis 2017, Section 4.5, eqs. 4.6-4.7).

Both equations are solved in gradient-flow form

    d_t p = d_x( Mob(x) p d_x xi ),   xi = beta^{-1} ln p + V(x) + theta (x^2/2 - m(t) x),  m = int x p,

with Mob = 1, V = V^eps for ``Full(eps)`` (eq. 4.6), or Mob = M(x) (eq. 2.16), V = V0 + psi
(eq. 2.21) for ``Homogenized(psi_sign)``. The paper prints eq. (2.20)/(4.7) with an extra
+beta^{-1} M' p inside the bracket; the drift of its own McKean SDE (2.22), -M (V0' + psi' + theta(x - m)) + beta^{-1} M',
gives the form above (d_x(beta^{-1} d_x(M p) - beta^{-1} M' p) = d_x(beta^{-1} M d_x p)), whose
stationary states are eq. (2.24): we implement that.

Discretisation (after Carrillo, Chertock & Huang 2015, in its Scharfetter-Gummel form): cell-centred
finite volumes with no-flux boundaries, the exponentially fitted flux of
:mod:`.kernels`, backward Euler with the interaction's m lagged (the concave part
-theta m^2/2 of the free energy explicit, the convex rest implicit). Hence, for any step size:

* mass is conserved (zero column sums) and p stays positive (M-matrix);
* the discrete free energy F_h = h sum(beta^{-1} p ln p + V p + theta x^2 p/2) - theta m^2/2
  (eq. 1.5 with F = x^2/2) does not increase: by convexity/concavity
  F_h(p1) - F_h(p0) <= <xi1, p1 - p0>, which the step makes
  -dt sum_f (D_f/h) e^{..} (g_{f+1} - g_f)(ln g_{f+1} - ln g_f) <= 0 with g = p e^{phi};
* its fixed points are the discrete Gibbs states p_i ~ exp(-beta U(x_i; m)) with m = h sum x_i p_i,
  i.e. the self-consistency equation m = R(m) on the grid (midpoint rule).

Steps are adapted by step doubling (one step of dt against two of dt/2, L1 error per step <= tol),
and land exactly on the output times.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..model import homogenization as hom
from ..model.dynamics import Dynamics, Full, Homogenized
from ..model.potentials import PERIOD, TwoScalePotential
from .kernels import implicit_step

__all__ = ["FokkerPlanck", "Evolution", "gaussian"]


class Evolution(NamedTuple):
    times: np.ndarray  # output times
    p: np.ndarray  # (time, x)
    mean: np.ndarray
    free_energy: np.ndarray
    mass: np.ndarray
    steps: int  # accepted steps
    rejected: int
    max_free_energy_increase: float  # over all accepted steps (<= rounding)
    min_density: float  # over all accepted steps


def gaussian(x, mean, variance):
    """The N(mean, variance) density at x."""
    return np.exp(-0.5 * (x - mean) ** 2 / variance) / np.sqrt(2.0 * np.pi * variance)


@dataclass(frozen=True)
class FokkerPlanck:
    """The McKean-Vlasov equation of ``potential`` at (theta, beta) with ``dynamics`` on a cell-centred grid.

    Cell width: ``dx``, and for the full system at most 2 pi eps / ``cells_per_period``.
    """

    potential: TwoScalePotential
    theta: float
    beta: float
    dynamics: Dynamics
    domain: tuple = (-10.0, 10.0)
    dx: float = 0.01
    cells_per_period: int = 32

    def __post_init__(self):
        if not isinstance(self.dynamics, (Full, Homogenized)):
            raise TypeError(f"dynamics: expected Full(eps) or Homogenized(psi_sign), got {self.dynamics!r}")

    @property
    def homogenized(self) -> bool:
        return self.dynamics.homogenized

    @property
    def h(self) -> float:
        lo, hi = self.domain
        h = self.dx if self.homogenized else min(self.dx, PERIOD * self.dynamics.eps / self.cells_per_period)
        return (hi - lo) / np.ceil((hi - lo) / h)

    @property
    def x(self) -> np.ndarray:
        lo, hi = self.domain
        n = int(round((hi - lo) / self.h))
        return lo + self.h * (np.arange(n) + 0.5)

    def confining(self, x) -> np.ndarray:
        """V^eps (full) or V0 + psi (homogenized)."""
        if self.homogenized:
            return hom.homogenized_potential(self.potential, x, self.beta, psi_sign=self.dynamics.psi_sign)
        return self.potential.value(x, self.dynamics.eps)

    def face_mobility(self) -> np.ndarray:
        """M at the faces: harmonic mean of the adjacent cells' M (second order where M is smooth; well
        defined and mirror-symmetric where a face sits on a jump of chi_[-a,a])."""
        if not self.homogenized:
            return np.ones(self.x.size - 1)
        cells = hom.mobility(self.potential, self.x, self.beta)
        return 2.0 * cells[:-1] * cells[1:] / (cells[:-1] + cells[1:])

    def mean(self, p) -> float:
        return float(self.h * np.dot(self.x, p))

    def free_energy(self, p, confining=None) -> float:
        """Discrete eq. (1.5): h sum(beta^{-1} p ln p + V p) + (theta/2) Var."""
        x, h = self.x, self.h
        v = self.confining(x) if confining is None else confining
        positive = p > 0
        entropy = h * np.sum(p[positive] * np.log(p[positive])) / self.beta
        m = h * np.dot(x, p)
        return float(entropy + h * np.dot(v, p) + 0.5 * self.theta * (h * np.dot(x * x, p) - m * m))

    def initial(self, mean, variance) -> np.ndarray:
        """Gaussian initial density restricted to the domain and renormalised to mass 1 on the grid."""
        p = gaussian(self.x, mean, variance)
        return p / (self.h * p.sum())

    def evolve(self, p0, output_times, *, tol=1e-5, dt0=1e-4, dt_max=50.0) -> Evolution:
        """Integrate from t = 0 through the increasing ``output_times``; p, m, F and mass at each."""
        x, h = self.x, self.h
        confining = self.confining(x)
        if not np.all(np.isfinite(confining)):
            raise FloatingPointError("McKean-Vlasov: non-finite potential on the grid (domain too large?)")
        diffusion = self.face_mobility() / self.beta
        inv_h2 = 1.0 / (h * h)
        interaction = 0.5 * self.theta * x * x

        def step(p, dt):
            phi = self.beta * (confining + interaction - self.theta * h * np.dot(x, p) * x)
            return implicit_step(p, phi, diffusion, inv_h2, dt)

        p = np.asarray(p0, dtype=float).copy()
        outputs = np.asarray(output_times, dtype=float)
        if np.any(np.diff(outputs) <= 0) or outputs[0] < 0:
            raise ValueError("output_times must be non-negative and increasing")
        record = {"p": [], "mean": [], "free_energy": [], "mass": []}
        t, dt, accepted, rejected = 0.0, dt0, 0, 0
        energy = self.free_energy(p, confining)
        max_increase, min_density = -np.inf, float(p.min())
        for target in outputs:
            while t < target:
                step_dt = min(dt, target - t)
                full = step(p, step_dt)
                half = step(step(p, 0.5 * step_dt), 0.5 * step_dt)
                error = h * np.abs(full - half).sum()
                if not np.isfinite(error):
                    raise FloatingPointError(f"McKean-Vlasov: non-finite density at t = {t:g}")
                if error <= tol:
                    p, t = half, t + step_dt
                    new_energy = self.free_energy(p, confining)
                    max_increase = max(max_increase, new_energy - energy)
                    energy, min_density = new_energy, min(min_density, float(p.min()))
                    accepted += 1
                else:
                    rejected += 1
                    if step_dt < 1e-12:
                        raise ArithmeticError(f"McKean-Vlasov: step size underflow at t = {t:g}")
                grow = 0.9 * np.sqrt(tol / max(error, 1e-300))
                dt = min(dt_max, step_dt * min(2.0, max(0.2, grow)))
            record["p"].append(p.copy())
            record["mean"].append(self.mean(p))
            record["free_energy"].append(energy)
            record["mass"].append(h * p.sum())
        return Evolution(outputs, np.array(record["p"]), np.array(record["mean"]), np.array(record["free_energy"]),
                         np.array(record["mass"]), accepted, rejected, float(max_increase), min_density)

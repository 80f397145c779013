"""Method ``pde``: the time-dependent McKean-Vlasov equation at one (theta, beta) (Gomes & Pavliotis 2017, §4.5).

p(x, t) is evolved from a Gaussian to T (:mod:`.solver`: finite volumes, Scharfetter-Gummel
fluxes, adaptive backward Euler) for the full (eq. 4.6) or homogenized (eq. 4.7) dynamics, and
compared with the stationary solver at the same parameters: the stable stationary state nearest
to m(T) (:mod:`~mfsweep.meanfield.stationary.states`), its density on the cell centres, its m
and free energy, and the L1 distance of p(t) to it.
"""

import time
from dataclasses import dataclass

import numpy as np
import xarray as xr

from mfsweep.params import ParameterError, parameter

from ..model import potentials
from ..common import (ATTRS, Numbers, PointParams, QuadratureParams, StatesParams, as_params, attrs, check_finite, increasing,
                      model_potential, scalar_coords, stationary_problem)
from ..stationary import states as stationary_states
from ..stationary.selfconsistency import nearest_stable_state
from .solver import FokkerPlanck

__all__ = ["SEED_LABEL", "Params", "resolve_problem", "run", "solver", "stationary_on_grid"]

METHOD = SEED_LABEL = "pde"  # deterministic: SEED_LABEL only names the method in sweeps
resolve_problem = potentials.potential  # checks a problem (potential) name before a sweep runs


@dataclass(frozen=True)
class Params(StatesParams, QuadratureParams, PointParams):
    init_mean: float = parameter(0.0, "mean of the Gaussian initial density")
    init_var: float = parameter(4.0, "variance of the Gaussian initial density (the paper's N(0, 4))")
    T: float = parameter(5000.0, "time horizon")
    snapshots: Numbers = parameter((0.0, 1.0, 10.0, 100.0, 1000.0, 5000.0), "times at which p(x, t) is shown "
                                                                            "(added to the output times)")
    n_outputs: int = parameter(80, "geometrically spaced output times in [first_output, T] (>= 2)")
    first_output: float = parameter(0.01, "first positive output time (< T)")
    domain: Numbers = parameter((-10.0, 10.0), "interval [lo, hi] of the finite-volume grid (no-flux ends)")
    dx: float = parameter(0.01, "largest cell width")
    cells_per_period: int = parameter(32, "cells per fast period 2 pi eps (model = full)")
    tol: float = parameter(1e-5, "largest L1 error estimate accepted per step (step doubling; global error "
                                 "~ sqrt(tol))")
    dt0: float = parameter(1e-4, "first time step")
    dt_max: float = parameter(50.0, "largest time step")

    _POSITIVE = ("init_var", "T", "n_outputs", "first_output", "dx", "cells_per_period", "tol", "dt0", "dt_max")

    def _check(self):
        super()._check()
        if self.n_outputs < 2:
            raise ParameterError(f"n_outputs: need at least 2, got {self.n_outputs}")
        if not self.first_output < self.T:
            raise ParameterError(f"first_output: must be < T = {self.T}")
        increasing("domain", self.domain)
        if not self.domain[0] < self.init_mean < self.domain[1]:
            raise ParameterError(f"init_mean: must lie in domain {list(self.domain)}")

    @property
    def output_times(self):
        """0, ``n_outputs`` geometric times from ``first_output`` to T, and the snapshot times (<= T)."""
        times = np.geomspace(self.first_output, self.T, self.n_outputs)
        return np.unique(np.concatenate([[0.0], times, [t for t in self.snapshots if t <= self.T]]))


def solver(problem, params):
    """The Fokker-Planck solver of ``problem`` (a potential) at ``params``."""
    return FokkerPlanck(model_potential(problem, params), params.theta, params.beta, params.dynamics,
                        domain=tuple(params.domain), dx=params.dx, cells_per_period=params.cells_per_period)


def stationary_on_grid(fp, params, final_mean):
    """The stable stationary state nearest to ``final_mean`` and its density on the cell centres of ``fp``."""
    mfp = stationary_problem(fp.potential, params)
    state = nearest_stable_state(stationary_states.solve(mfp, fp.beta, params.m_range, params.n_scan), final_mean)
    log_z = float(mfp.moments(state.m, fp.beta).log_z)
    x = fp.x
    return state, np.exp(-fp.beta * (fp.confining(x) + fp.theta * (0.5 * x * x - state.m * x)) - log_z)


def run(problem, params=None, *, runs=1, seed=0):
    """Evolve p(x, t) of ``problem`` (a potential) at ``params``; ``runs`` and ``seed`` are ignored (deterministic).

    Dataset, dims ``time`` and ``x`` (cell centres): ``p``, ``mean``, ``free_energy``, ``mass``,
    ``distance_to_stationary``; the stationary solver's ``stationary_p`` (x), ``stationary_m``,
    ``stationary_free_energy``; ``steps``, ``rejected_steps``, ``max_free_energy_increase``, ``wall_time``.
    """
    del runs, seed  # deterministic
    params = as_params(Params, params)
    fp = solver(problem, params)
    start = time.perf_counter()
    evolution = fp.evolve(fp.initial(params.init_mean, params.init_var), params.output_times, tol=params.tol,
                          dt0=params.dt0, dt_max=params.dt_max)
    wall = time.perf_counter() - start
    state, stationary = stationary_on_grid(fp, params, evolution.mean[-1])
    distance = fp.h * np.abs(evolution.p - stationary).sum(axis=1)
    check_finite(f"{METHOD} of {problem!r}", p=evolution.p, mean=evolution.mean, free_energy=evolution.free_energy,
                 distance_to_stationary=distance)
    series = ("time",)
    ds = xr.Dataset(
        {
            "p": (("time", "x"), evolution.p, {"long_name": "density p(x, t) (cell averages)", "units": "1"}),
            "mean": (series, evolution.mean, {"long_name": "first moment m(t)", "units": "1"}),
            "free_energy": (series, evolution.free_energy,
                            {"long_name": "discrete free energy F(t) (eq. 1.5)", "units": "1"}),
            "mass": (series, evolution.mass, {"long_name": "total mass", "units": "1"}),
            "distance_to_stationary": (series, distance, {"long_name": "L1 distance of p(t) to the stationary "
                                                                       "solver's state", "units": "1"}),
            "stationary_p": ("x", stationary, {"long_name": "stationary density of the self-consistency solver",
                                               "units": "1"}),
            "stationary_m": ((), state.m, {"long_name": "m of the stable stationary state nearest to m(T)",
                                           "units": "1"}),
            "stationary_free_energy": ((), state.free_energy, {"long_name": "free energy of that state (eq. 1.5)",
                                                               "units": "1"}),
            "steps": ((), evolution.steps, {"long_name": "accepted time steps", "units": "1"}),
            "rejected_steps": ((), evolution.rejected, {"long_name": "rejected time steps", "units": "1"}),
            "max_free_energy_increase": ((), evolution.max_free_energy_increase,
                                         {"long_name": "largest change of F over one accepted step (<= 0 up to "
                                                       "rounding)", "units": "1"}),
            "wall_time": ((), wall, {"long_name": "wall time of the evolution", "units": "s"}),
        },
        coords={"time": ("time", evolution.times, ATTRS["time"]),
                "x": ("x", fp.x, {"long_name": "cell centre x", "units": "1"}),
                **scalar_coords(params),
                "delta": ((), float(params.delta), {"long_name": "fluctuation strength delta", "units": "1"})},
    )
    ds.attrs = attrs(params, METHOD, problem, cell_width=fp.h)
    return ds

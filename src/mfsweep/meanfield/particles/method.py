"""Method ``particles``: interacting diffusions in a two-scale potential (Gomes & Pavliotis 2017, Section 4.4).

N particles with F(x) = x^2/2:

* full, ``Full(eps)`` (eq. 2.1):  dX = -(V^eps'(X) + theta (X - xbar)) dt + sqrt(2/beta) dB  (Euler-Maruyama);
* homogenized, ``Homogenized(psi_sign)`` (eq. 2.17):
  dX = [-M (V0' + psi' + theta (X - xbar)) + beta^{-1} M'] dt + sqrt(2 M/beta) dB
  (Ito form with the Klimontovich correction beta^{-1} M', eq. 2.22; Milstein).

The coefficients are tabulated once (:mod:`.tables`) and one serial numba kernel advances all
particles (:mod:`.kernels`); it stores x̄(t) every ``record_dt``, the positions at the snapshot
times and a histogram accumulated over [``average_from``, T], never the trajectory.

Runs and seeds: run k of a point draws its initial positions and noise from
``run_sequence(base, k)``, ``base = base_sequence(seed, "particles", point)`` with ``point`` the
label of the physical parameters (:func:`point_label`: potential, theta, beta, delta, a, eps, N,
initial law; not the model), so the models of a point share initial positions and noise (common
random numbers) and no result depends on how the runs were chunked.

Stationary predictions (stored with the runs): every stationary state m = R(m) in ``m_range`` of
the same dynamics (:mod:`~mfsweep.meanfield.stationary.states`) with stability and free energy,
per run the stable state nearest to its long-time mean, that state's probability of each bin, and
the total-variation distance of the run's time-averaged histogram to it.

Step stability. One Euler-Maruyama (or Milstein) step at x multiplies a perturbation by
1 - dt kappa(x) (Milstein's noise terms do not enter the drift's linearisation), with the local
stiffness

* full:         kappa = -f'(x) + theta = V^eps''(x) + theta;
* homogenized:  kappa = -g'(x) + theta M(x), the linearised drift without its term
  theta M'(x) (x - xbar) (which would need xbar per particle-step; it is small where M' is).

The step is unstable where dt kappa >= 2, and kappa depends on x: for case 1 V^eps'' = 1 + (delta /
eps^2) cos(x/eps) <= 101 (the paper's dt = 0.01 gives dt kappa <= 1.03 with theta = 2); for case 4
V^eps'' ~ delta chi(x) x^2/(2 eps^2) cos(x/eps) grows like x^2, and dt = 0.01 is unstable at |x| >~ 2
(2 / max kappa is 0.014 on [-2, 2], 0.0031 on [-4, 4]), where the particles of N(0, 4) start.
The kernel counts the particle-steps taken with dt kappa >= 2 (the stiffness of the tabulated
drift, :attr:`.tables.DriftTable.stiffness`), so the check is about where the particles actually
are: :func:`run_particles` raises :class:`StepStabilityError` when their fraction exceeds
``stability_tolerance`` (or warns with ``allow_unstable=True``); :func:`check_start` refuses a dt
that is unstable where the particles start, before any work.

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

import math
import time
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from mfsweep import datasets, seeding
from mfsweep.params import ParameterError, parameter, whole_steps

from ..common import (Flag, Numbers, OptionalNumber, PointParams, QuadratureParams, StatesParams, as_params, attrs,
                      increasing, model_potential, scalar_coords, state_variables, stationary_problem)
from ..model import potentials
from ..stationary import states as stationary_states
from ..stationary.selfconsistency import nearest_stable_state
from .kernels import simulate
from .tables import DriftTable, drift_table, max_stiffness, table_spacing

__all__ = ["SEED_LABEL", "Params", "resolve_problem", "run", "run_particles", "Trajectory", "StepStabilityError",
           "StepStabilityWarning",
           "STABILITY_TOLERANCE", "point_label", "base_sequence", "check_start", "simulate_runs", "dataset",
           "bin_probability", "total_variation", "table"]

METHOD = "particles"
SEED_LABEL = METHOD  # run k of a point: run_sequence(base_sequence(seed, SEED_LABEL, point), k)
resolve_problem = potentials.potential  # checks a problem (potential) name before a sweep runs
STABILITY_TOLERANCE = 1e-3
"""Default of ``stability_tolerance``: the largest fraction of particle-steps with dt kappa >= 2."""


@dataclass(frozen=True)
class Params(StatesParams, QuadratureParams, PointParams):
    N: int = parameter(1000, "number of particles N (eq. 2.1)")
    T: float = parameter(5000.0, "time horizon (a whole number of steps dt)")
    dt: float = parameter(0.01, "time step of both schemes (the paper's 0.01)")
    init_mean: float = parameter(0.0, "mean of the Gaussian initial law")
    init_var: float = parameter(4.0, "variance of the Gaussian initial law (the paper's N(0, 4))")
    snapshots: Numbers = parameter((0.0, 100.0, 5000.0), "times in [0, T] (multiples of dt) at which all "
                                                         "positions are stored")
    record_dt: float = parameter(1.0, "spacing of the stored mean xbar(t) (a multiple of dt)")
    average_from: OptionalNumber = parameter(None, "start of the window [average_from, T] of the time-averaged "
                                                   "histogram and the long-time mean; None: T/2")
    bin_range: Numbers = parameter((-4.0, 4.0), "histogram range [lo, hi]")
    n_bins: int = parameter(160, "number of histogram bins")
    allow_unstable: Flag = parameter(False, "keep runs whose step is unstable (dt kappa(x) >= 2) on more than "
                                            "stability_tolerance of their particle-steps, or where they start, "
                                            "with a warning")
    stability_tolerance: float = parameter(STABILITY_TOLERANCE, "largest fraction of particle-steps taken with "
                                                                "dt kappa(x) >= 2")
    table_domain: Numbers = parameter((-10.0, 10.0), "interval [lo, hi] of the coefficient table; a particle "
                                                     "leaving it stops the run with an error")
    table_points_per_period: int = parameter(1024, "table nodes per fast period 2 pi eps (model = full)")
    table_dx: float = parameter(1e-3, "largest table node spacing")

    _POSITIVE = ("N", "T", "dt", "record_dt", "n_bins", "table_points_per_period", "table_dx")
    _NONNEGATIVE = ("init_var", "stability_tolerance")

    def _check(self):
        super()._check()
        _ = self.n_steps, self.record_every  # whole numbers of steps
        if any(t > self.T for t in self.snapshots) or any(t < 0 for t in self.snapshots):
            raise ParameterError(f"snapshots: times must lie in [0, T = {self.T}]")
        _ = self.snapshot_steps
        if not self.average_time < self.T:
            raise ParameterError(f"average_from: must be < T = {self.T}")
        for name in ("bin_range", "table_domain"):
            increasing(name, getattr(self, name))
        if not self.table_domain[0] < self.init_mean < self.table_domain[1]:
            raise ParameterError(f"init_mean: must lie in table_domain {list(self.table_domain)}")

    @property
    def n_steps(self):
        return whole_steps(self.T, self.dt, "T", "dt")

    @property
    def record_every(self):
        return whole_steps(self.record_dt, self.dt, "record_dt", "dt")

    @property
    def snapshot_steps(self):
        """The snapshot times as step numbers, ascending."""
        return tuple(sorted(_steps("snapshots", t, self.dt) for t in self.snapshots))

    @property
    def average_time(self):
        return self.T / 2 if self.average_from is None else self.average_from

    @property
    def average_step(self):
        """The first recorded step of the averaging window."""
        return math.ceil(self.average_time / self.dt / self.record_every - 1e-9) * self.record_every

    @property
    def edges(self):
        return np.linspace(*self.bin_range, self.n_bins + 1)

    @property
    def spacing(self):
        """Node spacing of the coefficient table."""
        return table_spacing(self.dynamics, self.table_points_per_period, self.table_dx)


def _steps(name, value, dt):
    steps = value / dt
    if abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
        raise ParameterError(f"{name}: {value} is not a multiple of dt = {dt}")
    return int(round(steps))


# --- the kernel driver ------------------------------------------------------------------------


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
    (of ``n_steps``; NaN and 0 when refused before the run); ``stable_dt`` = 2 / (largest kappa met).
    """

    def __init__(self, message, *, dt, unstable_fraction, max_dt_kappa, stable_dt, steps, n_steps):
        super().__init__(message)
        self.dt, self.unstable_fraction, self.max_dt_kappa = dt, unstable_fraction, max_dt_kappa
        self.stable_dt, self.steps, self.n_steps = stable_dt, steps, n_steps


class StepStabilityWarning(UserWarning):
    """Given by :func:`run_particles` instead of :class:`StepStabilityError` when ``allow_unstable=True``."""


def run_particles(table: DriftTable, x0, rng, *, theta: float, beta: float, dt: float, n_steps: int,
                  record_every: int = 1, snapshot_steps=(), bins=(0.0, 1.0), average_from: int = 0,
                  stability_tolerance: float = STABILITY_TOLERANCE, allow_unstable: bool = False) -> Trajectory:
    """Advance the particles ``x0`` by ``n_steps`` steps of size ``dt`` (kernel: :func:`.kernels.simulate`).

    ``bins`` are uniform histogram edges; counts are accumulated on the recorded steps
    >= ``average_from``. Raises FloatingPointError if a particle leaves the table's domain or
    becomes non-finite (widen ``table_domain`` or reduce dt).

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
    homogenized = table.dynamics.homogenized
    noise = np.sqrt(dt) if homogenized else np.sqrt(2.0 * dt / beta)
    n_steps = int(n_steps)
    budget = stability_tolerance * x.size * n_steps  # unstable particle-steps the whole run may take
    limit = np.iinfo(np.int64).max if allow_unstable or budget >= 2.0 ** 62 else int(np.floor(budget))
    means, snapshots, counts, failed, steps, unstable, max_kappa = simulate(
        x, rng, table.values, table.x_lo, 1.0 / table.spacing, homogenized, float(theta),
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
            f"t = {failed * dt:g} (step {failed}); widen the table domain or reduce dt"
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


# --- the method -------------------------------------------------------------------------------


def table(problem, params):
    """The coefficient table of ``problem`` (a potential) at ``params``."""
    return drift_table(model_potential(problem, params), params.dynamics, params.beta, params.table_domain,
                       params.spacing)


def check_start(drift, params):
    """Refuse (StepStabilityError) a dt that is unstable where the particles start: within one sd (at least one
    fast period 2 pi eps) of the initial mean; skipped with ``allow_unstable``. Where they go later is
    checked during the run (:func:`run_particles`)."""
    if params.allow_unstable:
        return
    width = max(math.sqrt(params.init_var), 2 * math.pi * params.eps)
    lo, hi = params.init_mean - width, params.init_mean + width
    kappa = max_stiffness(drift, lo, hi, params.theta)
    if params.dt * kappa >= 2.0:
        raise StepStabilityError(
            f"dt: {params.dt:g} is unstable for the {params.dynamics.label} dynamics where the particles start "
            f"(dt kappa up to {params.dt * kappa:.3g} >= 2 on [{lo:g}, {hi:g}]); use dt < {2 / kappa:.3g}, or set "
            f"allow_unstable", dt=params.dt, unstable_fraction=math.nan, max_dt_kappa=params.dt * kappa,
            stable_dt=2 / kappa, steps=0, n_steps=params.n_steps)


def point_label(problem, params):
    """The label of the physical parameter point: keys the random streams, shared by the models."""
    p = params
    return (f"case={potentials.label(problem)},theta={p.theta!r},beta={p.beta!r},delta={p.delta!r},a={p.a!r},"
            f"eps={p.eps!r},N={p.N},init=N({p.init_mean!r},{p.init_var!r})")


def base_sequence(seed, problem, params):
    """The SeedSequence whose children are the runs: ``seed`` as given if a SeedSequence, else keyed by the point."""
    return seeding.base_sequence(seed, METHOD, point_label(problem, params))


def simulate_runs(problem, params, base, runs, drift=None):
    """One record (a dict of arrays: the kernel's output and its wall time) per run index of ``runs``.

    ``drift``: the coefficient table if already built (:func:`table`).
    """
    drift = table(problem, params) if drift is None else drift
    records = []
    for k in runs:
        rng = np.random.Generator(np.random.PCG64(seeding.run_sequence(base, k)))
        x0 = params.init_mean + math.sqrt(params.init_var) * rng.standard_normal(params.N)
        start = time.perf_counter()
        trajectory = run_particles(drift, x0, rng, theta=params.theta, beta=params.beta, dt=params.dt,
                                   allow_unstable=params.allow_unstable, n_steps=params.n_steps,
                                   record_every=params.record_every, snapshot_steps=params.snapshot_steps,
                                   bins=params.edges, average_from=params.average_step,
                                   stability_tolerance=params.stability_tolerance)
        records.append({"mean": trajectory.means, "positions": trajectory.snapshots, "counts": trajectory.counts,
                        "unstable_fraction": trajectory.unstable_fraction, "max_dt_kappa": trajectory.max_dt_kappa,
                        "wall_time": time.perf_counter() - start})
    return records


def bin_probability(density, edges):
    """Probability of each bin [edges[i], edges[i+1]] under a quadrature density (a ``Density``)."""
    cdf = np.concatenate([[0.0], np.cumsum(density.w * density.p)])
    nodes = np.concatenate([[density.x[0] - 1e-12], density.x])
    return np.diff(np.interp(edges, nodes, cdf))


def total_variation(empirical, probability):
    """Per row: total-variation distance of the bin probabilities ``empirical`` and ``probability``.

    Mass outside the bins counts on both sides (it is the complement of the bins' total).
    """
    outside = np.abs(empirical.sum(axis=-1) - probability.sum(axis=-1))
    return 0.5 * (np.abs(empirical - probability).sum(axis=-1) + outside)


def _predictions(problem, params, long_time_means):
    """Every stationary state, and per run the nearest stable state, its bin probabilities and m."""
    mfp = stationary_problem(model_potential(problem, params), params)
    states = stationary_states.solve(mfp, params.beta, params.m_range, params.n_scan)
    edges = params.edges
    if not any(s.stable for s in states):
        nan = np.full(len(long_time_means), np.nan)
        return states, nan, np.full((len(long_time_means), edges.size - 1), np.nan)
    matched = [nearest_stable_state(states, m) for m in long_time_means]
    probability = {state: bin_probability(mfp.stationary_density(state.m, params.beta), edges)
                   for state in set(matched)}
    return states, np.array([s.m for s in matched]), np.stack([probability[s] for s in matched])


_VARIABLES = {
    "mean": (("time",), {"long_name": "empirical mean xbar(t) of the particles (eq. 4.5)", "units": "1"}),
    "positions": (("snapshot", "particle"), {"long_name": "particle positions", "units": "1"}),
    "histogram": (("snapshot", "bin"), {"long_name": "empirical density of the positions at the snapshot",
                                        "units": "1"}),
    "time_averaged_density": (("bin",), {"long_name": "empirical density pooled over the recorded times in "
                                                      "[average_from, T]", "units": "1"}),
    "long_time_mean": ((), {"long_name": "xbar(t) averaged over [average_from, T]", "units": "1"}),
    "long_time_abs_mean": ((), {"long_name": "|xbar(t)| averaged over [average_from, T] (the order parameter, "
                                             "blind to switches between +m and -m)", "units": "1"}),
    "wall_time": ((), {"long_name": "wall time of the kernel call", "units": "s"}),
    "unstable_fraction": ((), {"long_name": "fraction of the particle-steps taken where dt kappa(x) >= 2 "
                                            "(Euler-Maruyama/Milstein unstable there)", "units": "1"}),
    "max_dt_kappa": ((), {"long_name": "largest dt kappa(x) met (stable below 2)", "units": "1"}),
    "stationary_m": ((), {"long_name": "m of the stable stationary state nearest to the long-time mean",
                          "units": "1"}),
    "stationary_probability": (("bin",), {"long_name": "probability of the bin under that state's density",
                                          "units": "1"}),
    "tv_distance": ((), {"long_name": "total-variation distance of the time-averaged histogram to that state",
                         "units": "1"}),
}


def dataset(problem, params, records, runs, base):
    """The Dataset of the ``records`` of ``runs`` (from :func:`simulate_runs`), with the stationary predictions."""
    runs = [int(k) for k in runs]
    edges = params.edges
    width = edges[1] - edges[0]
    times = params.dt * params.record_every * np.arange(np.asarray(records[0]["mean"]).size)
    averaged = times >= params.average_step * params.dt - 1e-9
    samples = averaged.sum() * params.N * width
    for record in records:
        record["histogram"] = np.stack([np.histogram(snap, edges)[0] for snap in record["positions"]]) / (
            params.N * width)
        record["time_averaged_density"] = record["counts"] / samples
        record["long_time_mean"] = np.asarray(record["mean"])[averaged].mean()
        record["long_time_abs_mean"] = np.abs(np.asarray(record["mean"])[averaged]).mean()
    states, matched, probability = _predictions(problem, params, [r["long_time_mean"] for r in records])
    for record, m, p in zip(records, matched, probability):
        record["stationary_m"], record["stationary_probability"] = m, p
        record["tv_distance"] = total_variation(record["time_averaged_density"] * width, p)
    coords = {
        "time": ("time", times, {"long_name": "time t", "units": "1"}),
        "snapshot": ("snapshot", params.dt * np.asarray(params.snapshot_steps),
                     {"long_name": "snapshot time t", "units": "1"}),
        "particle": ("particle", np.arange(params.N), {"long_name": "particle index", "units": "1"}),
        "bin": ("bin", 0.5 * (edges[:-1] + edges[1:]), {"long_name": "bin centre x", "units": "1",
                                                         "bounds": "bin_bounds"}),
        "state": ("state", np.arange(len(states)), {"long_name": "stationary state index (ascending m)",
                                                    "units": "1"}),
        **scalar_coords(params),
        "delta": ((), float(params.delta), {"long_name": "fluctuation strength delta", "units": "1"}),
        "n_particles": ((), int(params.N), {"long_name": "number of particles N", "units": "1"}),
        "dt": ((), float(params.dt), {"long_name": "time step", "units": "1"}),
    }
    ds = datasets.run_dataset(records, runs, _VARIABLES, coords,
                              attrs(params, METHOD, problem, seed_keys=seeding.describe(base) + "; PCG64",
                                    average_from=params.average_step * params.dt))
    return ds.assign(bin_bounds=(("bin", "bound"), np.stack([edges[:-1], edges[1:]], axis=1),
                                 {"long_name": "histogram bin edges", "units": "1"}), **state_variables(states))


def run(problem, params=None, *, runs=1, seed=0):
    """``runs`` replicates of the particle system of ``problem`` (a potential) at ``params``.

    ``runs``: a number of replicates or a sequence of run indices (a chunk of a larger sweep);
    ``seed``: an int root or a SeedSequence (see the module docstring). Dataset, dims ``run``,
    ``time``, ``snapshot``, ``particle``, ``bin``, ``state``: ``mean``, ``positions``,
    ``histogram``, ``time_averaged_density``, ``long_time_mean``, ``unstable_fraction``,
    ``max_dt_kappa``, ``wall_time``, the stationary states ``state_m``, ``state_stable``,
    ``state_free_energy`` and per run ``stationary_m``, ``stationary_probability``, ``tv_distance``.
    Raises StepStabilityError (dt unstable where the particles start or go), FloatingPointError
    (a particle left the table), MissingDerivativeError (the drift needs the potential's derivatives).
    """
    params = as_params(Params, params)
    drift = table(problem, params)
    check_start(drift, params)
    indices = seeding.run_indices(runs)
    base = base_sequence(seed, problem, params)
    return dataset(problem, params, simulate_runs(problem, params, base, indices, drift), indices, base)

"""Monte Carlo of the interacting particle systems (Gomes & Pavliotis 2017, Section 4.4) as stored sweeps.

One store per (setting, model) with model ``full`` (eq. 2.1) or ``homogenized-<psi_sign>``
(eq. 2.17 with psi of eq. 2.21 as printed or flipped). The replicates (dim ``seed``) are fanned
out as dask tasks; replicate k of a parameter point draws its initial positions and noise from
``seed_sequence(seed, "particles", point, k)``, where ``point`` names the physical parameters
(case, theta, beta, delta, a, eps, N, initial law) and not the model: the models of a point share
initial positions and noise (common random numbers), and no result depends on the chunking.
"""

import functools
import logging
import math
import time
from dataclasses import dataclass

import numpy as np
import xarray as xr

from mfsweep import sweep
from mfsweep.experiments import stationary
from mfsweep.meanfield.particles import full_table, homogenized_table, max_stiffness, run_particles, table_spacing
from mfsweep.meanfield.selfconsistency import nearest_stable_state
from mfsweep.provenance import provenance, source_hash
from mfsweep.seeding import seed_sequence

log = logging.getLogger(__name__)

EXPERIMENT = "particles"
FULL = "full"
HOMOGENIZED = "homogenized"
PSI_SIGNS = ("printed", "flipped")
MODELS = (FULL, *(f"{HOMOGENIZED}-{sign}" for sign in PSI_SIGNS))


def psi_sign_of(model):
    """The psi sign of a homogenized model name (``homogenized-<psi_sign>``); None for ``full``."""
    return model.partition("-")[2] or None


@dataclass(frozen=True)
class Plan:
    """Everything one (setting, model) store needs, checked before any work starts."""

    setting: str
    model: str
    spec: dict
    config_meanfield: dict
    table_config: dict
    n_steps: int
    record_every: int
    snapshot_steps: tuple
    average_from: int

    @property
    def homogenized(self):
        return self.model != FULL

    @property
    def psi_sign(self):
        return psi_sign_of(self.model) or "none"

    @property
    def edges(self):
        return np.linspace(*self.spec["bins"]["range"], self.spec["bins"]["count"] + 1)

    @property
    def point(self):
        """Label of the physical parameter point (the seed key; shared by the models)."""
        s, mf = self.spec, self.config_meanfield
        return (f"case={s['case']},theta={s['theta']!r},beta={s['beta']!r},delta={mf['delta']!r},a={mf['a']!r},"
                f"eps={s['eps']!r},N={s['N']},init=N({s['init_mean']!r},{s['init_var']!r})")

    def potential(self):
        return stationary.potential(self.spec["case"], self.spec["eps"], {"meanfield": self.config_meanfield})

    def _spacing(self):
        return table_spacing(self.spec["eps"], self.homogenized, self.table_config["points_per_period"],
                             self.table_config["dx"])

    def table_bytes(self):
        """Bytes of the drift table (rows x nodes)."""
        lo, hi = self.table_config["domain"]
        return 8 * (4 if self.homogenized else 1) * ((hi - lo) / self._spacing() + 2)

    def table(self):
        spacing = self._spacing()
        domain = self.table_config["domain"]
        if self.homogenized:
            return homogenized_table(self.potential(), self.spec["beta"], domain, spacing, self.psi_sign)
        return full_table(self.potential(), domain, spacing)


def _steps(key, value, dt):
    steps = value / dt
    if abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
        raise ValueError(f"particles.settings.{key}: {value} is not a multiple of dt = {dt}")
    return int(round(steps))


def plan(config, setting, model):
    """The validated plan of one store; a ValueError names the bad key and the allowed values."""
    section = config["particles"]
    if setting not in section["settings"]:
        raise ValueError(f"particles.settings: unknown setting {setting!r}; allowed: {', '.join(section['settings'])}")
    spec = section["settings"][setting]
    if model not in MODELS:
        raise ValueError(f"particles.settings.{setting}: unknown model {model!r}; allowed: {', '.join(MODELS)}")
    stationary.potential(spec["case"], spec["eps"], config, f"particles.settings.{setting}.case")
    dt, T = spec["dt"], spec["T"]
    n_steps = _steps(f"{setting}.T", T, dt)
    record_every = _steps(f"{setting}.record_dt", spec["record_dt"], dt)
    if any(t > T for t in spec["snapshots"]):
        raise ValueError(f"particles.settings.{setting}.snapshots: times must lie in [0, T = {T}]")
    snapshots = tuple(sorted(_steps(f"{setting}.snapshots", t, dt) for t in spec["snapshots"]))
    average_from = T / 2 if spec["average_from"] is None else spec["average_from"]
    if not average_from < T:
        raise ValueError(f"particles.settings.{setting}.average_from: must be < T = {T}")
    lo, hi = spec["bins"]["range"]
    if not lo < hi:
        raise ValueError(f"particles.settings.{setting}.bins.range: need lo < hi, got {[lo, hi]}")
    domain = section["table"]["domain"]
    if not domain[0] < domain[1]:
        raise ValueError(f"particles.table.domain: need lo < hi, got {list(domain)}")
    if not domain[0] < spec["init_mean"] < domain[1]:
        raise ValueError(f"particles.settings.{setting}.init_mean: must lie in particles.table.domain {list(domain)}")
    first_average = math.ceil(average_from / dt / record_every - 1e-9) * record_every
    plan_ = Plan(setting, model, spec, config["meanfield"], section["table"], n_steps, record_every, snapshots,
                 first_average)
    _check_step(plan_)
    return plan_


def _check_step(plan_):
    """Refuse a dt that is unstable where the particles start (within one sd of the initial mean).

    Where they go later is checked during the run (:func:`~mfsweep.meanfield.particles.run_particles`).
    """
    spec = plan_.spec
    if spec["allow_unstable"]:
        return
    width = max(math.sqrt(spec["init_var"]), 2 * math.pi * spec["eps"])
    lo, hi = spec["init_mean"] - width, spec["init_mean"] + width
    kappa = max_stiffness(plan_.table(), lo, hi, spec["theta"])
    if spec["dt"] * kappa >= 2.0:
        raise ValueError(
            f"particles.settings.{plan_.setting}.dt: {spec['dt']:g} is unstable for {plan_.model} where the particles "
            f"start (dt kappa up to {spec['dt'] * kappa:.3g} >= 2 on [{lo:g}, {hi:g}]); use dt < {2 / kappa:.3g}, or set "
            f"allow_unstable: true")


def replicate_task(plan_, seed, replicates):
    """One dask task: the records of ``replicates`` (replicate indices)."""
    table = plan_.table()
    spec = plan_.spec
    records = []
    for k in replicates:
        rng = np.random.Generator(np.random.PCG64(seed_sequence(seed, EXPERIMENT, plan_.point, k)))
        x0 = spec["init_mean"] + math.sqrt(spec["init_var"]) * rng.standard_normal(spec["N"])
        start = time.perf_counter()
        trajectory = run_particles(table, x0, rng, theta=spec["theta"], beta=spec["beta"], dt=spec["dt"],
                                   allow_unstable=spec["allow_unstable"],
                                   n_steps=plan_.n_steps, record_every=plan_.record_every,
                                   snapshot_steps=plan_.snapshot_steps, bins=plan_.edges,
                                   average_from=plan_.average_from)
        records.append({"mean": trajectory.means, "positions": trajectory.snapshots, "counts": trajectory.counts,
                        "unstable_fraction": trajectory.unstable_fraction, "max_dt_kappa": trajectory.max_dt_kappa,
                        "wall_time": time.perf_counter() - start})
    return records


def run_store(config, setting, model, output, threads):
    """Compute one (setting, model) store over ``particles.seeds`` replicates and write it atomically."""
    plan_ = plan(config, setting, model)
    seed, replicates = config["seed"], config["particles"]["seeds"]
    description = {"experiment": EXPERIMENT, "seed": seed, "plan": repr(plan_), "code": source_hash(__name__)}
    label = f"{EXPERIMENT} {setting}/{model}"
    ds = sweep.compute_store(output, functools.partial(replicate_task, plan_, seed), range(replicates),
                             config["dask"], threads, description, label,
                             lambda records: particles_dataset(plan_, records, seed))
    log.info("%s: wrote %s (long-time mean %.3f +- %.3f over %d seeds)", label, output,
             float(ds.long_time_mean.mean()), float(ds.long_time_mean.std()), replicates)


def particles_dataset(plan_, records, seed):
    """Labelled dataset of one (setting, model) store from {replicate: record}."""
    spec = plan_.spec
    seeds = sorted(records)
    edges = plan_.edges
    width = edges[1] - edges[0]
    stack = lambda name: np.stack([np.asarray(records[k][name]) for k in seeds])  # noqa: E731
    mean, positions, counts = stack("mean"), stack("positions"), stack("counts")
    times = spec["dt"] * plan_.record_every * np.arange(mean.shape[1])
    averaged = times >= plan_.average_from * spec["dt"] - 1e-9
    histogram = np.stack([[np.histogram(snap, edges)[0] for snap in per_seed] for per_seed in positions])
    ds = xr.Dataset(
        {
            "mean": (("seed", "time"), mean, {"long_name": "empirical mean xbar(t) of the particles (eq. 4.5)",
                                              "units": "1"}),
            "positions": (("seed", "snapshot", "particle"), positions, {"long_name": "particle positions",
                                                                         "units": "1"}),
            "histogram": (("seed", "snapshot", "bin"), histogram / (spec["N"] * width),
                          {"long_name": "empirical density of the positions at the snapshot", "units": "1"}),
            "time_averaged_density": (("seed", "bin"), counts / (averaged.sum() * spec["N"] * width),
                                      {"long_name": "empirical density pooled over the recorded times in "
                                                    "[average_from, T]", "units": "1"}),
            "long_time_mean": ("seed", mean[:, averaged].mean(axis=1),
                               {"long_name": "xbar(t) averaged over [average_from, T]", "units": "1"}),
            "wall_time": ("seed", stack("wall_time"), {"long_name": "wall time of the kernel call", "units": "s"}),
            "unstable_fraction": ("seed", stack("unstable_fraction"),
                                  {"long_name": "fraction of the particle-steps taken where dt kappa(x) >= 2 "
                                                "(Euler-Maruyama/Milstein unstable there)", "units": "1"}),
            "max_dt_kappa": ("seed", stack("max_dt_kappa"),
                             {"long_name": "largest dt kappa(x) met (stable below 2)", "units": "1"}),
            "bin_bounds": (("bin", "bound"), np.stack([edges[:-1], edges[1:]], axis=1),
                           {"long_name": "histogram bin edges", "units": "1"}),
        },
        coords={
            "seed": ("seed", np.asarray(seeds, dtype=np.int64), {"long_name": "replicate index", "units": "1"}),
            "time": ("time", times, {"long_name": "time t", "units": "1"}),
            "snapshot": ("snapshot", spec["dt"] * np.asarray(plan_.snapshot_steps),
                         {"long_name": "snapshot time t", "units": "1"}),
            "particle": ("particle", np.arange(spec["N"]), {"long_name": "particle index", "units": "1"}),
            "bin": ("bin", 0.5 * (edges[:-1] + edges[1:]), {"long_name": "bin centre x", "units": "1",
                                                             "bounds": "bin_bounds"}),
            "case": ((), spec["case"], {"long_name": "two-scale potential: Table-1 case or V0+V1"}),
            "dynamics": ((), FULL if not plan_.homogenized else HOMOGENIZED,
                         {"long_name": "full eps-system (eq. 2.1, Euler-Maruyama) or homogenized (eq. 2.17, Milstein)"}),
            "psi_sign": ((), plan_.psi_sign, {"long_name": "sign convention of psi (eq. 2.21); none for full"}),
            "theta": ((), float(spec["theta"]), {"long_name": "interaction strength theta", "units": "1"}),
            "beta": ((), float(spec["beta"]), stationary.BETA_ATTRS),
            "delta": ((), float(plan_.config_meanfield["delta"]), {"long_name": "fluctuation strength delta",
                                                                    "units": "1"}),
            "eps": ((), float(spec["eps"]), {"long_name": "scale separation epsilon", "units": "1"}),
            "n_particles": ((), int(spec["N"]), {"long_name": "number of particles N", "units": "1"}),
            "dt": ((), float(spec["dt"]), {"long_name": "time step", "units": "1"}),
        },
    )
    ds.attrs = provenance(
        spec, experiment=EXPERIMENT, setting=plan_.setting, model=plan_.model, meanfield=plan_.config_meanfield,
        table=plan_.table_config, average_from=plan_.average_from * spec["dt"], seed_root=seed,
        seed_keys=f"SeedSequence({seed}, spawn_key=(h('{EXPERIMENT}'), h('{plan_.point}'), seed)), "
                  "h = mfsweep.seeding.stable_key; PCG64")
    return ds


def stationary_prediction(ds, grid):
    """Stationary McKean-Vlasov states at the store's parameters, and the one each seed reached.

    ``grid`` is the stationary solver's quadrature grid (the config's ``meanfield.grid``).

    Returns (states, matched, bin_probability): every state m = R(m) in [-3, 3] (stationary
    solver of :mod:`.selfconsistency`, same model: eps-system or homogenized with the same psi
    sign), per seed the stable state nearest to its long-time mean, and per seed that state's
    probability of each histogram bin (seeds of a symmetric problem may reach m and -m).
    """
    spec, config = ds.attrs["parameters"], {"meanfield": {**ds.attrs["meanfield"], "grid": grid}}
    problem = stationary.stationary_problem(spec["case"], spec["eps"], spec["theta"], config,
                                            str(ds.dynamics.values) == HOMOGENIZED, str(ds.psi_sign.values))
    states = problem.stationary_states(spec["beta"])
    matched = [nearest_stable_state(states, reached) for reached in ds.long_time_mean.values]
    edges = np.append(ds.bin_bounds.values[:, 0], ds.bin_bounds.values[-1, 1])
    probability = {}
    for state in set(matched):
        density = problem.stationary_density(state.m, spec["beta"])
        cdf = np.concatenate([[0.0], np.cumsum(density.w * density.p)])
        nodes = np.concatenate([[density.x[0] - 1e-12], density.x])
        probability[state] = np.diff(np.interp(edges, nodes, cdf))
    return states, matched, np.stack([probability[state] for state in matched])


def total_variation(ds, bin_probability):
    """Per seed: total-variation distance between its time-averaged histogram and ``bin_probability[seed]``.

    Mass outside the bins counts on both sides (it is the complement of the bins' total).
    """
    width = float(ds.bin_bounds[0, 1] - ds.bin_bounds[0, 0])
    empirical = ds.time_averaged_density.values * width
    outside = np.abs(empirical.sum(axis=1) - bin_probability.sum(axis=1))
    return 0.5 * (np.abs(empirical - bin_probability).sum(axis=1) + outside)

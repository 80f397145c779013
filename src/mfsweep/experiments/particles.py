"""Monte Carlo of the interacting particle systems (Gomes & Pavliotis 2017, Section 4.4) as stored sweeps.

The config layer of :mod:`mfsweep.meanfield.particles`: one store per (setting, model) with model
``full`` (eq. 2.1) or ``homogenized-<psi_sign>`` (eq. 2.17 with psi of eq. 2.21 as printed or
flipped), the labels of :mod:`mfsweep.meanfield.model.dynamics`. The runs (dim ``run``) are fanned
out as dask tasks with checkpoints (:mod:`mfsweep.sweep`); run k of a parameter point draws its
initial positions and noise from ``seed_sequence(seed, "particles", point, k)``, where ``point``
(:attr:`Plan.point`) names the physical parameters (case, theta, beta, delta, a, eps, N, initial law)
as written in the config and not the model: the models of a point share initial positions and noise
(common random numbers), and no result depends on the chunking. The stores hold the stationary
predictions the runs are compared with (computed once, with ``meanfield.grid`` where the job
config has it, else the default lattice).
"""

import functools
import logging
from dataclasses import dataclass

from mfsweep import seeding, sweep
from mfsweep.experiments.stationary import config_error
from mfsweep.meanfield.model import dynamics
from mfsweep.meanfield.model import potentials
from mfsweep.meanfield.particles import method
from mfsweep.params import ParameterError
from mfsweep.provenance import source_hash

log = logging.getLogger(__name__)

EXPERIMENT = "particles"
MODELS = dynamics.LABELS


@dataclass(frozen=True)
class Plan:
    """Everything one (setting, model) store needs, checked before any work starts."""

    setting: str
    model: str
    spec: dict
    config_meanfield: dict
    table_config: dict
    params: method.Params

    @property
    def point(self):
        """Label of the physical parameter point as written in the config (the seed key; shared by the models)."""
        s, mf = self.spec, self.config_meanfield
        return (f"case={s['case']},theta={s['theta']!r},beta={s['beta']!r},delta={mf['delta']!r},a={mf['a']!r},"
                f"eps={s['eps']!r},N={s['N']},init=N({s['init_mean']!r},{s['init_var']!r})")

    def table_bytes(self):
        """Bytes of the drift table (rows x nodes)."""
        lo, hi = self.params.table_domain
        return 8 * (4 if self.params.dynamics.homogenized else 1) * ((hi - lo) / self.params.spacing + 2)

    def base(self, seed):
        """The SeedSequence of the store's runs."""
        return seeding.base_sequence(seed, EXPERIMENT, self.point)


def _keys(setting):
    where = f"particles.settings.{setting}"
    keys = {name: f"{where}.{name}" for name in ("theta", "beta", "eps", "N", "T", "dt", "init_mean", "init_var",
                                                 "snapshots", "record_dt", "average_from", "allow_unstable")}
    keys.update(bin_range=f"{where}.bins.range", n_bins=f"{where}.bins.count", delta="meanfield.delta",
                a="meanfield.a", table_domain="particles.table.domain",
                table_points_per_period="particles.table.points_per_period", table_dx="particles.table.dx")
    keys.update({f"grid_{key}": f"meanfield.grid.{key}" for key in ("points_per_period", "dx", "tolerance")})
    return keys


def params(config, setting, model):
    """The library parameters of one (setting, model)."""
    spec, table = config["particles"]["settings"][setting], config["particles"]["table"]
    section = config["meanfield"]
    dyn = dynamics.from_label(model, spec["eps"])
    grid = {f"grid_{key}": value for key, value in section.get("grid", {}).items()}
    return method.Params(
        theta=spec["theta"], beta=spec["beta"], eps=spec["eps"], delta=section["delta"], a=section["a"],
        model=dyn.model, psi_sign=getattr(dyn, "psi_sign", "printed"), N=spec["N"], T=spec["T"], dt=spec["dt"],
        init_mean=spec["init_mean"], init_var=spec["init_var"], snapshots=spec["snapshots"],
        record_dt=spec["record_dt"], average_from=spec["average_from"], bin_range=spec["bins"]["range"],
        n_bins=spec["bins"]["count"], allow_unstable=spec["allow_unstable"], table_domain=table["domain"],
        table_points_per_period=table["points_per_period"], table_dx=table["dx"], **grid)


def plan(config, setting, model):
    """The validated plan of one store; a ValueError names the bad key and the allowed values."""
    section = config["particles"]
    if setting not in section["settings"]:
        raise ValueError(f"particles.settings: unknown setting {setting!r}; allowed: {', '.join(section['settings'])}")
    spec = section["settings"][setting]
    if model not in MODELS:
        raise ValueError(f"particles.settings.{setting}: unknown model {model!r}; allowed: {', '.join(MODELS)}")
    potentials.potential(spec["case"], f"particles.settings.{setting}.case")
    try:
        plan_ = Plan(setting, model, spec, config["meanfield"], section["table"], params(config, setting, model))
        method.check_start(method.table(spec["case"], plan_.params), plan_.params)
    except (ParameterError, method.StepStabilityError) as error:
        raise config_error(error, _keys(setting)) from None
    return plan_


def replicate_task(plan_, base, replicates):
    """One dask task: the records of ``replicates`` (run indices)."""
    return method.simulate_runs(plan_.spec["case"], plan_.params, base, replicates)


def run_store(config, setting, model, output, threads):
    """Compute one (setting, model) store over ``particles.seeds`` runs and write it atomically."""
    plan_ = plan(config, setting, model)
    seed, replicates = config["seed"], config["particles"]["seeds"]
    base = plan_.base(seed)
    description = {"experiment": EXPERIMENT, "seed": seed, "plan": repr(plan_), "code": source_hash(__name__)}
    label = f"{EXPERIMENT} {setting}/{model}"
    ds = sweep.compute_store(output, functools.partial(replicate_task, plan_, base), range(replicates),
                             config["dask"], threads, description, label,
                             lambda records: particles_dataset(plan_, records, base))
    log.info("%s: wrote %s (long-time mean %.3f +- %.3f over %d runs)", label, output,
             float(ds.long_time_mean.mean()), float(ds.long_time_mean.std()), replicates)


def particles_dataset(plan_, records, base):
    """Labelled dataset of one (setting, model) store from {run: record}."""
    runs = sorted(records)
    ds = method.dataset(plan_.spec["case"], plan_.params, [records[k] for k in runs], runs, base)
    ds.attrs.update(experiment=EXPERIMENT, setting=plan_.setting, model=plan_.model, spec=plan_.spec,
                    seed_root=int(base.entropy))
    return ds

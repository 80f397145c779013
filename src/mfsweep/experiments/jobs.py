"""Every job a config asks for, the exact slice of the config it depends on, and its memory.

A *job config* is the validated config cut down to what one job's output depends on, e.g. for
the bi-level store of problem (v): ``seed`` and ``cbo_bilevel``'s ``runs``, ``success_threshold``,
``params`` (and the problem's own spec if it is a custom one). The Snakemake rules declare it
(canonical JSON, :func:`encode`) and a hash of the mfsweep source the job runs
(:func:`mfsweep.provenance.source_hash`) as ``params:``, and the rule scripts hand *only* the job
config to the library, so a job can read nothing that would not rerun it when changed, and
changing a value it does not read reruns nothing. Execution settings (``dask``, threads) are not
part of it: results do not depend on them.

:func:`check` plans every job (the experiments' own semantic checks) and refuses a job whose
estimated memory exceeds ``limits.job_memory_gb``.
"""

import itertools
import json
import math

from mfsweep.experiments.config import ConfigError
from mfsweep.provenance import source_hash

GB = 1e9
BASE_BYTES = 0.4 * GB  # interpreter, numba, dask, xarray
THREADS = 2  # threads of the computing rules (workflow/rules/*.smk)
VARIANT_KEYS = ("pairing", "x_update", "loop_bound")
FULL = "full"


def _pick(mapping, *keys):
    return {key: mapping[key] for key in keys}


def _meanfield(config, *keys):
    return {"meanfield": _pick(config["meanfield"], "delta", "a", *keys)}


def _physics(spec):
    """A particle or PDE setting without the keys that only say which stores to make."""
    return {key: value for key, value in spec.items() if key not in ("models", "psi_signs")}


# --- job configs, one function per computing rule ------------------------------------------------

def cbo_bilevel(config, problem, **variant):
    section = config["cbo_bilevel"]
    custom = {problem: section["custom_problems"][problem]} if problem in section["custom_problems"] else {}
    return {"seed": config["seed"],
            "cbo_bilevel": {**_pick(section, "runs", "success_threshold", "params"), "custom_problems": custom}}


def cbo_tables(config, table, method, problem):
    section = config["cbo_tables"]
    spec = section["tables"][table]
    runs = spec.get("runs", section["runs"])
    return {"seed": config["seed"], "cbo_tables": {
        "runs": runs, "success_threshold": section["success_threshold"],
        "tables": {table: {**spec, "runs": runs, "problems": [problem], "methods": {method: spec["methods"][method]}}}}}


def cbo_illustration(config):
    return {"seed": config["seed"], "cbo_tables": {"illustration": config["cbo_tables"]["illustration"]}}


def meanfield_rmap(config, figure):
    config_ = _meanfield(config, "grid")
    config_["meanfield"]["rmaps"] = {figure: config["meanfield"]["rmaps"][figure]}
    return config_


def meanfield_critical(config):
    config_ = _meanfield(config, "grid")
    config_["meanfield"]["critical"] = config["meanfield"]["critical"]
    return config_


def meanfield_diagram(config, figure):
    config_ = _meanfield(config, "grid")
    config_["meanfield"]["diagrams"] = {figure: config["meanfield"]["diagrams"][figure]}
    return config_


def particles(config, setting, model):
    section = config["particles"]  # the grid: the stationary predictions stored with the runs
    return {"seed": config["seed"], **_meanfield(config, "grid"), "particles": {
        **_pick(section, "seeds", "table"), "settings": {setting: _physics(section["settings"][setting])}}}


def mckean_vlasov(config, setting, model):
    section = config["mckean_vlasov"]
    return {**_meanfield(config, "grid"), "mckean_vlasov": {
        **_pick(section, "grid", "solver"), "settings": {setting: _physics(section["settings"][setting])}}}


def sweep(config, name, part=None):
    """A sweep store (or one part of it): its entry without ``view`` (how it is shown), the root seed, and the
    order of its axes (``encode`` sorts mapping keys; the store's dims follow the config's order)."""
    entry = config["sweeps"][name]
    return {"seed": config["seed"], "sweep": {k: v for k, v in entry.items() if k != "view"},
            "axes": [*entry["grid"], *entry["zip"]]}


JOB_CONFIGS = {
    "cbo_bilevel_run": cbo_bilevel, "cbo_tables_run": cbo_tables, "cbo_illustration": cbo_illustration,
    "meanfield_rmap": meanfield_rmap, "meanfield_critical": meanfield_critical,
    "meanfield_diagram": meanfield_diagram, "particles_run": particles, "mckean_vlasov_run": mckean_vlasov,
    "sweep_run": sweep, "sweep_part": sweep,
}

#: The library module each rule runs: its source hash is part of the rule's params.
RULE_MODULES = {
    "cbo_bilevel_run": "mfsweep.experiments.cbo_bilevel", "cbo_bilevel_combine": "mfsweep.experiments.cbo_bilevel",
    "cbo_bilevel_table": "mfsweep.reports.cbo_bilevel_table", "cbo_bilevel_figures": "mfsweep.reports.cbo_bilevel_figures",
    "cbo_tables_run": "mfsweep.experiments.cbo_tables", "cbo_tables_table": "mfsweep.reports.cbo_tables_figures",
    "cbo_illustration": "mfsweep.experiments.cbo_tables",
    "meanfield_rmap": "mfsweep.experiments.stationary", "meanfield_critical": "mfsweep.experiments.stationary",
    "meanfield_diagram": "mfsweep.experiments.stationary", "meanfield_free_energy_table": "mfsweep.reports.stationary_table",
    "meanfield_rmap_figure": "mfsweep.reports.stationary_figures", "meanfield_diagram_figure": "mfsweep.reports.stationary_figures",
    "meanfield_critical_figure": "mfsweep.reports.stationary_figures",
    "particles_run": "mfsweep.experiments.particles", "particles_figures": "mfsweep.reports.particles_figures",
    "particles_table": "mfsweep.reports.particles_table",
    "mckean_vlasov_run": "mfsweep.experiments.pde",
    "mckean_vlasov_figures": "mfsweep.reports.pde_figures",
    "sweep_view": "mfsweep.experiments.sweeps", "phase_diagram": "mfsweep.experiments.sweeps",
}


def code(rule):
    """The source hash of the library code that rule ``rule`` runs."""
    return source_hash(RULE_MODULES[rule])


def sweep_code(config, name):
    """The source hash of what sweep ``name`` runs: the runner, its method, any user problem's module."""
    from mfsweep.experiments import sweeps

    return sweeps.code(config, name)


def encode(job_config):
    """Canonical JSON of a job config: equal configs give equal strings (key order does not matter)."""
    return json.dumps(job_config, sort_keys=True, separators=(",", ":"))


def decode(text, dask):
    """The job config of a rule's ``params.config``, with the execution settings ``dask`` added."""
    return {**json.loads(text), "dask": dask}


# --- every job of a config -----------------------------------------------------------------------

def particle_models(spec):
    """Store names of a particle or PDE setting: ``full`` and/or ``homogenized-<psi_sign>`` per sign."""
    names = []
    for dynamics in spec["models"]:
        names += [FULL] if dynamics == FULL else [f"homogenized-{sign}" for sign in spec["psi_signs"]]
    return names


def cbo_bilevel_variants(config):
    """Every combination of the configured Algorithm-1 variants, as dicts."""
    variants = config["cbo_bilevel"]["variants"]
    return [dict(zip(VARIANT_KEYS, values)) for values in itertools.product(*(variants[key] for key in VARIANT_KEYS))]


def all_jobs(config):
    """(rule, wildcards) of every computing job the config asks for."""
    jobs = [("cbo_bilevel_run", {"problem": problem, **variant}) for variant in cbo_bilevel_variants(config)
            for problem in config["cbo_bilevel"]["problems"]]
    jobs += [("cbo_tables_run", {"table": table, "method": method, "problem": problem})
             for table, spec in config["cbo_tables"]["tables"].items()
             for method in spec["methods"] for problem in spec["problems"]]
    jobs.append(("cbo_illustration", {}))
    section = config["meanfield"]
    jobs += [("meanfield_rmap", {"figure": name}) for name in section["rmaps"]]
    if section["critical"]["cases"]:
        jobs.append(("meanfield_critical", {}))
    jobs += [("meanfield_diagram", {"figure": name}) for name in section["diagrams"]]
    for kind, rule in (("particles", "particles_run"), ("mckean_vlasov", "mckean_vlasov_run")):
        jobs += [(rule, {"setting": setting, "model": model}) for setting, spec in config[kind]["settings"].items()
                 for model in particle_models(spec)]
    for name, entry in config["sweeps"].items():
        if entry["parts"] > 1:
            jobs += [("sweep_part", {"name": name, "part": str(part)}) for part in range(entry["parts"])]
        jobs.append(("sweep_run", {"name": name}))
    return jobs


def check(config):
    """Plan every job of a validated config and estimate its memory; ConfigError naming the key if any fails.

    Also checks what no job reads directly: the execution settings (``dask``) and every custom
    problem defined, used or not.
    """
    from mfsweep import cluster
    from mfsweep.cbo.problems import bilevel_problem

    limit = config["limits"]["job_memory_gb"]
    try:
        cluster.check_settings(config["dask"])
        for name in config["cbo_bilevel"]["custom_problems"]:
            bilevel_problem(name, config["cbo_bilevel"]["custom_problems"])
        if config["sweeps"] or config["phase_diagrams"]:
            from mfsweep.experiments import sweeps

            for name in config["sweeps"]:
                sweeps.overlay_stores(config, name)
            for name in config["phase_diagrams"]:
                sweeps.phase_diagram_stores(config, name)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    for rule, wildcards in all_jobs(config):
        job = JOB_CONFIGS[rule](config, **wildcards)
        try:
            size, what = _PLANNERS[rule](job, **wildcards)
        except ValueError as error:  # the library's planners name the key
            raise ConfigError(str(error)) from None
        size += BASE_BYTES
        if size > limit * GB:
            raise ConfigError(f"{what}: a job would hold about {_gb(size)} of memory, above limits.job_memory_gb = "
                              f"{limit:g}; make it smaller or raise limits.job_memory_gb")


def mem_mb(config, rule, wildcards):
    """The memory (MB) to request for a job: its estimate with a margin, at least 1 GB."""
    size, _ = _PLANNERS[rule](JOB_CONFIGS[rule](config, **wildcards), **wildcards)
    return max(1000, math.ceil(1.5 * (size + BASE_BYTES) / 1e6))


def _gb(size):
    return f"{size / GB:.3g} GB"


# --- planners: validate a job config with the library and estimate the job's bytes ------------------
# Imported lazily: the library (numba kernels) is only needed once a config is checked.

def _plan_cbo_bilevel(job, problem, **variant):
    from mfsweep.experiments import cbo_bilevel

    _, params, runs = cbo_bilevel.plan(job, problem, variant)
    per_run = 8 * (2 * params.dim + 8)
    kernel = 8 * (4 * params.N * params.M * params.dim + 6 * params.N * params.dim)
    return 3 * runs * per_run + THREADS * kernel, \
        f"cbo_bilevel.runs = {runs}, cbo_bilevel.params N = {params.N}, M = {params.M}, dim = {params.dim}"


def _plan_cbo_tables(job, table, method, problem):
    from mfsweep.experiments import cbo_tables

    cell = cbo_tables.plan(job, table, method, problem)
    sizes = len(cell.sizes) * cell.runs
    kernel = max(8 * 4 * p.N * getattr(p, "M", 1) * getattr(p, "P", 1) * p.dim for p in cell.sizes)
    return 3 * sizes * 8 * (3 * cell.width + 8) + THREADS * kernel, \
        f"cbo_tables.tables.{table}: runs = {cell.runs} x {len(cell.sizes)} sizes, methods.{method}.params"


def _plan_cbo_illustration(job):
    from mfsweep.experiments import cbo_tables

    _, params = cbo_tables.illustration_plan(job)
    return 8 * 4 * params.N * params.M * params.dim, "cbo_tables.illustration"


def _plan_meanfield(kind):
    def planner(job, figure=None):
        from mfsweep.experiments import stationary

        size = stationary.plan_bytes(job, kind, figure)
        return size, f"meanfield.{kind}" + (f".{figure}" if figure else "")
    return planner


def _plan_particles(job, setting, model):
    from mfsweep.experiments import particles

    plan = particles.plan(job, setting, model)
    spec, seeds = plan.spec, job["particles"]["seeds"]
    records = plan.params.n_steps // plan.params.record_every + 1
    per_seed = 8 * (records + 2 * len(plan.params.snapshot_steps) * spec["N"] + 2 * spec["bins"]["count"])
    table = plan.table_bytes()
    return 3 * seeds * per_seed + THREADS * (table + 8 * 4 * spec["N"]), \
        f"particles.seeds = {seeds}, particles.settings.{setting}.N = {spec['N']}, T / record_dt = {records - 1}"


def _plan_mckean_vlasov(job, setting, model):
    from mfsweep.experiments import pde

    points, times, cells = pde.plan_sizes(job, setting, model)
    return 3 * points * times * cells * 8 + THREADS * 40 * cells * 8, \
        f"mckean_vlasov.settings.{setting}: {points} (thetas, betas) x {times} output times x {cells} cells"


def _plan_sweep(job, name, part=None):
    from mfsweep.experiments import sweeps

    entry = sweeps.check(job, name)
    # the driver holds a few tasks' cells and one slab of the store (runner.SLAB_ELEMENTS per variable)
    return 0.3 * GB, f"sweeps.{name}: {entry.n_points} points x {entry.runs} runs"


_PLANNERS = {
    "cbo_bilevel_run": _plan_cbo_bilevel, "cbo_tables_run": _plan_cbo_tables,
    "cbo_illustration": _plan_cbo_illustration, "meanfield_rmap": _plan_meanfield("rmaps"),
    "meanfield_critical": _plan_meanfield("critical"), "meanfield_diagram": _plan_meanfield("diagrams"),
    "particles_run": _plan_particles, "mckean_vlasov_run": _plan_mckean_vlasov,
    "sweep_run": _plan_sweep, "sweep_part": _plan_sweep,
}

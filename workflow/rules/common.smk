# Config validation and the helpers that turn the config into target files and rule params.
from mfsweep.experiments import jobs, sweeps
from mfsweep.experiments.config import ConfigError, load_config


# The one validator (also behind `mfsweep check-config`): schema, finiteness, every semantic
# check and the memory estimates, before any job is planned. Re-raised here so that Snakemake
# prints the one-line message and no library traceback.
try:
    _validated = load_config(config)
except ConfigError as error:
    raise ConfigError(str(error)) from None
config.clear()
config.update(_validated)

# Rules run with the project's environment (environment.yml); with
# `--software-deployment-method conda` snakemake builds it per rule.
ENV = "../../environment.yml"


def job_config(rule):
    """params: the canonical JSON of the config slice a job of ``rule`` depends on (jobs.JOB_CONFIGS)."""
    return lambda wildcards: jobs.encode(jobs.JOB_CONFIGS[rule](config, **dict(wildcards.items())))


def job_memory(rule):
    """resources: mem_mb from the job's memory estimate (jobs.mem_mb)."""
    return lambda wildcards: jobs.mem_mb(config, rule, dict(wildcards.items()))


def get_cbo_bilevel_stores():
    """The per-(problem, variant) stores the config asks for."""
    return [CBO_BILEVEL_STORE.format(problem=problem, **variant) for variant in jobs.cbo_bilevel_variants(config)
            for problem in config["cbo_bilevel"]["problems"]]


def get_cbo_table_stores():
    """Every (table, method, problem) store of the cbo_tables section."""
    return [f"results/cbo_tables/{w['table']}/{w['method']}/{w['problem']}.zarr"
            for rule, w in jobs.all_jobs(config) if rule == "cbo_tables_run"]


def get_free_energy_diagrams():
    """Diagram stores whose spec asks for a Table-2 free-energy column."""
    diagrams = config["meanfield"]["diagrams"]
    return [f"results/meanfield/diagrams/{name}.zarr" for name, spec in diagrams.items()
            if spec["free_energy_beta"] is not None]


def get_particle_stores(setting=None):
    """The (setting, model) particle stores: of one setting, or of all."""
    settings = config["particles"]["settings"]
    names = [setting] if setting is not None else list(settings)
    return [f"results/particles/{name}/{model}.zarr" for name in names for model in jobs.particle_models(settings[name])]


def get_mckean_vlasov_stores(setting):
    """The (setting, model) McKean-Vlasov stores of one setting."""
    spec = config["mckean_vlasov"]["settings"][setting]
    return [f"results/mckean_vlasov/{setting}/{model}.zarr" for model in jobs.particle_models(spec)]


def get_sweep_parts(wildcards):
    """The part jobs of a sweep split into `parts` (none for an unsplit sweep)."""
    parts = config["sweeps"][wildcards.name]["parts"]
    return [f"results/sweeps/{wildcards.name}.part{part}.json" for part in range(parts)] if parts > 1 else []


def get_sweep_overlays(wildcards):
    """The stores a sweep's figure draws theory from (view.overlay)."""
    return sweeps.overlay_stores(config, wildcards.name)


def get_phase_diagram_stores(wildcards):
    """{route: store} of one phase diagram."""
    return sweeps.phase_diagram_stores(config, wildcards.diagram)


def get_final_outputs():
    section = config["meanfield"]
    outputs = [*rules.cbo_bilevel_table.output, *rules.cbo_bilevel_figures.output, *rules.cbo_illustration.output]
    if config["cbo_tables"]["tables"]:
        outputs += rules.cbo_tables_table.output
    outputs += [f"results/figures/meanfield/rmaps/{name}.png" for name in section["rmaps"]]
    outputs += [f"results/figures/meanfield/diagrams/{name}.png" for name in section["diagrams"]]
    if section["critical"]["cases"]:
        outputs.append("results/figures/meanfield/critical.png")
    if get_free_energy_diagrams():
        outputs += rules.meanfield_free_energy_table.output
    for setting in config["particles"]["settings"]:
        outputs += [f"results/figures/particles/{setting}_{kind}.png" for kind in ("positions", "histograms", "means")]
    if config["particles"]["settings"]:
        outputs += rules.particles_table.output
    for setting in config["mckean_vlasov"]["settings"]:
        outputs += [f"results/figures/mckean_vlasov/{setting}_{kind}.png" for kind in ("densities", "evolution")]
    for name in config["sweeps"]:
        outputs += [f"results/tables/sweeps/{name}.csv", f"results/figures/sweeps/{name}.png"]
    for name in config["phase_diagrams"]:
        outputs += [f"results/tables/phase_diagrams/{name}.csv", f"results/figures/phase_diagrams/{name}.png"]
    return outputs

# Config validation and the helpers that turn the config into target files.
import itertools

from snakemake.utils import validate

from mfsweep.cbo import comparison
from mfsweep.cbo import experiment as cbo_experiment
from mfsweep.meanfield import experiment as meanfield_experiment
from mfsweep.meanfield import mckean_vlasov, montecarlo


validate(config, schema="../../config/schema.yaml")  # same schema as mfsweep.config.load_config

# Rules run with the project's environment (environment.yml); with
# `--software-deployment-method conda` snakemake builds it per rule.
ENV = "../../environment.yml"


def cbo_bilevel_variants():
    """Every combination of the configured Algorithm-1 variants, as dicts."""
    variants = config["cbo_bilevel"]["variants"]
    keys = cbo_experiment.VARIANT_KEYS
    return [dict(zip(keys, values)) for values in itertools.product(*(variants[key] for key in keys))]


def get_cbo_bilevel_stores():
    """The per-(problem, variant) stores the config asks for, each validated before any work starts."""
    stores = []
    for variant in cbo_bilevel_variants():
        for problem in config["cbo_bilevel"]["problems"]:
            cbo_experiment.plan(config, problem, variant)  # raises ValueError naming the bad key
            stores.append(CBO_BILEVEL_STORE.format(problem=problem, **variant))
    return stores


comparison.validate(config)  # raises ValueError naming a bad table, method or problem


def get_cbo_table_stores():
    """Every (table, method, problem) store of the cbo_tables section."""
    return [f"results/cbo_tables/{table}/{method}/{problem}.zarr" for table, method, problem in comparison.cells(config)]


meanfield_experiment.validate(config)  # raises ValueError naming a bad case or option


def get_free_energy_diagrams():
    """Diagram stores whose spec asks for a Table-2 free-energy column."""
    diagrams = config["meanfield"]["diagrams"]
    return [f"results/meanfield/diagrams/{name}.zarr" for name, spec in diagrams.items()
            if spec["free_energy_beta"] is not None]


montecarlo.validate(config)  # raises ValueError naming a bad setting key


def get_particle_stores(setting=None):
    """The (setting, model) particle stores: of one setting, or of all."""
    settings = config["particles"]["settings"]
    names = [setting] if setting is not None else list(settings)
    return [f"results/particles/{name}/{model}.zarr" for name in names for model in montecarlo.models(settings[name])]


mckean_vlasov.validate(config)  # raises ValueError naming a bad setting key


def get_mckean_vlasov_stores(setting):
    """The (setting, model) McKean-Vlasov stores of one setting."""
    spec = config["mckean_vlasov"]["settings"][setting]
    return [f"results/mckean_vlasov/{setting}/{model}.zarr" for model in montecarlo.models(spec)]


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
    return outputs

"""Rule cbo_bilevel_run: one (problem, variant) store of the bi-level MS-CBO sweep."""

from mfsweep.experiments.cbo_bilevel import VARIANT_KEYS, run_store
from mfsweep.experiments.jobs import decode
from mfsweep.scriptlog import log_to

log_to(snakemake.log[0])
variant = {key: snakemake.wildcards[key] for key in VARIANT_KEYS}
run_store(decode(snakemake.params.config, snakemake.config["dask"]), snakemake.wildcards.problem, variant,
          snakemake.output[0], snakemake.threads)
